"""The one place an exception becomes an HTTP answer: ``{"error": {"code": ..., "message": ...}}`` with the
error's status. The API's own errors (:mod:`chalicelib.services.errors`) keep their status, code and message;
a route table may name how its domain's exceptions read (:data:`Translations`, e.g. a store being down is
503); a stray botocore ClientError goes through the same Cognito table; anything else is logged and answered as
500 InternalError with a generic message, so no stack trace or internal detail reaches the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from botocore.exceptions import ClientError
from chalice import Response

from chalicelib.api.http import json_response
from chalicelib.api.models import ErrorDetail, ErrorResponse
from chalicelib.observability import logger
from chalicelib.services.errors import (
    GENERIC_UPSTREAM_MESSAGE,
    ApiError,
    InternalError,
    ServiceUnavailableError,
    from_client_error,
)

# exception class -> the API error it is answered as (the first class the exception is an instance of).
Translations = Mapping[type[Exception], Callable[[Any], ApiError]]


class ForbiddenError(ApiError):
    """Signed in, but not allowed (not a member of the admin group)."""

    STATUS_CODE = 403
    CODE = "AccessDeniedException"


class NotFoundError(ApiError):
    STATUS_CODE = 404
    CODE = "ResourceNotFoundException"


class ConflictError(ApiError):
    STATUS_CODE = 409
    CODE = "ConflictException"


def unavailable(_exc: Exception) -> ApiError:
    """A store the request needs did not answer: 503, and nothing of why (that is for the log)."""
    return ServiceUnavailableError(GENERIC_UPSTREAM_MESSAGE)


def as_api_error(exc: BaseException, translations: Translations | None = None) -> ApiError:
    if isinstance(exc, ApiError):
        return exc
    for kind, translate in (translations or {}).items():
        if isinstance(exc, kind):
            return translate(exc)
    if isinstance(exc, ClientError):
        return from_client_error(exc)
    logger.error("unhandled error in the auth API", exc_info=exc)
    return InternalError()


def error_response(exc: BaseException, *, set_cookies: list[str] | None = None,
                   translations: Translations | None = None) -> Response:
    error = as_api_error(exc, translations)
    body = ErrorResponse(error=ErrorDetail(code=error.code, message=error.message))
    return json_response(body, error.status_code, headers=error.headers, set_cookies=set_cookies)

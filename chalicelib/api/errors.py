"""The one place an exception becomes an HTTP answer: ``{"error": {"code": ..., "message": ...}}`` with the
error's status. The API's own errors (:mod:`chalicelib.services.errors`) keep their status, code and message;
a stray botocore ClientError goes through the same Cognito table; anything else is logged and answered as
500 InternalError with a generic message, so no stack trace or internal detail reaches the caller.
"""

from __future__ import annotations

from botocore.exceptions import ClientError
from chalice import Response

from chalicelib.api.http import json_response
from chalicelib.api.models import ErrorDetail, ErrorResponse
from chalicelib.observability import logger
from chalicelib.services.errors import ApiError, InternalError, from_client_error


def as_api_error(exc: BaseException) -> ApiError:
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, ClientError):
        return from_client_error(exc)
    logger.error("unhandled error in the auth API", exc_info=exc)
    return InternalError()


def error_response(exc: BaseException, *, set_cookies: list[str] | None = None) -> Response:
    error = as_api_error(exc)
    body = ErrorResponse(error=ErrorDetail(code=error.code, message=error.message))
    return json_response(body, error.status_code, headers=error.headers, set_cookies=set_cookies)

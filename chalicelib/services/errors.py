"""The auth API's errors: each carries its HTTP status (STATUS_CODE, as chalice's view errors do), a code and a
message safe to show a user. Services raise them; one edge helper (chalicelib/api/errors.py) turns them into
`{"error": {"code", "message"}}`. Nothing here imports chalice.

Cognito's errors keep Cognito's exception name as the code
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html and each
operation's Errors section); :data:`COGNITO_STATUS` gives each a fitting HTTP status. A code not in the table
is a fault of this deployment or of Cognito, not of the caller: it becomes 500 InternalError with a generic
message, and the details go to the log only.
"""

from __future__ import annotations

from typing import Any, Final

from botocore.exceptions import ClientError

GENERIC_INTERNAL_MESSAGE: Final = "An internal error occurred. Please try again later."
GENERIC_UPSTREAM_MESSAGE: Final = "The request could not be completed. Please try again later."
INCORRECT_CREDENTIALS: Final = "Incorrect username or password."
GENERIC_UNAVAILABLE_MESSAGE: Final = "The password could not be checked right now. Please try again later."

# Cognito exception name -> HTTP status. The 502 codes are failures of a trigger or of message delivery:
# their code is kept, their message (which names internals) is replaced by a generic one.
COGNITO_STATUS: Final[dict[str, int]] = {
    "InvalidParameterException": 400,
    "InvalidPasswordException": 400,
    "PasswordHistoryPolicyViolationException": 400,
    "CodeMismatchException": 400,
    "ExpiredCodeException": 400,
    "UserLambdaValidationException": 400,
    "MFAMethodNotFoundException": 400,
    "SoftwareTokenMFANotFoundException": 400,
    "EnableSoftwareTokenMFAException": 400,
    "UnsupportedTokenTypeException": 400,
    "NotAuthorizedException": 401,
    "RefreshTokenReuseException": 401,
    "UserNotConfirmedException": 403,
    "PasswordResetRequiredException": 403,
    "ForbiddenException": 403,
    "UsernameExistsException": 409,
    "AliasExistsException": 409,
    "LimitExceededException": 429,
    "TooManyRequestsException": 429,
    "TooManyFailedAttemptsException": 429,
    "UnexpectedLambdaException": 502,
    "InvalidLambdaResponseException": 502,
    "CodeDeliveryFailureException": 502,
}


class ApiError(Exception):
    """An error the API answers with STATUS_CODE and ``{"error": {"code": code, "message": message}}``."""

    STATUS_CODE: int = 500
    CODE: str = "InternalError"

    def __init__(self, message: str, *, code: str | None = None, status_code: int | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.CODE
        self.status_code = status_code or self.STATUS_CODE
        self.headers = dict(headers or {})


class RequestValidationError(ApiError):
    """The request body, a header or the content type is malformed, missing, oversized or wrongly typed."""

    STATUS_CODE = 400
    CODE = "ValidationError"


class UnauthorizedError(ApiError):
    """A protected route was called without a valid access token (RFC 6750 §3: WWW-Authenticate)."""

    STATUS_CODE = 401
    CODE = "NotAuthorizedException"

    def __init__(self, message: str, *, error: str | None = "invalid_token") -> None:
        # No error code when the request carried no credentials at all (RFC 6750 §3.1).
        challenge = f'Bearer error="{error}"' if error else "Bearer"
        super().__init__(message, headers={"WWW-Authenticate": challenge})


class InternalError(ApiError):
    """A fault of this deployment (configuration, an unexpected Cognito answer); the message is generic."""

    def __init__(self, message: str = GENERIC_INTERNAL_MESSAGE) -> None:
        super().__init__(message)


class ServiceUnavailableError(ApiError):
    """A dependency the request cannot safely go without (the breach store, the online breach check) did not
    answer in time: the request is refused (fail closed) and may be retried."""

    STATUS_CODE = 503
    CODE = "ServiceUnavailable"

    def __init__(self, message: str = GENERIC_UNAVAILABLE_MESSAGE) -> None:
        super().__init__(message, headers={"Retry-After": "1"})


class CognitoError(ApiError):
    """An error Cognito answered, under Cognito's own exception name. ``source_code`` is what Cognito said,
    which differs from ``code`` only where the API hides it (UserNotFoundException)."""

    def __init__(self, code: str, message: str, *, source_code: str | None = None) -> None:
        status = COGNITO_STATUS.get(code, 500)
        if status >= 500:
            message = GENERIC_UPSTREAM_MESSAGE
        super().__init__(message, code=code, status_code=status)
        self.source_code = source_code or code


def from_client_error(error: ClientError) -> ApiError:
    """A botocore ClientError as the API's error: a known Cognito code keeps its name, anything else is
    an InternalError (the caller learns nothing about it)."""
    details: dict[str, Any] = error.response.get("Error") or {}
    code = str(details.get("Code") or "")
    if code == "UserNotFoundException":
        # Only reachable where the public operations already hide it; answer as a wrong password would.
        return CognitoError("NotAuthorizedException", INCORRECT_CREDENTIALS, source_code=code)
    if code not in COGNITO_STATUS:
        return InternalError()
    return CognitoError(code, str(details.get("Message") or code))

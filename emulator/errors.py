"""Cognito's exceptions: the class name is the wire name (`__type`), the default message is Cognito's own.

Messages follow the strings real Cognito returns (see ../shared/reference/cognito-contract.md §2).
"""

from __future__ import annotations


class CognitoError(Exception):
    """An error Cognito answers with HTTP 400 and `{"__type": <class name>, "message": ...}`."""

    status = 400
    default_message = ""

    def __init__(self, message: str | None = None) -> None:
        self.message = message if message is not None else self.default_message
        super().__init__(self.message)

    @property
    def code(self) -> str:
        return type(self).__name__

    def to_wire(self) -> dict[str, str]:
        return {"__type": self.code, "message": self.message}


class InvalidParameterException(CognitoError):
    pass


class ResourceNotFoundException(CognitoError):
    pass


class NotAuthorizedException(CognitoError):
    default_message = "Incorrect username or password."


class RefreshTokenReuseException(CognitoError):
    """A refresh token rotated out (RefreshTokenRotation) and past its grace period; the message is ours."""

    default_message = "Refresh Token has been rotated"


class UserNotFoundException(CognitoError):
    default_message = "User does not exist."


class UsernameExistsException(CognitoError):
    default_message = "User already exists"


class UserNotConfirmedException(CognitoError):
    default_message = "User is not confirmed."


class PasswordResetRequiredException(CognitoError):
    default_message = "Password reset required for the user"


class CodeMismatchException(CognitoError):
    default_message = "Invalid verification code provided, please try again."


class ExpiredCodeException(CognitoError):
    default_message = "Invalid code provided, please request a code again."


class InvalidPasswordException(CognitoError):
    pass


class AliasExistsException(CognitoError):
    default_message = "An account with the email already exists."


class LimitExceededException(CognitoError):
    default_message = "Attempt limit exceeded, please try after some time."


class TooManyFailedAttemptsException(CognitoError):
    pass


class TooManyRequestsException(CognitoError):
    pass


class UserLambdaValidationException(CognitoError):
    pass


class InvalidLambdaResponseException(CognitoError):
    pass


class UnexpectedLambdaException(CognitoError):
    pass


class InvalidUserPoolConfigurationException(CognitoError):
    pass


class SoftwareTokenMFANotFoundException(CognitoError):
    default_message = "Software Token MFA has not been enabled by the user."


class EnableSoftwareTokenMFAException(CognitoError):
    pass


class MFAMethodNotFoundException(CognitoError):
    pass


class GroupExistsException(CognitoError):
    pass


class UnsupportedTokenTypeException(CognitoError):
    pass


class UnsupportedUserStateException(CognitoError):
    pass


class UnauthorizedException(CognitoError):
    pass


class UserPoolAddOnNotEnabledException(CognitoError):
    pass


class ConcurrentModificationException(CognitoError):
    pass


class InternalErrorException(CognitoError):
    status = 500
    default_message = "An internal error occurred."


# Protocol-level errors (AWS JSON 1.1), not in the cognito-idp model but understood by every SDK.
class SerializationException(CognitoError):
    pass


class UnknownOperationException(CognitoError):
    pass


class ValidationException(CognitoError):
    pass


class UnsupportedOperationException(CognitoError):
    """An operation Cognito has but this emulator does not implement: never a silent success."""

"""Cognito Identity's own exceptions (ID-API), beside the ones it shares with cognito-idp
(emulator/errors.py: InvalidParameterException, NotAuthorizedException, ResourceNotFoundException,
LimitExceededException, ...). The class name is the wire name, as there."""

from __future__ import annotations

from emulator.errors import CognitoError


class InvalidIdentityPoolConfigurationException(CognitoError):  # noqa: N818 (the wire name)
    default_message = "Invalid identity pool configuration. Check assigned IAM roles for this pool."


class ResourceConflictException(CognitoError):  # noqa: N818
    pass


class ExternalServiceException(CognitoError):  # noqa: N818
    default_message = "An exception occurred with an external service."


class DeveloperUserAlreadyRegisteredException(CognitoError):  # noqa: N818
    default_message = ("The provided developer user identifier is already registered with Cognito under a "
                       "different identity ID.")

"""Request and response bodies of the auth API (pydantic v2), camelCase on the wire.

Request models are strict (no coercion: ``"username": 1`` is an error, not ``"1"``) and closed (an unknown
field is an error), with Cognito's own limits (UsernameType 1-128, PasswordType <= 256, SessionType 20-4096,
AttributeNameType <= 32, AttributeValueType <= 2048) or tighter ones where a tighter one is enough (codes <= 64,
attributes <= 50: a pool has at most 50 custom attributes). The OpenAPI document is generated from these
classes, so they are the contract.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

MAX_BODY_BYTES = 16 * 1024

Username = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$")]
Password = Annotated[str, StringConstraints(min_length=1, max_length=256)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^\S+$")]
Session = Annotated[str, StringConstraints(min_length=20, max_length=4096)]
AttributeName = Annotated[str, StringConstraints(min_length=1, max_length=32)]
AttributeValue = Annotated[str, StringConstraints(max_length=2048)]
ResponseName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
ResponseValue = Annotated[str, StringConstraints(max_length=4096)]
SecondFactor = Literal["TOTP", "PASSKEY", "EMAIL_OTP", "SMS_OTP"]
RefreshToken = Annotated[str, StringConstraints(min_length=1, max_length=8192, pattern=r"^[A-Za-z0-9\-_=.]+$")]

# RespondToAuthChallenge's ChallengeNameType (botocore model); a unit test keeps the two equal.
ChallengeName = Literal[
    "SMS_MFA", "EMAIL_OTP", "SOFTWARE_TOKEN_MFA", "SELECT_MFA_TYPE", "MFA_SETUP", "PASSWORD_VERIFIER",
    "CUSTOM_CHALLENGE", "SELECT_CHALLENGE", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER", "ADMIN_NO_SRP_AUTH",
    "NEW_PASSWORD_REQUIRED", "SMS_OTP", "PASSWORD", "WEB_AUTHN", "PASSWORD_SRP",
]


class RequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, alias_generator=to_camel, defer_build=True,
                              validate_by_name=False, validate_by_alias=True)
    # An empty body (no bytes, or only whitespace) means every field's default, whatever the content type.
    accepts_empty: ClassVar[bool] = False


def _absent_not_null(schema: dict[str, Any]) -> None:
    """An optional parameter left out is absent, never null: no ``"default": null`` in its schema."""
    for prop in schema.get("properties", {}).values():
        if "default" in prop and prop["default"] is None:
            del prop["default"]


def required_fields(*names: str) -> Callable[[dict[str, Any]], None]:
    """A model's schema ``required``, for fields that default to None only so that a missing one is refused
    by the field's own check, in its own words (``feedbackValue: must be Valid or Invalid``)."""
    def update(schema: dict[str, Any]) -> None:
        schema["required"] = list(names)
        _absent_not_null(schema)

    return update


class Params(BaseModel):
    """Path or query parameters (strings, named as in the path template or the query, camelCase). Each field
    checks its own value; unknown query parameters are ignored unless a subclass forbids them."""

    model_config = ConfigDict(extra="ignore", strict=True, frozen=True, alias_generator=to_camel, defer_build=True,
                              validate_by_name=False, validate_by_alias=True, json_schema_extra=_absent_not_null)


# An optional query parameter's schema (absent, not null, when not given).
QUERY_TEXT: Final = WithJsonSchema({"type": "string"})


def refusal(message: str) -> PydanticCustomError:
    """A field error that reads ``<field>: <message>`` in the 400 answer (:func:`chalicelib.api.http.describe`)."""
    return PydanticCustomError("refused", message)


def whole_number(low: int, high: int) -> Callable[[Any], int]:
    """A query number written in decimal digits only, from ``low`` to ``high``."""
    def check(value: Any) -> int:
        if not isinstance(value, str) or not value.isdecimal() or len(value) > 9 or not low <= int(value) <= high:
            raise refusal(f"must be a whole number from {low} to {high}")
        return int(value)

    return check


class ResponseBody(BaseModel):
    model_config = ConfigDict(frozen=True, alias_generator=to_camel, serialize_by_alias=True, validate_by_name=True,
                              defer_build=True)


# ---------------------------------------------------------------- requests


class SignUpRequest(RequestBody):
    username: Username
    password: Password
    attributes: dict[AttributeName, AttributeValue] = Field(default_factory=dict, max_length=50)


class ConfirmRequest(RequestBody):
    username: Username
    code: Code


class UsernameRequest(RequestBody):
    """Resend the sign-up code, or start a password reset."""

    username: Username


class SignInRequest(RequestBody):
    username: Username
    password: Password
    # The second factor to use when one is asked (TOTP, PASSKEY, EMAIL_OTP, SMS_OTP), if this user has it.
    second_factor: SecondFactor | None = None


class ChallengeRequest(RequestBody):
    username: Username
    session: Session
    challenge: ChallengeName
    responses: dict[ResponseName, ResponseValue] = Field(default_factory=dict, max_length=20)


class RefreshRequest(RequestBody):
    """``refreshToken`` may be left out when the refresh cookie carries it. ``username`` is needed only when
    the app client has a secret (Cognito keys REFRESH_TOKEN_AUTH's SECRET_HASH on it)."""

    refresh_token: RefreshToken | None = None
    username: Username | None = None


class ConfirmPasswordRequest(RequestBody):
    username: Username
    code: Code
    password: Password


class ChangePasswordRequest(RequestBody):
    previous_password: Password
    proposed_password: Password


class EmptyRequest(RequestBody):
    """A route that takes no body accepts none, or ``{}``."""

    accepts_empty: ClassVar[bool] = True


# ---------------------------------------------------------------- responses


class CodeDeliveryBody(ResponseBody):
    """Where the code went. Empty when the API does not say (resend and forgot-password never do, so that the
    answer is the same for every username)."""

    destination: str | None = None
    delivery_medium: str | None = None
    attribute_name: str | None = None


class SignUpResponse(ResponseBody):
    user_confirmed: bool
    code_delivery: CodeDeliveryBody | None = None


class ConfirmResponse(ResponseBody):
    confirmed: Literal[True] = True


class CodeSentResponse(ResponseBody):
    code_delivery: CodeDeliveryBody


class TokensResponse(ResponseBody):
    """A completed sign-in. ``refreshToken`` is absent after a refresh unless Cognito rotated it."""

    id_token: str
    access_token: str
    refresh_token: str | None = None
    expires_in: int


class CookieSessionResponse(ResponseBody):
    """A completed sign-in in cookie mode: the tokens are in HttpOnly cookies, not in the body."""

    signed_in: Literal[True] = True
    expires_in: int


class ChallengeResponse(ResponseBody):
    """Cognito wants more: answer with POST /auth/challenge. ``session`` is Cognito's, or, for a step-up that
    account takeover protection asked for, Cognito's behind the API's signed ``cwrisk~`` prefix: give it back
    to this API as it is."""

    challenge: str
    session: str
    parameters: dict[str, str]


class SignOutResponse(ResponseBody):
    signed_out: Literal[True] = True


class PasswordResetResponse(ResponseBody):
    password_reset: Literal[True] = True


class PasswordChangedResponse(ResponseBody):
    password_changed: Literal[True] = True


class ProfileResponse(ResponseBody):
    username: str
    sub: str
    attributes: dict[str, str]
    groups: list[str]


class ErrorDetail(ResponseBody):
    code: str
    message: str


class ErrorResponse(ResponseBody):
    error: ErrorDetail


class OpenApiDocument(ResponseBody):
    """This API's OpenAPI 3.1 document."""

    model_config = ConfigDict(extra="allow")
    openapi: str

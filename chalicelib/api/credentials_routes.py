"""``POST /auth/credentials``: temporary AWS credentials for the signed-in user's role, through the identity
pool's enhanced flow (GetId, then GetCredentialsForIdentity:
https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flow.html).

The caller proves who they are twice: the access token, checked like every protected route
(:mod:`chalicelib.api.authorizer`: ``Authorization: Bearer`` or the access cookie), and the ID token the
identity pool needs, from the body (``{"idToken": ...}``) or the ``__Host-id`` cookie of cookie mode. The
ID token is verified here too (same pool, same app client, not expired) and must be the same user's
(``sub``) as the access token. ``customRoleArn`` picks one of the user's roles (``cognito:roles``), as
GetCredentialsForIdentity's CustomRoleArn does.

The same code runs in AWS and in stage local: boto3's cognito-identity client goes to Cognito, or to the
local stack's ``/cognito-identity`` when AWS_ENDPOINT_URL_COGNITO_IDENTITY says so. The identity pool is
IDENTITY_POOL_ID; the provider is the API's user pool (USER_POOL_ID).

Register with ``app.register_blueprint(credentials_routes.bp)``; tests build their own with
:func:`make_blueprint`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Final

from botocore.exceptions import BotoCoreError, ClientError
from chalice import Blueprint, Response
from chalice.app import Request
from pydantic import StringConstraints

from chalicelib import aws
from chalicelib.api import cookies
from chalicelib.api.authorizer import Principal
from chalicelib.api.edge import Call, add_routes
from chalicelib.api.http import json_response
from chalicelib.api.models import RequestBody, ResponseBody
from chalicelib.api.openapi import RouteSpec
from chalicelib.auth.jwt_verifier import JwksFetchError, JwksValidationError, JwtError, shared_verifier
from chalicelib.observability import logger
from chalicelib.services.cognito import CognitoConfig
from chalicelib.services.errors import ApiError, InternalError, RequestValidationError, UnauthorizedError
from chalicelib.settings import require

IDENTITY_ENDPOINT_ENV: Final = aws.IDENTITY_ENDPOINT_ENV
IDENTITY_POOL_ENV: Final = "IDENTITY_POOL_ID"
MAX_TOKEN_CHARS: Final = 8192
INVALID_ID_TOKEN: Final = "Invalid ID Token"
NOT_THE_SAME_USER: Final = "The ID token and the access token are not the same user's."
ROLE_DENIED_MARK: Final = "role mapping rules for:"

# cognito-identity exception -> HTTP status; anything else is a fault of this deployment (500, generic).
IDENTITY_STATUS: Final = {
    "NotAuthorizedException": 401,
    "InvalidParameterException": 400,
    "ResourceConflictException": 409,
    "TooManyRequestsException": 429,
    "LimitExceededException": 429,
}

IdToken = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TOKEN_CHARS, pattern=r"^[A-Za-z0-9\-_=.]+$")]
RoleArn = Annotated[str, StringConstraints(min_length=20, max_length=2048,
                                           pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")]


class CredentialsRequest(RequestBody):
    """``idToken`` may be left out (or the body be empty) when the ID-token cookie carries it."""

    accepts_empty: ClassVar[bool] = True
    id_token: IdToken | None = None
    custom_role_arn: RoleArn | None = None


class CredentialsBody(ResponseBody):
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: str


class CredentialsResponse(ResponseBody):
    identity_id: str
    credentials: CredentialsBody


def identity_client() -> Any:
    """The cognito-identity client (GetId and GetCredentialsForIdentity are unsigned: no AWS credentials
    are needed)."""
    return aws.cognito_identity()


def _id_token(request: Request, body: CredentialsRequest) -> str:
    token = body.id_token or cookies.parse(request.headers.get("cookie")).get(cookies.ID_COOKIE)
    if not token:
        raise RequestValidationError("idToken: is required (in the body, or as the ID-token cookie)")
    if len(token) > MAX_TOKEN_CHARS:
        raise UnauthorizedError(INVALID_ID_TOKEN)
    return token


def _verified_id_claims(token: str, config: CognitoConfig, principal: Principal) -> dict[str, Any]:
    try:
        claims = shared_verifier(config.issuer, config.client_id, token_use="id").verify(token)
    except (JwksFetchError, JwksValidationError):
        logger.exception("JWKS unavailable", extra={"issuer": config.issuer})
        raise InternalError() from None
    except JwtError as err:
        logger.info("ID token refused", extra={"reason": type(err).__name__})
        raise UnauthorizedError(INVALID_ID_TOKEN) from None
    if claims.get("sub") != principal.claims.get("sub"):
        raise UnauthorizedError(NOT_THE_SAME_USER)
    return claims


def _identity_error(error: ClientError) -> ApiError:
    details: dict[str, Any] = error.response.get("Error") or {}
    code = str(details.get("Code") or "")
    message = str(details.get("Message") or code)
    status = IDENTITY_STATUS.get(code)
    if status is None:
        logger.error("identity pool refused the exchange", extra={"code": code})
        return InternalError()
    if code == "NotAuthorizedException" and ROLE_DENIED_MARK in message:
        status = 403  # signed in, but the role mapping gives this user no role
    return ApiError(message, code=code, status_code=status)


def exchange(id_token: str, config: CognitoConfig, custom_role_arn: str | None) -> CredentialsResponse:
    """GetId then GetCredentialsForIdentity with the user pool's ID token."""
    client = identity_client()
    logins = {f"cognito-idp.{config.region}.amazonaws.com/{config.user_pool_id}": id_token}
    try:
        identity_id = client.get_id(IdentityPoolId=require(IDENTITY_POOL_ENV), Logins=logins)["IdentityId"]
        params: dict[str, Any] = {"IdentityId": identity_id, "Logins": logins}
        if custom_role_arn:
            params["CustomRoleArn"] = custom_role_arn
        credentials = client.get_credentials_for_identity(**params)["Credentials"]
    except ClientError as err:
        raise _identity_error(err) from None
    except BotoCoreError:
        logger.exception("identity pool unreachable")
        raise InternalError() from None
    expiration = credentials["Expiration"]
    return CredentialsResponse(identity_id=identity_id, credentials=CredentialsBody(
        access_key_id=credentials["AccessKeyId"], secret_access_key=credentials["SecretKey"],
        session_token=credentials["SessionToken"],
        expiration=expiration.isoformat() if isinstance(expiration, datetime) else str(expiration)))


def credentials(call: Call) -> Response:
    body: CredentialsRequest = call.body
    if call.principal is None:  # the route table marks the route unprotected: a programming error
        raise RuntimeError("protected handler called without a principal")
    config = CognitoConfig.from_env()
    id_token = _id_token(call.request, body)
    _verified_id_claims(id_token, config, call.principal)
    return json_response(exchange(id_token, config, body.custom_role_arn))


ROUTES: Final[tuple[RouteSpec, ...]] = (
    RouteSpec("/auth/credentials", "POST", credentials, "Temporary AWS credentials for the signed-in user's role",
              (CredentialsResponse,), CredentialsRequest, (400, 401, 403, 409, 429, 500), protected=True),
)


def make_blueprint() -> Blueprint:
    return add_routes(Blueprint(__name__), ROUTES, "auth_api")


bp = make_blueprint()

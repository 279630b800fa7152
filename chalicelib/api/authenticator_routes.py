"""The authenticator routes of the auth API: TOTP enrollment, passkey registration, the list of a user's
authenticators (rename, delete), and the usernameless passkey sign-in. A Chalice blueprint.

Signed-in user (access token, as every protected route: chalicelib/api/authorizer.py); the routes that change
something also ask Cognito (GetUser) whether the token is still live, since offline verification does not see
a sign-out:

- ``POST /auth/authenticators/totp``: a new secret (pending until verified; an active one keeps working);
  answers ``secret``, ``otpauthUri`` and the QR code of that URI (``qrCode``: a PNG data URI, ``qrCodeSvg``).
- ``POST /auth/authenticators/totp/verify`` ``{code, name?}``: a right code activates it (Cognito's
  VerifySoftwareToken errors otherwise); that code cannot then sign in.
- ``POST /auth/authenticators/passkeys/options``: PublicKeyCredentialCreationOptions for a discoverable
  credential (resident key required, user verification as WEBAUTHN_USER_VERIFICATION; the user's passkeys
  excluded). ``POST /auth/authenticators/passkeys`` ``{credential, name?}``: verifies the attestation ("none"
  or a verifiable statement) and stores the credential (Cognito's CompleteWebAuthnRegistration errors).
- ``GET /auth/authenticators``; ``POST /auth/authenticators/rename`` ``{id, name}``;
  ``POST /auth/authenticators/delete`` ``{id}`` (``id``: ``TOTP`` or a passkey's credential id).

Activation, registration and deletion keep the user attribute ``custom:authenticators`` in step
(chalicelib/auth/challenges/enrollment.py): the policy offers TOTP and PASSKEY to the users it lists, and
then asks a password sign-in for a second factor.

Anyone:

- ``POST /auth/passwordless/passkey/options``: request options for a usernameless sign-in (empty
  ``allowCredentials``, a signed challenge valid 120 s, nothing stored); the same as ``POST
  /auth/passwordless/start`` ``{"method": "PASSKEY"}`` without a username.
- ``POST /auth/passwordless/passkey`` ``{credential}``: the assertion's ``userHandle`` and credential id name the
  user; the route runs CUSTOM_AUTH for that user (PASSKEY, ``passkeyMode: usernameless``) and the triggers
  judge the assertion. Tokens, or the cookies of cookie mode.

(With a username, a passkey sign-in is the passwordless routes' ``/start`` with method PASSKEY and ``/answer``
with the assertion's JSON.) Register with ``app.register_blueprint(authenticator_routes.bp)``; tests build
their own with :func:`make_blueprint`.
"""

from __future__ import annotations

import hmac
import json
from typing import Annotated, Any, Final, Literal

from chalice import Blueprint, Response
from pydantic import Field, StringConstraints

from chalicelib import aws
from chalicelib.api.edge import Call, add_routes
from chalicelib.api.http import json_response
from chalicelib.api.models import CookieSessionResponse, EmptyRequest, RequestBody, ResponseBody, TokensResponse
from chalicelib.api.openapi import RouteSpec
from chalicelib.api.passwordless_routes import INCORRECT, CustomAuth, _signed_in
from chalicelib.auth.challenges import enrollment, passkey, totp
from chalicelib.auth.policy import enrolled
from chalicelib.services.cognito import CognitoConfig, CognitoIdp
from chalicelib.services.errors import ApiError, CognitoError, InternalError

TOTP_ID: Final = "TOTP"
CODE_MISMATCH: Final = "Code mismatch and fail enable Software Token MFA"
NOT_FOUND: Final = "No such authenticator."

B64Url = Annotated[str, StringConstraints(min_length=1, max_length=4096, pattern=r"^[A-Za-z0-9_-]+={0,2}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")]
AuthenticatorId = Annotated[str, StringConstraints(min_length=1, max_length=1400, pattern=r"^[A-Za-z0-9_-]+$")]
TotpCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
Transport = Literal["ble", "hybrid", "internal", "nfc", "usb", "smart-card"]


# ---------------------------------------------------------------- bodies


class AssertionResponse(RequestBody):
    client_data_json: B64Url = Field(alias="clientDataJSON")
    authenticator_data: B64Url
    signature: B64Url
    user_handle: B64Url | None = None


class AssertionCredential(RequestBody):
    """``PublicKeyCredential.toJSON()`` of ``navigator.credentials.get()``."""

    id: B64Url
    raw_id: B64Url
    type: Literal["public-key"]
    response: AssertionResponse
    client_extension_results: dict[str, Any] = Field(default_factory=dict)
    authenticator_attachment: str | None = None


class AttestationResponse(RequestBody):
    client_data_json: B64Url = Field(alias="clientDataJSON")
    attestation_object: Annotated[str, StringConstraints(min_length=1, max_length=12000,
                                                         pattern=r"^[A-Za-z0-9_-]+={0,2}$")]
    transports: list[Transport] = Field(default_factory=list, max_length=6)
    authenticator_data: B64Url | None = None
    public_key: Annotated[str, StringConstraints(max_length=2048)] | None = None
    public_key_algorithm: int | None = None


class RegistrationCredential(RequestBody):
    """``PublicKeyCredential.toJSON()`` of ``navigator.credentials.create()``."""

    id: B64Url
    raw_id: B64Url
    type: Literal["public-key"]
    response: AttestationResponse
    client_extension_results: dict[str, Any] = Field(default_factory=dict)
    authenticator_attachment: str | None = None


class TotpVerifyRequest(RequestBody):
    code: TotpCode
    name: Name | None = None


class PasskeyRegisterRequest(RequestBody):
    credential: RegistrationCredential
    name: Name | None = None


class RenameRequest(RequestBody):
    id: AuthenticatorId
    name: Name


class DeleteRequest(RequestBody):
    id: AuthenticatorId


class PasskeySignInRequest(RequestBody):
    credential: AssertionCredential


class AuthenticatorBody(ResponseBody):
    id: str
    type: Literal["TOTP", "PASSKEY"]
    name: str
    created_at: int
    last_used_at: int | None = None
    transports: list[str] | None = None
    backup_eligible: bool | None = None
    backed_up: bool | None = None


class AuthenticatorListResponse(ResponseBody):
    authenticators: list[AuthenticatorBody]


class TotpEnrollmentResponse(ResponseBody):
    secret: str
    otpauth_uri: str
    qr_code: str
    qr_code_svg: str


class PasskeyOptionsResponse(ResponseBody):
    options: dict[str, Any]


class DeletedResponse(ResponseBody):
    deleted: Literal[True] = True


# ---------------------------------------------------------------- helpers


class _Owner:
    """The signed-in user: pool, sub, username, the owner key of their authenticators and (``live``) their
    attributes as Cognito has them."""

    def __init__(self, call: Call, *, live: bool) -> None:
        principal = call.principal
        claims = principal.claims if principal else {}
        sub, username = claims.get("sub"), claims.get("username")
        if principal is None or not isinstance(sub, str) or not isinstance(username, str):
            raise InternalError()
        config = CognitoConfig.from_env()
        self.attributes: dict[str, str] = {}
        if live:  # a signed-out (revoked) token still verifies offline: Cognito says whether it is live
            self.attributes = enrollment.attributes_of(
                CognitoIdp(aws.cognito_idp(), config).get_user(principal.access_token))
        self.pool_id, self.sub, self.username = config.user_pool_id, sub, username
        self.access_token = principal.access_token
        self.key = totp.owner_of(config.user_pool_id, sub)

    def record(self, methods: frozenset[str]) -> None:
        """Make ``custom:authenticators`` say ``methods`` (chalicelib.auth.challenges.enrollment)."""
        try:
            self.attributes = enrollment.record(aws.cognito_idp(), self.access_token, self.attributes, methods)
        except enrollment.EnrollmentNotRecorded:
            raise InternalError() from None

    def enrolled(self) -> frozenset[str]:
        return enrolled(self.attributes)


def _now() -> float:
    import time

    return time.time()


def _signing_key() -> bytes:
    from chalicelib.auth.challenges.settings import ChallengeSettings

    return ChallengeSettings.from_env().signing_key


def _not_found() -> ApiError:
    return ApiError(NOT_FOUND, code="ResourceNotFoundException", status_code=400)  # Cognito answers 400 too


def _epoch(value: float | None) -> int | None:
    return int(value) if value is not None else None


def _passkey_body(item: Any) -> AuthenticatorBody:
    return AuthenticatorBody(id=item.credential_id, type="PASSKEY", name=item.name or "Passkey",
                             created_at=int(item.created_at), last_used_at=_epoch(item.last_used_at),
                             transports=sorted(item.transports or ()), backup_eligible=bool(item.backup_eligible),
                             backed_up=bool(item.backed_up))


def _totp_body(enrolled: totp.Enrolled) -> AuthenticatorBody:
    return AuthenticatorBody(id=TOTP_ID, type="TOTP", name=enrolled.name, created_at=int(enrolled.created_at),
                             last_used_at=_epoch(enrolled.last_used_at))


# ---------------------------------------------------------------- handlers


def list_authenticators(call: Call) -> Response:
    owner = _Owner(call, live=False)
    found: list[AuthenticatorBody] = []
    enrolled = totp.describe(totp.load(owner.key))
    if enrolled is not None:
        found.append(_totp_body(enrolled))
    found += [_passkey_body(item) for item in passkey.credentials_of(owner.key)]
    return json_response(AuthenticatorListResponse(authenticators=found))


def enroll_totp(call: Call) -> Response:
    import segno

    owner = _Owner(call, live=True)
    secret = totp.begin_enrollment(owner.key, _now())
    uri = totp.otpauth_uri(secret, owner.username, totp.issuer())
    code = segno.make(uri, error="m")
    return json_response(TotpEnrollmentResponse(secret=secret, otpauth_uri=uri, qr_code=code.png_data_uri(scale=5),
                                                qr_code_svg=code.svg_inline(scale=5, title="TOTP QR code")))


def verify_totp(call: Call) -> Response:
    body: TotpVerifyRequest = call.body
    owner = _Owner(call, live=True)
    item, now = totp.load(owner.key), _now()
    if item is None or not item.pending:
        raise CognitoError("SoftwareTokenMFANotFoundException", "No software token has been associated with the user.")
    if not totp.pending_matches(owner.key, item, body.code, now):
        raise CognitoError("EnableSoftwareTokenMFAException", CODE_MISMATCH)
    owner.record(owner.enrolled() | {"TOTP"})  # first: TOTP is never active without the policy knowing
    if not totp.activate(owner.key, body.code, now, body.name):
        owner.record(enrollment.held(owner.key))
        raise CognitoError("EnableSoftwareTokenMFAException", CODE_MISMATCH)
    enrolled = totp.describe(totp.load(owner.key))
    if enrolled is None:
        raise InternalError()
    return json_response(_totp_body(enrolled))


def passkey_registration_options(call: Call) -> Response:
    owner = _Owner(call, live=True)
    existing = passkey.credentials_of(owner.key)
    if len(existing) >= passkey.MAX_PASSKEYS:
        raise CognitoError("LimitExceededException", "The user has the maximum number of passkeys.")
    options = passkey.registration_options(passkey.PasskeySettings.from_env(), _signing_key(), pool_id=owner.pool_id,
                                           sub=owner.sub, username=owner.username, existing=existing, now=_now())
    return json_response(PasskeyOptionsResponse(options=options))


def register_passkey(call: Call) -> Response:
    body: PasskeyRegisterRequest = call.body
    owner = _Owner(call, live=True)
    now = _now()
    credential = body.credential.model_dump(by_alias=True, exclude_none=True)
    try:
        registered = passkey.verify_registration(passkey.PasskeySettings.from_env(), _signing_key(),
                                                 pool_id=owner.pool_id, sub=owner.sub, credential=credential, now=now)
    except passkey.RegistrationRefused as refused:
        raise ApiError(refused.message, code=refused.code, status_code=400) from None
    if len(passkey.credentials_of(owner.key)) >= passkey.MAX_PASSKEYS:
        raise CognitoError("LimitExceededException", "The user has the maximum number of passkeys.")
    taken = ApiError("This credential is already registered.", code="WebAuthnCredentialNotSupportedException",
                     status_code=400)
    if passkey.holder_of(registered.credential_id) is not None:
        raise taken
    owner.record(owner.enrolled() | {"PASSKEY"})  # first: a passkey is never stored without the policy knowing
    if not passkey.save(owner.key, owner.username, registered, body.name or "Passkey", now):
        owner.record(enrollment.held(owner.key))
        raise taken
    item = passkey.find(owner.key, registered.credential_id)
    if item is None:
        raise InternalError()
    return json_response(_passkey_body(item))


def rename_authenticator(call: Call) -> Response:
    body: RenameRequest = call.body
    owner = _Owner(call, live=True)
    renamed = (totp.rename(owner.key, body.name) if body.id == TOTP_ID
               else passkey.rename(owner.key, body.id, body.name))
    if not renamed:
        raise _not_found()
    if body.id == TOTP_ID:
        enrolled = totp.describe(totp.load(owner.key))
        if enrolled is None:
            raise _not_found()
        return json_response(_totp_body(enrolled))
    item = passkey.find(owner.key, body.id)
    if item is None:
        raise _not_found()
    return json_response(_passkey_body(item))


def delete_authenticator(call: Call) -> Response:
    body: DeleteRequest = call.body
    owner = _Owner(call, live=True)
    deleted = totp.remove(owner.key) if body.id == TOTP_ID else passkey.remove(owner.key, body.id)
    owner.record(enrollment.held(owner.key))  # also when nothing was deleted: repairs an attribute out of step
    if not deleted:
        raise _not_found()
    return json_response(DeletedResponse())


def usernameless_request_options() -> dict[str, Any]:
    """PublicKeyCredentialRequestOptions for a usernameless sign-in (a signed challenge, nothing stored)."""
    config = CognitoConfig.from_env()
    settings = passkey.PasskeySettings.from_env()
    challenge = passkey.usernameless_challenge(_signing_key(), config.user_pool_id, _now())
    return passkey.request_options(settings, challenge, [])


def usernameless_options(call: Call) -> Response:
    return json_response(PasskeyOptionsResponse(options=usernameless_request_options()))


def sign_in_usernameless(call: Call, assertion: AssertionCredential) -> Response:
    """The assertion's credential id and ``userHandle`` name the user; CUSTOM_AUTH for that user (PASSKEY,
    ``passkeyMode: usernameless``), where the triggers judge the assertion. Tokens, or cookies."""
    config = CognitoConfig.from_env()
    credential = assertion.model_dump(by_alias=True, exclude_none=True)
    handle = assertion.response.user_handle or ""
    holder = passkey.holder_of(assertion.id)
    if (holder is None or not holder.owner.startswith(config.user_pool_id + "/")
            or not hmac.compare_digest(handle.rstrip("=").encode(), holder.user_handle.encode())):
        raise CognitoError("NotAuthorizedException", INCORRECT)
    metadata = {passkey.MODE: passkey.USERNAMELESS}
    auth = CustomAuth(CognitoIdp(aws.cognito_idp(), config), call.user_context)
    canonical, chosen = auth.choose(holder.username, passkey.NAME, metadata)
    session = str(chosen.result.get("Session") or "")
    if chosen.tokens is not None or not session:
        raise InternalError()
    answer = json.dumps(credential, separators=(",", ":"))
    outcome = auth.respond(canonical, session, answer, {"signInMethod": passkey.NAME, **metadata})
    return _signed_in(call, outcome, tokens_only=True)


def usernameless_sign_in(call: Call) -> Response:
    body: PasskeySignInRequest = call.body
    return sign_in_usernameless(call, body.credential)


# ---------------------------------------------------------------- the route table and the edge

_ERRORS: Final = (400, 401, 429, 500)
SIGNED_IN: Final = (TokensResponse, CookieSessionResponse)

ROUTES: Final[tuple[RouteSpec, ...]] = (
    RouteSpec("/auth/authenticators", "GET", list_authenticators, "The signed-in user's TOTP and passkeys",
              (AuthenticatorListResponse,), None, (401, 429, 500), protected=True),
    RouteSpec("/auth/authenticators/rename", "POST", rename_authenticator, "Rename an authenticator",
              (AuthenticatorBody,), RenameRequest, _ERRORS, protected=True),
    RouteSpec("/auth/authenticators/delete", "POST", delete_authenticator, "Delete an authenticator",
              (DeletedResponse,), DeleteRequest, _ERRORS, protected=True),
    RouteSpec("/auth/authenticators/totp", "POST", enroll_totp, "Start enrolling an authenticator app",
              (TotpEnrollmentResponse,), EmptyRequest, _ERRORS, protected=True),
    RouteSpec("/auth/authenticators/totp/verify", "POST", verify_totp, "Activate the authenticator app with a code",
              (AuthenticatorBody,), TotpVerifyRequest, _ERRORS, protected=True),
    RouteSpec("/auth/authenticators/passkeys/options", "POST", passkey_registration_options,
              "Options to register a passkey", (PasskeyOptionsResponse,), EmptyRequest, _ERRORS, protected=True),
    RouteSpec("/auth/authenticators/passkeys", "POST", register_passkey, "Register a passkey",
              (AuthenticatorBody,), PasskeyRegisterRequest, _ERRORS, protected=True),
    RouteSpec("/auth/passwordless/passkey/options", "POST", usernameless_options,
              "Options for a usernameless passkey sign-in", (PasskeyOptionsResponse,), EmptyRequest, (400, 500)),
    RouteSpec("/auth/passwordless/passkey", "POST", usernameless_sign_in, "Sign in with a passkey, no username",
              SIGNED_IN, PasskeySignInRequest, (400, 401, 429, 500, 502), cookie_mode=True),
)


def make_blueprint() -> Blueprint:
    blueprint = Blueprint(__name__)
    add_routes(blueprint, ROUTES, "authenticators")
    return blueprint


bp = make_blueprint()

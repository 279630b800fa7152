"""The passwordless routes of the auth API: a Chalice blueprint over Cognito CUSTOM_AUTH and the bundle's
challenge triggers (chalicelib/auth/challenges).

- ``POST /auth/passwordless/start`` ``{username, method}``: InitiateAuth CUSTOM_AUTH, then the selection round
  answered with ClientMetadata ``signInMethod``; answers the chosen challenge (``parameters.destination``:
  where the code or link went, masked) and the Cognito ``session``. ``{"method": "PASSKEY"}`` without a
  username starts a usernameless sign-in (discoverable credentials): ``parameters.options`` are the
  PublicKeyCredentialRequestOptions (empty ``allowCredentials``, a signed challenge valid 120 s, nothing
  stored) and ``session`` stands for that challenge, not for a Cognito session. Any other method needs a
  username (400 InvalidParameterException).
- ``POST /auth/passwordless/answer`` ``{username, session, answer}``: RespondToAuthChallenge; tokens (or the
  cookies of cookie mode), or the same challenge again after a wrong answer (a new ``session``), or 401 after
  the third wrong answer. A usernameless passkey sign-in answers ``{session, answer}`` (the assertion's JSON,
  no username): the assertion names the user (chalicelib/api/authenticator_routes.py), a wrong one is a 401.
- ``GET /auth/passwordless/magic-link``: the page a magic link opens. It consumes nothing (a link scanner
  only GETs): the token is in the URL fragment, which the browser keeps; the page's button POSTs it.
- ``POST /auth/passwordless/magic-link`` ``{token, session?}``: completes the sign-in: in the Cognito session
  that asked for the link when the client gives it, else in a new CUSTOM_AUTH sign-in (``alreadyHaveMagicLink``),
  so a link opened on another device works too. The triggers consume the link.
- ``POST /auth/passwordless/step-up`` ``{method}`` (access token required): a signed-in user proves a second
  factor; answer with ``/answer``; the new tokens have a fresh ``auth_time``.

The same edge as chalicelib/api/auth_routes.py: access-token check of protected routes, strict JSON bodies,
every failure as ``{"error": {"code", "message"}}``, never a 5xx for bad input. Unknown users: with
PreventUserExistenceErrors ENABLED the triggers answer a decoy challenge; with LEGACY this module answers one.

Register with ``app.register_blueprint(passwordless_routes.bp)``; tests build their own with
:func:`make_blueprint`.
"""

from __future__ import annotations

import base64
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Final

from chalice import Blueprint, Response
from pydantic import StringConstraints

from chalicelib import aws
from chalicelib.api import cookies
from chalicelib.api.edge import Call, add_routes
from chalicelib.api.http import json_response
from chalicelib.api.models import (
    ChallengeResponse,
    CookieSessionResponse,
    RequestBody,
    Session,
    TokensResponse,
    Username,
)
from chalicelib.api.openapi import RouteSpec
from chalicelib.services.cognito import CognitoConfig, CognitoIdp, UserContext
from chalicelib.services.errors import ApiError, CognitoError, InternalError, from_client_error

LANDING: Final = "/auth/passwordless/magic-link"
SELECT: Final = "PROVIDE_AUTH_PARAMETERS"
SELECT_ANSWER: Final = "__select__"
INCORRECT: Final = "Incorrect username or password."
PASSKEY: Final = "PASSKEY"
USERNAME_REQUIRED: Final = "A username is required for this sign-in method (only PASSKEY can start without one)."
# The ``session`` of a usernameless start: this prefix, then the signed WebAuthn challenge (base64url).
USERNAMELESS_SESSION: Final = "passkey-usernameless."
# The messages of the triggers' user-facing refusals (chalicelib.auth.challenges.delivered).
_REFUSALS: Final = {
    "A code or link was sent less than a minute ago": "LimitExceededException",
    "Too many wrong answers": "TooManyFailedAttemptsException",
}

Method = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{0,31}$")]
Answer = Annotated[str, StringConstraints(min_length=1, max_length=2048)]
LinkToken = Annotated[str, StringConstraints(min_length=1, max_length=2048, pattern=r"^[A-Za-z0-9_.-]+$")]
RedirectUri = Annotated[str, StringConstraints(min_length=1, max_length=1024, pattern=r"^https?://\S+$")]


class StartRequest(RequestBody):
    username: Username | None = None
    method: Method
    redirect_uri: RedirectUri | None = None


class AnswerRequest(RequestBody):
    username: Username | None = None
    session: Session
    answer: Answer


class MagicLinkRequest(RequestBody):
    token: LinkToken
    session: Session | None = None


class StepUpRequest(RequestBody):
    method: Method


# ---------------------------------------------------------------- Cognito CUSTOM_AUTH


@dataclass(frozen=True)
class Outcome:
    result: dict[str, Any]

    @property
    def tokens(self) -> dict[str, Any] | None:
        return self.result.get("AuthenticationResult") or None


class CustomAuth:
    """The CUSTOM_AUTH calls of one app client."""

    def __init__(self, idp: CognitoIdp, context: UserContext) -> None:
        self._idp = idp
        self._client = aws.cognito_idp()
        self._context = context.as_user_context_data()

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        if self._context:
            params["UserContextData"] = self._context
        try:
            response = getattr(self._client, operation)(ClientId=self._idp.config.client_id, **params)
        except ClientError as err:
            raise _refusal(err) or from_client_error(err) from None
        except BotoCoreError:
            raise InternalError() from None
        response.pop("ResponseMetadata", None)
        return response

    def _with_secret(self, username: str, values: dict[str, str]) -> dict[str, str]:
        secret_hash = self._idp.secret_hash(username)
        if secret_hash:
            values["SECRET_HASH"] = secret_hash
        return values

    def initiate(self, username: str) -> dict[str, Any]:
        return self._call("initiate_auth", AuthFlow="CUSTOM_AUTH",
                          AuthParameters=self._with_secret(username, {"USERNAME": username}))

    def respond(self, username: str, session: str, answer: str, metadata: Mapping[str, str] | None = None,
                ) -> Outcome:
        params: dict[str, Any] = {"ChallengeName": "CUSTOM_CHALLENGE", "Session": session,
                                  "ChallengeResponses": self._with_secret(username, {"USERNAME": username,
                                                                                     "ANSWER": answer})}
        if metadata:
            params["ClientMetadata"] = dict(metadata)
        return Outcome(self._call("respond_to_auth_challenge", **params))

    def choose(self, username: str, method: str, metadata: Mapping[str, str]) -> tuple[str, Outcome]:
        """InitiateAuth, then the selection round; the canonical username and the chosen method's challenge."""
        started = self.initiate(username)
        parameters = started.get("ChallengeParameters") or {}
        if started.get("ChallengeName") != "CUSTOM_CHALLENGE" or parameters.get("challenge") != SELECT:
            raise InternalError()
        canonical = str(parameters.get("USERNAME") or username)
        return canonical, self.respond(canonical, str(started["Session"]), SELECT_ANSWER,
                                       {"signInMethod": method, **metadata})


def _refusal(err: Any) -> ApiError | None:
    details = err.response.get("Error") or {}
    if details.get("Code") != "UserLambdaValidationException":
        return None
    message = str(details.get("Message") or "")
    for text, code in _REFUSALS.items():
        if text in message:
            start = message.index(text)
            return ApiError(message[start:].rstrip(".") + ".", code=code, status_code=429)
    return None


def _decoy(username: str, method: str) -> ChallengeResponse:
    """What /start answers for an unknown user of a LEGACY app client: a challenge like a real one."""
    from chalicelib.auth.challenges import crypto
    from chalicelib.auth.challenges.settings import ChallengeSettings

    settings = ChallengeSettings.from_env()
    medium = "SMS" if method == "SMS_OTP" else "EMAIL"
    session = base64.b64encode(secrets.token_bytes(600)).decode()
    return ChallengeResponse(challenge="CUSTOM_CHALLENGE", session=session, parameters={
        "destination": crypto.fake_destination(settings.signing_key, CognitoConfig.from_env().user_pool_id,
                                                username, medium),
        "deliveryMedium": medium, "challenge": method, "USERNAME": username})


# ---------------------------------------------------------------- handlers


def _auth(call: Call) -> CustomAuth:
    return CustomAuth(CognitoIdp(aws.cognito_idp(), CognitoConfig.from_env()), call.user_context)


def _challenge(outcome: Outcome) -> ChallengeResponse:
    result = outcome.result
    if not result.get("ChallengeName") or not result.get("Session"):
        raise InternalError()
    parameters = {str(k): str(v) for k, v in (result.get("ChallengeParameters") or {}).items()}
    return ChallengeResponse(challenge=str(result["ChallengeName"]), session=str(result["Session"]),
                             parameters=parameters)


def _signed_in(call: Call, outcome: Outcome, *, tokens_only: bool = False) -> Response:
    tokens = outcome.tokens
    if tokens is None:
        if tokens_only:
            raise CognitoError("NotAuthorizedException", INCORRECT)
        return json_response(_challenge(outcome))
    expires_in = int(tokens.get("ExpiresIn") or 0)
    if call.cookie_mode:
        set_cookies = cookies.session_cookies(id_token=tokens["IdToken"], access_token=tokens["AccessToken"],
                                              expires_in=expires_in, refresh_token=tokens.get("RefreshToken"),
                                              stage_prefix=call.stage_prefix, settings=call.cookie_settings)
        return json_response(CookieSessionResponse(expires_in=expires_in), set_cookies=set_cookies)
    return json_response(TokensResponse(id_token=tokens["IdToken"], access_token=tokens["AccessToken"],
                                        refresh_token=tokens.get("RefreshToken"), expires_in=expires_in))


def _usernameless_start() -> ChallengeResponse:
    from chalicelib.api.authenticator_routes import usernameless_request_options

    options = usernameless_request_options()
    return ChallengeResponse(challenge="CUSTOM_CHALLENGE", session=USERNAMELESS_SESSION + options["challenge"],
                             parameters={"challenge": PASSKEY, "options": json.dumps(options, separators=(",", ":")),
                                         "passkeyMode": "usernameless"})


def _usernameless_answer(call: Call, session: str, answer: str) -> Response:
    """The answer to a usernameless start: an assertion of the challenge ``session`` stands for."""
    from pydantic import ValidationError

    from chalicelib.api.authenticator_routes import AssertionCredential, sign_in_usernameless
    from chalicelib.auth.challenges.passkey import parse_assertion, unb64url

    parsed = parse_assertion(answer)
    issued = unb64url(session[len(USERNAMELESS_SESSION):], limit=400)
    if parsed is None or issued is None or not hmac.compare_digest(parsed.challenge, issued):
        raise CognitoError("NotAuthorizedException", INCORRECT)
    try:
        assertion = AssertionCredential.model_validate_json(answer)
    except ValidationError:
        raise CognitoError("NotAuthorizedException", INCORRECT) from None
    return sign_in_usernameless(call, assertion)


def start(call: Call) -> Response:
    body: StartRequest = call.body
    if body.username is None:
        if body.method != PASSKEY:
            raise ApiError(USERNAME_REQUIRED, code="InvalidParameterException", status_code=400)
        return json_response(_usernameless_start())
    metadata = {"redirectUri": body.redirect_uri} if body.redirect_uri else {}
    try:
        _, outcome = _auth(call).choose(body.username, body.method, metadata)
    except CognitoError as err:
        if err.source_code != "UserNotFoundException":
            raise
        return json_response(_decoy(body.username, body.method))
    return json_response(_challenge(outcome))


def answer(call: Call) -> Response:
    body: AnswerRequest = call.body
    if body.username is None:
        if not body.session.startswith(USERNAMELESS_SESSION):
            raise ApiError("A username is required to answer this challenge.", code="InvalidParameterException",
                           status_code=400)
        return _usernameless_answer(call, body.session, body.answer)
    return _signed_in(call, _auth(call).respond(body.username, body.session, body.answer))


def magic_link(call: Call) -> Response:
    from chalicelib.auth.challenges.crypto import peek_link_username

    body: MagicLinkRequest = call.body
    username = peek_link_username(body.token)
    if username is None:
        raise CognitoError("NotAuthorizedException", INCORRECT)
    auth = _auth(call)
    if body.session:
        return _signed_in(call, auth.respond(username, body.session, body.token), tokens_only=True)
    existing = {"alreadyHaveMagicLink": "yes"}
    canonical, chosen = auth.choose(username, "MAGIC_LINK", existing)
    session = str(chosen.result.get("Session") or "")
    if chosen.tokens is not None or not session:
        raise InternalError()
    return _signed_in(call, auth.respond(canonical, session, body.token, {"signInMethod": "MAGIC_LINK", **existing}),
                      tokens_only=True)


def step_up(call: Call) -> Response:
    body: StepUpRequest = call.body
    principal = call.principal
    username = principal.claims.get("username") if principal else None
    if principal is None or not isinstance(username, str):
        raise InternalError()
    _, outcome = _auth(call).choose(username, body.method, {"stepUpToken": principal.access_token})
    return json_response(_challenge(outcome))


# ---------------------------------------------------------------- the landing page

_PAGE: Final = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="no-referrer"><title>Sign in</title></head>
<body><main><h1>Sign in</h1>
<p id="status">Press the button to finish signing in.</p>
<button id="go" type="button">Sign in</button></main>
<script nonce="{nonce}">
const token = location.hash.slice(1);
const status = document.getElementById("status");
const go = document.getElementById("go");
if (!token) {{ status.textContent = "This link is incomplete."; go.disabled = true; }}
go.addEventListener("click", async () => {{
  go.disabled = true;
  const reply = await fetch(location.pathname, {{method: "POST", credentials: "same-origin",
    headers: {{"Content-Type": "application/json", "X-Auth-Mode": "cookie"}}, body: JSON.stringify({{token}})}});
  history.replaceState(null, "", location.pathname);
  status.textContent = reply.ok ? "You are signed in." : "This link is not valid any more.";
}});
</script></body></html>
"""


def landing_page() -> Response:
    nonce = secrets.token_urlsafe(16)
    return Response(body=_PAGE.format(nonce=nonce), status_code=200, headers={
        "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": f"default-src 'none'; script-src 'nonce-{nonce}'; connect-src 'self'; "
                                   "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"})


# ---------------------------------------------------------------- the route table and the edge

_ERRORS: Final = (400, 401, 429, 500, 502)
SIGNED_IN: Final = (TokensResponse, CookieSessionResponse)

ROUTES: Final[tuple[RouteSpec, ...]] = (
    RouteSpec("/auth/passwordless/start", "POST", start, "Start a passwordless sign-in with the chosen method",
              (ChallengeResponse,), StartRequest, _ERRORS),
    RouteSpec("/auth/passwordless/answer", "POST", answer, "Answer the challenge of a passwordless sign-in",
              (*SIGNED_IN, ChallengeResponse), AnswerRequest, _ERRORS, cookie_mode=True),
    RouteSpec(LANDING, "POST", magic_link, "Complete a sign-in with the token of a magic link",
              SIGNED_IN, MagicLinkRequest, _ERRORS, cookie_mode=True),
    RouteSpec("/auth/passwordless/step-up", "POST", step_up, "A signed-in user proves a second factor",
              (ChallengeResponse,), StepUpRequest, _ERRORS, protected=True),
)


def make_blueprint() -> Blueprint:
    blueprint = Blueprint(__name__)
    add_routes(blueprint, ROUTES, "passwordless")
    blueprint.route(LANDING, methods=["GET"])(landing_page)
    return blueprint


bp = make_blueprint()

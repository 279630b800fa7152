"""The auth API: a Chalice blueprint with the routes under /auth, and GET /openapi.json describing them.

Every route is one row of :data:`ROUTES` (path, method, body model, response models, protected or not);
the blueprint is registered from that table and the OpenAPI document generated from it, so neither can
forget a route. Each route is parse -> service -> reply: the edge (:func:`_view`) checks the access token of
protected routes (:mod:`chalicelib.api.authorizer`), validates the body (:mod:`chalicelib.api.http`), calls
the handler, and turns any exception into the JSON error body (:mod:`chalicelib.api.errors`). Handlers call
:class:`chalicelib.services.auth.AuthService` and shape its result.

The same code runs in stage local and in AWS: boto3 reaches Cognito at the endpoint and pool the environment
names (USER_POOL_ID, USER_POOL_CLIENT_ID, optional USER_POOL_CLIENT_SECRET and COGNITO_ISSUER).

Register with ``app.register_blueprint(auth_routes.bp)`` (paths are absolute: no url_prefix). Tests build
their own blueprint with :func:`make_blueprint`, because a chalice Blueprint answers ``current_request`` from
the last app it was registered on.
"""

from __future__ import annotations

import functools
from typing import Any, Final

from chalice import Blueprint, Response

from chalicelib import aws
from chalicelib.api import cookies
from chalicelib.api.authorizer import Principal
from chalicelib.api.edge import Call, add_routes
from chalicelib.api.http import json_response
from chalicelib.api.models import (
    ChallengeRequest,
    ChallengeResponse,
    ChangePasswordRequest,
    CodeDeliveryBody,
    CodeSentResponse,
    ConfirmPasswordRequest,
    ConfirmRequest,
    ConfirmResponse,
    CookieSessionResponse,
    EmptyRequest,
    OpenApiDocument,
    PasswordChangedResponse,
    PasswordResetResponse,
    ProfileResponse,
    RefreshRequest,
    SignInRequest,
    SignOutResponse,
    SignUpRequest,
    SignUpResponse,
    TokensResponse,
    UsernameRequest,
)
from chalicelib.api.openapi import RouteSpec, build_document
from chalicelib.services.auth import AuthService, Challenge, CodeDelivery, Tokens
from chalicelib.services.cognito import CognitoConfig, CognitoIdp
from chalicelib.services.errors import RequestValidationError

API_TITLE: Final = "cogworks auth API"
API_VERSION: Final = "1.0.0"


def _service() -> AuthService:
    return AuthService(CognitoIdp(aws.cognito_idp(), CognitoConfig.from_env()))


def _principal(call: Call) -> Principal:
    if call.principal is None:  # the route table marks the route unprotected: a programming error
        raise RuntimeError("protected handler called without a principal")
    return call.principal


def _delivery(delivery: CodeDelivery | None) -> CodeDeliveryBody | None:
    if delivery is None:
        return None
    return CodeDeliveryBody(destination=delivery.destination, delivery_medium=delivery.delivery_medium,
                            attribute_name=delivery.attribute_name)


def _signed_in(call: Call, outcome: Tokens | Challenge, *, cookie_mode: bool | None = None) -> Response:
    if isinstance(outcome, Challenge):
        return json_response(ChallengeResponse(challenge=outcome.name, session=outcome.session,
                                               parameters=outcome.parameters))
    if cookie_mode if cookie_mode is not None else call.cookie_mode:
        set_cookies = cookies.session_cookies(id_token=outcome.id_token, access_token=outcome.access_token,
                                              expires_in=outcome.expires_in, refresh_token=outcome.refresh_token,
                                              stage_prefix=call.stage_prefix, settings=call.cookie_settings)
        return json_response(CookieSessionResponse(expires_in=outcome.expires_in), set_cookies=set_cookies)
    return json_response(TokensResponse(id_token=outcome.id_token, access_token=outcome.access_token,
                                        refresh_token=outcome.refresh_token, expires_in=outcome.expires_in))


# ---------------------------------------------------------------- handlers: parse -> service -> reply


def sign_up(call: Call) -> Response:
    body: SignUpRequest = call.body
    result = _service().sign_up(body.username, body.password, body.attributes, call.user_context)
    return json_response(SignUpResponse(user_confirmed=result.user_confirmed,
                                        code_delivery=_delivery(result.code_delivery)))


def confirm_sign_up(call: Call) -> Response:
    body: ConfirmRequest = call.body
    _service().confirm_sign_up(body.username, body.code, call.user_context)
    return json_response(ConfirmResponse())


def resend_code(call: Call) -> Response:
    body: UsernameRequest = call.body
    delivery = _service().resend_code(body.username, call.user_context)
    return json_response(CodeSentResponse(code_delivery=_delivery(delivery) or CodeDeliveryBody()))


def _sign_in_service() -> AuthService:
    """The service of the sign-in routes: it may run a password sign-in as CUSTOM_AUTH when the account-takeover
    protection asks for a second factor (chalicelib.services.auth.PasswordThenSecondFactor)."""
    from chalicelib.services.auth import PasswordThenSecondFactor  # here: the imports above are shared

    idp = CognitoIdp(aws.cognito_idp(), CognitoConfig.from_env())
    return AuthService(idp, second_factor=PasswordThenSecondFactor(idp, aws.cognito_idp()))


def _device(call: Call) -> tuple[str, bool]:
    """The caller's device id (the device cookie), or a new one when it had none or a malformed one (a malformed
    cookie counts as none: a new device, never a known one); and whether the id is new."""
    known = cookies.device_id(call.request.headers.get("cookie"))
    return (known, False) if known is not None else (cookies.new_device_id(), True)


def _with_device(response: Response, service: AuthService, device_id: str, new: bool) -> Response:
    """Add the device cookie when the id is new and the pool's account-takeover protection uses it."""
    if new and service.tracks_devices():
        existing = response.headers.get("Set-Cookie") or []
        response.headers["Set-Cookie"] = [*([existing] if isinstance(existing, str) else existing),
                                          cookies.device_cookie(device_id)]
    return response


def sign_in(call: Call) -> Response:
    body: SignInRequest = call.body
    device_id, new = _device(call)
    service = _sign_in_service()
    outcome = service.sign_in(body.username, body.password, call.user_context, device_id, body.second_factor)
    return _with_device(_signed_in(call, outcome), service, device_id, new)


def respond_to_challenge(call: Call) -> Response:
    body: ChallengeRequest = call.body
    device_id, new = _device(call)
    service = _sign_in_service()
    outcome = service.respond(body.username, body.challenge, body.session, body.responses, call.user_context,
                              device_id)
    return _with_device(_signed_in(call, outcome), service, device_id, new)


def refresh(call: Call) -> Response:
    body: RefreshRequest = call.body
    token = body.refresh_token
    from_cookie = token is None
    if token is None:
        token = cookies.parse(call.request.headers.get("cookie")).get(cookies.REFRESH_COOKIE)
    if not token:
        raise RequestValidationError("refreshToken: is required (in the body, or as the refresh cookie)")
    tokens = _service().refresh(token, body.username, call.user_context)
    # A refresh token read from its HttpOnly cookie never buys tokens in a body that a script could read.
    return _signed_in(call, tokens, cookie_mode=call.cookie_mode or from_cookie)


def sign_out(call: Call) -> Response:
    _service().sign_out(_principal(call).access_token)
    return json_response(SignOutResponse(), set_cookies=cookies.clearing_cookies(call.stage_prefix))


def me(call: Call) -> Response:
    principal = _principal(call)
    profile = _service().profile(principal.access_token, principal.claims)
    return json_response(ProfileResponse(username=profile.username, sub=profile.sub, attributes=profile.attributes,
                                         groups=profile.groups))


def forgot_password(call: Call) -> Response:
    body: UsernameRequest = call.body
    delivery = _service().forgot_password(body.username, call.user_context)
    return json_response(CodeSentResponse(code_delivery=_delivery(delivery) or CodeDeliveryBody()))


def confirm_forgot_password(call: Call) -> Response:
    body: ConfirmPasswordRequest = call.body
    _service().confirm_forgot_password(body.username, body.code, body.password, call.user_context)
    return json_response(PasswordResetResponse())


def change_password(call: Call) -> Response:
    body: ChangePasswordRequest = call.body
    _service().change_password(_principal(call).access_token, body.previous_password, body.proposed_password)
    return json_response(PasswordChangedResponse())


def openapi_document(_call: Call) -> Response:
    return json_response(document(), headers={"Cache-Control": "public, max-age=300"})


# ---------------------------------------------------------------- the route table

_PUBLIC_ERRORS: Final = (400, 429, 500, 502)

ROUTES: Final[tuple[RouteSpec, ...]] = (
    RouteSpec("/auth/sign-up", "POST", sign_up, "Register a user; a code goes to the email or phone",
              (SignUpResponse,), SignUpRequest, _PUBLIC_ERRORS),
    RouteSpec("/auth/confirm", "POST", confirm_sign_up, "Confirm a sign-up with the code sent",
              (ConfirmResponse,), ConfirmRequest, (400, 401, 429, 500, 502)),
    RouteSpec("/auth/resend", "POST", resend_code, "Send the sign-up code again",
              (CodeSentResponse,), UsernameRequest, _PUBLIC_ERRORS),
    RouteSpec("/auth/sign-in", "POST", sign_in, "Sign in with username and password",
              (TokensResponse, CookieSessionResponse, ChallengeResponse), SignInRequest,
              (400, 401, 403, 429, 500, 502), cookie_mode=True),
    RouteSpec("/auth/challenge", "POST", respond_to_challenge, "Answer the challenge of a sign-in",
              (TokensResponse, CookieSessionResponse, ChallengeResponse), ChallengeRequest,
              (400, 401, 403, 429, 500, 502), cookie_mode=True),
    RouteSpec("/auth/refresh", "POST", refresh, "New ID and access tokens for a refresh token",
              (TokensResponse, CookieSessionResponse), RefreshRequest, (400, 401, 429, 500, 502), cookie_mode=True),
    RouteSpec("/auth/sign-out", "POST", sign_out, "Sign out everywhere (revokes every refresh token)",
              (SignOutResponse,), EmptyRequest, (400, 401, 429, 500), protected=True, clears_cookies=True),
    RouteSpec("/auth/me", "GET", me, "The signed-in user's profile", (ProfileResponse,), None,
              (401, 429, 500), protected=True),
    RouteSpec("/auth/password/forgot", "POST", forgot_password, "Send a password-reset code",
              (CodeSentResponse,), UsernameRequest, _PUBLIC_ERRORS),
    RouteSpec("/auth/password/confirm", "POST", confirm_forgot_password, "Set a new password with the reset code",
              (PasswordResetResponse,), ConfirmPasswordRequest, _PUBLIC_ERRORS),
    RouteSpec("/auth/password/change", "POST", change_password, "Change the signed-in user's password",
              (PasswordChangedResponse,), ChangePasswordRequest, (400, 401, 429, 500), protected=True),
    RouteSpec("/openapi.json", "GET", openapi_document, "This document", (OpenApiDocument,), None, (500,)),
)


@functools.cache
def document() -> dict[str, Any]:
    """The OpenAPI document of every route of the bundle: the route tables of this module and of the
    passwordless, authenticator, credentials, admin, role-mapping and risk modules (imported here, not at
    module level: they import this module, or the edge it shares)."""
    from chalicelib.api import (
        admin_routes,
        authenticator_routes,
        credentials_routes,
        passwordless_routes,
        risk_routes,
        rolemap_routes,
    )

    routes = [*ROUTES, *passwordless_routes.ROUTES, *authenticator_routes.ROUTES, *credentials_routes.ROUTES,
              *admin_routes.ROUTES, *rolemap_routes.ROUTES, *risk_routes.ROUTES]
    if not any(r.path == passwordless_routes.LANDING and r.method == "GET" for r in routes):
        # The magic link's page is registered by passwordless_routes outside its route table.
        routes.append(RouteSpec(passwordless_routes.LANDING, "GET", passwordless_routes.landing_page,
                                "The page a magic link opens: it consumes nothing; its button POSTs the token",
                                (), errors=(), pages=(200,)))
    return build_document(routes, title=API_TITLE, version=API_VERSION)


# ---------------------------------------------------------------- the edge


def make_blueprint() -> Blueprint:
    """A blueprint with every route of :data:`ROUTES`."""
    blueprint = Blueprint(__name__)
    add_routes(blueprint, ROUTES, "auth_api")
    return blueprint


bp = make_blueprint()

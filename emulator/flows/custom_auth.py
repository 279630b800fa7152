"""CUSTOM_AUTH: DefineAuthChallenge decides, CreateAuthChallenge builds, VerifyAuthChallengeResponse checks,
looping until tokens or failure (https://docs.aws.amazon.com/cognito/latest/developerguide/
user-pool-lambda-challenge.html). SRP_A may open the flow so a password can come first."""

from __future__ import annotations

from typing import Any

from emulator import auth, users
from emulator.context import Context
from emulator.errors import (
    InvalidLambdaResponseException,
    InvalidParameterException,
    NotAuthorizedException,
    UserNotFoundException,
)
from emulator.flows.base import AuthRequest, Flow, check_can_sign_in, pre_authentication
from emulator.flows.user_srp_auth import start_password_verifier, verifier_parameters
from emulator.state import AppClient, User, UserPool


def not_configured() -> InvalidParameterException:
    """CUSTOM_AUTH needs DefineAuthChallenge, and Create/Verify once a custom challenge is chosen."""
    return InvalidParameterException("Custom auth lambda trigger is not configured for the user pool.")


class CustomAuth(Flow):
    AUTH_FLOW = "CUSTOM_AUTH"
    ALLOW = ("ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY")

    def start(self, request: AuthRequest) -> dict[str, Any]:
        ctx, pool, client = self.ctx, request.pool, request.client
        username = request.require("USERNAME")
        users.check_secret_hash(client, username, request.parameters.get("SECRET_HASH"))
        if not ctx.triggers.configured(pool, "DefineAuthChallenge"):
            raise not_configured()
        user = pool.find_user(username)
        if user is None and not client.prevent_user_existence_errors:
            raise UserNotFoundException("User does not exist.")
        if user is not None:
            pre_authentication(ctx, request, user)
        session: list[dict[str, Any]] = []
        srp_a = None
        if request.parameters.get("CHALLENGE_NAME") == "SRP_A":
            srp_a = request.require("SRP_A")
            session.append({"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None})
        state = CustomState(pool, client, user, username, session, admin=request.admin, srp_a=srp_a)
        return advance(ctx, state, client_metadata=None)


class CustomState:
    def __init__(self, pool: UserPool, client: AppClient, user: User | None, username: str,
                 session: list[dict[str, Any]], *, admin: bool, srp_a: str | None = None) -> None:
        self.pool, self.client, self.user, self.username = pool, client, user, username
        self.session, self.admin, self.srp_a = session, admin, srp_a

    @property
    def user_not_found(self) -> bool:
        return self.user is None

    def base_request(self, client_metadata: dict[str, Any] | None) -> dict[str, Any]:
        request: dict[str, Any] = {"userAttributes": self.user.trigger_attributes() if self.user else {},
                                   "session": [dict(entry) for entry in self.session]}
        if client_metadata:
            request["clientMetadata"] = client_metadata
        if self.client.prevent_user_existence_errors:
            request["userNotFound"] = self.user_not_found
        return request


def advance(ctx: Context, state: CustomState, client_metadata: dict[str, Any] | None) -> dict[str, Any]:
    """Ask DefineAuthChallenge what comes next and do it."""
    name = state.user.username if state.user else state.username
    decision = ctx.triggers.run(state.pool, "DefineAuthChallenge", "DefineAuthChallenge_Authentication", name,
                                state.base_request(client_metadata), client_id=state.client.client_id)
    if decision is None:
        raise not_configured()
    if decision.get("failAuthentication") is True:
        raise NotAuthorizedException("Incorrect username or password.")
    if decision.get("issueTokens") is True:
        if state.user is None:
            raise NotAuthorizedException("Incorrect username or password.")
        check_can_sign_in(state.user, state.client)
        return auth.after_first_factor(ctx, state.pool, state.client, state.user, flow="CUSTOM_AUTH",
                                       client_metadata=client_metadata)
    challenge_name = decision.get("challengeName")
    if challenge_name == "PASSWORD_VERIFIER" and state.srp_a:
        session = start_password_verifier(ctx, state.pool, state.client, state.user, state.username, state.srp_a,
                                          flow="CUSTOM_AUTH", admin=state.admin, custom_session=state.session)
        return auth.challenge(session, "PASSWORD_VERIFIER", verifier_parameters(session))
    if challenge_name == "CUSTOM_CHALLENGE":
        return create_custom_challenge(ctx, state, client_metadata)
    raise InvalidLambdaResponseException("Unrecognizable lambda output")


def create_custom_challenge(ctx: Context, state: CustomState, client_metadata: dict[str, Any] | None,
                            ) -> dict[str, Any]:
    request = state.base_request(client_metadata)
    request["challengeName"] = "CUSTOM_CHALLENGE"
    name = state.user.username if state.user else state.username
    created = ctx.triggers.run(state.pool, "CreateAuthChallenge", "CreateAuthChallenge_Authentication", name,
                               request, client_id=state.client.client_id)
    if created is None:
        raise not_configured()
    public = created.get("publicChallengeParameters") or {}
    private = created.get("privateChallengeParameters") or {}
    if not isinstance(public, dict) or not isinstance(private, dict):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    session = auth.new_session(ctx, state.pool, state.client, name, "CUSTOM_AUTH", "CUSTOM_CHALLENGE",
                               user_not_found=state.user_not_found, admin=state.admin,
                               custom_session=state.session, private_parameters=dict(private),
                               challenge_metadata=created.get("challengeMetadata"))
    parameters = {str(k): str(v) for k, v in public.items()}
    parameters.setdefault("USERNAME", name)
    return auth.challenge(session, "CUSTOM_CHALLENGE", parameters)

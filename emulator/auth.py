"""What every auth flow shares: single-use sessions, MFA follow-up, and token issuance with
PreTokenGeneration and PostAuthentication applied as Cognito applies them."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from emulator import ids, tokens
from emulator.context import Context
from emulator.errors import InvalidLambdaResponseException, NotAuthorizedException
from emulator.state import AppClient, AuthSession, User, UserPool

# Claims no trigger may add or change (DG-PRETOKEN "Claims and scopes reference").
PROTECTED_CLAIMS = frozenset({
    "acr", "amr", "aud", "at_hash", "auth_time", "azp", "client_id", "device_key", "event_id", "exp", "iat",
    "identities", "iss", "jti", "nbf", "nonce", "origin_jti", "sub", "token_use", "username", "version",
    "scope", "cognito:username", "cognito:groups", "cognito:roles", "cognito:preferred_role",
})
NO_COMPLEX_ID_CLAIMS = frozenset({"email_verified", "phone_number_verified", "updated_at", "address"})


def session_ttl(client: AppClient) -> int:
    return int(client.config.get("AuthSessionValidity") or 3) * 60


def new_session(ctx: Context, pool: UserPool, client: AppClient, username: str, flow: str,
                challenge_name: str, **fields: Any) -> AuthSession:
    session = AuthSession(token=ids.opaque(192), pool_id=pool.pool_id, client_id=client.client_id,
                          username=username, flow=flow, challenge_name=challenge_name,
                          expires_at=ctx.now() + session_ttl(client), **fields)
    with ctx.store.lock:
        ctx.store.sessions[session.token] = session
    return session


def take_session(ctx: Context, token: Any, client: AppClient, challenge_name: str) -> AuthSession:
    """Consume a session: each one answers exactly one challenge, before it expires."""
    with ctx.store.lock:
        session = ctx.store.sessions.pop(token, None) if isinstance(token, str) else None
    if session is None or session.client_id != client.client_id:
        raise NotAuthorizedException("Invalid session for the user.")
    if session.expires_at <= ctx.now():
        raise NotAuthorizedException("Invalid session for the user, session is expired.")
    if session.challenge_name != challenge_name:
        raise NotAuthorizedException("Invalid session for the user.")
    return session


def challenge(session: AuthSession | None, name: str, parameters: dict[str, str]) -> dict[str, Any]:
    result: dict[str, Any] = {"ChallengeName": name, "ChallengeParameters": parameters}
    if session is not None:
        result["Session"] = session.token
    return result


def after_first_factor(ctx: Context, pool: UserPool, client: AppClient, user: User, *, flow: str,
                       client_metadata: dict[str, Any] | None,
                       source: str = "TokenGeneration_Authentication") -> dict[str, Any]:
    """MFA if the user or pool requires it, else tokens."""
    wants_totp = pool.mfa_configuration == "ON" or user.preferred_mfa == "SOFTWARE_TOKEN_MFA"
    totp_enabled = pool.config.get("SoftwareTokenMfaConfiguration", {}).get("Enabled", True)
    if user.totp_verified and wants_totp and totp_enabled:
        session = new_session(ctx, pool, client, user.username, flow, "SOFTWARE_TOKEN_MFA",
                              private_parameters={"source": source})
        return challenge(session, "SOFTWARE_TOKEN_MFA",
                         {"USER_ID_FOR_SRP": user.username, "FRIENDLY_DEVICE_NAME": "TOTP device"})
    if pool.mfa_configuration == "ON" and not user.totp_verified:
        session = new_session(ctx, pool, client, user.username, flow, "MFA_SETUP",
                              private_parameters={"source": source})
        return challenge(session, "MFA_SETUP", {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'})
    return {"ChallengeParameters": {},
            "AuthenticationResult": issue_tokens(ctx, pool, client, user, source=source,
                                                 client_metadata=client_metadata)}


def issue_tokens(ctx: Context, pool: UserPool, client: AppClient, user: User, *,
                 source: str = "TokenGeneration_Authentication", client_metadata: dict[str, Any] | None = None,
                 refresh: RefreshSeed | None = None, post_authentication: bool = True) -> dict[str, Any]:
    now = int(ctx.now())
    origin_jti = refresh.origin_jti if refresh else str(uuid.uuid4())
    auth_time = refresh.auth_time if refresh else now
    token_ctx = tokens.base_claims(ctx.emulator.issuer(pool.pool_id), pool, client, user, auth_time=auth_time,
                                   origin_jti=origin_jti, event_id=str(uuid.uuid4()), now=now)
    run_pre_token_generation(ctx, pool, client, user, token_ctx, source, client_metadata)
    id_token, access_token = tokens.sign(pool, token_ctx, client, now)
    result: dict[str, Any] = {"AccessToken": access_token, "ExpiresIn": tokens.validity_seconds(client, "AccessToken"),
                              "TokenType": "Bearer", "IdToken": id_token}
    if refresh is None:
        result["RefreshToken"] = tokens.new_refresh_token(ctx.store, pool, client, user, origin_jti=origin_jti,
                                                          auth_time=auth_time, now=ctx.now())
    if post_authentication:
        request: dict[str, Any] = {"userAttributes": user.trigger_attributes(), "newDeviceUsed": False}
        ctx.triggers.run(pool, "PostAuthentication", "PostAuthentication_Authentication", user.username,
                         with_client_metadata(request, client_metadata), client_id=client.client_id)
    return result


def with_client_metadata(request: dict[str, Any], client_metadata: dict[str, Any] | None) -> dict[str, Any]:
    """Only (Admin)RespondToAuthChallenge and GetTokensFromRefreshToken pass ClientMetadata to these
    triggers; without any, Cognito's events carry no `clientMetadata` key (the AWS PreTokenGeneration
    example and the powertools samples)."""
    if client_metadata:
        request["clientMetadata"] = client_metadata
    return request


class RefreshSeed:
    def __init__(self, origin_jti: str, auth_time: int) -> None:
        self.origin_jti = origin_jti
        self.auth_time = auth_time


def run_pre_token_generation(ctx: Context, pool: UserPool, client: AppClient, user: User,
                             token_ctx: tokens.TokenContext, source: str,
                             client_metadata: dict[str, Any] | None) -> None:
    version = ctx.triggers.pre_token_version(pool)
    groups = list(token_ctx.id_claims.get("cognito:groups") or [])
    request: dict[str, Any] = {
        "userAttributes": user.trigger_attributes(),
        "groupConfiguration": {
            "groupsToOverride": groups,
            "iamRolesToOverride": list(token_ctx.id_claims.get("cognito:roles") or []),
            "preferredRole": token_ctx.id_claims.get("cognito:preferred_role"),
        },
    }
    if version != "V1_0":
        request["scopes"] = token_ctx.access_claims["scope"].split()
    response = ctx.triggers.run(pool, "PreTokenGeneration", source, user.username,
                                with_client_metadata(request, client_metadata),
                                client_id=client.client_id, version="1" if version == "V1_0" else "2")
    if not response:
        return
    if version == "V1_0":
        _apply_v1(token_ctx, response.get("claimsOverrideDetails"))
    else:
        _apply_v2(token_ctx, response.get("claimsAndScopeOverrideDetails"), client)


def _apply_v1(token_ctx: tokens.TokenContext, details: Any) -> None:
    if details is None:
        return
    if not isinstance(details, dict):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    add = details.get("claimsToAddOrOverride") or {}
    if not isinstance(add, dict) or any(not isinstance(v, str) for v in add.values()):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    _edit_claims(token_ctx.id_claims, add, details.get("claimsToSuppress"))
    _apply_groups(token_ctx, details.get("groupOverrideDetails"), details)


def _apply_v2(token_ctx: tokens.TokenContext, details: Any, client: AppClient) -> None:
    if details is None:
        return
    if not isinstance(details, dict):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    id_part = details.get("idTokenGeneration") or {}
    access_part = details.get("accessTokenGeneration") or {}
    if not isinstance(id_part, dict) or not isinstance(access_part, dict):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    id_add = id_part.get("claimsToAddOrOverride") or {}
    if not isinstance(id_add, dict) or any(
            name in NO_COMPLEX_ID_CLAIMS and isinstance(value, dict | list) for name, value in id_add.items()):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    _edit_claims(token_ctx.id_claims, id_add, id_part.get("claimsToSuppress"))
    access_add = access_part.get("claimsToAddOrOverride") or {}
    if not isinstance(access_add, dict):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    if access_add.get("aud") == client.client_id:
        token_ctx.access_claims["aud"] = client.client_id
    _edit_claims(token_ctx.access_claims, access_add, access_part.get("claimsToSuppress"))
    scopes = token_ctx.access_claims["scope"].split()
    for scope in access_part.get("scopesToAdd") or []:
        if not isinstance(scope, str) or not scope or any(c.isspace() for c in scope):
            raise InvalidLambdaResponseException("Unrecognizable lambda output")
        if scope not in scopes:
            scopes.append(scope)
    suppressed = set(access_part.get("scopesToSuppress") or [])
    token_ctx.access_claims["scope"] = " ".join(s for s in scopes if s not in suppressed)
    _apply_groups(token_ctx, details.get("groupOverrideDetails"), details)


def _edit_claims(claims: dict[str, Any], add: dict[str, Any], suppress: Any) -> None:
    suppress_set = set(suppress or []) if isinstance(suppress, list) else set()
    for name, value in add.items():
        if name in PROTECTED_CLAIMS or name.startswith("cognito:") or name.startswith("dev:"):
            continue
        if name not in suppress_set:
            claims[name] = copy.deepcopy(value)
    for name in suppress_set:
        if name == "cognito:groups":
            for claim in ("cognito:groups", "cognito:roles", "cognito:preferred_role"):
                claims.pop(claim, None)
        elif name not in PROTECTED_CLAIMS and not name.startswith("cognito:"):
            claims.pop(name, None)


def _apply_groups(token_ctx: tokens.TokenContext, override: Any, details: dict[str, Any]) -> None:
    """groupOverrideDetails replaces the group object in both tokens; null or empty suppresses it."""
    if "groupOverrideDetails" not in details:
        return
    if "cognito:groups" in set(_suppressed(details)):
        return
    override = override if isinstance(override, dict) else {}
    groups = override.get("groupsToOverride") or []
    roles = override.get("iamRolesToOverride") or []
    preferred = override.get("preferredRole")
    for claims in (token_ctx.id_claims, token_ctx.access_claims):
        for claim in ("cognito:groups", "cognito:roles", "cognito:preferred_role"):
            claims.pop(claim, None)
        if groups:
            claims["cognito:groups"] = list(groups)
    if roles:
        token_ctx.id_claims["cognito:roles"] = list(roles)
    if preferred:
        token_ctx.id_claims["cognito:preferred_role"] = preferred


def _suppressed(details: dict[str, Any]) -> list[str]:
    names: list[str] = list(details.get("claimsToSuppress") or [])
    names += list((details.get("idTokenGeneration") or {}).get("claimsToSuppress") or [])
    return names

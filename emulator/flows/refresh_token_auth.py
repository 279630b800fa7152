"""REFRESH_TOKEN_AUTH, and the token refresh it shares with GetTokensFromRefreshToken: new ID and access
tokens for a live refresh token; PreTokenGeneration only (TokenGeneration_RefreshTokens), the original
auth_time kept. A client with RefreshTokenRotation ENABLED also gets a new refresh token, and only through
GetTokensFromRefreshToken: "Refresh token rotation must be completed with GetTokensFromRefreshToken"
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html).
https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator import auth, tokens, users
from emulator.context import Context
from emulator.errors import InvalidParameterException, NotAuthorizedException, RefreshTokenReuseException
from emulator.flows.base import AuthRequest, Flow
from emulator.state import AppClient, User, UserPool


def refresh(ctx: Context, pool: UserPool, client: AppClient, token: str, *,
            prove_secret: Callable[[User], None] | None = None,
            client_metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """The AuthenticationResult of one token refresh; ``prove_secret`` checks the client's secret once the
    token's user is known. A refresh token of a revoked session (RevokeToken, sign-out, disabled user) is
    refused even when it was rotated from, or into, the one revoked."""
    record = ctx.store.refresh_tokens.get(token)
    if record is None or record.client_id != client.client_id:
        raise NotAuthorizedException("Invalid Refresh Token")
    if record.revoked or record.origin_jti in ctx.store.revoked_origin_jtis:
        raise NotAuthorizedException("Refresh Token has been revoked")
    if record.invalid_from is not None and record.invalid_from <= ctx.now():
        raise RefreshTokenReuseException()
    if record.expires_at <= ctx.now():
        raise NotAuthorizedException("Refresh Token has expired")
    user = pool.users.get(record.username)
    if user is None:
        raise NotAuthorizedException("Invalid Refresh Token")
    if prove_secret is not None:
        prove_secret(user)
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    rotates = client.rotates_refresh_tokens
    claimed = rotates and tokens.claim_rotation(ctx.store, record, grace_seconds=client.refresh_token_grace_seconds,
                                                now=ctx.now())
    try:
        result = auth.issue_tokens(ctx, pool, client, user, source="TokenGeneration_RefreshTokens",
                                   client_metadata=client_metadata,
                                   refresh=auth.RefreshSeed(record.origin_jti, record.auth_time),
                                   post_authentication=False)
    except Exception:
        if claimed:  # no tokens came of it (a trigger refused or failed): the submitted token stays valid
            tokens.release_rotation(ctx.store, record)
        raise
    if rotates:
        result["RefreshToken"] = tokens.successor(ctx.store, record)
    return result


class RefreshTokenAuth(Flow):
    AUTH_FLOW = "REFRESH_TOKEN_AUTH"
    ALLOW = ("ALLOW_REFRESH_TOKEN_AUTH",)

    def check_enabled(self, request: AuthRequest) -> None:
        """Cognito always allows refresh (ALLOW_REFRESH_TOKEN_AUTH is mandatory on every client), except
        through InitiateAuth on a client that rotates refresh tokens; the refusal is ours."""
        if request.client.rotates_refresh_tokens:
            raise InvalidParameterException(
                f"{self.AUTH_FLOW} is not available for a client with refresh token rotation enabled; "
                f"use GetTokensFromRefreshToken.")

    def start(self, request: AuthRequest) -> dict[str, Any]:
        token = request.require("REFRESH_TOKEN")

        def prove_secret(user: User) -> None:
            users.check_secret_hash(request.client, request.parameters.get("USERNAME") or user.username,
                                    request.parameters.get("SECRET_HASH"))

        # ClientMetadata is not passed to PreTokenGeneration from InitiateAuth (cognito-contract.md §3.2).
        result = refresh(self.ctx, request.pool, request.client, token, prove_secret=prove_secret)
        return {"ChallengeParameters": {}, "AuthenticationResult": result}


class RefreshToken(RefreshTokenAuth):
    AUTH_FLOW = "REFRESH_TOKEN"

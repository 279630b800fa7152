"""REFRESH_TOKEN_AUTH: new ID and access tokens for a live refresh token; PreTokenGeneration only
(TokenGeneration_RefreshTokens), the original auth_time kept, no new refresh token."""

from __future__ import annotations

from typing import Any

from emulator import auth, users
from emulator.errors import NotAuthorizedException
from emulator.flows.base import AuthRequest, Flow


class RefreshTokenAuth(Flow):
    AUTH_FLOW = "REFRESH_TOKEN_AUTH"
    ALLOW = ("ALLOW_REFRESH_TOKEN_AUTH",)

    def check_enabled(self, request: AuthRequest) -> None:
        """Cognito always allows refresh; ALLOW_REFRESH_TOKEN_AUTH is mandatory on every client."""

    def start(self, request: AuthRequest) -> dict[str, Any]:
        ctx, pool, client = self.ctx, request.pool, request.client
        token = request.require("REFRESH_TOKEN")
        record = ctx.store.refresh_tokens.get(token)
        if record is None or record.client_id != client.client_id:
            raise NotAuthorizedException("Invalid Refresh Token")
        if record.revoked:
            raise NotAuthorizedException("Refresh Token has been revoked")
        if record.expires_at <= ctx.now():
            raise NotAuthorizedException("Refresh Token has expired")
        user = pool.users.get(record.username)
        if user is None:
            raise NotAuthorizedException("Invalid Refresh Token")
        if client.secret:
            users.check_secret_hash(client, request.parameters.get("USERNAME") or user.username,
                                    request.parameters.get("SECRET_HASH"))
        if not user.enabled:
            raise NotAuthorizedException("User is disabled.")
        result = auth.issue_tokens(ctx, pool, client, user, source="TokenGeneration_RefreshTokens",
                                   refresh=auth.RefreshSeed(record.origin_jti, record.auth_time),
                                   post_authentication=False)
        return {"ChallengeParameters": {}, "AuthenticationResult": result}


class RefreshToken(RefreshTokenAuth):
    AUTH_FLOW = "REFRESH_TOKEN"

"""RevokeToken: revokes one refresh token and every ID and access token issued from it (same origin_jti).

The client must be the one the token was issued to, and prove its secret if it has one. As RFC 7009 §2.2
asks of a revocation endpoint, an unknown or already revoked refresh token is answered with success; an
ID or access token is refused with UnsupportedTokenTypeException, since only refresh tokens are revocable.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html
https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html
"""

from __future__ import annotations

import hmac
from typing import Any

import jwt

from emulator.context import Context
from emulator.errors import (
    ResourceNotFoundException,
    UnauthorizedException,
    UnsupportedOperationException,
    UnsupportedTokenTypeException,
)
from emulator.operations import _recovery
from emulator.state import AppClient

CLIENT_AUTH_FAILED = "Client authentication failed."


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    try:
        _pool, client = ctx.client(request["ClientId"])
    except ResourceNotFoundException:
        raise UnauthorizedException(CLIENT_AUTH_FAILED) from None
    check_client_secret(client, request.get("ClientSecret"))
    if client.config.get("EnableTokenRevocation") is False:
        raise UnsupportedOperationException("Token revocation is not enabled for this app client.")
    token = request["Token"]
    if looks_like_jwt(token):
        raise UnsupportedTokenTypeException("Only refresh tokens can be revoked.")
    with ctx.store.lock:
        record = ctx.store.refresh_tokens.get(token)
        if record is None:
            return {}
        if record.client_id != client.client_id:
            raise UnauthorizedException("The refresh token was not issued to this client.")
        _recovery.revoke_family(ctx, record)
    return {}


def check_client_secret(client: AppClient, provided: Any) -> None:
    if not client.secret:
        return
    if not isinstance(provided, str) or not hmac.compare_digest(provided.encode(), client.secret.encode()):
        raise UnauthorizedException(CLIENT_AUTH_FAILED)


def looks_like_jwt(token: str) -> bool:
    if token.count(".") != 2:
        return False
    try:
        jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return False
    return True

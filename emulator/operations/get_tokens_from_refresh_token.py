"""GetTokensFromRefreshToken: new ID and access tokens from a refresh token, as REFRESH_TOKEN_AUTH issues
them (the same checks and messages), plus a new refresh token when the app client's RefreshTokenRotation is
ENABLED. The submitted refresh token then stops working after RetryGracePeriodSeconds (at once for 0); the
new one belongs to the same session, so RevokeToken or a sign-out ends every token of the chain.

A client with a secret sends the secret itself as ClientSecret (not a SECRET_HASH). ClientMetadata reaches
PreTokenGeneration (TokenGeneration_RefreshTokens). Devices are not emulated: DeviceKey is accepted and ignored.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html
"""

from __future__ import annotations

import hmac
from typing import Any

from emulator.context import Context
from emulator.errors import NotAuthorizedException
from emulator.flows.refresh_token_auth import refresh
from emulator.state import AppClient


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, client = ctx.client(request["ClientId"])
    check_client_secret(client, request.get("ClientSecret"))
    result = refresh(ctx, pool, client, request["RefreshToken"],
                     client_metadata=dict(request.get("ClientMetadata") or {}))
    return {"AuthenticationResult": result}


def check_client_secret(client: AppClient, provided: Any) -> None:
    """The messages are ours, worded like those for a missing or wrong SECRET_HASH."""
    if not client.secret:
        return
    if not isinstance(provided, str) or not provided:
        raise NotAuthorizedException(f"Client {client.client_id} is configured with secret but ClientSecret "
                                     f"was not received")
    if not hmac.compare_digest(provided.encode(), client.secret.encode()):
        raise NotAuthorizedException(f"Unable to verify secret for client {client.client_id}")

"""DeleteUserPoolClient: the app client is gone, so every later call naming it answers what Cognito answers
for an unknown client (ResourceNotFoundException "User pool client <id> does not exist." from InitiateAuth,
DescribeUserPoolClient and the rest). Its refresh tokens, pending auth sessions and client-level risk
configuration go with it: a refresh token of the client is refused by every other client as "Invalid
Refresh Token". ID and access tokens already issued stay valid until they expire.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUserPoolClient.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, client = ctx.pool_client(request["UserPoolId"], request["ClientId"])
    store = ctx.store
    with store.lock:
        pool.clients.pop(client.client_id, None)
        pool.risk_configurations.pop(client.client_id, None)
        for token in [t for t, r in store.refresh_tokens.items() if r.client_id == client.client_id]:
            del store.refresh_tokens[token]
        for token in [t for t, s in store.sessions.items() if s.client_id == client.client_id]:
            del store.sessions[token]
    return {}

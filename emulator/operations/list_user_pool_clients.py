"""ListUserPoolClients: the pool's app clients as {ClientId, UserPoolId, ClientName}, in order of creation,
MaxResults (1-60, default 60) per page with NextToken. Every client of this local Cognito is REGULAR (none
comes from dynamic client registration), so ClientType DCR lists none.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUserPoolClients.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.operations._admin import page


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    with ctx.store.lock:
        clients = list(pool.clients.values()) if request.get("ClientType") in (None, "REGULAR") else []
    clients.sort(key=lambda c: (c.created, c.client_id))
    return page(request, clients, lambda c: [c.created, c.client_id],
                lambda c: {"ClientId": c.client_id, "UserPoolId": pool.pool_id, "ClientName": c.name},
                items_name="UserPoolClients", limit_name="MaxResults")

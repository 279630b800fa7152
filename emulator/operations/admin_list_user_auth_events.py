"""AdminListUserAuthEvents: a user's auth events, newest first, with their risk (the bundle's event history,
chalicelib.risk, which the auth API writes). Threat protection must be on (AUDIT or ENFORCED).
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminListUserAuthEvents.html
"""

from __future__ import annotations

from typing import Any

from chalicelib.risk.history import list_events
from chalicelib.risk.store import RiskStoreError
from emulator import users
from emulator.context import Context
from emulator.errors import InternalErrorException, InvalidParameterException
from emulator.operations.set_risk_configuration import require_add_on


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    user = users.get_user(pool, request["Username"])
    require_add_on(pool)
    token = request.get("NextToken")
    if token is not None and not (isinstance(token, str) and token.isalnum() and len(token) <= 64):
        raise InvalidParameterException("Invalid NextToken.")
    try:
        return list_events(pool.pool_id, user.username, request.get("MaxResults"), token)
    except RiskStoreError:
        raise InternalErrorException() from None

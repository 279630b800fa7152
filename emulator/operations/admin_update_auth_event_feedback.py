"""AdminUpdateAuthEventFeedback: an administrator says an event was the user (Valid: its device and network
become trusted) or not (Invalid: they become distrusted, raising later scores). Threat protection must be on.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUpdateAuthEventFeedback.html
"""

from __future__ import annotations

from typing import Any

from chalicelib.risk.history import admin_feedback
from chalicelib.risk.store import RiskStoreError
from emulator import users
from emulator.context import Context
from emulator.errors import InternalErrorException, ResourceNotFoundException
from emulator.operations.set_risk_configuration import require_add_on


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    user = users.get_user(pool, request["Username"])
    require_add_on(pool)
    try:
        admin_feedback(pool.pool_id, user.username, request["EventId"], request["FeedbackValue"])
    except LookupError:
        raise ResourceNotFoundException("Auth event not found.") from None
    except RiskStoreError:
        raise InternalErrorException() from None
    return {}

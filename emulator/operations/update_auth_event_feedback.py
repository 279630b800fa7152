"""UpdateAuthEventFeedback: the public form of feedback, authorised by the FeedbackToken of the risk email's
links (chalicelib.risk.links) instead of IAM. Threat protection must be on.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateAuthEventFeedback.html
"""

from __future__ import annotations

from typing import Any

from chalicelib.risk.history import token_feedback
from chalicelib.risk.links import InvalidTokenError
from chalicelib.risk.store import RiskStoreError
from emulator import users
from emulator.context import Context
from emulator.errors import InternalErrorException, NotAuthorizedException, ResourceNotFoundException
from emulator.operations.set_risk_configuration import require_add_on

INVALID_TOKEN = "Invalid feedback token."


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    user = users.get_user(pool, request["Username"])
    require_add_on(pool)
    try:
        token_feedback(request["FeedbackToken"], request["FeedbackValue"], pool_id=pool.pool_id,
                       username=user.username, event_id=request["EventId"])
    except InvalidTokenError:
        raise NotAuthorizedException(INVALID_TOKEN) from None
    except LookupError:
        raise ResourceNotFoundException("Auth event not found.") from None
    except RiskStoreError:
        raise InternalErrorException() from None
    return {}

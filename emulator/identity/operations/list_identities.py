"""ListIdentities: https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_ListIdentities.html

Oldest first; ``NextToken`` is opaque (the id of the next identity). No identity is ever disabled locally,
so HideDisabled changes nothing.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from emulator.context import Context
from emulator.errors import InvalidParameterException
from emulator.identity.operations._common import pool_of, store
from emulator.identity.operations.describe_identity import description


def _encode(identity_id: str) -> str:
    return base64.urlsafe_b64encode(identity_id.encode()).decode()


def _decode(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidParameterException("Invalid pagination token.") from None


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = pool_of(ctx, request["IdentityPoolId"])
    identities = store(ctx)
    with identities.lock:
        # The store keeps identities in creation order.
        members = [i for i in identities.identities.values() if i.pool_id == pool.pool_id]
    start = 0
    if request.get("NextToken"):
        after = _decode(request["NextToken"])
        positions = [n for n, i in enumerate(members) if i.identity_id == after]
        if not positions:
            raise InvalidParameterException("Invalid pagination token.")
        start = positions[0]
    page = members[start:start + request["MaxResults"]]
    result: dict[str, Any] = {"IdentityPoolId": pool.pool_id, "Identities": [description(i) for i in page]}
    if start + len(page) < len(members):
        result["NextToken"] = _encode(members[start + len(page)].identity_id)
    return result

"""DescribeIdentity: https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_DescribeIdentity.html"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.identity.operations._common import identity_of
from emulator.identity.state import Identity


def description(identity: Identity) -> dict[str, Any]:
    result: dict[str, Any] = {"IdentityId": identity.identity_id, "CreationDate": identity.created,
                              "LastModifiedDate": identity.modified}
    if identity.logins:
        result["Logins"] = sorted(identity.logins)
    return result


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    identity, _pool = identity_of(ctx, request["IdentityId"])
    return description(identity)

"""UpdateGroup: changes the Description, RoleArn and Precedence given and leaves the others as they are;
LastModifiedDate becomes now. Members' next tokens carry the new role and precedence.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateGroup.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.operations._admin import get_group, group_type


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    group = get_group(pool, request["GroupName"])
    with ctx.store.lock:
        if "Description" in request:
            group.description = request["Description"] or ""
        if "RoleArn" in request:
            group.role_arn = request["RoleArn"]
        if "Precedence" in request:
            group.precedence = request["Precedence"]
        group.modified = ctx.now()
    return {"Group": group_type(group)}

"""CreateGroup: a named group in a pool, with an optional IAM role and precedence for DG-RBAC.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.errors import GroupExistsException
from emulator.operations._admin import group_type
from emulator.state import Group


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    name = request["GroupName"]
    now = ctx.now()
    group = Group(name=name, pool_id=pool.pool_id, description=request.get("Description") or "",
                  role_arn=request.get("RoleArn"), precedence=request.get("Precedence"), created=now, modified=now)
    with ctx.store.lock:
        if name in pool.groups:
            raise GroupExistsException(f"A group with the name {name} already exists.")
        pool.groups[name] = group
    return {"Group": group_type(group)}

"""UserMigration: create a user from what the trigger returns, when sign-in or ForgotPassword finds none.

https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-migrate-user.html
"""

from __future__ import annotations

from typing import Any

from emulator import ids, users
from emulator.context import Context
from emulator.errors import InvalidLambdaResponseException
from emulator.state import USER_STATUS_CONFIRMED, USER_STATUS_RESET_REQUIRED, AppClient, User, UserPool


def migrate(ctx: Context, pool: UserPool, client: AppClient, username: str, *, source: str,
            password: str | None = None, validation_data: dict[str, Any] | None = None,
            client_metadata: dict[str, Any] | None = None) -> User | None:
    request: dict[str, Any] = {"validationData": validation_data or {}}
    if client_metadata:
        request["clientMetadata"] = client_metadata
    if password is not None:
        request["password"] = password
    response = ctx.triggers.run(pool, "UserMigration", source, username, request, client_id=client.client_id)
    if not response or not response.get("userAttributes"):
        return None
    attributes = response["userAttributes"]
    if not isinstance(attributes, dict) or any(not isinstance(v, str) for v in attributes.values()):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    attributes = dict(attributes)
    new_username = attributes.pop("username", None) or username
    final = response.get("finalUserStatus")
    now = ctx.now()
    user = User(username=new_username, sub=ids.sub(), attributes=attributes,
                status=USER_STATUS_CONFIRMED if final == "CONFIRMED" else USER_STATUS_RESET_REQUIRED,
                created=now, modified=now)
    if password is not None and final == "CONFIRMED":
        users.set_password(pool, user, password, now)
    with ctx.store.lock:
        if new_username in pool.users:
            return pool.users[new_username]
        pool.users[new_username] = user
    return user

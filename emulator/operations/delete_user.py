"""DeleteUser: the signed-in user deletes their own profile (and with it their group memberships). Their
refresh tokens, and the ID and access tokens issued with them, are revoked and their pending auth sessions
dropped, as AdminDeleteUser does; a later user of the same name inherits nothing. The access token used then
answers "Invalid Access Token", as any token of a deleted user does.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUser.html
"""

from __future__ import annotations

from typing import Any

from emulator import tokens
from emulator.context import Context
from emulator.operations._admin import delete_user


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, user, _claims = tokens.decode_access_token(ctx.store, request["AccessToken"], ctx.now())
    delete_user(ctx, pool, user)
    return {}

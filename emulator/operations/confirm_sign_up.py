"""ConfirmSignUp: check the code, confirm, verify the attribute the code went to, PostConfirmation.

In a pool whose AliasAttributes include that attribute, a value another user holds as a verified alias answers
AliasExistsException and leaves the user unconfirmed, unless ForceAliasCreation moves the alias
(emulator/aliases.py).
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmSignUp.html
"""

from __future__ import annotations

from typing import Any

from emulator import aliases, users
from emulator.context import Context
from emulator.errors import (
    CodeMismatchException,
    ExpiredCodeException,
    NotAuthorizedException,
    UserNotFoundException,
)
from emulator.state import USER_STATUS_CONFIRMED, USER_STATUS_UNCONFIRMED, User


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, client = ctx.client(request["ClientId"])
    users.check_secret_hash(client, request["Username"], request.get("SecretHash"))
    user = pool.find_user(request["Username"])
    if user is None:
        if client.prevent_user_existence_errors:
            raise CodeMismatchException()
        raise UserNotFoundException("Username/client id combination not found.")
    if user.status != USER_STATUS_UNCONFIRMED:
        raise NotAuthorizedException(f"User cannot be confirmed. Current status is {user.status}")
    with ctx.store.lock:
        stored = user.confirmation_code
        if not users.code_matches(stored, request["ConfirmationCode"]):
            raise CodeMismatchException()
        if stored is None or stored.expires_at <= ctx.now():
            raise ExpiredCodeException()
        taken = aliases.claim(pool, stored.attribute, user.attributes.get(stored.attribute), besides=user,
                              force=request.get("ForceAliasCreation") is True)
        aliases.move(taken, stored.attribute, ctx.now())
        confirm(user, stored.attribute, ctx.now())
    post_confirmation(ctx, pool, user, client.client_id, request.get("ClientMetadata"))
    return {}


def confirm(user: User, attribute: str, now: float) -> None:
    user.status = USER_STATUS_CONFIRMED
    user.confirmation_code = None
    if attribute:
        user.attributes[f"{attribute}_verified"] = "true"
    user.modified = now


def post_confirmation(ctx: Context, pool: Any, user: User, client_id: str | None,
                      client_metadata: dict[str, Any] | None, source: str = "PostConfirmation_ConfirmSignUp") -> None:
    ctx.triggers.run(pool, "PostConfirmation", source, user.username, {
        "userAttributes": user.trigger_attributes(), "clientMetadata": client_metadata or {},
    }, client_id=client_id)

"""DeleteUserAttributes: the signed-in user removes the named attributes from their profile. Names the user
has no value for are accepted and change nothing; removing email or phone_number also removes its
`_verified` flag and any pending verification code. Existing tokens are unaffected.

Refused as UpdateUserAttributes refuses a blank value for the same attribute: `sub` and immutable schema
attributes (InvalidParameterException "Cannot modify the non-mutable attribute <name>"), the `*_verified`
flags and attributes outside the app client's WriteAttributes (NotAuthorizedException "A client attempted to
write unauthorized attribute"), names outside the pool's schema and required attributes
(InvalidParameterException "Attributes did not conform to the schema: ...").
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUserAttributes.html
"""

from __future__ import annotations

from typing import Any

from emulator import tokens
from emulator.context import Context
from emulator.operations import _attributes
from emulator.operations.update_user_attributes import apply, check_writable
from emulator.state import User, UserPool


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, user, claims = tokens.decode_access_token(ctx.store, request["AccessToken"], ctx.now())
    names = list(request["UserAttributeNames"])
    check_writable(pool, pool.clients.get(claims.get("client_id", "")), dict.fromkeys(names, ""))
    delete(ctx, pool, user, names)
    return {}


def delete(ctx: Context, pool: UserPool, user: User, names: list[str]) -> None:
    """Remove `names` from the user once they are known to the schema and none of them is required."""
    _attributes.check_known(pool, names)
    _attributes.check_required(pool, {k: v for k, v in user.attributes.items() if k not in names})
    with ctx.store.lock:
        apply(user, dict.fromkeys(names, ""))
        user.modified = ctx.now()

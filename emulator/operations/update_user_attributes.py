"""UpdateUserAttributes: the signed-in user changes their own attributes (a blank value deletes one).

A new email or phone_number is unverified (`<attr>_verified` becomes "false"); when the pool auto-verifies
it, a code goes out through CustomMessage_UpdateUserAttribute and comes back in CodeDeliveryDetailsList, to
be answered with VerifyUserAttribute. `sub` and immutable schema attributes cannot change, and a client may
write neither the `*_verified` flags nor attributes outside its WriteAttributes.

When the pool's UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate names the attribute, a
new value not marked verified in the same request is held pending: the user keeps (and signs in with) the
old value and its `_verified` flag, the code goes to the new address, and VerifyUserAttribute swaps the new
value in, verified. Any later update of the attribute (a new value, the current one, a blank) drops what was
pending and its code; AdminUpdateUserAttributes setting `<attr>_verified` "true" alone applies the pending
value at once.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserAttributeUpdateSettingsType.html
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from emulator import aliases, tokens, users
from emulator.context import Context
from emulator.errors import InvalidParameterException, NotAuthorizedException
from emulator.operations import _attributes, _recovery
from emulator.operations._pool_shapes import STANDARD_ATTRIBUTES
from emulator.state import AppClient, User, UserPool

VERIFIABLE = ("email", "phone_number")
VERIFIED_FLAGS = frozenset({"email_verified", "phone_number_verified"})


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, user, claims = tokens.decode_access_token(ctx.store, request["AccessToken"], ctx.now())
    updates = users.attributes_from_list(request["UserAttributes"])
    check_writable(pool, pool.clients.get(claims.get("client_id", "")), updates)
    details = update(ctx, pool, user, updates, client_id=claims.get("client_id"),
                     client_metadata=_recovery.client_metadata(request))
    return {"CodeDeliveryDetailsList": details}


def update(ctx: Context, pool: UserPool, user: User, updates: dict[str, str], *, client_id: str | None,
           client_metadata: dict[str, Any]) -> list[dict[str, str]]:
    """Check `updates` against the schema and uniqueness, apply them (holding back the values the pool wants
    verified first), and send a code for each changed email or phone_number the pool auto-verifies, unless
    `updates` marks it verified; the CodeDeliveryDetails sent."""
    updates = {**{name: user.pending_attributes[name] for name in VERIFIABLE
                  if name in user.pending_attributes and name not in updates
                  and updates.get(f"{name}_verified") == "true"}, **updates}
    merged = {**user.attributes, **updates}
    _attributes.check_schema(pool, merged)
    _attributes.check_unique(pool, {k: v for k, v in updates.items() if v}, exclude=user)
    changed = [name for name in VERIFIABLE if name in updates and updates[name]
               and updates[name] != user.attributes.get(name)]
    to_verify = [name for name in changed if name in pool.auto_verified_attributes
                 and updates.get(f"{name}_verified") != "true"]
    held = [name for name in to_verify if name in verify_before_update(pool)]
    codes = {name: users.new_code() for name in to_verify}
    now = ctx.now()
    with ctx.store.lock:
        for name in VERIFIABLE:  # AdminUpdateUserAttributes may mark an alias verified; no force here
            if updates.get(f"{name}_verified") == "true":
                aliases.claim(pool, name, merged.get(name), besides=user)
            if name in updates and user.pending_attributes.pop(name, None) is not None:
                user.attribute_codes.pop(name, None)  # it was sent to the value no longer pending
        apply(user, {k: v for k, v in updates.items() if k.removesuffix("_verified") not in held})
        for name in changed:
            if name in held:
                user.pending_attributes[name] = updates[name]
                continue
            if f"{name}_verified" not in updates:
                user.attributes[f"{name}_verified"] = "false"
            user.attribute_codes.pop(name, None)  # a code sent to the old address must not verify the new one
        for name, code in codes.items():
            user.attribute_codes[name] = users.make_code(code, users.ATTRIBUTE_CODE_TTL, now, attribute=name)
        user.modified = now
    details = []
    for name, code in codes.items():
        sent = users.deliver(ctx, pool, user, source="UpdateUserAttribute", code=code, client_id=client_id,
                             client_metadata=client_metadata, attribute=name,
                             to=updates[name] if name in held else None)
        if sent:
            details.append(sent)
    return details


def verify_before_update(pool: UserPool) -> list[str]:
    """The attributes whose new value waits for VerifyUserAttribute (UserAttributeUpdateSettings)."""
    return (pool.config.get("UserAttributeUpdateSettings") or {}).get("AttributesRequireVerificationBeforeUpdate") or []


def check_writable(pool: UserPool, client: AppClient | None, updates: dict[str, str]) -> None:
    if "sub" in updates:
        raise InvalidParameterException("Cannot modify the non-mutable attribute sub")
    allowed = (client.config.get("WriteAttributes") if client else None) or None
    for name in updates:
        if name in VERIFIED_FLAGS or (allowed is not None and name not in allowed):
            raise NotAuthorizedException("A client attempted to write unauthorized attribute")
    check_mutable(pool, updates)


def check_mutable(pool: UserPool, names: Collection[str]) -> None:
    """Neither `sub` nor an attribute the schema marks immutable may change once the user exists."""
    if "sub" in names:
        raise InvalidParameterException("Cannot modify the non-mutable attribute sub")
    for entry in pool.config.get("Schema") or []:
        name = entry.get("Name", "")
        full = name if name in STANDARD_ATTRIBUTES or name.startswith("custom:") else f"custom:{name}"
        if entry.get("Mutable") is False and full in names:
            raise InvalidParameterException(f"Cannot modify the non-mutable attribute {full}")


def apply(user: User, updates: dict[str, str]) -> None:
    for name, value in updates.items():
        if value:
            user.attributes[name] = value
        else:
            user.attributes.pop(name, None)
            if name in VERIFIABLE:
                user.attributes.pop(f"{name}_verified", None)
                user.attribute_codes.pop(name, None)
                user.pending_attributes.pop(name, None)

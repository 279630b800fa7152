"""AdminCreateUser: PreSignUp_AdminCreateUser (its autoConfirmUser / autoVerify* flags are ignored), then a
FORCE_CHANGE_PASSWORD user with a temporary password (given and checked against the policy, or generated)
valid for the pool's TemporaryPasswordValidityDays, then the invitation through CustomMessage_AdminCreateUser
unless MessageAction is SUPPRESS. PostConfirmation never runs for admin-created users. MessageAction RESEND
gives an existing FORCE_CHANGE_PASSWORD user a new temporary password and invitation.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
"""

from __future__ import annotations

import secrets
from typing import Any

from emulator import aliases, ids, users
from emulator.context import Context
from emulator.errors import (
    InvalidParameterException,
    UnsupportedUserStateException,
    UsernameExistsException,
)
from emulator.operations import _attributes
from emulator.state import USER_STATUS_FORCE_CHANGE_PASSWORD, User, UserPool

DAY = 86400
MEDIUM_ATTRIBUTE = {"EMAIL": "email", "SMS": "phone_number"}


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    if request.get("MessageAction") == "RESEND":
        return resend(ctx, pool, request)
    username = request["Username"]
    attributes = users.attributes_from_list(request.get("UserAttributes"))
    internal = _attributes.resolve_username(pool, username, attributes)
    _attributes.check_schema(pool, attributes)
    _attributes.check_unique(pool, attributes)
    if pool.find_user(username) is not None or internal in pool.users:
        raise UsernameExistsException("User account already exists")
    password = _temporary_password(pool, request.get("TemporaryPassword"))
    force_alias = request.get("ForceAliasCreation") is True
    _verified_aliases(pool, attributes, force=force_alias)
    now = ctx.now()
    # With UsernameAttributes, Cognito's generated username is the user's sub.
    sub = internal if internal != username else ids.sub()
    user = User(username=internal, sub=sub, attributes=attributes, status=USER_STATUS_FORCE_CHANGE_PASSWORD,
                created=now, modified=now)
    targets = _delivery_targets(user, request) if request.get("MessageAction") != "SUPPRESS" else []
    ctx.triggers.run(pool, "PreSignUp", "PreSignUp_AdminCreateUser", internal, {
        "userAttributes": {**attributes},
        "validationData": _attributes.validation_data(request.get("ValidationData")),
        "clientMetadata": request.get("ClientMetadata") or {},
    }, client_id=None)
    users.set_password(pool, user, password, now)
    user.temporary_password_expires_at = temporary_password_expiry(pool, now)
    with ctx.store.lock:
        if internal in pool.users:
            raise UsernameExistsException("User account already exists")
        _attributes.check_unique(pool, attributes)
        for attribute, taken in _verified_aliases(pool, attributes, force=force_alias).items():
            aliases.move(taken, attribute, now)
        pool.users[internal] = user
    _invite(ctx, pool, user, password, targets, request.get("ClientMetadata"))
    return {"User": users.user_type(user)}


def resend(ctx: Context, pool: UserPool, request: dict[str, Any]) -> dict[str, Any]:
    """A new temporary password, a fresh validity period and the invitation again; attributes are kept."""
    user = users.get_user(pool, request["Username"])
    if user.status != USER_STATUS_FORCE_CHANGE_PASSWORD:
        raise UnsupportedUserStateException(
            f"Resend not possible. {request['Username']} status is not {USER_STATUS_FORCE_CHANGE_PASSWORD}")
    password = _temporary_password(pool, request.get("TemporaryPassword"))
    targets = _delivery_targets(user, request)
    now = ctx.now()
    with ctx.store.lock:
        users.set_password(pool, user, password, now)
        user.temporary_password_expires_at = temporary_password_expiry(pool, now)
        user.modified = now
    _invite(ctx, pool, user, password, targets, request.get("ClientMetadata"))
    return {"User": users.user_type(user)}


def temporary_password_expiry(pool: UserPool, now: float) -> float:
    """PasswordPolicy.TemporaryPasswordValidityDays (0 or absent means the default, 7 days)."""
    days = users.password_policy(pool).get("TemporaryPasswordValidityDays") or users.DEFAULT_POLICY[
        "TemporaryPasswordValidityDays"]
    return now + int(days) * DAY


def _temporary_password(pool: UserPool, given: Any) -> str:
    if given:
        users.check_password_policy(pool, given)
        return str(given)
    password = users.temporary_password()
    minimum = int(users.password_policy(pool).get("MinimumLength") or 8)
    while len(password) < minimum:
        password = secrets.choice("abcdefghijkmnpqrstuvwxyz23456789") + password
    return password


def _delivery_targets(user: User, request: dict[str, Any]) -> list[str]:
    """The attributes the invitation goes to. DesiredDeliveryMediums defaults to SMS, as documented: a user
    with no phone_number then gets no invitation. A medium asked for explicitly needs its attribute."""
    requested = request.get("DesiredDeliveryMediums")
    mediums = list(dict.fromkeys(requested or ["SMS"]))
    targets = [MEDIUM_ATTRIBUTE[m] for m in mediums
               if m in MEDIUM_ATTRIBUTE and user.attributes.get(MEDIUM_ATTRIBUTE[m])]
    if requested and not targets:
        raise InvalidParameterException("User has no attribute matching desired delivery mediums")
    return targets


def _invite(ctx: Context, pool: UserPool, user: User, password: str, targets: list[str],
            client_metadata: dict[str, Any] | None) -> None:
    for attribute in targets:
        users.deliver(ctx, pool, user, source="AdminCreateUser", code=password, client_id=None,
                      client_metadata=client_metadata, attribute=attribute, temporary_password_username=True)


def _verified_aliases(pool: UserPool, attributes: dict[str, str], *, force: bool) -> dict[str, list[User]]:
    """The aliases the new user is created with, verified, and the users each moves from (ForceAliasCreation)."""
    return {attribute: aliases.claim(pool, attribute, attributes.get(attribute), force=force)
            for attribute in aliases.ALIASABLE if attributes.get(f"{attribute}_verified") == "true"}

"""Aliases: in a pool with AliasAttributes, a verified email or phone_number signs its user in, so it belongs to
one user at a time. Verifying it on a second user (ConfirmSignUp, VerifyUserAttribute, AdminCreateUser or
AdminUpdateUserAttributes marking it verified) answers AliasExistsException, unless the request may force the
alias (ForceAliasCreation on ConfirmSignUp and AdminCreateUser): then the alias moves, and the user who held it
keeps the value, unverified.
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#user-pool-settings-aliases
"""

from __future__ import annotations

from emulator.errors import AliasExistsException
from emulator.state import User, UserPool

ALIASABLE = ("email", "phone_number")


def holders(pool: UserPool, attribute: str, value: str | None, *, besides: User | None = None) -> list[User]:
    """The other users on whom ``value`` is a verified alias of ``attribute``."""
    if attribute not in ALIASABLE or attribute not in pool.alias_attributes or not value:
        return []
    return [other for other in pool.users.values()
            if other is not besides and other.attributes.get(attribute) == value
            and other.attributes.get(f"{attribute}_verified") == "true"]


def claim(pool: UserPool, attribute: str, value: str | None, *, besides: User | None = None,
          force: bool = False) -> list[User]:
    """Check that ``value`` may become a verified alias of ``attribute`` (call under the store's lock, then
    :func:`move`); the users it moves from when ``force``. The message is Cognito's for email, ours for phone."""
    taken = holders(pool, attribute, value, besides=besides)
    if taken and not force:
        raise AliasExistsException(f"An account with the {attribute} already exists.")
    return taken


def move(taken: list[User], attribute: str, now: float) -> None:
    for other in taken:
        other.attributes[f"{attribute}_verified"] = "false"
        other.modified = now

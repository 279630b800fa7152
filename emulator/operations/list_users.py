"""ListUsers: the pool's users as UserType, with Cognito's one-attribute Filter, AttributesToGet, and
Limit (0-60, default 60) per page with PaginationToken.

Filter grammar (https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-manage-user-accounts.html):
`AttributeName = "value"` (exact) or `AttributeName ^= "value"` (starts with), quotes inside the value
escaped with a backslash; an empty filter lists everyone. Searchable: username (case-sensitive), email,
phone_number, name, given_name, family_name, preferred_username, sub, `cognito:user_status` (the account
status, case-insensitive) and `status` (`Enabled` or `Disabled`, case-sensitive). Custom attributes are not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulator import users
from emulator.context import Context
from emulator.errors import InvalidParameterException
from emulator.operations._admin import by_creation, page
from emulator.operations._pool_shapes import schema
from emulator.state import User, UserPool

_FILTER = re.compile(r'\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*', re.DOTALL)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ATTRIBUTE_FIELDS = ("email", "phone_number", "name", "given_name", "family_name", "preferred_username")
_FIELDS: dict[str, Callable[[User], str | None]] = {
    "username": lambda u: u.username,
    "sub": lambda u: u.sub,
    "cognito:user_status": lambda u: u.status,
    "status": lambda u: "Enabled" if u.enabled else "Disabled",
    **{name: (lambda u, name=name: u.attributes.get(name)) for name in _ATTRIBUTE_FIELDS},
}
_CASE_INSENSITIVE = frozenset({"cognito:user_status"})


@dataclass(frozen=True)
class UserFilter:
    attribute: str
    prefix: bool
    value: str

    def matches(self, user: User) -> bool:
        actual = _FIELDS[self.attribute](user)
        if actual is None:
            return False
        wanted = self.value
        if self.attribute in _CASE_INSENSITIVE:
            actual, wanted = actual.lower(), wanted.lower()
        return actual.startswith(wanted) if self.prefix else actual == wanted


def parse_filter(text: str | None) -> UserFilter | None:
    if text is None or not text.strip():
        return None
    match = _FILTER.fullmatch(text)
    if match is None:
        raise InvalidParameterException("Error while parsing filter.")
    attribute, operator, raw = match.groups()
    if attribute not in _FIELDS:
        raise InvalidParameterException(f"Invalid search attribute: {attribute}")
    return UserFilter(attribute=attribute, prefix=operator == "^=", value=_ESCAPE.sub(r"\1", raw))


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    user_filter = parse_filter(request.get("Filter"))
    wanted = _attributes_to_get(pool, request.get("AttributesToGet"))
    with ctx.store.lock:
        candidates = [u for u in pool.users.values() if user_filter is None or user_filter.matches(u)]
    candidates.sort(key=by_creation)
    return page(request, candidates, by_creation, lambda u: _shape(u, wanted), items_name="Users",
                next_name="PaginationToken")


def _attributes_to_get(pool: UserPool, names: list[str] | None) -> set[str] | None:
    if names is None:
        return None
    known = {entry["Name"] for entry in schema(pool)}
    if any(name not in known for name in names):
        raise InvalidParameterException("One or more requested attributes do not exist.")
    return set(names)


def _shape(user: User, wanted: set[str] | None) -> dict[str, Any]:
    shaped = users.user_type(user)
    if wanted is not None:
        shaped["Attributes"] = [a for a in shaped["Attributes"] if a["Name"] in wanted]
    return shaped

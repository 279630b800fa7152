"""What the admin user and group operations share: GroupType shaping, revoking a user's tokens and
sessions, pagination tokens, and the exception Cognito raises for a user in the wrong state."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from emulator.context import Context
from emulator.errors import InvalidParameterException, ResourceNotFoundException
from emulator.state import Group, User, UserPool

T = TypeVar("T")
MAX_PAGE = 60


def get_group(pool: UserPool, name: str) -> Group:
    group = pool.groups.get(name)
    if group is None:
        raise ResourceNotFoundException("Group not found.")
    return group


def group_type(group: Group) -> dict[str, Any]:
    """GroupType: optional members are left out when unset, as Cognito leaves them out."""
    shaped: dict[str, Any] = {"GroupName": group.name, "UserPoolId": group.pool_id}
    if group.description:
        shaped["Description"] = group.description
    if group.role_arn:
        shaped["RoleArn"] = group.role_arn
    if group.precedence is not None:
        shaped["Precedence"] = group.precedence
    shaped.update({"LastModifiedDate": group.modified, "CreationDate": group.created})
    return shaped


def revoke_user(ctx: Context, pool: UserPool, user: User) -> None:
    """Revoke every refresh token of the user (and so, through origin_jti, every ID and access token issued
    with it), and drop the user's pending auth sessions so no challenge can be answered for them."""
    store = ctx.store
    with store.lock:
        for record in store.refresh_tokens.values():
            if record.pool_id == pool.pool_id and record.username == user.username:
                record.revoked = True
                store.revoked_origin_jtis.add(record.origin_jti)
        stale = [token for token, session in store.sessions.items()
                 if session.pool_id == pool.pool_id and session.username == user.username]
        for token in stale:
            del store.sessions[token]


def delete_user(ctx: Context, pool: UserPool, user: User) -> None:
    """Remove the user (and with it their group memberships) and revoke what they hold, so a later user of
    the same name inherits nothing."""
    with ctx.store.lock:
        if pool.users.get(user.username) is user:
            del pool.users[user.username]
    revoke_user(ctx, pool, user)


def page(request: dict[str, Any], items: Sequence[T], key: Callable[[T], list[Any]],
         shape: Callable[[T], dict[str, Any]], *, items_name: str, limit_name: str = "Limit",
         next_name: str = "NextToken") -> dict[str, Any]:
    """One page of ``items`` (sorted by ``key``) as a list operation answers it: the shaped items, and the
    token for the next page when there is one."""
    chunk, token = paginate(items, key, request.get(limit_name), request.get(next_name))
    result: dict[str, Any] = {items_name: [shape(item) for item in chunk]}
    if token:
        result[next_name] = token
    return result


def groups_page(request: dict[str, Any], groups: Iterable[Group]) -> dict[str, Any]:
    """GroupType items by group name (ListGroups, AdminListGroupsForUser)."""
    return page(request, sorted(groups, key=lambda g: g.name), lambda g: [g.name], group_type, items_name="Groups")


def by_creation(user: User) -> list[Any]:
    """The order ListUsers and ListUsersInGroup list users in (and their page tokens' key)."""
    return [user.created, user.username]


def page_size(limit: Any) -> int:
    """Limit 0 or absent means the maximum page, 60 (the model allows 0-60)."""
    return int(limit) if isinstance(limit, int) and 0 < limit <= MAX_PAGE else MAX_PAGE


def paginate(items: Sequence[T], key: Callable[[T], list[Any]], limit: Any, token: Any,
             ) -> tuple[list[T], str | None]:
    """Keyset pagination over `items` (already sorted by `key`): the token names the last item returned,
    so users or groups removed between calls neither repeat nor skip an entry."""
    start = 0
    if token is not None:
        after = _decode_token(token)
        start = len(items)
        try:
            for index, item in enumerate(items):
                if key(item) > after:
                    start = index
                    break
        except TypeError:
            raise InvalidParameterException("Invalid pagination token.") from None
    size = page_size(limit)
    chunk = list(items[start:start + size])
    more = start + size < len(items)
    return chunk, (_encode_token(key(chunk[-1])) if more and chunk else None)


def _encode_token(key: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode()


def _decode_token(token: Any) -> list[Any]:
    try:
        key = json.loads(base64.urlsafe_b64decode(str(token).encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidParameterException("Invalid pagination token.") from None
    if not isinstance(key, list) or not key:
        raise InvalidParameterException("Invalid pagination token.")
    return key

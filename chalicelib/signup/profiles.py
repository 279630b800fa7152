"""PostConfirmation: record the user's profile and add them to the default group, once, whatever Cognito retries.

https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-confirmation.html

- ``PostConfirmation_ConfirmSignUp``: one UpdateItem creates the profile (every SET ``if_not_exists``, so a
  retried invocation changes nothing) and returns it; if it does not yet say the default group was added,
  AdminAddUserToGroup adds it (DEFAULT_GROUP; unset means no group) and a second UpdateItem records that. A
  retry after that makes no Cognito call at all.
- ``PostConfirmation_ConfirmForgotPassword``: the profile is created if missing (users confirmed before this
  table existed) and ``password_reset_at`` set; no group is added, so a password reset never puts back a user an
  administrator took out of the group.

Nothing here fails the confirmation: by the time PostConfirmation runs, Cognito has confirmed the user, and an
error would only show them a failure for an account that works. A group that does not exist, a DynamoDB or
Cognito failure, or a budget too short for the next step is logged (ERROR, with the pool and user) and skipped.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException

from chalicelib.models.user_profile import UserProfile
from chalicelib.observability import logger
from chalicelib.settings import MissingSettingError
from chalicelib.signup import idp
from chalicelib.signup.budget import Budget, model_worst_case
from chalicelib.signup.connections import bind

DEFAULT_GROUP_ENV: Final = "DEFAULT_GROUP"
CONFIRM_SIGN_UP: Final = "PostConfirmation_ConfirmSignUp"
CONFIRM_FORGOT_PASSWORD: Final = "PostConfirmation_ConfirmForgotPassword"
# Cognito's GroupNameType is 1-128 letters, marks, symbols, numbers or punctuation: no spaces or controls.
_GROUP_NAME = re.compile(r"[^\s\x00-\x1f\x7f]{1,128}")
_KEPT: Final = ("email", "phone_number", "name", "locale")
_STORE_FAILURES = (PynamoDBException, BotoCoreError, MissingSettingError)

GroupAdder = Callable[[str, str, str, str], None]


@dataclass(frozen=True)
class Outcome:
    """What one invocation did (for logs and tests)."""

    profile_written: bool
    group_added: bool
    group: str | None


def default_group() -> str | None:
    group = (os.environ.get(DEFAULT_GROUP_ENV) or "").strip()
    if not group:
        return None
    if not _GROUP_NAME.fullmatch(group):
        logger.error("DEFAULT_GROUP is not a valid group name; no group is added")
        return None
    return group


def add_user_to_group(region: str, pool_id: str, username: str, group: str) -> None:
    idp.client(region).admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)


def on_confirmation(event: Mapping[str, Any], *, budget: Budget | None = None,
                    clock: Callable[[], float] = time.time, add_to_group: GroupAdder = add_user_to_group) -> Outcome:
    budget = budget or Budget()
    source = str(event.get("triggerSource") or "")
    pool_id = str(event.get("userPoolId") or "")
    username = str(event.get("userName") or "")
    request = event.get("request") if isinstance(event.get("request"), Mapping) else {}
    attributes = request.get("userAttributes") if isinstance(request.get("userAttributes"), Mapping) else {}
    group = default_group() if source == CONFIRM_SIGN_UP else None
    now = int(clock())
    where = {"user_pool_id": pool_id, "trigger_source": source}

    profile = _upsert(pool_id, username, attributes, event, source, group, now, where)
    if group is None or (profile is not None and profile.group_added_at is not None):
        return Outcome(profile is not None, False, group)
    if not budget.allows(idp.WORST_CASE_SECONDS):
        logger.error("default group not added: no time left", extra={**where, "group": group})
        return Outcome(profile is not None, False, group)
    if not _add(add_to_group, str(event.get("region") or ""), pool_id, username, group, where):
        return Outcome(profile is not None, False, group)
    if profile is not None and budget.allows(model_worst_case(UserProfile)):
        try:
            profile.update(actions=[UserProfile.group_added_at.set(UserProfile.group_added_at | now)])
        except _STORE_FAILURES as exc:
            # The user is in the group; a retry would add them again, which Cognito treats as a no-op.
            logger.error("could not record the default group", extra={**where, "error": type(exc).__name__})
    return Outcome(profile is not None, True, group)


def _upsert(pool_id: str, username: str, attributes: Mapping[str, Any], event: Mapping[str, Any], source: str,
            group: str | None, now: int, where: dict[str, str]) -> UserProfile | None:
    sub = attributes.get("sub") if isinstance(attributes.get("sub"), str) else None
    if not pool_id or not username:
        logger.error("PostConfirmation event without a pool or user name", extra=where)
        return None
    caller = event.get("callerContext") if isinstance(event.get("callerContext"), Mapping) else {}
    profile = UserProfile(pool_id, sub or username)
    actions = [UserProfile.username.set(UserProfile.username | username),
               UserProfile.confirmed_at.set(UserProfile.confirmed_at | now)]
    for name in _KEPT:
        value = attributes.get(name)
        if isinstance(value, str) and value:
            attribute = getattr(UserProfile, name)
            actions.append(attribute.set(attribute | value[:2048]))
    client_id = caller.get("clientId")
    if isinstance(client_id, str) and client_id:
        actions.append(UserProfile.client_id.set(UserProfile.client_id | client_id))
    if group:
        actions.append(UserProfile.default_group.set(UserProfile.default_group | group))
    if source == CONFIRM_FORGOT_PASSWORD:
        actions.append(UserProfile.password_reset_at.set(now))
    try:
        bind(UserProfile)
        profile.update(actions=actions)
    except _STORE_FAILURES as exc:
        logger.error("user profile not written", extra={**where, "error": type(exc).__name__,
                                                        "detail": str(exc)[:300]})
        return None
    return profile


def _add(add_to_group: GroupAdder, region: str, pool_id: str, username: str, group: str,
         where: dict[str, str]) -> bool:
    try:
        add_to_group(region, pool_id, username, group)
    except ClientError as exc:
        code = str((exc.response.get("Error") or {}).get("Code") or "")
        if code == "ResourceNotFoundException":
            logger.error("default group does not exist; create it in the pool", extra={**where, "group": group})
        else:
            logger.error("default group not added", extra={**where, "group": group, "error": code})
        return False
    except BotoCoreError as exc:
        logger.error("default group not added", extra={**where, "group": group, "error": type(exc).__name__})
        return False
    return True

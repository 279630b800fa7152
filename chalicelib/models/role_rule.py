"""Role-mapping rule sets (:mod:`chalicelib.rolemap`), one item per (user pool, app client).

``client_id`` is an app client id, or ``"default"`` for the rule set of every client of the pool that has
none of its own. ``document`` is the rule set as JSON, validated by :func:`chalicelib.rolemap.parse_rule_set`
before every write; ``version`` (pynamodb's optimistic locking) makes a save that raced another fail instead
of silently overwriting it. Read by the PreTokenGeneration trigger at every sign-in (one BatchGetItem for
the client's set and the pool's default), and written by the admin routes and the CLI.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any, Final

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute, VersionAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError
from pynamodb.models import Model

from chalicelib.models.base import EnvTableName
from chalicelib.rolemap.rules import DEFAULT_CLIENT, RuleSet, parse_rule_set

PARSED_CACHE_SIZE: Final = 64
_parsed: OrderedDict[str, RuleSet] = OrderedDict()
_parsed_lock = threading.Lock()


def parsed(document: str) -> RuleSet:
    """A stored document as a RuleSet, parsed once per warm Lambda (keyed by the document itself); its
    patterns are not probed again (they were when it was saved), their time budget still applies."""
    with _parsed_lock:
        found = _parsed.get(document)
        if found is not None:
            _parsed.move_to_end(document)
            return found
    rule_set = parse_rule_set(json.loads(document), probe=False)
    with _parsed_lock:
        _parsed[document] = rule_set
        while len(_parsed) > PARSED_CACHE_SIZE:
            _parsed.popitem(last=False)
    return rule_set


class VersionConflictError(RuntimeError):
    """The rule set changed (or appeared, or went) since the version the caller read."""


class RoleRuleSet(Model):
    """The rules that map one pool's (and client's) users to IAM roles."""

    class Meta:
        table_name = EnvTableName("ROLE_RULES_TABLE")
        # Read inside PreTokenGeneration, which has 5 s in all: fail fast rather than retry past the budget.
        connect_timeout_seconds = 1
        read_timeout_seconds = 2
        max_retry_attempts = 2

    user_pool_id = UnicodeAttribute(hash_key=True)
    client_id = UnicodeAttribute(range_key=True)
    document = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute(null=True)
    version = VersionAttribute()

    def rule_set(self) -> RuleSet:
        return parsed(self.document)

    def to_json(self) -> dict[str, Any]:
        return {**json.loads(self.document), "version": self.version, "updatedAt": self.updated_at.isoformat(),
                "updatedBy": self.updated_by}


def find(user_pool_id: str, client_id: str) -> RoleRuleSet | None:
    """The client's own rule set, else the pool's default one, else None (one round trip)."""
    keys = [(user_pool_id, client_id)] if client_id == DEFAULT_CLIENT else [
        (user_pool_id, client_id), (user_pool_id, DEFAULT_CLIENT)]
    found = {item.client_id: item for item in RoleRuleSet.batch_get(keys)}
    return found.get(client_id) or found.get(DEFAULT_CLIENT)


def get(user_pool_id: str, client_id: str) -> RoleRuleSet | None:
    try:
        return RoleRuleSet.get(user_pool_id, client_id, consistent_read=True)
    except DoesNotExist:
        return None


def list_all(user_pool_id: str | None = None) -> list[RoleRuleSet]:
    if user_pool_id is not None:
        return list(RoleRuleSet.query(user_pool_id))
    return sorted(RoleRuleSet.scan(), key=lambda item: (item.user_pool_id, item.client_id))


def save(rule_set: RuleSet, *, expected_version: int | None = None, updated_by: str | None = None,
         now: datetime | None = None) -> RoleRuleSet:
    """Write ``rule_set`` (which names its pool and client). ``expected_version``: the version the caller
    read (0 for "must not exist yet"); None overwrites whatever is there."""
    if rule_set.user_pool_id is None or rule_set.client_id is None:
        raise ValueError("a stored rule set names its userPoolId and clientId")
    item = get(rule_set.user_pool_id, rule_set.client_id) if expected_version is None else None
    if item is None:
        item = RoleRuleSet(rule_set.user_pool_id, rule_set.client_id)
        if expected_version:
            item.version = expected_version
    item.document = json.dumps(rule_set.to_document(), separators=(",", ":"), ensure_ascii=False)
    item.updated_at = now or datetime.now(UTC)
    item.updated_by = updated_by
    try:
        item.save()
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise VersionConflictError("the rule set was changed by someone else; read it again") from None
        raise
    return item


def delete(user_pool_id: str, client_id: str, *, expected_version: int | None = None) -> bool:
    """Remove a rule set; False if there was none. With ``expected_version``, only that version."""
    item = get(user_pool_id, client_id)
    if item is None:
        if expected_version:
            raise VersionConflictError("the rule set was changed by someone else; read it again")
        return False
    if expected_version is not None and item.version != expected_version:
        raise VersionConflictError("the rule set was changed by someone else; read it again")
    try:
        item.delete()
    except DeleteError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise VersionConflictError("the rule set was changed by someone else; read it again") from None
        raise
    return True

"""Every DynamoDB call on the sign-up rules and invite-code tables (:mod:`chalicelib.models.signup_rules`,
:mod:`chalicelib.models.invite_code`), for the PreSignUp trigger, the admin routes and the CLI alike.

Any failure of DynamoDB (unreachable, throttled past the retry, missing table, table variable unset) or a stored
document that no longer validates becomes :class:`StoreUnavailableError`, with the detail in the log only: the
trigger answers it by denying the sign-up with a generic reason (fail closed), the admin routes with 503.

Each call first re-aims the model at the table, endpoint and region the environment names now
(:func:`chalicelib.signup.connections.bind`), so the CLI and tests can point it elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from botocore.exceptions import BotoCoreError
from pynamodb.exceptions import DoesNotExist, PynamoDBException

from chalicelib.models.invite_code import InviteCode
from chalicelib.models.signup_rules import SignupRules
from chalicelib.observability import logger
from chalicelib.settings import MissingSettingError
from chalicelib.signup import invites
from chalicelib.signup.connections import bind
from chalicelib.signup.engine import InviteClaim
from chalicelib.signup.rules import MAX_DOCUMENT_BYTES, RuleSet, default_rules

# Cognito may retry PreSignUp after a timeout: within this window the username that spent a code may spend it again.
RETRY_WINDOW_SECONDS: Final = 300
TTL_AFTER_EXPIRY: Final = timedelta(days=30)
MAX_LIST: Final = 100
CONDITION_FAILED: Final = "ConditionalCheckFailedException"
_FAILURES = (PynamoDBException, BotoCoreError, MissingSettingError, ValueError)


class StoreUnavailableError(RuntimeError):
    """DynamoDB could not do what was asked, or the stored rules are unreadable. Callers fail closed."""


class VersionConflictError(RuntimeError):
    """The rules changed (or appeared, or went) since the version the caller read."""


class RulesTooLargeError(ValueError):
    """The rule set would not fit in one item."""


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------- timeouts and failures


def set_timeouts(connect: float, read: float, retries: int) -> None:
    """Longer timeouts for a caller that is not inside a trigger's 5 s (the CLI)."""
    for model in (SignupRules, InviteCode):
        model.Meta.connect_timeout_seconds = connect
        model.Meta.read_timeout_seconds = read
        model.Meta.max_retry_attempts = retries


@contextmanager
def _dynamodb(what: str) -> Iterator[None]:
    try:
        yield
    except _FAILURES as exc:
        logger.warning("sign-up store unavailable", extra={"operation": what, "error": type(exc).__name__,
                                                            "detail": str(exc)[:300]})
        raise StoreUnavailableError(what) from exc


def _condition_failed(exc: PynamoDBException) -> bool:
    return getattr(exc, "cause_response_code", None) == CONDITION_FAILED


# ---------------------------------------------------------------- rules


@dataclass(frozen=True)
class StoredRules:
    """A pool's rules as stored; ``version`` 0 means none are stored and ``rules`` are the defaults."""

    pool_id: str
    rules: RuleSet
    version: int = 0
    updated_at: float | None = None
    updated_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"userPoolId": self.pool_id, "version": self.version, "updatedAt": _iso(self.updated_at),
                "updatedBy": self.updated_by, "rules": self.rules.to_document()}


def load_rules(pool_id: str) -> StoredRules:
    """The pool's rules (one GetItem), or the defaults when it has none."""
    with _dynamodb("load_rules"):
        bind(SignupRules)
        try:
            item: SignupRules | None = SignupRules.get(pool_id)
        except DoesNotExist:
            item = None
    if item is None:
        return StoredRules(pool_id, default_rules())
    with _dynamodb("parse_rules"):
        rules = RuleSet.from_json(item.document)
    return StoredRules(pool_id, rules, int(item.version or 0), float(item.updated_at), item.updated_by)


def save_rules(pool_id: str, rules: RuleSet, *, expected_version: int | None, actor: str | None,
               now: float) -> StoredRules:
    """Replace the pool's rules. With ``expected_version`` (0: none stored yet) the write fails with
    :class:`VersionConflictError` if the stored version differs; without, it replaces whatever the last read saw."""
    document = rules.to_json()
    if len(document.encode("utf-8")) > MAX_DOCUMENT_BYTES:
        raise RulesTooLargeError(f"rules: must be at most {MAX_DOCUMENT_BYTES // 1024} KiB as JSON")
    if expected_version is None:
        expected_version = load_rules(pool_id).version
    item = SignupRules(pool_id, document=document, updated_at=int(now), updated_by=actor)
    if expected_version:
        item.version = expected_version
    with _dynamodb("save_rules"):
        bind(SignupRules)
        try:
            item.save()
        except PynamoDBException as exc:
            if _condition_failed(exc):
                raise VersionConflictError(pool_id) from None
            raise
    return StoredRules(pool_id, rules, int(item.version), float(int(now)), actor)


def update_rules(pool_id: str, change: Callable[[RuleSet], RuleSet], *, actor: str | None, now: float,
                 attempts: int = 3) -> StoredRules:
    """Read, change and write the rules, again from a fresh read when another writer got in between."""
    for attempt in range(attempts):
        current = load_rules(pool_id)
        try:
            return save_rules(pool_id, change(current.rules), expected_version=current.version, actor=actor,
                              now=now)
        except VersionConflictError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def delete_rules(pool_id: str) -> bool:
    """Forget the pool's rules (it gets the defaults again); False if it had none."""
    with _dynamodb("delete_rules"):
        bind(SignupRules)
        try:
            SignupRules(pool_id).delete(condition=SignupRules.pool_id.exists(), add_version_condition=False)
        except PynamoDBException as exc:
            if _condition_failed(exc):
                return False
            raise
    return True


# ---------------------------------------------------------------- invite codes


@dataclass(frozen=True)
class InviteRecord:
    """An invite code as an admin sees it: never the code itself."""

    id: str
    created_at: float
    expires_at: float
    email_domain: str | None = None
    note: str | None = None
    created_by: str | None = None
    used_at: float | None = None
    used_by: str | None = None

    @classmethod
    def from_item(cls, item: InviteCode) -> InviteRecord:
        return cls(id=invites.public_id(item.code_hash), created_at=float(item.created_at),
                   expires_at=float(item.expires_at), email_domain=item.email_domain, note=item.note,
                   created_by=item.created_by, used_at=None if item.used_at is None else float(item.used_at),
                   used_by=item.used_by)

    def status(self, now: float) -> str:
        if self.used_at is not None:
            return "used"
        return "active" if self.expires_at > now else "expired"

    def to_json(self, now: float) -> dict[str, Any]:
        return {"id": self.id, "status": self.status(now), "createdAt": _iso(self.created_at),
                "expiresAt": _iso(self.expires_at), "emailDomain": self.email_domain, "note": self.note,
                "createdBy": self.created_by, "usedAt": _iso(self.used_at), "usedBy": self.used_by}


@dataclass(frozen=True)
class NewInvite:
    """A code just created: the only moment its clear text exists."""

    code: str
    record: InviteRecord

    def to_json(self, now: float) -> dict[str, Any]:
        return {"code": self.code, **self.record.to_json(now)}


def create_invite(pool_id: str, *, expires_in: float, email_domain: str | None, note: str | None,
                  actor: str | None, now: float) -> NewInvite:
    code = invites.generate()
    hashed = invites.code_hash(invites.normalize(code) or "")
    expires_at = int(now + expires_in)
    item = InviteCode(pool_id, hashed, created_at=int(now), expires_at=expires_at, email_domain=email_domain,
                      note=note, created_by=actor,
                      ttl=datetime.fromtimestamp(expires_at, UTC) + TTL_AFTER_EXPIRY)
    with _dynamodb("create_invite"):
        bind(InviteCode)
        item.save(condition=InviteCode.code_hash.does_not_exist())
    return NewInvite(code, InviteRecord.from_item(item))


def list_invites(pool_id: str, *, limit: int = MAX_LIST, after: str | None = None) -> tuple[list[InviteRecord],
                                                                                            str | None]:
    """One page of the pool's codes in key order, and the key to continue after (None on the last page)."""
    with _dynamodb("list_invites"):
        bind(InviteCode)
        condition = InviteCode.code_hash > after if after else None
        results = InviteCode.query(pool_id, range_key_condition=condition, limit=max(1, min(limit, MAX_LIST)))
        items = [InviteRecord.from_item(item) for item in results]
        last = results.last_evaluated_key
    following = last.get("code_hash", {}).get("S") if isinstance(last, dict) else None
    return items, following


def _find(pool_id: str, invite_id: str) -> str | None:
    matches = list(InviteCode.query(pool_id, range_key_condition=InviteCode.code_hash.startswith(invite_id),
                                    limit=2, attributes_to_get=["code_hash"]))
    return matches[0].code_hash if len(matches) == 1 else None


def revoke_invite(pool_id: str, invite_id: str) -> bool:
    """Delete a code by its public id; False if no such code."""
    if not invites.is_public_id(invite_id):
        return False
    with _dynamodb("revoke_invite"):
        bind(InviteCode)
        hashed = _find(pool_id, invite_id)
        if hashed is None:
            return False
        try:
            InviteCode(pool_id, hashed).delete(condition=InviteCode.code_hash.exists())
        except PynamoDBException as exc:
            if _condition_failed(exc):
                return False
            raise
    return True


def consume_invite(pool_id: str, claim: InviteClaim, *, username: str, now: float) -> bool:
    """Spend a code for ``username`` with ONE conditional UpdateItem; False if it is unknown, expired, bound to
    another email domain, or spent by someone else. Spending it again for the same username within
    :data:`RETRY_WINDOW_SECONDS` succeeds, because Cognito retries a trigger that timed out."""
    at = int(now)
    unused = InviteCode.used_by.does_not_exist()
    retry = (InviteCode.used_by == username) & (InviteCode.used_at > at - RETRY_WINDOW_SECONDS)
    domain_ok = InviteCode.email_domain.does_not_exist()
    if claim.email_domain:
        domain_ok = domain_ok | (InviteCode.email_domain == claim.email_domain)
    condition = (InviteCode.code_hash.exists() & (InviteCode.expires_at > at) & (unused | retry) & domain_ok)
    item = InviteCode(pool_id, invites.code_hash(claim.code))
    with _dynamodb("consume_invite"):
        bind(InviteCode)
        try:
            item.update(actions=[InviteCode.used_by.set(username), InviteCode.used_at.set(InviteCode.used_at | at)],
                        condition=condition)
        except PynamoDBException as exc:
            if _condition_failed(exc):
                return False
            raise
    return True

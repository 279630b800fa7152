"""chalicelib.signup.store on moto: rules with optimistic versions, invite codes (create, list, revoke, spend)."""

from __future__ import annotations

import pytest

from chalicelib.models.invite_code import InviteCode
from chalicelib.models.signup_rules import SignupRules
from chalicelib.signup import invites, store
from chalicelib.signup.engine import InviteClaim
from chalicelib.signup.rules import RuleSet, default_rules
from tests.integration.signup_support import moto_tables, new_pool

NOW = 1_800_000_000.0


@pytest.fixture(autouse=True)
def tables(monkeypatch):
    yield from moto_tables(monkeypatch)


@pytest.fixture()
def pool() -> str:
    return new_pool()


def claim(code: str, domain: str | None = "example.com") -> InviteClaim:
    return InviteClaim(invites.normalize(code) or "", domain)


def create(pool: str, *, expires_in: float = 3600, email_domain: str | None = None, note: str | None = None,
           actor: str | None = None) -> store.NewInvite:
    return store.create_invite(pool, expires_in=expires_in, email_domain=email_domain, note=note, actor=actor,
                               now=NOW)


# ---------------------------------------------------------------- rules


def test_a_pool_without_rules_reads_the_defaults_at_version_zero(pool):
    stored = store.load_rules(pool)
    assert (stored.rules, stored.version, stored.updated_at) == (default_rules(), 0, None)


def test_saved_rules_are_read_back_with_their_version_and_author(pool):
    rules = RuleSet.model_validate({"blockedDomains": ["bad.example"]})
    saved = store.save_rules(pool, rules, expected_version=0, actor="alice", now=NOW)
    assert saved.version == 1
    assert store.load_rules(pool).to_json() == {"userPoolId": pool, "version": 1, "updatedAt": "2027-01-15T08:00:00Z",
                                                "updatedBy": "alice", "rules": rules.to_document()}
    assert store.load_rules(new_pool()).version == 0


def test_a_stale_expected_version_is_a_conflict_and_changes_nothing(pool):
    store.save_rules(pool, RuleSet.model_validate({"inviteRequired": True}), expected_version=0, actor="a", now=NOW)
    with pytest.raises(store.VersionConflictError):
        store.save_rules(pool, default_rules(), expected_version=0, actor="b", now=NOW)
    with pytest.raises(store.VersionConflictError):
        store.save_rules(pool, default_rules(), expected_version=7, actor="b", now=NOW)
    assert store.load_rules(pool).rules.invite_required is True
    assert store.save_rules(pool, default_rules(), expected_version=1, actor="b", now=NOW).version == 2


def test_without_an_expected_version_the_last_read_is_replaced(pool):
    store.save_rules(pool, default_rules(), expected_version=None, actor="a", now=NOW)
    assert store.save_rules(pool, default_rules(), expected_version=None, actor="a", now=NOW).version == 2


def test_update_rules_reads_changes_and_writes(pool):
    store.update_rules(pool, lambda r: r.with_changes(allowedDomains=["a.example"]), actor="cli", now=NOW)
    updated = store.update_rules(pool, lambda r: r.with_changes(allowedDomains=[*r.allowed_domains, "b.example"]),
                                 actor="cli", now=NOW)
    assert (updated.version, updated.rules.allowed_domains) == (2, ["a.example", "b.example"])


def test_rules_too_large_for_an_item_are_refused(pool):
    huge = RuleSet.model_validate({"blockedDomains": [f"{'x' * 60}{i}.{'y' * 60}.example" for i in range(1000)],
                                   "allowedDomains": [f"{'z' * 60}{i}.{'w' * 60}.example" for i in range(1000)]})
    with pytest.raises(store.RulesTooLargeError):
        store.save_rules(pool, huge, expected_version=None, actor="a", now=NOW)
    assert store.load_rules(pool).version == 0


def test_delete_rules_brings_back_the_defaults(pool):
    store.save_rules(pool, RuleSet.model_validate({"inviteRequired": True}), expected_version=0, actor="a", now=NOW)
    assert store.delete_rules(pool) is True
    assert store.load_rules(pool).version == 0
    assert store.delete_rules(pool) is False


def test_a_stored_document_that_no_longer_validates_makes_the_store_unavailable(pool):
    SignupRules(pool, document='{"blockDisposable": "maybe"}', updated_at=int(NOW)).save()
    with pytest.raises(store.StoreUnavailableError):
        store.load_rules(pool)


def test_a_missing_table_makes_the_store_unavailable(pool, monkeypatch):
    monkeypatch.setenv("SIGNUP_RULES_TABLE", "no-such-table")
    with pytest.raises(store.StoreUnavailableError):
        store.load_rules(pool)


def test_an_unset_table_variable_makes_the_store_unavailable(pool, monkeypatch):
    monkeypatch.delenv("INVITE_CODES_TABLE")
    with pytest.raises(store.StoreUnavailableError):
        store.list_invites(pool)


# ---------------------------------------------------------------- invite codes


def test_a_created_code_is_stored_only_as_its_hash(pool):
    created = create(pool, note="for Ada", actor="alice")
    [item] = list(InviteCode.query(pool))
    assert item.code_hash == invites.code_hash(invites.normalize(created.code) or "")
    assert created.code not in str(item.attribute_values)
    assert (invites.normalize(created.code) or "") not in str(item.attribute_values)
    assert item.ttl.timestamp() == NOW + 3600 + 30 * 86400
    assert created.to_json(NOW) == {"code": created.code, "id": created.record.id, "status": "active",
                                    "createdAt": "2027-01-15T08:00:00Z", "expiresAt": "2027-01-15T09:00:00Z",
                                    "emailDomain": None, "note": "for Ada", "createdBy": "alice", "usedAt": None,
                                    "usedBy": None}


def test_a_code_is_spent_once(pool):
    created = create(pool)
    assert store.consume_invite(pool, claim(created.code), username="ada", now=NOW + 1) is True
    assert store.consume_invite(pool, claim(created.code), username="eve", now=NOW + 2) is False
    [record], _ = store.list_invites(pool)
    assert (record.status(NOW + 3), record.used_by, record.used_at) == ("used", "ada", NOW + 1)


def test_the_same_username_may_spend_it_again_within_the_retry_window(pool):
    created = create(pool)
    assert store.consume_invite(pool, claim(created.code), username="ada", now=NOW) is True
    assert store.consume_invite(pool, claim(created.code), username="ada", now=NOW + 299) is True
    assert store.consume_invite(pool, claim(created.code), username="ada", now=NOW + 301) is False
    [record], _ = store.list_invites(pool)
    assert record.used_at == NOW


def test_an_expired_code_is_refused(pool):
    created = create(pool, expires_in=60)
    assert store.consume_invite(pool, claim(created.code), username="ada", now=NOW + 60) is False
    [record], _ = store.list_invites(pool)
    assert record.status(NOW + 60) == "expired"


def test_an_unknown_code_is_refused_and_creates_nothing(pool):
    assert store.consume_invite(pool, claim("7KQ2M-X9D4T-ABCDE-FGHJK"), username="ada", now=NOW) is False
    assert list(InviteCode.query(pool)) == []


def test_a_code_of_another_pool_is_refused(pool):
    created = create(new_pool())
    assert store.consume_invite(pool, claim(created.code), username="ada", now=NOW) is False


def test_a_domain_bound_code_needs_that_domain(pool):
    created = create(pool, email_domain="corp.example")
    assert store.consume_invite(pool, claim(created.code, "example.com"), username="a", now=NOW) is False
    assert store.consume_invite(pool, claim(created.code, None), username="a", now=NOW) is False
    assert store.consume_invite(pool, claim(created.code, "corp.example"), username="a", now=NOW) is True


def test_codes_are_listed_page_by_page_without_the_codes(pool):
    codes = [create(pool, note=str(i)).code for i in range(5)]
    first, after = store.list_invites(pool, limit=3)
    second, last = store.list_invites(pool, limit=3, after=after)
    assert (len(first), len(second), last) == (3, 2, None)
    ids = {r.id for r in first + second}
    assert ids == {invites.public_id(invites.code_hash(invites.normalize(c) or "")) for c in codes}
    listed = str([r.to_json(NOW) for r in first + second])
    assert not any(code in listed for code in codes)


def test_a_revoked_code_can_no_longer_be_spent(pool):
    created = create(pool)
    assert store.revoke_invite(pool, created.record.id) is True
    assert store.revoke_invite(pool, created.record.id) is False
    assert store.consume_invite(pool, claim(created.code), username="ada", now=NOW) is False


@pytest.mark.parametrize("invite_id", ["", "not-hex", "ABCDEF0123456789", "0" * 64])
def test_revoking_by_a_malformed_id_finds_nothing(pool, invite_id):
    create(pool)
    assert store.revoke_invite(pool, invite_id) is False
    assert len(store.list_invites(pool)[0]) == 1


def test_dynamodb_calls_inside_a_trigger_have_a_budget_shaped_timeout():
    for model in (SignupRules, InviteCode):
        meta = model.Meta
        assert (meta.connect_timeout_seconds, meta.read_timeout_seconds, meta.max_retry_attempts) == (0.5, 0.5, 1)

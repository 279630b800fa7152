"""Sign-in through AuthService with the risk checks on (fake Cognito, moto DynamoDB): attacks are blocked, the
owner on a known device is not locked out, audit-only changes nothing, feedback changes the next decision."""

from __future__ import annotations

from tests.integration.risk_support import OWNER_DEVICE, OWNER_IP, Harness, enforced, harness_fixture  # noqa: F401

BLOCKED = "NotAuthorizedException: Unable to login because of security reasons."
LOCKED = "NotAuthorizedException: Password attempts exceeded"
WRONG = "NotAuthorizedException: Incorrect username or password."
ATTACKER_IPS = ("198.51.100.7", "192.0.2.99")
ATTACKER_UA = "python-requests/2.31"


def settle_owner(h: Harness) -> None:
    assert h.outcome("owner", "owner-password") == "tokens"


def test_credential_stuffing_many_usernames_few_ips_is_blocked(harness: Harness) -> None:
    outcomes = [harness.outcome(f"user{i}", "leaked-password", ip=ATTACKER_IPS[i % 2], ua=ATTACKER_UA, device=None)
                for i in range(30)]
    assert outcomes[:8] == [WRONG] * 8
    assert set(outcomes[-10:]) <= {BLOCKED, LOCKED} and BLOCKED in outcomes
    # The stuffing list finally holds a right password: still refused, and Cognito was not even asked.
    asked = harness.idp.calls
    assert harness.outcome("user35", "secret-35", ip=ATTACKER_IPS[0], ua=ATTACKER_UA, device=None) in (BLOCKED,
                                                                                                       LOCKED)
    assert harness.idp.calls == asked


def test_password_spraying_one_password_across_accounts_is_blocked(harness: Harness) -> None:
    outcomes = [harness.outcome(f"user{i}", "Summer2024!", ip="198.51.100.50", ua=ATTACKER_UA, device=None)
                for i in range(25)]
    assert outcomes[0] == WRONG
    assert outcomes[-1] in (BLOCKED, LOCKED)
    events = harness.events("user24")
    assert events[0].decision == "Block" and events[0].response == "Fail"


def test_owner_on_known_device_signs_in_during_an_attack_on_their_account(harness: Harness) -> None:
    settle_owner(harness)
    for _ in range(40):
        harness.outcome("owner", "guess", ip=ATTACKER_IPS[0], ua=ATTACKER_UA, device=None)
    assert harness.outcome("owner", "guess", ip=ATTACKER_IPS[0], ua=ATTACKER_UA, device=None) in (LOCKED, BLOCKED)
    assert harness.outcome("owner", "owner-password") == "tokens"
    # even the attacker's IP with the owner's User-Agent but no device cookie stays locked
    assert harness.outcome("owner", "owner-password", ip=ATTACKER_IPS[0], device=None) in (LOCKED, BLOCKED)


def test_lockout_backs_off_and_expires(harness: Harness) -> None:
    harness.configuration = enforced(high="NO_ACTION")
    settle_owner(harness)
    # one attempt a second: the 5th failure locks for 1 s, the 6th for 2 s, and each refusal doubles it again
    for _ in range(6):
        assert harness.outcome("owner", "guess", ip="192.0.2.5", device=None) == WRONG
    assert harness.outcome("owner", "owner-password", ip="192.0.2.5", device=None) == LOCKED
    assert harness.outcome("owner", "owner-password", ip="192.0.2.5", device=None) == LOCKED
    harness.clock.now += 20
    assert harness.outcome("owner", "owner-password", ip="192.0.2.5", device=None) == "tokens"


def test_audit_only_records_and_scores_but_changes_no_outcome(harness: Harness) -> None:
    harness.configuration = enforced(low="BLOCK", medium="BLOCK", high="BLOCK", mode="AUDIT")
    outcomes = [harness.outcome(f"user{i}", "nope", ip=ATTACKER_IPS[0], ua=ATTACKER_UA, device=None)
                for i in range(25)]
    assert set(outcomes) == {WRONG}
    assert harness.outcome("user3", "secret-3", ip=ATTACKER_IPS[0], ua=ATTACKER_UA, device=None) == "tokens"
    last = harness.events("user3")[0]
    assert (last.response, last.level, last.action) == ("Pass", "High", "BLOCK")
    assert "credential_stuffing" in [s["name"] for s in last.signals]


def test_invalid_feedback_raises_the_next_decision_and_valid_lowers_it(harness: Harness) -> None:
    from chalicelib.risk.service import RiskService
    from tests.integration.risk_support import CLIENT, POOL

    harness.configuration = enforced(medium="NO_ACTION", high="BLOCK")
    settle_owner(harness)
    laptop = {"ip": "198.51.100.200", "device": "second-laptop-cookie-0001"}
    assert harness.outcome("owner", "owner-password", **laptop) == "tokens"
    event = harness.events("owner")[0]
    assert event.level in ("Low", "Medium")
    risk = RiskService(POOL, CLIENT, store=harness.store, clock=harness.clock)
    risk.feedback("owner", event.event_id, "Invalid", "Admin")
    assert harness.outcome("owner", "owner-password", **laptop) == BLOCKED
    assert harness.events("owner")[0].decision == "Block"
    risk.feedback("owner", event.event_id, "Valid", "Admin")
    assert harness.outcome("owner", "owner-password", **laptop) == "tokens"
    assert harness.events("owner")[0].decision == "NoRisk"


def test_a_sign_in_costs_two_dynamodb_requests(harness: Harness) -> None:
    settle_owner(harness)
    before = harness.store.requests
    harness.outcome("owner", "owner-password")
    assert harness.store.requests - before == 2
    before = harness.store.requests
    harness.outcome("owner", "wrong", ip="192.0.2.1")
    assert harness.store.requests - before == 2


def test_off_adds_no_request(harness: Harness) -> None:
    harness.configuration = enforced(mode="OFF")
    assert harness.outcome("owner", "owner-password") == "tokens"
    assert harness.store.requests == 0


def test_mfa_required_without_mfa_revokes_the_tokens(harness: Harness) -> None:
    harness.configuration = enforced(low="MFA_REQUIRED", medium="MFA_REQUIRED", high="MFA_REQUIRED")
    assert harness.outcome("owner", "owner-password") == BLOCKED
    assert harness.idp.revoked == ["access-owner"]


def test_breached_password_is_a_signal(harness: Harness) -> None:
    harness.idp.passwords["owner"] = "breached-password"
    assert harness.outcome("owner", "breached-password").startswith("PasswordResetRequiredException")
    event = harness.events("owner")[0]
    assert event.compromised and "breached_password" in [s["name"] for s in event.signals]


def test_event_records_context(harness: Harness) -> None:
    settle_owner(harness)
    event = harness.events("owner")[0]
    assert (event.event_type, event.response, event.ip) == ("SignIn", "Pass", OWNER_IP)
    assert OWNER_DEVICE not in repr(event)

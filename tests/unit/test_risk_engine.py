"""The pure risk engine: each signal in isolation, levels, and the lockout keyed by user and caller."""

from __future__ import annotations

import pytest

from chalicelib.risk import engine
from chalicelib.risk.context import AttemptContext
from chalicelib.risk.engine import Failures, Seen, SourceHistory, UserHistory

NOW = 1_700_000_000.0
UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"
DEVICE = "d" * 32
HOME = AttemptContext.build(ip="203.0.113.7", user_agent=UA, device_id=DEVICE)


def known_user(**changes: object) -> UserHistory:
    seen = Seen(NOW - 86400, NOW - 3600)
    base = {"devices": {HOME.device: seen}, "networks": {HOME.network_key: seen}, "ips": {HOME.ip_key: seen},
            "last_sign_in": NOW - 3600}
    base.update(changes)
    return UserHistory(**base)  # type: ignore[arg-type]


def names(ctx: AttemptContext = HOME, user: UserHistory | None = None, source: SourceHistory | None = None,
          **kwargs: object) -> tuple[str, ...]:
    return engine.assess(ctx, user or known_user(), source or SourceHistory(), NOW, **kwargs).names  # type: ignore[arg-type]


def test_known_device_network_and_ip_score_nothing() -> None:
    result = engine.assess(HOME, known_user(), SourceHistory(), NOW)
    assert (result.score, result.level, result.signals) == (0, engine.LOW, ())


def test_first_sign_in_is_named_and_scores_nothing() -> None:
    assert names(user=UserHistory()) == ("first_sign_in",)


def test_new_device_alone() -> None:
    other = AttemptContext.build(ip=HOME.ip, user_agent=UA, device_id="e" * 32)
    assert names(other) == ("new_device",)


def test_user_agent_alone_is_never_a_known_device() -> None:
    no_cookie = AttemptContext.build(ip=HOME.ip, user_agent=UA)
    assert names(no_cookie) == ("new_device",)


def test_new_ip_in_a_known_network() -> None:
    assert names(AttemptContext.build(ip="203.0.113.99", user_agent=UA, device_id=DEVICE)) == ("new_ip",)


def test_new_network() -> None:
    assert names(AttemptContext.build(ip="198.51.100.1", user_agent=UA, device_id=DEVICE)) == ("new_ip",
                                                                                              "new_network")


def test_ipv6_network_is_the_48() -> None:
    ctx = AttemptContext.build(ip="2001:db8:1:2::1", user_agent=UA)
    assert ctx.network == "2001:db8:1::/48"


def test_missing_ip_counts_as_new_network_and_missing_context() -> None:
    assert names(AttemptContext.build(user_agent=UA, device_id=DEVICE)) == ("new_ip", "new_network",
                                                                            "missing_context")


def test_user_failure_velocity() -> None:
    three = known_user(failures={"n:x": Failures(3, NOW - 10)})
    ten = known_user(failures={"n:x": Failures(10, NOW - 10)})
    assert names(user=three) == ("user_failures",)
    assert names(user=ten) == ("user_failures_burst",)


def test_old_failures_do_not_count() -> None:
    assert names(user=known_user(failures={"n:x": Failures(9, NOW - 7200)})) == ()


def test_ip_failure_velocity() -> None:
    assert names(source=SourceHistory(failures=5)) == ("ip_failures",)
    assert names(source=SourceHistory(failures=20)) == ("ip_failures_burst",)


def test_many_usernames_from_one_network_is_credential_stuffing() -> None:
    assert names(source=SourceHistory(usernames=5)) == ("many_usernames",)
    result = engine.assess(HOME, known_user(), SourceHistory(usernames=10), NOW)
    assert result.names == ("credential_stuffing",) and result.level == engine.HIGH


def test_breached_password() -> None:
    assert names(breached=True) == ("breached_password",)


def test_dormant_account() -> None:
    assert names(user=known_user(last_sign_in=NOW - 100 * 86400)) == ("dormant_account",)


def test_new_country_and_impossible_travel() -> None:
    import dataclasses

    here = dataclasses.replace(HOME, country="FR", latitude=48.85, longitude=2.35)
    last = engine.Place("US", 40.7, -74.0, NOW - 3600)
    user = known_user(countries=frozenset({"US"}), last_place=last)
    assert names(here, user) == ("new_country", "impossible_travel")
    slow = known_user(countries=frozenset({"US"}), last_place=engine.Place("US", 40.7, -74.0, NOW - 86400))
    assert names(here, slow) == ("new_country",)


def test_distrusted_device_and_network_raise_the_score() -> None:
    bad = Seen(NOW - 10, NOW - 10, engine.DISTRUSTED)
    user = known_user(devices={HOME.device: bad}, networks={HOME.network_key: bad})
    result = engine.assess(HOME, user, SourceHistory(), NOW)
    assert result.names == ("new_device", "new_network", "distrusted_device", "distrusted_network")
    assert result.level == engine.HIGH


@pytest.mark.parametrize(("score", "level"), [(0, "LOW"), (29, "LOW"), (30, "MEDIUM"), (59, "MEDIUM"), (60, "HIGH")])
def test_levels(score: int, level: str) -> None:
    assert engine.level_of(score) == level


def test_backoff_doubles_from_the_fifth_failure_up_to_fifteen_minutes() -> None:
    assert [engine.lock_duration(n) for n in (4, 5, 6, 7)] == [0.0, 1.0, 2.0, 4.0]
    assert engine.lock_duration(40) == 900.0


def test_failures_lock_the_attackers_bucket_not_the_owners_known_device() -> None:
    attacker = AttemptContext.build(ip="198.51.100.1", user_agent=UA)
    user = known_user()
    fails = None
    for i in range(8):
        fails = engine.after_failure(fails, NOW + i)
    user = known_user(failures={engine.bucket(attacker, user): fails})
    assert engine.lock_state(attacker, user, SourceHistory(), NOW + 8).locked
    assert not engine.lock_state(HOME, user, SourceHistory(), NOW + 8).locked


def test_a_failing_network_locks_unknown_devices_only() -> None:
    source = SourceHistory(failures=engine.SOURCE_LOCK_FAILURES)
    stranger = AttemptContext.build(ip=HOME.ip, user_agent=UA)
    assert engine.lock_state(stranger, known_user(), source, NOW).reason == "source"
    assert not engine.lock_state(HOME, known_user(), source, NOW).locked


def test_spraying_one_user_from_many_places_locks_unknown_places() -> None:
    failures = {f"n:{i}": Failures(4, NOW - 5) for i in range(5)}
    stranger = AttemptContext.build(ip="192.0.2.1", user_agent=UA)
    assert engine.lock_state(stranger, known_user(failures=failures), SourceHistory(), NOW).reason == \
        "user_unknown_places"
    assert not engine.lock_state(HOME, known_user(failures=failures), SourceHistory(), NOW).locked

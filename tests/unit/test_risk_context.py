"""Bad context data: forged, huge or malformed input is normalised away and never makes an attempt familiar."""

from __future__ import annotations

from chalicelib.risk import engine
from chalicelib.risk.context import MAX_USER_AGENT, AttemptContext
from chalicelib.risk.engine import Seen, SourceHistory, UserHistory

NOW = 1_700_000_000.0


def test_not_an_ip_is_dropped() -> None:
    for raw in ("203.0.113.7, 10.0.0.1", "localhost", "1" * 100, 42, None, "999.1.1.1"):
        ctx = AttemptContext.build(ip=raw, user_agent="ua")
        assert (ctx.ip, ctx.network) == (None, None)


def test_ipv4_mapped_ipv6_counts_as_ipv4() -> None:
    assert AttemptContext.build(ip="::ffff:203.0.113.7").network == "203.0.113.0/24"


def test_huge_user_agent_is_cut_and_cleaned() -> None:
    ctx = AttemptContext.build(ip="203.0.113.7", user_agent="A\x00\n" * 100_000)
    assert len(ctx.user_agent) <= MAX_USER_AGENT and "\x00" not in ctx.user_agent


def test_malformed_device_cookie_is_absent() -> None:
    for raw in ("short", "x" * 65, "a" * 30 + ";", "../../etc", 12345):
        ctx = AttemptContext.build(ip="203.0.113.7", user_agent="ua", device_id=raw)
        assert not ctx.identified and ctx.device == "anonymous"


def test_missing_or_forged_context_never_scores_lower_than_the_real_one() -> None:
    real = AttemptContext.build(ip="198.51.100.4", user_agent="Mozilla/5.0", device_id="z" * 30)
    seen = Seen(NOW - 10, NOW - 10)
    owner = AttemptContext.build(ip="203.0.113.7", user_agent="Mozilla/5.0", device_id="o" * 30)
    user = UserHistory(devices={owner.device: seen}, networks={owner.network_key: seen},
                       ips={owner.ip_key: seen}, last_sign_in=NOW - 10)
    baseline = engine.assess(real, user, SourceHistory(), NOW).score
    forgeries = [AttemptContext.build(ip=None, user_agent=None),
                 AttemptContext.build(ip="203.0.113.7, 198.51.100.4", user_agent="Mozilla/5.0"),
                 AttemptContext.build(ip="198.51.100.4", user_agent="Mozilla/5.0", device_id="o" * 29 + ";"),
                 AttemptContext.build(ip="198.51.100.4", user_agent="Mozilla/5.0")]
    for forged in forgeries:
        assert engine.assess(forged, user, SourceHistory(), NOW).score >= baseline

"""Risk scoring per sign-in attempt (issue 5 point 8): engine latency (p50, p99) and the DynamoDB requests the
risk checks add to one sign-in (goal: at most 2).

What is measured:

- ``engine``: :func:`chalicelib.risk.engine.assess` plus :func:`chalicelib.risk.engine.lock_state` on a user
  with a full history (50 devices, 50 networks, 32 failure buckets), pure CPU;
- ``sign-in``: :meth:`RiskService.begin` + :meth:`RiskService.finish` (BatchGetItem, scoring, TransactWriteItems)
  against moto in process (``mock_aws``: the latency is moto's emulation, not DynamoDB's), twice side by side:
  moto as shipped, whose TransactWriteItems deep-copies the tables it touches, then the local stack's moto
  (emulator/moto_transactions.py, emulator/tables.py: per-item undo, one write lock), and the
  requests counted by a botocore hook on the very client the store uses, for successful sign-ins of known
  users, failed attempts, and a credential-stuffing run from one network;
- ``step-up``: a sign-in the configuration turns into password-then-second-factor (MFA_REQUIRED at MEDIUM; a
  new device on a new network): at the password ``begin`` + ``finish(InProgress)`` and the hold token the API
  hands out with the session, then what PostAuthentication does when the second factor completes it
  (:meth:`RiskService.learn_signed` of the signed context), with the requests of both counted the same way.

Run: ``.venv/bin/python -m bench.risk_scoring [--attempts N]``; results go in docs/benchmarks-risk.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def bench_engine(n: int) -> tuple[float, float]:
    from chalicelib.risk import engine
    from chalicelib.risk.context import AttemptContext

    now = 1_700_000_000.0
    ctx = AttemptContext.build(ip="203.0.113.7", user_agent="Mozilla/5.0 " * 20, device_id="d" * 32)
    seen = engine.Seen(now - 10, now - 10)
    user = engine.UserHistory(devices={f"d{i}": seen for i in range(50)}, networks={f"n{i}": seen for i in range(50)},
                              ips={f"i{i}": seen for i in range(50)},
                              failures={f"n:{i}": engine.Failures(3, now - 5) for i in range(32)}, last_sign_in=now)
    source = engine.SourceHistory(failures=7, usernames=6)

    def once() -> None:
        engine.assess(ctx, user, source, now)
        engine.lock_state(ctx, user, source, now)

    return percentiles(timed(once, n))


def bench_sign_in(n: int) -> dict[str, Any]:
    from chalicelib.models.auth_event import AuthEvent
    from chalicelib.models.risk_history import RiskHistory
    from chalicelib.risk.config import LevelAction, RiskConfig
    from chalicelib.risk.context import AttemptContext
    from chalicelib.risk.service import RiskRefusalError, RiskService
    from chalicelib.risk.store import RiskStore

    os.environ.setdefault("RISK_HISTORY_TABLE", "bench-risk-history")
    os.environ.setdefault("AUTH_EVENT_TABLE", "bench-auth-event")
    RiskHistory.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
    AuthEvent.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
    store = RiskStore()
    sent: list[str] = []
    store.client.meta.events.register("before-send.dynamodb.*", lambda request, **_: sent.append(request.url))
    cfg = RiskConfig(mode="ENFORCED", actions={"HIGH": LevelAction("BLOCK")})
    service = RiskService("us-east-1_Bench", "client", store=store, configuration=cfg)
    owner = AttemptContext.build(ip="203.0.113.7", user_agent="Mozilla/5.0", device_id="o" * 32)
    results: dict[str, Any] = {}

    def known_user_success() -> None:
        attempt = service.begin("owner", owner)
        assert attempt is not None
        service.finish(attempt, "Pass")

    known_user_success()
    before = len(sent)
    samples = timed(known_user_success, n)
    results["success"] = (*percentiles(samples), (len(sent) - before) / n)

    counter = iter(range(10**9))

    def failure() -> None:
        ctx = AttemptContext.build(ip=f"198.51.{next(counter) % 250}.9", user_agent="curl/8")
        try:
            attempt = service.begin(f"victim{next(counter) % 50}", ctx)
        except RiskRefusalError:
            return
        assert attempt is not None
        service.finish(attempt, "Fail")

    before = len(sent)
    samples = timed(failure, n)
    results["failure"] = (*percentiles(samples), (len(sent) - before) / n)

    stuffing = AttemptContext.build(ip="192.0.2.10", user_agent="curl/8")
    refused = 0
    before = len(sent)

    def stuff() -> None:
        nonlocal refused
        try:
            attempt = service.begin(f"list{next(counter)}", stuffing)
        except RiskRefusalError:
            refused += 1
            return
        assert attempt is not None
        service.finish(attempt, "Fail")

    samples = timed(stuff, n)
    results["stuffing"] = (*percentiles(samples), (len(sent) - before) / n, refused)
    results["step-up"] = bench_step_up(n, store, sent)
    return results


def bench_step_up(n: int, store: Any, sent: list[str]) -> tuple[float, float, float]:
    from chalicelib.risk.config import LevelAction, RiskConfig
    from chalicelib.risk.context import AttemptContext
    from chalicelib.risk.service import CONTEXT_KEY, RiskService, read_context, read_hold, sign_context, sign_hold

    os.environ.setdefault("RISK_LINK_SECRET", "bench-risk-link-secret-0123456789abcdef")
    pool = "us-east-1_Bench"
    cfg = RiskConfig(mode="ENFORCED", actions={"MEDIUM": LevelAction("MFA_REQUIRED"),
                                               "HIGH": LevelAction("MFA_REQUIRED")})
    service = RiskService(pool, "client", store=store, configuration=cfg)
    settled = AttemptContext.build(ip="203.0.113.7", user_agent="Mozilla/5.0", device_id="s" * 32)
    service.finish(service.begin("stepper", settled), "Pass")  # type: ignore[arg-type]
    counter = iter(range(10**9))

    def step_up() -> None:
        index = next(counter)
        ctx = AttemptContext.build(ip=f"198.18.{index % 250}.{index // 250 % 250 + 1}", user_agent="Mozilla/5.0",
                                   device_id=f"{index:032d}")
        attempt = service.begin("stepper", ctx)
        assert attempt is not None and attempt.action == "MFA_REQUIRED", attempt
        service.finish(attempt, "InProgress")
        now = time.time()
        held = read_hold(pool, "stepper", sign_hold(pool, attempt, now) or "", now)
        learned = read_context(pool, {CONTEXT_KEY: sign_context(pool, "stepper", ctx, now, held)}, now)
        assert learned is not None and learned.before is not None
        service.learn_signed(learned)

    before = len(sent)
    samples = timed(step_up, n)
    return (*percentiles(samples), (len(sent) - before) / n)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=500)
    args = parser.parse_args()
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"  # before chalicelib.observability creates the logger
    p50, p99 = bench_engine(args.attempts * 20)
    print(f"engine (assess + lock_state), {args.attempts * 20} runs: p50 {p50 * 1000:.1f} us, p99 {p99 * 1000:.1f} us")
    from moto import mock_aws

    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                       "AWS_DEFAULT_REGION": "us-east-1"})
    with mock_aws():
        shipped = bench_sign_in(args.attempts)
    from emulator import tables

    tables.make_moto_writes_atomic()  # the local stack's DynamoDB: its own TransactWriteItems, one write lock
    with mock_aws():
        local = bench_sign_in(args.attempts)
    for label, results in (("moto as shipped", shipped), ("the local stack's moto", local)):
        for name, (p50, p99, requests, *rest) in results.items():
            extra = f", refused {rest[0]}/{args.attempts}" if rest else ""
            print(f"{label}: sign-in {name}, {args.attempts} attempts: p50 {p50:.2f} ms, p99 {p99:.2f} ms, "
                  f"DynamoDB requests per attempt {requests:.2f}{extra}")
    for name in shipped:
        (p50_shipped, p99_shipped, *_), (p50_local, p99_local, *_) = shipped[name], local[name]
        print(f"sign-in {name}: moto as shipped / the local stack's moto: p50 {p50_shipped / p50_local:.1f}x, "
              f"p99 {p99_shipped / p99_local:.1f}x")

if __name__ == "__main__":
    main()

"""Rule evaluation time of the role-mapping rules engine (chalicelib.rolemap) for 10, 100 and 1,000 rules.

What is measured: ``decide(rule_set, claims)``, the call the PreTokenGeneration trigger makes at every
sign-in, in-process, on rule sets of N rules whose conditions cycle through the engine's condition types
(Equals, In, StartsWith, InGroup, a bounded Regex, Contains, NotEqual, an any-of group, Present), against
the claims of an ID token. ``decide`` evaluates every rule (every matching rule adds its role to
``cognito:roles``), so the time does not depend on where the first match is; two claim sets are timed, one
that the last rule matches and one that no rule matches. Also timed: ``decide(..., explain=True)`` (the
explain route), ``parse_rule_set`` at save time (validation with the regex probes), and the load of a stored
rule set without probes (what a cold trigger does once per rule-set version; a warm one reuses it).

How: after a warm-up, each measurement repeats the call in batches for ``--seconds`` of CPU time per case and
reports the median and the p99 of the per-call CPU time (``time.process_time``: the machine's other load does
not count) over the batches. Goal (issue 6): under 1 ms at 100 rules.

Run from the repository root: ``.venv/bin/python bench/rolemap_eval.py [--seconds 1.0]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chalicelib.rolemap import decide, parse_rule_set

SIZES = (10, 100, 1000)
GOAL_MS_AT_100 = 1.0
ROLE = "arn:aws:iam::123456789012:role/role-{}"


def condition(i: int) -> dict[str, Any]:
    kind = i % 9
    if kind == 0:
        return {"claim": "custom:department", "type": "Equals", "value": f"dept-{i}"}
    if kind == 1:
        return {"claim": "custom:tier", "type": "In", "values": [f"tier-{i}", f"tier-{i + 1}", f"tier-{i + 2}"]}
    if kind == 2:
        return {"claim": "email", "type": "StartsWith", "value": f"user-{i}@"}
    if kind == 3:
        return {"type": "InGroup", "group": f"group-{i}"}
    if kind == 4:
        return {"claim": "email", "type": "Regex", "pattern": f"[a-z]+-{i}@example\\.com"}
    if kind == 5:
        return {"claim": "cognito:groups", "type": "Contains", "value": f"team-{i}"}
    if kind == 6:
        return {"claim": "custom:region", "type": "NotEqual", "value": "eu-west-1"}
    if kind == 7:
        return {"match": "any", "conditions": [{"claim": "custom:site", "type": "Equals", "value": f"site-{i}"},
                                               {"claim": "custom:site", "type": "StartsWith", "value": f"hq-{i}"}]}
    return {"claim": f"custom:flag{i}", "type": "Present"}


def rule_set(size: int) -> dict[str, Any]:
    rules = [{"name": f"rule {i}", "roleArn": ROLE.format(i % 50),
              "conditions": [condition(i), {"claim": "email_verified", "type": "Equals", "value": "true"}]}
             for i in range(size - 1)]
    rules.append({"name": "last", "roleArn": ROLE.format("last"),
                  "conditions": [{"claim": "custom:department", "type": "Equals", "value": "bench"}]})
    return {"userPoolId": "us-east-1_Bench1234", "clientId": "default", "rules": rules}


CLAIMS_LAST = {"sub": "0b0a57c5-f013-426a-81a1-f8ffbfba21f0", "email": "someone@example.org", "email_verified": True,
               "cognito:username": "someone", "cognito:groups": ["staff", "bench"], "custom:department": "bench",
               "custom:region": "eu-west-1", "aud": "26charactersappclientid000", "token_use": "id"}
CLAIMS_NONE = {**CLAIMS_LAST, "custom:department": "nobody"}


def measure(call: Callable[[], Any], seconds: float) -> tuple[float, float, int]:
    """Median and p99 per-call milliseconds over batches, and the number of calls."""
    call()
    batch = 1
    while True:
        started = time.process_time()
        for _ in range(batch):
            call()
        if time.process_time() - started > 0.01 or batch > 1 << 20:
            break
        batch *= 2
    samples: list[float] = []
    deadline = time.process_time() + seconds
    while time.process_time() < deadline or len(samples) < 20:
        started = time.process_time()
        for _ in range(batch):
            call()
        samples.append((time.process_time() - started) / batch * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))], batch * len(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    args = parser.parse_args(argv)

    print("## Role-mapping rule evaluation (bench/rolemap_eval.py)\n")
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
          f"{args.seconds:g} s per measurement; milliseconds per call, median / p99 of batches.\n")
    print("| rules | decide, last rule matches | decide, no rule matches | decide + explain | parse (save) "
          "| load (stored) |")
    print("|---:|---:|---:|---:|---:|---:|")
    at_100 = 0.0
    for size in SIZES:
        document = rule_set(size)
        parsed = parse_rule_set(document)
        assert decide(parsed, CLAIMS_LAST).rule_name == "last"
        assert decide(parsed, CLAIMS_NONE).role_arn is None
        last = measure(lambda parsed=parsed: decide(parsed, CLAIMS_LAST), args.seconds)
        none = measure(lambda parsed=parsed: decide(parsed, CLAIMS_NONE), args.seconds)
        explained = measure(lambda parsed=parsed: decide(parsed, CLAIMS_LAST, explain=True), args.seconds)
        parse = measure(lambda document=document: parse_rule_set(document), args.seconds)
        load = measure(lambda document=document: parse_rule_set(document, probe=False), args.seconds)
        if size == 100:
            at_100 = max(last[0], none[0])
        cells = [f"{m[0]:.4f} / {m[1]:.4f}" for m in (last, none, explained, parse, load)]
        print(f"| {size:,} | " + " | ".join(cells) + " |")
    verdict = "met" if at_100 < GOAL_MS_AT_100 else "NOT met"
    print(f"\nGoal (under {GOAL_MS_AT_100:g} ms at 100 rules, median of decide): {at_100:.4f} ms, {verdict}.")
    return 0 if at_100 < GOAL_MS_AT_100 else 1


if __name__ == "__main__":
    sys.exit(main())

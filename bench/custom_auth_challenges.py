"""Cost of one completed custom-auth sign-in per method: DynamoDB requests and the triggers' warm latency.

What is measured: complete sign-ins driven the way Cognito drives them (DefineAuthChallenge, then
CreateAuthChallenge, the client's answer to VerifyAuthChallengeResponse, DefineAuthChallenge again, ...),
calling the bundle's three trigger handlers in-process with the real services: DynamoDB, SES and SNS on a moto
server started by this script (ThreadedMotoServer on a free loopback port). Codes and links are read from
moto's SES / SNS backends, as the local stack's outbox does. Per method:

- DynamoDB requests per completed sign-in, counted on the wire (botocore ``before-call`` events of the
  pynamodb client): reads (GetItem) and writes (UpdateItem, PutItem, DeleteItem); goal <= 4 requests, <= 2
  writes;
- each trigger invocation's wall time, warm (after ``--warmup`` sign-ins per method), p50 and p99 over all the
  invocations of the method's sign-ins; goal p99 < 20 ms on moto; and the same p99 without the time spent
  inside AWS SDK calls (moto's share, which real DynamoDB, SES and SNS would replace with their own). Every
  sign-in uses a fresh user, so the 60 s resend interval never refuses one.

Methods: EMAIL_OTP, SMS_OTP, MAGIC_LINK answered in its own sign-in, MAGIC_LINK answered in a new sign-in
(another device: two sign-ins make one completed sign-in), PASSWORD (SRP inside CUSTOM_AUTH: the triggers
only decide) and PASSWORD then SMS_OTP (step-up). Last, the cold path: the import time of this feature's
modules, and each trigger's first invocation in a fresh interpreter.

Run from the repository root: ``.venv/bin/python bench/custom_auth_challenges.py [--signins 200]``. The report
is Markdown on stdout.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import os
import platform
import re
import secrets
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POOL_ID = "us-east-1_Bench0001"
CLIENT_ID = "benchclient"
READS = {"GetItem", "Query", "Scan", "BatchGetItem"}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
TRIGGERS = ("define_auth_challenge", "create_auth_challenge", "verify_auth_challenge_response")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(moto_url: str | None) -> None:
    if moto_url:
        os.environ["AWS_ENDPOINT_URL"] = moto_url
    else:
        os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1", "COGWORKS_STAGE": "local",
                       "POWERTOOLS_LOG_LEVEL": "WARNING", "CHALLENGE_TABLE": "bench-challenge",
                       "COGWORKS_LOCAL_URL": "http://127.0.0.1:8000"})


class AwsTime:
    """Time spent inside AWS SDK calls (moto's share), per thread, so a trigger's own time can be told apart."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def install(self) -> None:
        from botocore.client import BaseClient

        original = BaseClient._make_api_call
        meter = self

        def timed(client: Any, operation: str, params: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(client, operation, params)
            finally:
                meter.seconds += time.perf_counter() - started
                meter.calls += 1

        BaseClient._make_api_call = timed  # type: ignore[method-assign]


AWS_TIME = AwsTime()


class Calls:
    """DynamoDB operations seen on the wire."""

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()

    def __call__(self, model: Any = None, **kwargs: Any) -> None:
        self.seen[getattr(model, "name", "?")] += 1

    def take(self) -> Counter[str]:
        seen, self.seen = self.seen, Counter()
        return seen


@dataclass
class Result:
    method: str
    signins: int = 0
    reads: int = 0
    writes: int = 0
    latencies: dict[str, list[float]] = field(default_factory=lambda: {t: [] for t in TRIGGERS})
    own: list[float] = field(default_factory=list)
    aws_seconds: float = 0.0
    aws_calls: int = 0

    def all_latencies(self) -> list[float]:
        return [x for values in self.latencies.values() for x in values]


class Driver:
    """One sign-in through the real handlers, timing each invocation."""

    def __init__(self, handlers: dict[str, Callable[..., Any]], context: Callable[[str], Any], username: str,
                 attributes: dict[str, str], result: Result | None) -> None:
        self.handlers, self.context, self.result = handlers, context, result
        self.username, self.attributes = username, attributes
        self.session: list[dict[str, Any]] = []
        self.private: dict[str, str] = {}
        self.metadata: str | None = None

    def invoke(self, name: str, trigger: str, response: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
        event = {"version": "1", "triggerSource": f"{trigger}_Authentication", "region": "us-east-1",
                 "userPoolId": POOL_ID, "userName": self.username,
                 "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": CLIENT_ID},
                 "request": {"userAttributes": dict(self.attributes), "session": copy.deepcopy(self.session),
                             "userNotFound": False, **request}, "response": response}
        started, aws_before = time.perf_counter(), AWS_TIME.seconds
        out = self.handlers[name](event, self.context(name))
        if self.result is not None:
            elapsed = time.perf_counter() - started
            self.result.latencies[name].append(elapsed)
            self.result.own.append(elapsed - (AWS_TIME.seconds - aws_before))
        return out["response"]

    def define(self, metadata: dict[str, str]) -> str:
        response = self.invoke("define_auth_challenge", "DefineAuthChallenge",
                               {"challengeName": None, "issueTokens": None, "failAuthentication": None},
                               {"clientMetadata": metadata})
        if response["failAuthentication"]:
            return "failed"
        if response["issueTokens"]:
            return "tokens"
        return str(response["challengeName"])

    def create(self, metadata: dict[str, str]) -> dict[str, str]:
        response = self.invoke("create_auth_challenge", "CreateAuthChallenge",
                               {"publicChallengeParameters": None, "privateChallengeParameters": None,
                                "challengeMetadata": None},
                               {"challengeName": "CUSTOM_CHALLENGE", "clientMetadata": metadata})
        self.private, self.metadata = response["privateChallengeParameters"], response["challengeMetadata"]
        return response["publicChallengeParameters"]

    def answer(self, answer: str, metadata: dict[str, str] | None = None) -> str:
        metadata = metadata or {}
        response = self.invoke("verify_auth_challenge_response", "VerifyAuthChallengeResponse",
                               {"answerCorrect": None},
                               {"clientMetadata": metadata, "privateChallengeParameters": dict(self.private),
                                "challengeAnswer": answer})
        self.session.append({"challengeName": "CUSTOM_CHALLENGE", "challengeResult": response["answerCorrect"],
                             "challengeMetadata": self.metadata})
        step = self.define(metadata)
        if step == "CUSTOM_CHALLENGE":
            self.create(metadata)
        return step

    def begin(self) -> None:
        assert self.define({}) == "CUSTOM_CHALLENGE"
        self.create({})

    def password(self) -> str:
        """SRP_A then PASSWORD_VERIFIER, both judged right by Cognito."""
        self.session = [{"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None}]
        assert self.define({}) == "PASSWORD_VERIFIER"
        self.session.append({"challengeName": "PASSWORD_VERIFIER", "challengeResult": True,
                             "challengeMetadata": None})
        step = self.define({})
        if step == "CUSTOM_CHALLENGE":
            self.create({})
        return step


def last_sent(to: str) -> str:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends
    from moto.sns.models import sns_backends

    for message in reversed(list(ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages)):
        if to in str(getattr(message, "destinations", "")):
            return str(message.body)
    for phone, body in reversed(list(sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sms_messages.values())):
        if phone == to:
            return str(body)
    raise RuntimeError(f"nothing sent to {to}")


def code_of(to: str) -> str:
    found = re.search(r"\b(\d{6})\b", last_sent(to))
    if not found:
        raise RuntimeError("no code in the message")
    return found.group(1)


def token_of(to: str) -> str:
    found = re.search(r"#([A-Za-z0-9_.-]+)", last_sent(to))
    if not found:
        raise RuntimeError("no link in the message")
    return found.group(1)


def new_user(step_up: bool = False) -> tuple[str, dict[str, str]]:
    username = "bench-" + secrets.token_hex(6)
    attributes = {"email": f"{username}@example.com", "email_verified": "true",
                  "phone_number": "+1555" + f"{secrets.randbelow(10**7):07d}", "phone_number_verified": "true"}
    if step_up:
        attributes["custom:auth_policy"] = '{"stepUpAfter": ["PASSWORD"]}'
    return username, attributes


def run_method(method: str, make: Callable[[Result | None], Driver], result: Result | None) -> None:
    driver = make(result)
    if method == "PASSWORD":
        if driver.password() != "tokens":
            raise RuntimeError("PASSWORD did not issue tokens")
        return
    if method == "PASSWORD+SMS_OTP":
        if driver.password() != "CUSTOM_CHALLENGE" or driver.answer("__select__", {"signInMethod": "SMS_OTP"}) \
                != "CUSTOM_CHALLENGE":
            raise RuntimeError("no second factor")
        outcome = driver.answer(code_of(driver.attributes["phone_number"]))
    elif method == "MAGIC_LINK (new sign-in)":
        driver.begin()
        driver.answer("__select__", {"signInMethod": "MAGIC_LINK"})
        token = token_of(driver.attributes["email"])
        landing = make(result)
        landing.username, landing.attributes = driver.username, driver.attributes
        existing = {"signInMethod": "MAGIC_LINK", "alreadyHaveMagicLink": "yes"}
        landing.begin()
        landing.answer("__select__", existing)
        outcome = landing.answer(token, existing)
    else:
        driver.begin()
        chosen = "MAGIC_LINK" if method.startswith("MAGIC_LINK") else method
        if driver.answer("__select__", {"signInMethod": chosen}) != "CUSTOM_CHALLENGE":
            raise RuntimeError(f"{method} was not offered")
        to = driver.attributes["phone_number" if chosen == "SMS_OTP" else "email"]
        outcome = driver.answer(token_of(to) if chosen == "MAGIC_LINK" else code_of(to))
    if outcome != "tokens":
        raise RuntimeError(f"{method}: {outcome}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


COLD = """
import time
import chalice, aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event  # the trigger's baseline
t = time.perf_counter()
import chalicelib.auth.flow, chalicelib.auth.policy, chalicelib.auth.challenges.engine
print(time.perf_counter() - t)
"""


def cold_costs() -> tuple[float, dict[str, float]]:
    """The import time of this feature's modules over a trigger's baseline (chalice, powertools), and each
    trigger's first invocation in a fresh interpreter (lazy imports: pynamodb, boto3, clients)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    imported = subprocess.run([sys.executable, "-c", COLD], cwd=ROOT, capture_output=True, text=True, check=True,
                              env=env)
    first = subprocess.run([sys.executable, __file__, "--first"], cwd=ROOT, capture_output=True, text=True,
                           check=True, env=env)
    return float(imported.stdout.strip()), json.loads(first.stdout.strip().splitlines()[-1])


def first_invocations() -> None:
    """One EMAIL_OTP sign-in in this fresh process; prints each trigger's slowest (first) invocation."""
    from moto import mock_aws

    environment(None)
    with mock_aws():
        handlers, context, _ = setup()
        result = Result("EMAIL_OTP")

        def make(result: Result | None) -> Driver:
            username, attributes = new_user()
            return Driver(handlers, context, username, attributes, result)

        run_method("EMAIL_OTP", make, result)
        print(json.dumps({name: max(values) for name, values in result.latencies.items()}))


METHODS = ("EMAIL_OTP", "SMS_OTP", "MAGIC_LINK", "MAGIC_LINK (new sign-in)", "PASSWORD", "PASSWORD+SMS_OTP")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signins", type=int, default=200, help="measured sign-ins per method")
    parser.add_argument("--warmup", type=int, default=20, help="sign-ins per method before measuring")
    parser.add_argument("--first", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--moto", choices=("inprocess", "server"), default="inprocess",
                        help="moto in this process (mock_aws: no HTTP) or moto's server on loopback (the local "
                             "stack's setting: every AWS call is an HTTP request to a werkzeug server in-process)")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    if args.first:
        first_invocations()
        return
    if args.moto == "inprocess":
        from moto import mock_aws

        environment(None)
        with mock_aws():
            report(args.signins, args.warmup, "moto in-process (mock_aws)")
        return
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        environment(f"http://127.0.0.1:{port}")
        report(args.signins, args.warmup, "moto server on loopback (ThreadedMotoServer)")
    finally:
        server.stop()


def setup() -> tuple[dict[str, Callable[..., Any]], Callable[[str], Any], Calls]:
    from chalice.local import LambdaContext

    from chalicelib.models.challenge import ChallengeState
    from chalicelib.triggers.create_auth_challenge import create_auth_challenge
    from chalicelib.triggers.define_auth_challenge import define_auth_challenge
    from chalicelib.triggers.verify_auth_challenge_response import verify_auth_challenge_response

    ChallengeState.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
    calls = Calls()
    ChallengeState._get_connection().connection.client.meta.events.register("before-call.dynamodb", calls)
    handlers = {"define_auth_challenge": define_auth_challenge, "create_auth_challenge": create_auth_challenge,
                "verify_auth_challenge_response": verify_auth_challenge_response}

    def context(name: str) -> Any:
        return LambdaContext(function_name=name, memory_size=512, max_runtime_ms=5000)

    return handlers, context, calls


def report(signins: int, warmup: int, moto: str) -> None:
    AWS_TIME.install()
    handlers, context, calls = setup()

    results = []
    for method in METHODS:
        def make(result: Result | None, method: str = method) -> Driver:
            username, attributes = new_user(step_up=method == "PASSWORD+SMS_OTP")
            return Driver(handlers, context, username, attributes, result)

        for _ in range(warmup):
            run_method(method, make, None)
        calls.take()
        result = Result(method)
        aws_before = (AWS_TIME.seconds, AWS_TIME.calls)
        for _ in range(signins):
            run_method(method, make, result)
            result.signins += 1
        result.aws_seconds, result.aws_calls = AWS_TIME.seconds - aws_before[0], AWS_TIME.calls - aws_before[1]
        seen = calls.take()
        result.reads = sum(n for op, n in seen.items() if op in READS)
        result.writes = sum(n for op, n in seen.items() if op in WRITES)
        if set(seen) - READS - WRITES:
            raise RuntimeError(f"unexpected DynamoDB operations: {seen}")
        results.append(result)

    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load average "
          f"{os.getloadavg()[0]:.1f}; {signins} measured sign-ins per method after {warmup} warm-up ones; {moto}.\n")
    print("| method | DynamoDB reads | writes | requests | invocations | p50 ms | p99 ms | p99 ms without AWS "
          "calls | AWS calls (DynamoDB, SES, SNS), mean ms | goals: <= 4 requests, <= 2 writes / p99 < 20 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        latencies = r.all_latencies()
        reads, writes = r.reads / r.signins, r.writes / r.signins
        p50, p99 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000
        own99 = percentile(r.own, 0.99) * 1000
        requests = "met" if reads + writes <= 4 and writes <= 2 else "NOT met"
        print(f"| {r.method} | {reads:.2f} | {writes:.2f} | {reads + writes:.2f} | {len(latencies) / r.signins:.0f} "
              f"| {p50:.2f} | {p99:.2f} | {own99:.2f} | {r.aws_calls / r.signins:.1f} per sign-in, "
              f"{r.aws_seconds / max(r.aws_calls, 1) * 1000:.1f} | {requests} / {'met' if p99 < 20 else 'NOT met'} |")
    print("\nPer trigger (every method), warm, ms:\n")
    print("| trigger | invocations | p50 | p90 | p99 | max |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in TRIGGERS:
        values = [x for r in results for x in r.latencies[name]]
        print(f"| {name} | {len(values)} | {percentile(values, 0.5) * 1000:.2f} | {percentile(values, 0.9) * 1000:.2f} "
              f"| {percentile(values, 0.99) * 1000:.2f} | {max(values) * 1000:.2f} |")
    imported, first = cold_costs()
    print(f"\nCold path: importing this feature's modules (flow, policy, challenges) adds {imported * 1000:.0f} ms "
          "to a trigger's baseline (chalice, powertools); first invocation of each trigger in a fresh interpreter "
          "(lazy imports of pynamodb and boto3, clients built), ms:\n")
    print("| trigger | first invocation |")
    print("| --- | --- |")
    for name, seconds in first.items():
        print(f"| {name} | {seconds * 1000:.0f} |")


if __name__ == "__main__":
    main()

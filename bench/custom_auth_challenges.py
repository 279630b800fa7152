"""Cost of one completed custom-auth sign-in per method: DynamoDB requests and the triggers' warm latency.

What is measured: complete sign-ins driven the way Cognito drives them (DefineAuthChallenge, then
CreateAuthChallenge, the client's answer to VerifyAuthChallengeResponse, DefineAuthChallenge again, ...),
calling the bundle's three trigger handlers in-process with the real services (pynamodb on DynamoDB, SES, SNS)
and the pool's default policy (no AUTH_* variable). The AWS side is moto:

- primary figures: moto in this process (``mock_aws``: no HTTP, no server), "in-process on moto";
- secondary column: moto's server on loopback (ThreadedMotoServer, as the local stack runs it), measured in a
  child process by the same code.

Per method:

- DynamoDB requests per completed sign-in, counted on the wire (botocore ``before-call`` events of the
  pynamodb clients of the three tables): reads (GetItem, Query) and writes (UpdateItem, PutItem, DeleteItem);
  goal <= 4 requests, <= 2 writes. What a user enrolled before the sign-in (TOTP secret, passkey) is not counted;
- each trigger invocation's wall time, warm (after ``--warmup`` sign-ins per method), p50 and p99 over all the
  invocations of the method's sign-ins, and per trigger; goal p99 < 20 ms on moto; and the p99 without the time
  spent inside AWS SDK calls (moto's share). Every sign-in uses a fresh user, so the 60 s resend interval
  never refuses one.

Methods: EMAIL_OTP, SMS_OTP, MAGIC_LINK answered in its own sign-in, MAGIC_LINK answered in a new sign-in
(another device: two sign-ins make one completed sign-in), TOTP, PASSKEY with a username and usernameless,
PASSWORD (SRP inside CUSTOM_AUTH: the triggers only decide), PASSWORD then SMS_OTP (the user's policy asks for
it) and PASSWORD then TOTP (the default once a user enrolled TOTP). Last, the cold path: the import time of
this feature's modules, and each trigger's first invocation in a fresh interpreter.

Run from the repository root: ``.venv/bin/python bench/custom_auth_challenges.py [--signins 200] [--warmup 20]
[--moto both|inprocess|server] [--methods TOTP,PASSKEY]``. The report is Markdown on stdout, with the load
average at the start and the end (other processes' load inflates the latencies, not the counts).
"""

from __future__ import annotations

import argparse
import contextlib
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
                       "TOTP_TABLE": "bench-totp", "PASSKEY_TABLE": "bench-passkey",
                       "COGWORKS_LOCAL_URL": "http://127.0.0.1:8000"})
    for name in ("AUTH_FIRST_FACTORS", "AUTH_SECOND_FACTORS", "AUTH_STEP_UP_AFTER", "AUTH_MFA_STEP_UP_AFTER"):
        os.environ.pop(name, None)  # the pool's defaults


class AwsTime:
    """Time spent inside AWS SDK calls (moto's share), per thread, so a trigger's own time can be told apart."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self.per_operation: dict[str, list[float]] = {}
        self.active = False  # inside a measured trigger invocation

    def install(self) -> None:
        from botocore.client import BaseClient

        original = BaseClient._make_api_call
        meter = self

        def timed(client: Any, operation: str, params: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(client, operation, params)
            finally:
                elapsed = time.perf_counter() - started
                meter.seconds += elapsed
                meter.calls += 1
                if meter.active:
                    meter.per_operation.setdefault(f"{client.meta.service_model.service_name} {operation}",
                                                   []).append(elapsed)

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

    def summary(self) -> dict[str, Any]:
        latencies = self.all_latencies()
        return {"method": self.method, "reads": self.reads / self.signins, "writes": self.writes / self.signins,
                "invocations": len(latencies) / self.signins, "p50": ms(latencies, 0.5), "p99": ms(latencies, 0.99),
                "own99": ms(self.own, 0.99), "aws_per_signin": self.aws_calls / self.signins,
                "aws_mean": self.aws_seconds / max(self.aws_calls, 1) * 1000, "latencies": self.latencies}


class Driver:
    """One sign-in through the real handlers, timing each invocation."""

    def __init__(self, handlers: dict[str, Callable[..., Any]], context: Callable[[str], Any], username: str,
                 attributes: dict[str, str], result: Result | None, enrolled: Enrolled | None = None) -> None:
        self.handlers, self.context, self.result = handlers, context, result
        self.username, self.attributes = username, attributes
        self.enrolled = enrolled or Enrolled()
        self.session: list[dict[str, Any]] = []
        self.private: dict[str, str] = {}
        self.public: dict[str, str] = {}
        self.metadata: str | None = None

    def invoke(self, name: str, trigger: str, response: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
        event = {"version": "1", "triggerSource": f"{trigger}_Authentication", "region": "us-east-1",
                 "userPoolId": POOL_ID, "userName": self.username,
                 "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": CLIENT_ID},
                 "request": {"userAttributes": dict(self.attributes), "session": copy.deepcopy(self.session),
                             "userNotFound": False, **request}, "response": response}
        started, aws_before = time.perf_counter(), AWS_TIME.seconds
        AWS_TIME.active = self.result is not None
        try:
            out = self.handlers[name](event, self.context(name))
        finally:
            AWS_TIME.active = False
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
        self.public = response["publicChallengeParameters"]
        return self.public

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
                  "phone_number": "+1555" + f"{secrets.randbelow(10**7):07d}", "phone_number_verified": "true",
                  "sub": secrets.token_hex(16)}
    if step_up:
        attributes["custom:auth_policy"] = '{"stepUpAfter": ["PASSWORD"]}'
    return username, attributes


@dataclass
class Enrolled:
    """What a user enrolled before the measured sign-in (through the modules the API's routes use)."""

    totp_secret: str | None = None
    device: Any = None


def enroll(username: str, attributes: dict[str, str], methods: tuple[str, ...]) -> Enrolled:
    """Enroll TOTP and/or a passkey for the user and record them in ``custom:authenticators`` (not measured)."""
    from chalicelib.auth.challenges import passkey, totp
    from chalicelib.auth.challenges.settings import ChallengeSettings
    from chalicelib.auth.policy import ENROLLED_ATTRIBUTE, enrolled_value
    from tests.webauthn_authenticator import SoftAuthenticator

    owner, now, done = totp.owner_of(POOL_ID, attributes["sub"]), time.time(), Enrolled()
    if "TOTP" in methods:
        secret = totp.begin_enrollment(owner, now)
        if not totp.activate(owner, totp.code_at(secret, totp.step_of(now) - 1), now, "bench"):
            raise RuntimeError("TOTP not activated")
        done.totp_secret = secret
    if "PASSKEY" in methods:
        settings, key = passkey.PasskeySettings.from_env(), ChallengeSettings.from_env().signing_key
        device = SoftAuthenticator()
        options = passkey.registration_options(settings, key, pool_id=POOL_ID, sub=attributes["sub"],
                                               username=username, existing=[], now=now)
        registered = passkey.verify_registration(settings, key, pool_id=POOL_ID, sub=attributes["sub"],
                                                 credential=device.register(options), now=now)
        if not passkey.save(owner, username, registered, "bench", now):
            raise RuntimeError("passkey not saved")
        done.device = device
    attributes[ENROLLED_ATTRIBUTE] = enrolled_value(methods)
    return done


def totp_code(driver: Driver) -> str:
    from chalicelib.auth.challenges import totp

    return totp.code_at(driver.enrolled.totp_secret or "", totp.step_of(time.time()))


def passkey_answer(driver: Driver, options: dict[str, Any]) -> str:
    return json.dumps(driver.enrolled.device.assert_(options))


def usernameless_options() -> dict[str, Any]:
    from chalicelib.auth.challenges import passkey
    from chalicelib.auth.challenges.settings import ChallengeSettings

    challenge = passkey.usernameless_challenge(ChallengeSettings.from_env().signing_key, POOL_ID, time.time())
    return passkey.request_options(passkey.PasskeySettings.from_env(), challenge, [])


# What each measured method needs enrolled before its sign-in.
ENROLLS = {"TOTP": ("TOTP",), "PASSWORD+TOTP": ("TOTP",), "PASSKEY": ("PASSKEY",),
           "PASSKEY (usernameless)": ("PASSKEY",)}


def run_method(method: str, make: Callable[[Result | None], Driver], result: Result | None) -> None:
    driver = make(result)
    if method == "PASSWORD":
        if driver.password() != "tokens":
            raise RuntimeError("PASSWORD did not issue tokens")
        return
    if method in ("PASSWORD+SMS_OTP", "PASSWORD+TOTP"):
        second = method.split("+")[1]
        if driver.password() != "CUSTOM_CHALLENGE" or driver.answer("__select__", {"signInMethod": second}) \
                != "CUSTOM_CHALLENGE":
            raise RuntimeError("no second factor")
        outcome = driver.answer(totp_code(driver) if second == "TOTP" else code_of(driver.attributes["phone_number"]))
    elif method == "TOTP":
        driver.begin()
        if driver.answer("__select__", {"signInMethod": "TOTP"}) != "CUSTOM_CHALLENGE":
            raise RuntimeError("TOTP was not offered")
        outcome = driver.answer(totp_code(driver))
    elif method == "PASSKEY":
        driver.begin()
        if driver.answer("__select__", {"signInMethod": "PASSKEY"}) != "CUSTOM_CHALLENGE":
            raise RuntimeError("PASSKEY was not offered")
        outcome = driver.answer(passkey_answer(driver, json.loads(driver.public["options"])))
    elif method == "PASSKEY (usernameless)":
        chosen = {"signInMethod": "PASSKEY", "passkeyMode": "usernameless"}
        answer = passkey_answer(driver, usernameless_options())  # the API's options and the browser's assertion
        driver.begin()
        if driver.answer("__select__", chosen) != "CUSTOM_CHALLENGE":
            raise RuntimeError("PASSKEY was not offered")
        outcome = driver.answer(answer, chosen)
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


METHODS = ("EMAIL_OTP", "SMS_OTP", "MAGIC_LINK", "MAGIC_LINK (new sign-in)", "TOTP", "PASSKEY",
           "PASSKEY (usernameless)", "PASSWORD", "PASSWORD+SMS_OTP", "PASSWORD+TOTP")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signins", type=int, default=200, help="measured sign-ins per method")
    parser.add_argument("--warmup", type=int, default=20, help="sign-ins per method before measuring")
    parser.add_argument("--first", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated subset of the methods")
    parser.add_argument("--moto", choices=("both", "inprocess", "server"), default="both",
                        help="inprocess: moto in this process (mock_aws, no HTTP: the primary figures); server: "
                             "moto's server on loopback (the local stack's setting: every AWS call is an HTTP "
                             "request to a werkzeug server in-process); both (default): inprocess, then server "
                             "in a child process, as one report")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    if args.first:
        first_invocations()
        return
    methods = tuple(m for m in args.methods.split(",") if m)
    if args.json:
        print(json.dumps([r.summary() for r in measure(args.moto, methods, args.signins, args.warmup)]))
        return
    load_before = os.getloadavg()
    results = measure("inprocess" if args.moto == "both" else args.moto, methods, args.signins, args.warmup)
    server: dict[str, dict[str, Any]] = {}
    if args.moto == "both":
        child = subprocess.run([sys.executable, __file__, "--json", "--moto", "server", "--methods", args.methods,
                                "--signins", str(args.signins), "--warmup", str(args.warmup)], cwd=ROOT,
                               capture_output=True, text=True, check=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
        server = {r["method"]: r for r in json.loads(child.stdout.strip().splitlines()[-1])}
    report(results, server, args, load_before)


def measure(moto: str, methods: tuple[str, ...], signins: int, warmup: int) -> list[Result]:
    if moto == "inprocess":
        from moto import mock_aws

        environment(None)
        with mock_aws():
            return run_all(methods, signins, warmup)
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        environment(f"http://127.0.0.1:{port}")
        return run_all(methods, signins, warmup)
    finally:
        server.stop()


def setup() -> tuple[dict[str, Callable[..., Any]], Callable[[str], Any], Calls]:
    from chalice.local import LambdaContext

    from chalicelib.models.authenticator import PasskeyCredential, TotpSecret
    from chalicelib.models.challenge import ChallengeState
    from chalicelib.triggers.create_auth_challenge import create_auth_challenge
    from chalicelib.triggers.define_auth_challenge import define_auth_challenge
    from chalicelib.triggers.verify_auth_challenge_response import verify_auth_challenge_response

    calls = Calls()
    for model in (ChallengeState, TotpSecret, PasskeyCredential):
        if not model.exists():
            model.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
        model._get_connection().connection.client.meta.events.register("before-call.dynamodb", calls)
    handlers = {"define_auth_challenge": define_auth_challenge, "create_auth_challenge": create_auth_challenge,
                "verify_auth_challenge_response": verify_auth_challenge_response}

    def context(name: str) -> Any:
        return LambdaContext(function_name=name, memory_size=512, max_runtime_ms=5000)

    return handlers, context, calls


def run_all(methods: tuple[str, ...], signins: int, warmup: int) -> list[Result]:
    AWS_TIME.install()
    handlers, context, calls = setup()
    results = []
    for method in methods:
        prepared: list[tuple[str, dict[str, str], Enrolled]] = []

        def make(result: Result | None, prepared: list[tuple[str, dict[str, str], Enrolled]] = prepared) -> Driver:
            username, attributes, enrolled = prepared.pop() if prepared else (*new_user(), Enrolled())
            return Driver(handlers, context, username, attributes, result, enrolled)

        def prepare(method: str = method, prepared: list[tuple[str, dict[str, str], Enrolled]] = prepared) -> None:
            """A fresh user, with what the method needs enrolled: its DynamoDB requests are not counted."""
            username, attributes = new_user(step_up=method == "PASSWORD+SMS_OTP")
            enrolled = enroll(username, attributes, ENROLLS[method]) if method in ENROLLS else Enrolled()
            prepared.append((username, attributes, enrolled))
            calls.take()

        for _ in range(warmup):
            prepare()
            run_method(method, make, None)
        result = Result(method)
        seen: Counter[str] = Counter()
        aws_seconds = aws_calls = 0.0
        for _ in range(signins):
            prepare()
            aws_before = (AWS_TIME.seconds, AWS_TIME.calls)
            run_method(method, make, result)
            aws_seconds += AWS_TIME.seconds - aws_before[0]
            aws_calls += AWS_TIME.calls - aws_before[1]
            seen += calls.take()
            result.signins += 1
        result.aws_seconds, result.aws_calls = aws_seconds, int(aws_calls)
        result.reads = sum(n for op, n in seen.items() if op in READS)
        result.writes = sum(n for op, n in seen.items() if op in WRITES)
        if set(seen) - READS - WRITES:
            raise RuntimeError(f"unexpected DynamoDB operations: {seen}")
        results.append(result)
    results.append(floor())
    return results


FLOOR = "(floor: one GetItem)"


def floor(samples: int = 300) -> Result:
    """The floor under every figure: one consistent GetItem of a missing key on the same moto, timed alone."""
    from chalicelib.models.challenge import ChallengeState

    result = Result(FLOOR, signins=samples)
    for index in range(samples):
        started = time.perf_counter()
        with contextlib.suppress(ChallengeState.DoesNotExist):
            ChallengeState.get(f"bench-floor-{index}", consistent_read=True)
        result.latencies["verify_auth_challenge_response"].append(time.perf_counter() - started)
    result.reads = samples
    return result


def ms(values: list[float], q: float) -> float:
    return percentile(values, q) * 1000 if values else 0.0


def report(results: list[Result], server: dict[str, dict[str, Any]], args: Any, load_before: tuple[float, ...]
           ) -> None:
    load_after = os.getloadavg()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; load average "
          f"(1, 5, 15 min) {', '.join(f'{x:.2f}' for x in load_before)} at start, "
          f"{', '.join(f'{x:.2f}' for x in load_after)} at end; {args.signins} measured sign-ins per method after "
          f"{args.warmup} warm-up ones, each with a fresh user.\n")
    print("Per method: DynamoDB requests per completed sign-in, and the latency of every trigger invocation of its "
          "sign-ins (warm) on moto in-process (`mock_aws`)" + (", with the p99 on moto's server on loopback last"
                                                                if server else "") + ", ms:\n")
    extra = " | p99, moto server" if server else ""
    print(f"| method | reads | writes | requests | invocations | p50 | p99 | p99 without AWS calls | AWS calls, "
          f"mean{extra} | goals: <= 4 requests, <= 2 writes / p99 < 20 ms |")
    print("| --- " * (10 + bool(server)) + "|")
    for r in results:
        if r.method == FLOOR:
            row = r.summary()
            other = f" | {server[FLOOR]['p99']:.2f}" if FLOOR in server else (" | -" if server else "")
            print(f"| {FLOOR} | 1 | 0 | 1 | - | {row['p50']:.2f} | {row['p99']:.2f} | - | -{other} | - |")
            continue
        row = r.summary()
        goal = "met" if row["reads"] + row["writes"] <= 4 and row["writes"] <= 2 else "NOT met"
        other = f" | {server[r.method]['p99']:.2f}" if r.method in server else (" | -" if server else "")
        print(f"| {r.method} | {row['reads']:.2f} | {row['writes']:.2f} | {row['reads'] + row['writes']:.2f} | "
              f"{row['invocations']:.0f} | {row['p50']:.2f} | {row['p99']:.2f} | {row['own99']:.2f} | "
              f"{row['aws_per_signin']:.1f} per sign-in, {row['aws_mean']:.1f} ms{other} | {goal} / "
              f"{'met' if row['p99'] < 20 else 'NOT met'} |")
    print("\nmoto in-process, time inside each AWS operation of the measured trigger invocations (every method), "
          "ms:\n")
    print("| operation | calls | p50 | p99 |")
    print("| --- | --- | --- | --- |")
    for name, values in sorted(AWS_TIME.per_operation.items()):
        print(f"| {name} | {len(values)} | {ms(values, 0.5):.2f} | {ms(values, 0.99):.2f} |")
    print("\nPer method and trigger, moto in-process, p50 / p99 ms:\n")
    print("| method | " + " | ".join(TRIGGERS) + " |")
    print("| --- " * (1 + len(TRIGGERS)) + "|")
    for r in results:
        if r.method == FLOOR:
            continue
        cells = [f"{ms(r.latencies[t], 0.5):.2f} / {ms(r.latencies[t], 0.99):.2f}" if r.latencies[t] else "-"
                 for t in TRIGGERS]
        print(f"| {r.method} | " + " | ".join(cells) + " |")
    print("\nPer trigger (every method), moto in-process, warm, ms" + (" (p99 on moto's server last)" if server
                                                                          else "") + ":\n")
    print("| trigger | invocations | p50 | p90 | p99 | max" + (" | p99, moto server" if server else "") + " |")
    print("| --- " * (6 + bool(server)) + "|")
    for name in TRIGGERS:
        values = [x for r in results if r.method != FLOOR for x in r.latencies[name]]
        other = ""
        if server:
            remote = [x for row in server.values() if row["method"] != FLOOR for x in row["latencies"][name]]
            other = f" | {ms(remote, 0.99):.2f}"
        print(f"| {name} | {len(values)} | {ms(values, 0.5):.2f} | {ms(values, 0.9):.2f} | {ms(values, 0.99):.2f} "
              f"| {max(values) * 1000:.2f}{other} |")
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

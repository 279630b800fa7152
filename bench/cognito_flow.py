"""Throughput of one Cognito sign-up-and-sign-in flow against three local Cognito servers, side by side.

What is measured: the flow SignUp -> AdminConfirmSignUp -> InitiateAuth (USER_PASSWORD_AUTH) -> GetUser,
for a fresh user each time, on a user pool and app client this script creates on each target:

- ``local``: this project's local stack (``python -m emulator``, the process ``make run`` serves), with the
  pool's LambdaConfig naming the bundle's triggers exactly as ``emulator/seed.json`` does, so PreSignUp,
  CustomMessage, PostConfirmation, PreAuthentication, PreTokenGeneration and PostAuthentication run for
  real and the password is checked against its SRP verifier;
- ``moto``: moto's server (``moto_server``), cognito-idp backend;
- ``cognito-local``: the npm package ``cognito-local`` (version pinned in ``bench/node/package.json``;
  install it with ``npm ci --prefix bench/node``), run with node in a throw-away data directory.

How: each target runs as its own subprocess on a free loopback port, started by this script, which fails
loudly if one cannot be started or does not answer. The driver is boto3, one client per target (HTTP
keep-alive, retries off). After a warm-up, ``--flows`` flows run one after another on one thread, split
into ``--rounds`` blocks taken round-robin over the targets, so that a change in the machine's load falls
on every target alike. Each flow's wall time is recorded, giving flows per second (flows / time spent in
flows), p50 and p99 flow latency, the mean latency of each call, and the CPU time per flow of the server
process (from /proc, independent of the machine's load) and of this client. With ``--concurrency C``
(C > 1) the same number of flows then runs on C threads sharing the client. Last, one sign-in with a wrong
password shows the error each target gives, and on the local stack one flow's trigger invocations are
read back from ``/local/invocations``. The report is Markdown on stdout: the results tables and the ratios
against the goals of issue 2 (local / cognito-local >= 2x, local / moto >= 1x).

Run from the repository root: ``.venv/bin/python bench/cognito_flow.py [--flows 200] [--concurrency 4]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "bench" / "node"
COGNITO_LOCAL_BIN = NODE_DIR / "node_modules" / "cognito-local" / "lib" / "bin" / "start.js"
SEED_FILE = ROOT / "emulator" / "seed.json"
ACCOUNT_ID = "123456789012"  # emulator.ids.ACCOUNT_ID, the account the seed's trigger ARNs name
REGION = "us-east-1"
TARGETS = ("local", "moto", "cognito-local")
OPERATIONS = ("SignUp", "AdminConfirmSignUp", "InitiateAuth", "GetUser")
# Satisfies Cognito's default policy (8+ characters, upper, lower, digit, symbol) and so every target's.
PASSWORD = "Bench-Horse-9!"
GOALS = {"cognito-local": 2.0, "moto": 1.0}
STARTUP_TIMEOUT = 60.0


class TargetUnavailableError(RuntimeError):
    """A target could not be started or did not answer: the benchmark stops rather than skip it."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (Linux /proc), so server cost is separated from the client's."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    """One target's server subprocess, its log file, and how to tell it is ready."""

    name: str
    command: list[str]
    endpoint: str
    ready_url: str
    cwd: Path
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("wb")
        try:
            self.process = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as exc:
            raise TargetUnavailableError(f"{self.name}: cannot run {self.command[0]}: {exc}") from exc
        finally:
            log.close()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise TargetUnavailableError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.ready_url, timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # it answers HTTP: ready (cognito-local has no GET route and returns 404)
            except OSError:
                time.sleep(0.2)
        raise TargetUnavailableError(f"{self.name} did not answer {self.ready_url} within {STARTUP_TIMEOUT:.0f} s:\n"
                                f"{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def cpu(self) -> float:
        assert self.process is not None
        return cpu_seconds(self.process.pid)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION})
    return env


def local_server(workdir: Path) -> Server:
    port, moto_port = free_port(), free_port()
    return Server(name="local", command=[sys.executable, "-m", "emulator", "--port", str(port),
                                         "--moto-port", str(moto_port)],
                  endpoint=f"http://127.0.0.1:{port}/cognito-idp",
                  ready_url=f"http://127.0.0.1:{port}/local/config", cwd=ROOT, env=base_env(),
                  log_path=workdir / "local.log")


def moto_server(workdir: Path) -> Server:
    port = free_port()
    script = Path(sys.executable).with_name("moto_server")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "moto.server"]
    return Server(name="moto", command=[*command, "-H", "127.0.0.1", "-p", str(port)],
                  endpoint=f"http://127.0.0.1:{port}", ready_url=f"http://127.0.0.1:{port}/moto-api/",
                  cwd=workdir, env=base_env(), log_path=workdir / "moto.log")


def cognito_local_server(workdir: Path) -> Server:
    if not COGNITO_LOCAL_BIN.exists():
        raise TargetUnavailableError(f"cognito-local: {COGNITO_LOCAL_BIN} is missing; install it with "
                                f"`npm ci --prefix {NODE_DIR.relative_to(ROOT)}`")
    node = shutil.which("node")
    if node is None:
        raise TargetUnavailableError("cognito-local: `node` is not on PATH")
    port = free_port()
    data_dir = workdir / "cognito-local"  # it keeps .cognito/ (config and pools) in its cwd
    (data_dir / ".cognito").mkdir(parents=True)
    # Its own default makes every new pool's username an email; Cognito's default is a plain username.
    (data_dir / ".cognito" / "config.json").write_text(json.dumps({"UserPoolDefaults": {"UsernameAttributes": []}}))
    return Server(name="cognito-local", command=[node, str(COGNITO_LOCAL_BIN)],
                  endpoint=f"http://127.0.0.1:{port}", ready_url=f"http://127.0.0.1:{port}/",
                  cwd=data_dir, env={**base_env(), "PORT": str(port), "HOST": "127.0.0.1"},
                  log_path=workdir / "cognito-local.log")


SERVERS: dict[str, Callable[[Path], Server]] = {
    "local": local_server, "moto": moto_server, "cognito-local": cognito_local_server,
}


def bundle_lambda_config() -> dict[str, Any]:
    """The seed pool's LambdaConfig: the bundle's own trigger functions, by ARN."""
    text = SEED_FILE.read_text().replace("{region}", REGION).replace("{account}", ACCOUNT_ID)
    return json.loads(text)["userPool"]["LambdaConfig"]


def idp_client(endpoint: str, pool_size: int) -> Any:
    config = Config(retries={"total_max_attempts": 1, "mode": "standard"}, max_pool_connections=pool_size,
                    connect_timeout=10, read_timeout=30)
    return boto3.client("cognito-idp", endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing", config=config)


@dataclass
class Target:
    name: str
    server: Server
    client: Any
    pool_id: str = ""
    client_id: str = ""

    def create_pool(self) -> None:
        pool_args: dict[str, Any] = {"PoolName": f"bench-{uuid.uuid4().hex[:8]}",
                                     "AutoVerifiedAttributes": ["email"]}
        if self.name == "local":
            pool_args["LambdaConfig"] = bundle_lambda_config()
        self.pool_id = self.client.create_user_pool(**pool_args)["UserPool"]["Id"]
        self.client_id = self.client.create_user_pool_client(
            UserPoolId=self.pool_id, ClientName="bench", GenerateSecret=False,
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]

    def flow(self, timings: dict[str, list[float]] | None = None, username: str | None = None) -> None:
        """One flow for a fresh user; raises if any step does not do what Cognito does."""
        username = username or f"bench-{uuid.uuid4().hex[:16]}"
        calls: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
            ("SignUp", lambda _: self.client.sign_up(
                ClientId=self.client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])),
            ("AdminConfirmSignUp", lambda _: self.client.admin_confirm_sign_up(
                UserPoolId=self.pool_id, Username=username)),
            ("InitiateAuth", lambda _: self.client.initiate_auth(
                ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})),
            ("GetUser", lambda results: self.client.get_user(
                AccessToken=results["InitiateAuth"]["AuthenticationResult"]["AccessToken"])),
        ]
        results: dict[str, Any] = {}
        for operation, call in calls:
            started = time.perf_counter()
            results[operation] = call(results)
            if timings is not None:
                timings[operation].append(time.perf_counter() - started)
        if results["GetUser"]["Username"] != username:
            raise AssertionError(f"{self.name}: GetUser returned {results['GetUser']['Username']!r}, "
                                 f"expected {username!r}")

    def wrong_password_outcome(self) -> str:
        """The error code InitiateAuth gives for a wrong password (Cognito: NotAuthorizedException)."""
        username = f"bench-{uuid.uuid4().hex[:16]}"
        self.client.sign_up(ClientId=self.client_id, Username=username, Password=PASSWORD,
                            UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
        self.client.admin_confirm_sign_up(UserPoolId=self.pool_id, Username=username)
        try:
            self.client.initiate_auth(ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD + "x"})
        except ClientError as exc:
            return str(exc.response["Error"]["Code"])
        return "accepted"

    def triggers_run(self) -> list[str]:
        """The triggers the local stack invoked during one flow, in order (empty for the other targets)."""
        if self.name != "local":
            return []
        username = f"bench-{uuid.uuid4().hex[:16]}"
        self.flow(username=username)
        url = self.server.endpoint.removesuffix("/cognito-idp") + "/local/invocations"
        with urllib.request.urlopen(url, timeout=30) as response:
            entries = json.load(response)
        return [e["trigger"] for e in reversed(entries) if e["event"]["userName"] == username]


@dataclass
class Tally:
    """What one target did in one mode (sequential or concurrent), summed over the rounds."""

    flows: int = 0
    seconds: float = 0.0
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    latencies: list[float] = field(default_factory=list)
    timings: dict[str, list[float]] = field(default_factory=lambda: {op: [] for op in OPERATIONS})

    @property
    def rate(self) -> float:
        return self.flows / self.seconds

    def per_flow_ms(self, seconds: float) -> float:
        return seconds / self.flows * 1000

    def latency_ms(self, pct: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))] * 1000


def timed_flow(target: Target, timings: dict[str, list[float]]) -> float:
    started = time.perf_counter()
    target.flow(timings)
    return time.perf_counter() - started


def run_block(target: Target, count: int, concurrency: int, tally: Tally) -> None:
    cpu, client_cpu, started = target.server.cpu(), time.process_time(), time.perf_counter()
    if concurrency == 1:
        latencies = [timed_flow(target, tally.timings) for _ in range(count)]
    else:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            latencies = list(pool.map(lambda _: timed_flow(target, tally.timings), range(count)))
    tally.seconds += time.perf_counter() - started
    tally.server_cpu += target.server.cpu() - cpu
    tally.client_cpu += time.process_time() - client_cpu
    tally.flows += count
    tally.latencies += latencies


@dataclass
class Result:
    target: str
    sequential: Tally
    concurrent: Tally | None
    wrong_password: str
    triggers: list[str]


def measure(targets: list[Target], flows: int, warmup: int, rounds: int, concurrency: int) -> list[Result]:
    """Warm every target up, then run the flows in `rounds` blocks, round-robin over the targets, so that
    a change in the machine's background load falls on every target alike."""
    for target in targets:
        print(f"warming up {target.name} at {target.server.endpoint}", file=sys.stderr, flush=True)
        for _ in range(warmup):
            target.flow()
    blocks = [flows // rounds + (1 if i < flows % rounds else 0) for i in range(rounds)]
    modes = [1] + ([concurrency] if concurrency > 1 else [])
    tallies = {(t.name, mode): Tally() for t in targets for mode in modes}
    for mode in modes:
        for number, count in enumerate(blocks, 1):
            print(f"{mode} thread(s), round {number}/{rounds}", file=sys.stderr, flush=True)
            for target in targets:
                run_block(target, count, mode, tallies[target.name, mode])
    return [Result(target=t.name, sequential=tallies[t.name, 1],
                   concurrent=tallies[t.name, concurrency] if concurrency > 1 else None,
                   wrong_password=t.wrong_password_outcome(), triggers=t.triggers_run()) for t in targets]


def versions(names: list[str]) -> str:
    import moto

    found = [f"Python {platform.python_version()}", f"boto3 {boto3.__version__}"]
    if "moto" in names:
        found.append(f"moto {moto.__version__}")
    if "cognito-local" in names:
        package = json.loads((COGNITO_LOCAL_BIN.parents[2] / "package.json").read_text())
        node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False).stdout.strip()
        found.append(f"cognito-local {package['version']} on node {node}")
    return ", ".join(found)


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(row) + " |" for row in rows)]


def report(results: list[Result], args: argparse.Namespace) -> str:
    lines = [f"Flow: SignUp -> AdminConfirmSignUp -> InitiateAuth USER_PASSWORD_AUTH -> GetUser. "
             f"{args.flows} flows per target in {args.rounds} round-robin rounds, after {args.warmup} warm-up "
             f"flows. {versions([r.target for r in results])}; {os.cpu_count()} CPUs; load average "
             f"{args.load_before:.2f} before, {os.getloadavg()[0]:.2f} after.", ""]
    lines += table(
        ["target", "flows/s", "p50 flow ms", "p99 flow ms", "server CPU ms/flow", "client CPU ms/flow",
         "triggers run per flow", "wrong password gives"],
        [[r.target, f"{r.sequential.rate:.1f}", f"{r.sequential.latency_ms(50):.1f}",
          f"{r.sequential.latency_ms(99):.1f}", f"{r.sequential.per_flow_ms(r.sequential.server_cpu):.1f}",
          f"{r.sequential.per_flow_ms(r.sequential.client_cpu):.1f}",
          f"{len(r.triggers)} ({', '.join(r.triggers)})" if r.triggers else "0", r.wrong_password]
         for r in results])
    lines += ["", "Mean latency per call, ms (1 thread):", ""]
    lines += table(["target", *OPERATIONS],
                   [[r.target, *(f"{statistics.fmean(r.sequential.timings[op]) * 1000:.1f}" for op in OPERATIONS)]
                    for r in results])
    concurrent = {r.target: r.concurrent for r in results if r.concurrent is not None}
    if concurrent:
        lines += ["", f"{args.concurrency} client threads sharing the client:", ""]
        lines += table(["target", "flows/s", "p50 flow ms", "p99 flow ms", "server CPU ms/flow"],
                       [[name, f"{t.rate:.1f}", f"{t.latency_ms(50):.1f}", f"{t.latency_ms(99):.1f}",
                         f"{t.per_flow_ms(t.server_cpu):.1f}"] for name, t in concurrent.items()])
    by_name = {r.target: r for r in results}
    local = by_name.get("local")
    rows = []
    for name, goal in GOALS.items():
        other = by_name.get(name)
        if local is None or other is None:
            continue
        ratio = local.sequential.rate / other.sequential.rate
        row = [f"local / {name}", f"{ratio:.2f}x"]
        if local.concurrent is not None and other.concurrent is not None:
            row.append(f"{local.concurrent.rate / other.concurrent.rate:.2f}x")
        rows.append([*row, f">= {goal:g}x", "yes" if ratio >= goal else "NO"])
    if rows:
        lines += ["", "Ratios of flows per second (the goal applies to the 1-thread figure):", ""]
        lines += table(["ratio", "1 thread", *([f"{args.concurrency} threads"] if concurrent else []), "goal",
                        "goal met"], rows)
    return "\n".join(lines)


@contextlib.contextmanager
def running(names: list[str], workdir: Path) -> Iterator[list[Server]]:
    servers: list[Server] = []
    try:
        for name in names:
            server = SERVERS[name](workdir)
            servers.append(server)
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flows", type=int, default=200, help="measured flows per target (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured flows first (default 20)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="split the flows into this many blocks, round-robin over the targets (default 5)")
    parser.add_argument("--concurrency", type=int, default=1,
                        help="also run the flows on this many client threads (default 1: sequential only)")
    parser.add_argument("--targets", default=",".join(TARGETS),
                        help=f"comma-separated subset of {', '.join(TARGETS)} (default: all)")
    args = parser.parse_args(argv)
    args.targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = sorted(set(args.targets) - set(TARGETS))
    if unknown or not args.targets:
        parser.error(f"unknown target(s) {', '.join(unknown)}; choose among {', '.join(TARGETS)}")
    if args.flows < 1 or args.warmup < 0 or args.concurrency < 1 or not 1 <= args.rounds <= args.flows:
        parser.error("--flows and --concurrency must be >= 1, --warmup >= 0, 1 <= --rounds <= --flows")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="cogworks-bench-") as tmp:
        try:
            with running(args.targets, Path(tmp)) as servers:
                targets = [Target(name=s.name, server=s, client=idp_client(s.endpoint, max(10, args.concurrency)))
                           for s in servers]
                for target in targets:
                    target.create_pool()
                results = measure(targets, args.flows, args.warmup, args.rounds, args.concurrency)
        except TargetUnavailableError as exc:
            print(f"error: target unavailable: {exc}", file=sys.stderr)
            return 2
    print(report(results, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())

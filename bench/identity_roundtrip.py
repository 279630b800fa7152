"""GetId + GetCredentialsForIdentity round trips per second against the local stack (the enhanced flow).

What is measured: for the demo identity pool of ``make run`` (seeded by emulator/seed.json: Token role
mapping, principal tags, IAM enforced in moto), one round trip is GetId then GetCredentialsForIdentity with
a signed-in user's ID token, exactly what a browser or a mobile app does for credentials. Each round trip
verifies the token's signature twice (once per call), resolves the role, signs an OpenID token and calls
STS AssumeRoleWithWebIdentity in moto over HTTP (the trust policy checked there). The same is timed for a
guest (no Logins: a new unauthenticated identity each time, with Cognito's scope-down policy).

How: the stack runs as its own subprocess (``python -m emulator``, what ``make run`` starts) on free ports;
the driver is boto3 (one cognito-identity client, keep-alive, retries off). After a warm-up, ``--trips``
round trips run on one thread, then the same number on ``--concurrency`` threads. Reported: round trips per
second, p50 / p99 latency of a round trip and the mean of each call, and the stack's CPU time per round trip
(from /proc, independent of the machine's other load).

Run from the repository root: ``.venv/bin/python bench/identity_roundtrip.py [--trips 300] [--concurrency 4]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-Horse-9!"
CONFIG = Config(retries={"max_attempts": 1}, max_pool_connections=32)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_stack() -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    port, moto_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    process = subprocess.Popen([sys.executable, "-m", "emulator", "--port", str(port), "--moto-port", str(moto_port)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/local/config", timeout=2) as response:
                return process, json.loads(response.read())
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("the local stack exited") from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the local stack did not answer within 60 s")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def id_token(config: dict[str, Any]) -> str:
    idp = boto3.client("cognito-idp", endpoint_url=config["endpoints"]["cognito-idp"], region_name=config["region"],
                       aws_access_key_id="x", aws_secret_access_key="x", config=CONFIG)
    username = f"bench-{uuid.uuid4().hex[:8]}"
    idp.sign_up(ClientId=config["clientId"], Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    idp.admin_confirm_sign_up(UserPoolId=config["userPoolId"], Username=username)
    result = idp.initiate_auth(ClientId=config["clientId"], AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})
    return result["AuthenticationResult"]["IdToken"]


def round_trip(client: Any, pool_id: str, logins: dict[str, str], calls: dict[str, list[float]]) -> float:
    started = time.perf_counter()
    identity_id = client.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    middle = time.perf_counter()
    credentials = client.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    ended = time.perf_counter()
    assert credentials["AccessKeyId"]
    calls["GetId"].append(middle - started)
    calls["GetCredentialsForIdentity"].append(ended - middle)
    return ended - started


def run(label: str, trip: Callable[[], float], trips: int, concurrency: int, pid: int) -> dict[str, Any]:
    cpu_before = cpu_seconds(pid)
    started = time.perf_counter()
    if concurrency == 1:
        latencies = [trip() for _ in range(trips)]
    else:
        with ThreadPoolExecutor(concurrency) as pool:
            latencies = list(pool.map(lambda _: trip(), range(trips)))
    wall = time.perf_counter() - started
    cpu = cpu_seconds(pid) - cpu_before
    latencies.sort()
    return {"label": label, "concurrency": concurrency, "per_second": trips / wall,
            "p50": statistics.median(latencies) * 1000, "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
            "cpu_ms": cpu / trips * 1000}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trips", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args(argv)
    process, config = start_stack()
    try:
        client = boto3.client("cognito-identity", endpoint_url=config["endpoints"]["cognito-identity"],
                              region_name=config["region"], aws_access_key_id="x", aws_secret_access_key="x",
                              config=CONFIG)
        pool_id = config["identityPoolId"]
        logins = {f"cognito-idp.{config['region']}.amazonaws.com/{config['userPoolId']}": id_token(config)}
        calls: dict[str, list[float]] = {"GetId": [], "GetCredentialsForIdentity": []}
        guest_calls: dict[str, list[float]] = {"GetId": [], "GetCredentialsForIdentity": []}
        for _ in range(20):
            round_trip(client, pool_id, logins, {"GetId": [], "GetCredentialsForIdentity": []})
        rows = []
        for concurrency in (1, args.concurrency):
            rows.append(run("signed-in user", lambda: round_trip(client, pool_id, logins, calls), args.trips,
                            concurrency, process.pid))
            rows.append(run("guest", lambda: round_trip(client, pool_id, {}, guest_calls), args.trips,
                            concurrency, process.pid))
    finally:
        process.terminate()
        process.wait(timeout=10)

    print("## Identity pool round trips (bench/identity_roundtrip.py)\n")
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
          f"{args.trips} round trips (GetId + GetCredentialsForIdentity) per row, the stack in its own process.\n")
    print("| who | threads | round trips/s | p50 ms | p99 ms | stack CPU ms / round trip |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['label']} | {row['concurrency']} | {row['per_second']:.1f} | {row['p50']:.1f} | "
              f"{row['p99']:.1f} | {row['cpu_ms']:.1f} |")
    print("\n| call (signed-in, all rows) | mean ms |")
    print("|---|---:|")
    for name, samples in calls.items():
        print(f"| {name} | {statistics.fmean(samples) * 1000:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Cold-start cost of the deployed module: the import-and-init time of ``app`` in stage dev, against a bare
Lambda handler that imports boto3 and creates a cognito-idp client.

What is measured: in a fresh interpreter (a new subprocess each time, as a Lambda cold start is), the
wall time of the import statement alone::

    python -c "import time; t = time.perf_counter(); import app; print(time.perf_counter() - t)"

so interpreter start-up, which Lambda pays whatever the code, is left out (it is reported apart, as the
whole process's wall time). Candidates:

- ``app (dev)``: ``import app`` from the repository root with ``COGWORKS_STAGE=dev`` and the other
  environment variables ``.chalice/config.json`` gives stage dev: what Lambda imports for the REST API's
  function (its handler is ``app.app``);
- ``bare handler``: a module that imports boto3 and creates ``boto3.client("cognito-idp")`` at module level
  (the usual practice: clients built during INIT), written to a temporary folder;
- ``app (dev) + client``: ``app`` then that same client: what the REST API pays before its first call to
  Cognito, since its clients are built on first use;
- ``chalicelib.triggers.<name>``: each trigger's module alone, which is what Lambda imports for that
  trigger's function (a blueprint's handler string names its own module, ``chalicelib.triggers.<name>.<name>``);
- ``app (dev), shipped code compiled``, ``bare handler, shipped code compiled``: the same two imports as
  Lambda really runs them. Lambda's file system is read-only and ``chalice package`` ships no ``.pyc``, so
  every module of the deployment package (app.py, chalicelib, powertools, pynamodb, PyJWT, cryptography,
  chalice's runtime) is compiled from source at each cold start, while the runtime's own modules (the
  standard library, boto3, botocore and their dependencies) come with bytecode. Emulated with
  ``PYTHONPYCACHEPREFIX`` pointing at a cache that holds bytecode for exactly those runtime modules, and
  ``PYTHONDONTWRITEBYTECODE=1``.

Each subprocess gets a Lambda-like environment (credentials and region in environment variables, the
instance-metadata lookup disabled), so no credential probing pollutes the figure. One warm-up run per
candidate is discarded (it also writes the bytecode caches); then ``--runs`` runs each, interleaved and in
a rotating order so that a change in the machine's load falls on every candidate alike. Reported: median
and p90 per candidate, the ratios of medians app / bare handler (also with the client, and as Lambda
compiles) against the goal of the foundation issue (<= 1.3x), and, from one ``python -X importtime`` run
each, the self time of imports summed by top-level package.

Run from the repository root: ``.venv/bin/python bench/cold_start.py [--runs 20]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRIGGERS_DIR = ROOT / "chalicelib" / "triggers"
CHALICE_CONFIG = ROOT / ".chalice" / "config.json"
STAGE = "dev"
GOAL = 1.3
# What the Lambda Python runtime provides, with bytecode; everything else ships in the deployment package.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
PRECOMPILE = """
import compileall, importlib.util, re, sys, sysconfig
from pathlib import Path
skip = re.compile(r"site-packages|[/]tests?[/]|[/]idlelib[/]|[/]lib2to3[/]")
compileall.compile_dir(sysconfig.get_paths()["stdlib"], rx=skip, quiet=2, workers=0)
for name in sys.argv[1:]:
    origin = Path(importlib.util.find_spec(name).origin)
    if origin.name == "__init__.py":
        compileall.compile_dir(origin.parent, quiet=2, workers=0)
    else:
        compileall.compile_file(origin, quiet=2)
"""
BARE_HANDLER = '''"""A bare Lambda handler: boto3 and a cognito-idp client, built during INIT."""
import boto3

client = boto3.client("cognito-idp")


def handler(event, context):
    return event
'''
TIMER = "import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"


@dataclass
class Candidate:
    name: str
    statement: str
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    import_seconds: list[float] = field(default_factory=list)
    process_seconds: list[float] = field(default_factory=list)


def lambda_environment() -> dict[str, str]:
    """What a Lambda function of stage dev sees: fake credentials and region, and the stage's variables."""
    config = json.loads(CHALICE_CONFIG.read_text())
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_LAMBDA_FUNCTION_NAME": f"{config['app_name']}-{STAGE}-pre_sign_up",
    }
    env.update(config.get("environment_variables", {}))
    env.update(config["stages"][STAGE].get("environment_variables", {}))
    return env


def runtime_bytecode(prefix: Path, env: dict[str, str]) -> dict[str, str]:
    """Fill `prefix` with bytecode for the runtime's modules only; the environment that reads it."""
    subprocess.run([sys.executable, "-c", PRECOMPILE, *RUNTIME_PACKAGES],
                   env={**env, "PYTHONPYCACHEPREFIX": str(prefix)}, check=True, capture_output=True)
    return {"PYTHONPYCACHEPREFIX": str(prefix), "PYTHONDONTWRITEBYTECODE": "1"}


def candidates(bare_dir: Path, lambda_bytecode: dict[str, str] | None) -> list[Candidate]:
    triggers = sorted(p.stem for p in TRIGGERS_DIR.glob("*.py") if p.stem not in ("__init__", "registry"))
    compiled = [] if lambda_bytecode is None else [
        Candidate("app (dev), shipped code compiled", "import app", ROOT, lambda_bytecode),
        Candidate("bare handler, shipped code compiled", "import bare_handler", bare_dir, lambda_bytecode),
    ]
    return [
        Candidate("app (dev)", "import app", ROOT),
        Candidate("bare handler", "import bare_handler", bare_dir),
        Candidate("app (dev) + client", "import app; import boto3; boto3.client('cognito-idp')", ROOT),
        *compiled,
        *(Candidate(f"chalicelib.triggers.{name}", f"import chalicelib.triggers.{name}", ROOT) for name in triggers),
    ]


def run_once(candidate: Candidate, env: dict[str, str]) -> tuple[float, float]:
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-c", TIMER.format(statement=candidate.statement)],
                               cwd=candidate.cwd, env={**env, **candidate.env}, capture_output=True, text=True,
                               check=False)
    process = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"{candidate.name}: `{candidate.statement}` failed:\n{completed.stderr.strip()}")
    return float(completed.stdout.strip().splitlines()[-1]), process


def import_breakdown(candidate: Candidate, env: dict[str, str], top: int) -> list[tuple[str, float]]:
    """Self time of every import during `candidate`, summed by top-level package (ms), largest first."""
    completed = subprocess.run([sys.executable, "-X", "importtime", "-c", candidate.statement],
                               cwd=candidate.cwd, env=env, capture_output=True, text=True, check=True)
    totals: Counter[str] = Counter()
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, module = line.removeprefix("import time:").split("|")
        totals[module.strip().split(".")[0]] += int(self_us) / 1000
    return totals.most_common(top)


def quantile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))]


def report(items: list[Candidate], breakdowns: dict[str, list[tuple[str, float]]], runs: int,
           load_before: float) -> str:
    by_name = {c.name: c for c in items}
    lines = [f"Import-and-init time in a fresh `{Path(sys.executable).name}` process "
             f"(Python {sys.version.split()[0]}), {runs} runs per candidate, interleaved; "
             f"{os.cpu_count()} CPUs; load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after.", "",
             "| module | import median ms | import p90 ms | process wall median ms | vs bare handler |",
             "|---|---|---|---|---|"]
    bare = statistics.median(by_name["bare handler"].import_seconds)
    for c in items:
        median = statistics.median(c.import_seconds)
        lines.append(f"| {c.name} | {median * 1000:.0f} | {quantile(c.import_seconds, 90) * 1000:.0f} | "
                     f"{statistics.median(c.process_seconds) * 1000:.0f} | {median / bare:.2f}x |")
    lines += ["", "| ratio of medians | value | goal | goal met |", "|---|---|---|---|"]
    pairs = [("app (dev)", "bare handler"), ("app (dev) + client", "bare handler"),
             ("app (dev), shipped code compiled", "bare handler, shipped code compiled")]
    for app, handler in pairs:
        if app in by_name and handler in by_name:
            ratio = statistics.median(by_name[app].import_seconds) / statistics.median(by_name[handler].import_seconds)
            lines.append(f"| {app} / {handler} | {ratio:.2f}x | <= {GOAL:g}x | {'yes' if ratio <= GOAL else 'NO'} |")
    for name, rows in breakdowns.items():
        lines += ["", f"Where `{by_name[name].statement}` spends its time (`-X importtime`, one run; self time "
                      "summed by top-level package):", "", "| package | ms |", "|---|---|"]
        lines += [f"| {package} | {ms:.1f} |" for package, ms in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="measured runs per candidate (default 20)")
    parser.add_argument("--no-lambda-bytecode", action="store_true",
                        help="skip the two candidates that compile the shipped code as Lambda does")
    parser.add_argument("--top", type=int, default=10, help="packages listed per import breakdown (default 10)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be >= 1")
    load_before = os.getloadavg()[0]
    env = lambda_environment()
    with tempfile.TemporaryDirectory(prefix="cogworks-cold-") as tmp:
        bare_dir = Path(tmp)
        (bare_dir / "bare_handler.py").write_text(BARE_HANDLER)
        lambda_bytecode = None
        if not args.no_lambda_bytecode:
            print("compiling the runtime's modules into a bytecode cache", file=sys.stderr, flush=True)
            lambda_bytecode = runtime_bytecode(bare_dir / "pycache", env)
        items = candidates(bare_dir, lambda_bytecode)
        for candidate in items:  # warm-up: bytecode caches written, file cache filled
            run_once(candidate, env)
        for run in range(args.runs):
            print(f"run {run + 1}/{args.runs}", file=sys.stderr, flush=True)
            shift = run % len(items)
            for candidate in items[shift:] + items[:shift]:
                seconds, process = run_once(candidate, env)
                candidate.import_seconds.append(seconds)
                candidate.process_seconds.append(process)
        breakdowns = {c.name: import_breakdown(c, env, args.top) for c in items[:2]}
    print(report(items, breakdowns, args.runs, load_before))
    return 0


if __name__ == "__main__":
    sys.exit(main())

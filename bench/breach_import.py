"""The importer's throughput against raw BatchWriteItem loops to the same endpoint, and its peak memory
(issue 3: at least 2 million lines; goal >= 0.8x the raw loop, memory flat and under 150 MB).

What is measured, each round back to back, so that the machine's load weighs on every run alike:

1. A generated file in the downloader's single-file layout (``SHA1:COUNT`` lines, sorted, CRLF): ``--lines``
   hashes over ``--ranges`` prefixes, so each range holds ~2,000 suffixes as Pwned Passwords' do today
   (~44 KB packed per item). Generated once, kept under ``--dir``.
2. **raw, same job** (:func:`same_job_loop`): what a user would write instead of the importer -- read the same
   file line by line, group the lines by 5-hex prefix, pack each range with the same codec
   (``PackedRange.of``), write them with a plain ``batch_write_item`` loop (25 items per request,
   UnprocessedItems sent again). No resume, no progress, no validation, one thread. The issue's goal is
   judged against this one: the two do the same job.
3. **raw, pre-packed** (:func:`prepacked_loop`): the same ranges packed in memory beforehand (not timed),
   written by the same loop: no reading, no parsing, no packing. The strict lower bound of any import's time
   against this endpoint, reported as well.
4. **importer**: ``python -m chalicelib.tools.breach import FILE --table T`` in its own process, reading,
   validating, packing and writing (its default: a parser process, writer threads); hashes per second from
   its own summary (start to last write, after its imports, as the raw loops are timed after theirs). Its
   peak memory is VmHWM from ``/proc`` of the importer and of its parser process, polled while they run, and
   reported as their sum (an upper bound of the pair's peak). It runs on the full file, on its first half (to
   show memory does not grow with the input), and with ``--parser inline`` (one process) for comparison.

Every run writes into its own fresh table of a moto server in its own process (``moto_server``, started
here). Ratios are importer hashes/s over raw hashes/s of the same round; with ``--rounds`` > 1 the table
shows the median round (by the ratio against the same-job loop) and every round's ratios.

Run from the repository root: ``.venv/bin/python bench/breach_import.py [--lines 2000000] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import groupby
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._moto import create_table, moto_server  # noqa: E402


def generate(path: Path, lines: int, ranges: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    prefixes = sorted(rng.sample(range(16**5), ranges))
    per_range = [lines // ranges + (1 if i < lines % ranges else 0) for i in range(ranges)]
    with path.open("w", newline="") as out:
        for prefix, size in zip(prefixes, per_range, strict=True):
            suffixes = sorted({f"{rng.getrandbits(140):035X}" for _ in range(size)})
            while len(suffixes) < size:
                suffixes = sorted({*suffixes, f"{rng.getrandbits(140):035X}"})
            head = f"{prefix:05X}"
            out.write("".join(f"{head}{s}:{rng.randint(1, 10**6)}\r\n" for s in suffixes))


def packed_ranges(path: Path) -> list[Any]:
    from chalicelib.breach.store import PackedRange

    ranges: dict[str, list[tuple[str, int]]] = {}
    with path.open() as handle:
        for line in handle:
            digest, _, count = line.strip().partition(":")
            ranges.setdefault(digest[:5], []).append((digest[5:], int(count)))
    return [PackedRange.of(prefix, entries) for prefix, entries in ranges.items()]


def write_all(client: Any, table: str, items: list[dict[str, Any]]) -> int:
    """One BatchWriteItem of ``items`` (at most 25), UnprocessedItems sent again; the requests made."""
    requests = 0
    pending = [{"PutRequest": {"Item": item}} for item in items]
    while pending:
        requests += 1
        answer = client.batch_write_item(RequestItems={table: pending})
        pending = (answer.get("UnprocessedItems") or {}).get(table) or []
    return requests


def prepacked_loop(table: str, packed: list[Any]) -> tuple[float, int, int]:
    """(seconds, hashes, requests) writing ranges packed beforehand."""
    import boto3

    client = boto3.client("dynamodb")
    started = time.perf_counter()
    requests = 0
    for start in range(0, len(packed), 25):
        requests += write_all(client, table, [r.as_item() for r in packed[start:start + 25]])
    return time.perf_counter() - started, sum(r.size for r in packed), requests


def same_job_loop(table: str, path: Path) -> tuple[float, int, int]:
    """(seconds, hashes, requests): read, group by prefix, pack, write -- the plain script a user would write."""
    import boto3

    from chalicelib.breach.store import PackedRange

    client = boto3.client("dynamodb")
    started = time.perf_counter()
    requests = hashes = 0
    batch: list[dict[str, Any]] = []
    with path.open() as handle:
        for prefix, lines in groupby(handle, key=lambda line: line[:5]):
            entries = []
            for line in lines:
                digest, _, count = line.strip().partition(":")
                entries.append((digest[5:], int(count)))
            packed = PackedRange.of(prefix, entries)
            hashes += packed.size
            batch.append(packed.as_item())
            if len(batch) == 25:
                requests += write_all(client, table, batch)
                batch = []
    if batch:
        requests += write_all(client, table, batch)
    return time.perf_counter() - started, hashes, requests


def peak_rss_kb(pid: int) -> int:
    """VmHWM: the peak resident set of the process's own address space. (wait4's ru_maxrss would not do: Linux
    carries the parent's high-water mark over fork and exec into the child's.)"""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def run_importer(path: Path, table: str, workers: int, parser: str) -> tuple[dict[str, Any], int, int]:
    """The importer as a child process: its summary, its peak RSS and its parser process's, in KB."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen([sys.executable, "-m", "chalicelib.tools.breach", "import", str(path),
                                    "--table", table, "--workers", str(workers), "--parser", parser, "--quiet",
                                    "--json"], cwd=ROOT, stdout=out, stderr=err)
        peak = 0
        child_peaks: dict[int, int] = {}
        while process.poll() is None:
            peak = max(peak, peak_rss_kb(process.pid))
            for child in children(process.pid):
                child_peaks[child] = max(child_peaks.get(child, 0), peak_rss_kb(child))
            time.sleep(0.02)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            raise SystemExit(f"importer failed ({process.returncode}): {err.read().decode()}")
        return json.loads(out.read().decode().strip().splitlines()[-1]), peak, max(child_peaks.values(), default=0)


def one_round(number: int, full: Path, half: Path, packed: list[Any], workers: int) -> dict[str, Any]:
    runs: dict[str, Any] = {}
    create_table(f"same-{number}")
    runs["same"] = same_job_loop(f"same-{number}", full)
    create_table(f"prepacked-{number}")
    runs["prepacked"] = prepacked_loop(f"prepacked-{number}", packed)
    for name, path, parser in (("full", full, "auto"), ("half", half, "auto"), ("inline", full, "inline")):
        create_table(f"{name}-{number}")
        runs[name] = run_importer(path, f"{name}-{number}", workers, parser)
    same_rate = runs["same"][1] / runs["same"][0]
    prepacked_rate = runs["prepacked"][1] / runs["prepacked"][0]
    runs["vs_same"] = runs["full"][0]["hashes_per_second"] / same_rate
    runs["vs_prepacked"] = runs["full"][0]["hashes_per_second"] / prepacked_rate
    print(f"round {number}: load {os.getloadavg()[0]:.1f}, importer {runs['vs_same']:.2f}x the same-job loop, "
          f"{runs['vs_prepacked']:.2f}x the pre-packed loop", file=sys.stderr)
    return runs


def table(runs: dict[str, Any], workers: int) -> None:
    same_rate = runs["same"][1] / runs["same"][0]
    prepacked_rate = runs["prepacked"][1] / runs["prepacked"][0]
    print("| run | hashes | seconds | hashes/s | requests | vs raw same job | vs raw pre-packed | peak RSS |")
    print("|---|---|---|---|---|---|---|---|")
    for name, key, rate in (("raw loop, same job (read, group, pack, write)", "same", same_rate),
                            ("raw loop, pre-packed (write only)", "prepacked", prepacked_rate)):
        seconds, hashes, requests = runs[key]
        print(f"| {name} | {hashes:,} | {seconds:.1f} | {rate:,.0f} | {requests} | {rate / same_rate:.2f}x | "
              f"{rate / prepacked_rate:.2f}x | - |")
    for name, key in ((f"importer, full file (--workers {workers})", "full"),
                      (f"importer, first half (--workers {workers})", "half"),
                      (f"importer, full file, --parser inline (--workers {workers})", "inline")):
        done, peak, child = runs[key]
        rate = done["hashes_per_second"]
        memory = f"{(peak + child) / 1024:.0f} MB" + (f" ({peak / 1024:.0f} + parser {child / 1024:.0f})"
                                                      if child else "")
        print(f"| {name} | {done['hashes']:,} | {done['seconds']:.1f} | {rate:,.0f} | {done['requests']} | "
              f"**{rate / same_rate:.2f}x** | {rate / prepacked_rate:.2f}x | {memory} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--ranges", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/cogworks-bench"))
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    full = args.dir / f"pwned-{args.lines}-{args.ranges}.txt"
    half = args.dir / f"pwned-{args.lines}-{args.ranges}-half.txt"
    if not full.exists():
        started = time.perf_counter()
        generate(full, args.lines, args.ranges)
        with full.open("rb") as source, half.open("wb") as target:
            for number, line in enumerate(source):
                if number >= args.lines // 2:
                    break
                target.write(line)
        print(f"generated {full} in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    load_before = os.getloadavg()
    with moto_server() as url:
        packed = packed_ranges(full)
        rounds = [one_round(n, full, half, packed, args.workers) for n in range(1, args.rounds + 1)]
    load_after = os.getloadavg()
    median = sorted(rounds, key=lambda r: r["vs_same"])[(len(rounds) - 1) // 2]
    print(f"# Breach import ({platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"moto at {url})\n")
    print(f"Load average (1, 5, 15 min): before {' '.join(f'{x:.2f}' for x in load_before)}, "
          f"after {' '.join(f'{x:.2f}' for x in load_after)}\n")
    print(f"Input: {full.stat().st_size / 1e6:.0f} MB, {args.lines:,} lines, {args.ranges:,} ranges "
          f"(~{args.lines // args.ranges:,} suffixes each)\n")
    if len(rounds) > 1:
        print(f"Median round of {len(rounds)} (by the ratio against the same-job loop):\n")
    table(median, args.workers)
    if len(rounds) > 1:
        print("\n| round | vs raw same job | vs raw pre-packed | inline vs same job | inline vs pre-packed |")
        print("|---|---|---|---|---|")
        for number, runs in enumerate(rounds, start=1):
            inline = runs["inline"][0]["hashes_per_second"]
            print(f"| {number} | {runs['vs_same']:.2f}x | {runs['vs_prepacked']:.2f}x | "
                  f"{inline * runs['same'][0] / runs['same'][1]:.2f}x | "
                  f"{inline * runs['prepacked'][0] / runs['prepacked'][1]:.2f}x |")
        print(f"| median | {statistics.median(r['vs_same'] for r in rounds):.2f}x | "
              f"{statistics.median(r['vs_prepacked'] for r in rounds):.2f}x | | |")


if __name__ == "__main__":
    main()

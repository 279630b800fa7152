"""The importer's throughput against a raw BatchWriteItem loop to the same endpoint, and its peak memory
(issue 3: at least 2 million lines; goal >= 0.8x the raw loop, memory flat and under 150 MB).

What is measured:

1. A generated file in the downloader's single-file layout (``SHA1:COUNT`` lines, sorted, CRLF): ``--lines``
   hashes over ``--ranges`` prefixes, so each range holds ~2,000 suffixes as Pwned Passwords' do today
   (~44 KB packed per item). Generated once, kept under ``--dir``.
2. **raw**: the same ranges, packed in memory beforehand, written by one plain loop of ``batch_write_item``
   calls (25 items each, UnprocessedItems sent again) -- no reading, no parsing, no packing: the ceiling.
3. **importer**: ``python -m chalicelib.tools.breach import FILE --table T`` in its own process, reading,
   parsing, packing and writing; its hashes per second are from its own summary (start to last write), its
   peak memory is the child's maximum resident set size (``wait4``). It runs on the full file and on its
   first half, to show that memory does not grow with the input.

Both write to a moto server in its own process (``moto_server``, started here), each into a fresh table.

Run from the repository root: ``.venv/bin/python bench/breach_import.py [--lines 2000000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def packed_ranges(path: Path) -> list:
    from chalicelib.breach.store import PackedRange

    ranges: dict[str, list[tuple[str, int]]] = {}
    with path.open() as handle:
        for line in handle:
            digest, _, count = line.strip().partition(":")
            ranges.setdefault(digest[:5], []).append((digest[5:], int(count)))
    return [PackedRange.of(prefix, entries) for prefix, entries in ranges.items()]


def raw_loop(table: str, packed: list) -> tuple[float, int]:
    import boto3

    client = boto3.client("dynamodb")
    started = time.perf_counter()
    requests = 0
    for start in range(0, len(packed), 25):
        pending = [{"PutRequest": {"Item": r.as_item()}} for r in packed[start:start + 25]]
        while pending:
            requests += 1
            answer = client.batch_write_item(RequestItems={table: pending})
            pending = (answer.get("UnprocessedItems") or {}).get(table) or []
    return time.perf_counter() - started, requests


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


def run_importer(path: Path, table: str, workers: int) -> tuple[dict, int]:
    """The importer as a child process; its peak RSS in KB, read from /proc until it exits."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen([sys.executable, "-m", "chalicelib.tools.breach", "import", str(path),
                                    "--table", table, "--workers", str(workers), "--quiet", "--json"], cwd=ROOT,
                                   stdout=out, stderr=err)
        peak = 0
        while process.poll() is None:
            peak = max(peak, peak_rss_kb(process.pid))
            time.sleep(0.05)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            raise SystemExit(f"importer failed ({process.returncode}): {err.read().decode()}")
        return json.loads(out.read().decode().strip().splitlines()[-1]), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--ranges", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
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
    with moto_server() as url:
        packed = packed_ranges(full)
        hashes = sum(r.size for r in packed)
        create_table("raw")
        raw_seconds, raw_requests = raw_loop("raw", packed)
        del packed
        create_table("imported")
        summary, peak_kb = run_importer(full, "imported", args.workers)
        create_table("imported-half")
        half_summary, half_peak_kb = run_importer(half, "imported-half", args.workers)
        raw_rate = hashes / raw_seconds
        print(f"# Breach import ({platform.python_implementation()} {platform.python_version()}, "
              f"load {os.getloadavg()[0]:.1f}, moto at {url}, {os.cpu_count()} CPUs)\n")
        print(f"Input: {full.stat().st_size / 1e6:.0f} MB, {args.lines:,} lines, {args.ranges:,} ranges "
              f"(~{args.lines // args.ranges:,} suffixes each)\n")
        print("| run | hashes | seconds | hashes/s | requests | vs raw | peak RSS |")
        print("|---|---|---|---|---|---|---|")
        print(f"| raw BatchWriteItem loop (pre-packed) | {hashes:,} | {raw_seconds:.1f} | {raw_rate:,.0f} | "
              f"{raw_requests} | 1.00x | - |")
        for name, done, peak in (("importer, full file", summary, peak_kb),
                                 ("importer, first half", half_summary, half_peak_kb)):
            print(f"| {name} (--workers {args.workers}) | {done['hashes']:,} | {done['seconds']:.1f} | "
                  f"{done['hashes_per_second']:,.0f} | {done['requests']} | "
                  f"{done['hashes_per_second'] / raw_rate:.2f}x | {peak / 1024:.0f} MB |")


if __name__ == "__main__":
    main()

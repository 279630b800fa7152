"""One breach check's latency and DynamoDB request count (issue 3: p50, p99; goal exactly 1 request).

What is measured: ``chalicelib.breach.check.check(password)`` -- SHA-1, one GetItem of the 5-hex range
through pynamodb, binary search of the suffix -- for ``--checks`` passwords, half of them in the store (from
zxcvbn's list) and half not, against a moto server in its own process. Every range read is full size: the
seeded ranges are padded to ``--range-size`` suffixes (about 2,000 in Pwned Passwords today, so 44 KB per
item), so the item read is as large as in production. Requests are counted by a botocore hook on the very
client pynamodb uses ("before-send"), so retries would be counted too.

Run from the repository root: ``.venv/bin/python bench/breach_check.py [--checks 2000]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._moto import create_table, moto_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=2000)
    parser.add_argument("--range-size", type=int, default=2000)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with moto_server() as url:
        os.environ["BREACH_TABLE"] = "bench-breach"
        create_table("bench-breach")
        from chalicelib.breach import codec, store
        from chalicelib.breach.check import check
        from chalicelib.breach.seed import common_passwords
        from chalicelib.models.breach_range import BreachRange

        rng = random.Random(1)
        breached = rng.sample(common_passwords(), args.checks // 2)
        clean = [f"not-breached-{rng.getrandbits(64):016x}" for _ in range(args.checks - len(breached))]
        ranges: dict[str, list[tuple[str, int]]] = {}
        for password in [*breached, *clean]:
            prefix, suffix = codec.split(codec.sha1_hex(password))
            ranges.setdefault(prefix, [])
            if password in breached:
                ranges[prefix].append((suffix, 1000))
        for entries in ranges.values():
            entries += [(f"{rng.getrandbits(140):035X}", rng.randint(1, 10**5))
                        for _ in range(args.range_size - len(entries))]
        packed = [store.PackedRange.of(prefix, entries) for prefix, entries in ranges.items()]
        store.RangeWriter(store.bulk_client(), "bench-breach").write(packed)

        requests = 0

        def count(**_kwargs: object) -> None:
            nonlocal requests
            requests += 1

        client = BreachRange._get_connection().connection.client
        client.meta.events.register("before-send.dynamodb", count)
        passwords = [*breached, *clean]
        rng.shuffle(passwords)
        for password in passwords[:50]:  # warm-up: connection pool, imports
            check(password)
        requests = 0
        latencies = []
        found = 0
        for password in passwords:
            started = time.perf_counter()
            result = check(password)
            latencies.append(time.perf_counter() - started)
            found += result.found
        latencies.sort()

        def pct(p: float) -> float:
            return latencies[min(len(latencies) - 1, round(p / 100 * (len(latencies) - 1)))] * 1000

        item_bytes = len(packed[0].suffixes) + len(packed[0].counts)
        load_after = os.getloadavg()
        print(f"# Breach check ({platform.python_implementation()} {platform.python_version()}, "
              f"{os.cpu_count()} CPUs, moto at {url})\n")
        print(f"Load average (1, 5, 15 min): before {' '.join(f'{x:.2f}' for x in load_before)}, "
              f"after {' '.join(f'{x:.2f}' for x in load_after)}\n")
        print("| checks | found | DynamoDB requests | requests per check | p50 ms | p99 ms | mean ms | item size |")
        print("|---|---|---|---|---|---|---|---|")
        print(f"| {len(passwords)} | {found} | {requests} | {requests / len(passwords):.3f} | {pct(50):.2f} | "
              f"{pct(99):.2f} | {statistics.fmean(latencies) * 1000:.2f} | {item_bytes:,} B |")
        assert found == len(breached), "every breached password must be found"
        # The part that is not DynamoDB: SHA-1, split, binary search in a full-size packed range.
        sample = packed[0]
        started = time.perf_counter()
        for password in passwords:
            prefix, suffix = codec.split(codec.sha1_hex(password))
            sample.count(suffix)
        local_us = (time.perf_counter() - started) / len(passwords) * 1e6
        print(f"\nIn-process part of a check (SHA-1 + binary search of a {args.range_size}-suffix range): "
              f"{local_us:.1f} us")


if __name__ == "__main__":
    main()

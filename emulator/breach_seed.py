"""Seeds the local stack's breach store from zxcvbn's bundled password list (:mod:`chalicelib.breach.seed`),
so that common passwords are caught with no download. Called once at stack start, after the tables exist::

    breach_seed.seed_breach_store()

The ~29,600 range items go straight into moto's in-process DynamoDB backend (about 2 s) rather than through
~1,200 BatchWriteItem requests over HTTP (about 18 s); if moto's internals are not what this expects, it falls
back to the HTTP path. Seeding twice writes the same items again.
"""

from __future__ import annotations

import base64
import threading
from typing import Any

from chalicelib import aws
from chalicelib.breach import seed, store
from chalicelib.observability import logger

_lock = threading.Lock()
_seeded: set[str] = set()


def _backend() -> Any:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[DEFAULT_ACCOUNT_ID][aws.region()]


def _put_in_process(ranges: list[store.PackedRange], table: str) -> None:
    backend = _backend()
    backend.get_table(table)  # raises if moto does not hold the table in this process
    for packed in ranges:
        backend.put_item(table, {
            "prefix": {"S": packed.prefix},
            "suffixes": {"B": base64.b64encode(packed.suffixes).decode()},
            "counts": {"B": base64.b64encode(packed.counts).decode()},
            "size": {"N": str(packed.size)},
        })


def seed_breach_store(*, force: bool = False) -> int:
    """Write zxcvbn's list into the breach table of this process's stack; returns the hashes written (0 when
    this table was already seeded by this process and ``force`` is false)."""
    table = store.table_name()
    with _lock:
        if table in _seeded and not force:
            return 0
        ranges = list(seed.ranges())
        try:
            _put_in_process(ranges, table)
        except Exception:  # moto internals differ, or the table lives in another process
            logger.info("seeding the breach store over HTTP")
            store.RangeWriter(store.bulk_client(), table).write(ranges)
        _seeded.add(table)
        return sum(r.size for r in ranges)

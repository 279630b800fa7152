"""Every read and write of the breach table (:class:`chalicelib.models.breach_range.BreachRange`).

Reads go through pynamodb with the model's short timeouts: :func:`get_range` is the check's one GetItem.
Bulk writes (the importer, the local seed) go through :class:`RangeWriter`, plain BatchWriteItem calls of 25
items with exponential backoff and full jitter on throttling and on UnprocessedItems
(https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html). A range item is
written whole, so writing the same range twice leaves the same item: imports are idempotent.

Any failure of DynamoDB surfaces as :class:`BreachStoreError`, which callers turn into a refusal (fail closed).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import DoesNotExist, PynamoDBException

from chalicelib import aws
from chalicelib.breach import codec
from chalicelib.models.breach_range import BreachRange

BATCH_SIZE: Final = 25
# Errors after which a batch is worth sending again (throttling, a server-side hiccup).
RETRYABLE: Final = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException",
                              "RequestLimitExceeded", "InternalServerError", "ServiceUnavailable",
                              "TransactionInProgressException"})


class BreachStoreError(RuntimeError):
    """The breach table could not be read or written."""


@dataclass(frozen=True)
class PackedRange:
    prefix: str
    suffixes: bytes
    counts: bytes

    @property
    def size(self) -> int:
        return len(self.suffixes) // codec.SUFFIX_BYTES

    @classmethod
    def of(cls, prefix: str, entries: Iterable[tuple[str, int]]) -> PackedRange:
        suffixes, counts = codec.pack(entries)
        return cls(prefix.upper(), suffixes, counts)

    def count(self, suffix: str) -> int:
        return codec.lookup(self.suffixes, self.counts, suffix)

    def as_item(self) -> dict[str, Any]:
        return {"prefix": {"S": self.prefix}, "suffixes": {"B": self.suffixes}, "counts": {"B": self.counts},
                "size": {"N": str(self.size)}}


def table_name() -> str:
    return str(BreachRange.Meta.table_name)


# ---------------------------------------------------------------- reads


def get_range(prefix: str) -> PackedRange | None:
    """The packed range of ``prefix``: exactly one GetItem. None when no breached hash has that prefix."""
    try:
        item = BreachRange.get(prefix)
    except DoesNotExist:
        return None
    except (PynamoDBException, BotoCoreError, ClientError) as exc:
        raise BreachStoreError(f"breach table read failed: {type(exc).__name__}") from exc
    return PackedRange(prefix, item.suffixes or b"", item.counts or b"")


def get_control(key: str) -> BreachRange | None:
    try:
        return BreachRange.get(key, consistent_read=True)
    except DoesNotExist:
        return None
    except (PynamoDBException, BotoCoreError, ClientError) as exc:
        raise BreachStoreError(f"breach table read failed: {type(exc).__name__}") from exc


def put_control(item: BreachRange) -> None:
    try:
        item.save()
    except (PynamoDBException, BotoCoreError, ClientError) as exc:
        raise BreachStoreError(f"breach table write failed: {type(exc).__name__}") from exc


def delete_control(key: str) -> None:
    try:
        BreachRange(key).delete()
    except (PynamoDBException, BotoCoreError, ClientError) as exc:
        raise BreachStoreError(f"breach table write failed: {type(exc).__name__}") from exc


# ---------------------------------------------------------------- bulk writes


def bulk_client(connections: int = 16) -> Any:
    """A DynamoDB client for bulk writes, one for all the writer threads (botocore clients are thread-safe):
    the region and endpoint of the environment (AWS_ENDPOINT_URL in stage local), a connection per writer at
    least, botocore's own retries off (:class:`RangeWriter` retries, and counts what it does), and no
    client-side parameter validation (the items are built here; DynamoDB validates them anyway)."""
    config = Config(connect_timeout=5, read_timeout=30, retries={"mode": "standard", "total_max_attempts": 1},
                    max_pool_connections=max(16, connections), parameter_validation=False,
                    user_agent_extra="cogworks-breach-import")
    import boto3  # the import CLI's alone: the API and the triggers read the store through pynamodb

    return boto3.session.Session().client("dynamodb", region_name=aws.region(), config=config)


@dataclass
class WriteStats:
    requests: int = 0
    retries: int = 0
    throttles: int = 0
    items: int = 0


@dataclass
class RangeWriter:
    """Writes packed ranges with BatchWriteItem: 25 per request, UnprocessedItems and throttling retried with
    exponential backoff (``base_delay * 2^attempt``, full jitter, capped at ``max_delay``), giving up after
    ``max_attempts`` tries without progress."""

    client: Any
    table: str
    max_attempts: int = 10
    base_delay: float = 0.05
    max_delay: float = 5.0
    sleep: Callable[[float], None] = time.sleep
    stats: WriteStats = field(default_factory=WriteStats)

    def write(self, ranges: Sequence[PackedRange]) -> None:
        for start in range(0, len(ranges), BATCH_SIZE):
            self.write_batch([r.as_item() for r in ranges[start:start + BATCH_SIZE]])

    def write_batch(self, items: list[dict[str, Any]]) -> None:
        pending = [{"PutRequest": {"Item": item}} for item in items]
        attempt = 0
        while pending:
            self.stats.requests += 1
            try:
                response = self.client.batch_write_item(RequestItems={self.table: pending})
            except ClientError as exc:
                code = str((exc.response.get("Error") or {}).get("Code") or "")
                if code not in RETRYABLE:
                    raise BreachStoreError(f"BatchWriteItem failed: {code or exc}") from exc
                self.stats.throttles += 1
            except BotoCoreError as exc:
                raise BreachStoreError(f"BatchWriteItem failed: {type(exc).__name__}") from exc
            else:
                left = (response.get("UnprocessedItems") or {}).get(self.table) or []
                self.stats.items += len(pending) - len(left)
                if len(left) < len(pending):
                    attempt = 0
                pending = left
                if not pending:
                    return
            attempt += 1
            if attempt >= self.max_attempts:
                raise BreachStoreError(f"BatchWriteItem made no progress after {attempt} attempts")
            self.stats.retries += 1
            self.sleep(random.uniform(0, min(self.max_delay, self.base_delay * 2 ** attempt)))  # noqa: S311

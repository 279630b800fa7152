"""The bundle's DynamoDB tables in the local stack: one per pynamodb model, created in moto at start.

Each model names its table through an environment variable (chalicelib.models.base.EnvTableName); in stage
local the variable defaults to `cogworks-local-<var>` so the app, the CLI and tests agree on the name.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import Any

from chalicelib.tools.locate import local_table_name
from infra.discover import table_models, table_var

_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
_WRITE_LOCK = threading.RLock()


def make_moto_writes_atomic() -> None:
    """DynamoDB applies a conditional write atomically per item; moto checks the condition and writes in two
    steps that threads can interleave, so two concurrent "first" answers to one code could both succeed.
    One lock around moto's write operations gives the local stack DynamoDB's guarantee."""
    from moto.dynamodb.models import DynamoDBBackend

    from emulator import moto_transactions

    moto_transactions.install()  # before the lock goes around it
    for name in _WRITES:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, "_cogworks_atomic", False):
            continue

        @functools.wraps(original)
        def atomic(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with _WRITE_LOCK:
                return __original(self, *args, **kwargs)

        atomic._cogworks_atomic = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, atomic)


def ensure_tables() -> list[str]:
    """Set each model's table variable (unless already set) and create the table if it is missing."""
    make_moto_writes_atomic()
    created = []
    for model in table_models():
        var = table_var(model)
        os.environ.setdefault(var, local_table_name(var))
        if not model.exists():
            model.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
            created.append(os.environ[var])
    return created

"""Helpers of the breach-store tests: the local stack's store seeded from zxcvbn's list (until
emulator/stack.py seeds it at start; seeding twice is a no-op), and adding a password to the store as if a
later breach revealed it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.breach import codec, policy, store
from emulator.breach_seed import seed_breach_store

BREACHED = "password"  # rank 2 in zxcvbn's list: in every seeded store
STRONG = "Violet-Tractor-Umbrella-42"  # in no list, and meets the seeded pool's policy


def seeded(stack: Any) -> Any:
    """The running stack, its breach store seeded."""
    seed_breach_store()
    return stack


def add_breached(password: str, count: int = 1000) -> None:
    """Put ``password`` into the store, keeping its range's other suffixes (a range is written whole)."""
    prefix, suffix = codec.split(codec.sha1_hex(password))
    existing = store.get_range(prefix)
    entries = list(codec.unpack(existing.suffixes, existing.counts)) if existing else []
    packed = store.PackedRange.of(prefix, [*entries, (suffix, count)])
    store.RangeWriter(store.bulk_client(), store.table_name()).write([packed])


def policy_setter() -> tuple[Callable[[str, dict[str, Any]], None], Callable[[], None]]:
    """(set a pool's policy, remove every policy set)."""
    touched: list[str] = []

    def _set(pool_id: str, config: dict[str, Any]) -> None:
        policy.put(pool_id, policy.CompromisedCredentialsPolicy.from_config(config))
        touched.append(pool_id)

    def _undo() -> None:
        for pool_id in touched:
            policy.delete(pool_id)

    return _set, _undo

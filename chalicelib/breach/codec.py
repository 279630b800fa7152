"""SHA-1 ranges and their packed form.

A password's SHA-1 (40 upper-case hex digits) splits into a 5-digit prefix (the range, 16^5 = 1,048,576 of
them) and a 35-digit suffix, as Pwned Passwords does. A range packs into two byte strings: the suffixes,
sorted, each as 18 bytes (a zero nibble then the 35 digits), and the counts, 4 bytes big-endian each (capped
at 2^32 - 1), in the same order. Lookup is a binary search over the fixed-width records, no unpacking.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Final

PREFIX_LEN: Final = 5
SUFFIX_LEN: Final = 35
SUFFIX_BYTES: Final = 18
COUNT_BYTES: Final = 4
MAX_COUNT: Final = 2**32 - 1
HEX_DIGITS: Final = frozenset("0123456789ABCDEF")
# DynamoDB's item limit is 400 KB; keep room for the key and the other attributes.
MAX_RANGE_BYTES: Final = 390_000
MAX_SUFFIXES: Final = MAX_RANGE_BYTES // (SUFFIX_BYTES + COUNT_BYTES)


class RangeTooLargeError(ValueError):
    """A range holds more suffixes than one DynamoDB item can."""


def sha1_hex(password: str) -> str:
    """The SHA-1 of the password's UTF-8 bytes, as Pwned Passwords hashes it: 40 upper-case hex digits."""
    return hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()


def split(sha1: str) -> tuple[str, str]:
    return sha1[:PREFIX_LEN], sha1[PREFIX_LEN:]


def is_prefix(value: str) -> bool:
    return len(value) == PREFIX_LEN and set(value) <= HEX_DIGITS


def suffix_bytes(suffix: str) -> bytes:
    return bytes.fromhex("0" + suffix)


def pack(entries: Iterable[tuple[str, int]]) -> tuple[bytes, bytes]:
    """(suffixes, counts) of a range from (35-hex suffix, count) pairs, in any order. A suffix given twice
    keeps its largest count, so packing the same input twice gives the same bytes."""
    merged: dict[bytes, int] = {}
    for suffix, count in entries:
        key = suffix_bytes(suffix)
        merged[key] = max(merged.get(key, 0), min(max(int(count), 0), MAX_COUNT))
    if len(merged) > MAX_SUFFIXES:
        raise RangeTooLargeError(f"a range holds at most {MAX_SUFFIXES} suffixes, got {len(merged)}")
    ordered = sorted(merged)
    return b"".join(ordered), b"".join(merged[k].to_bytes(COUNT_BYTES, "big") for k in ordered)


def lookup(suffixes: bytes, counts: bytes, suffix: str) -> int:
    """The count stored for ``suffix`` in a packed range, 0 if absent."""
    target = suffix_bytes(suffix)
    low, high = 0, len(suffixes) // SUFFIX_BYTES
    while low < high:
        middle = (low + high) // 2
        start = middle * SUFFIX_BYTES
        probe = suffixes[start:start + SUFFIX_BYTES]
        if probe < target:
            low = middle + 1
        elif probe > target:
            high = middle
        else:
            offset = middle * COUNT_BYTES
            return int.from_bytes(counts[offset:offset + COUNT_BYTES], "big")
    return 0


def unpack(suffixes: bytes, counts: bytes) -> Iterator[tuple[str, int]]:
    """Every (35-hex suffix, count) of a packed range, in order."""
    for index in range(len(suffixes) // SUFFIX_BYTES):
        raw = suffixes[index * SUFFIX_BYTES:(index + 1) * SUFFIX_BYTES]
        count = int.from_bytes(counts[index * COUNT_BYTES:(index + 1) * COUNT_BYTES], "big")
        yield raw.hex().upper()[1:], count

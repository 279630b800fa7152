"""zxcvbn's bundled password list (30,000 of the most common passwords, by rank) as breached-password
ranges, so that a store seeded from it catches common passwords with no download.

zxcvbn gives a rank, not a breach count; the count stored is an estimate, ``ESTIMATE_TOP // rank`` (a
Zipf-like fall-off from the top password's tens of millions of sightings in Pwned Passwords), so that a
policy's minimum breach count still orders them sensibly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Final

from chalicelib.breach import codec
from chalicelib.breach.store import PackedRange, RangeWriter

ESTIMATE_TOP: Final = 40_000_000


def common_passwords() -> list[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return list(FREQUENCY_LISTS["passwords"])


def ranges() -> Iterator[PackedRange]:
    """The packed ranges of zxcvbn's list, in prefix order."""
    grouped: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for rank, password in enumerate(common_passwords(), start=1):
        prefix, suffix = codec.split(codec.sha1_hex(password))
        grouped[prefix].append((suffix, max(1, ESTIMATE_TOP // rank)))
    for prefix in sorted(grouped):
        yield PackedRange.of(prefix, grouped[prefix])


def seed(writer: RangeWriter) -> int:
    """Write every range of zxcvbn's list; returns the number of hashes written. Writing a range replaces
    it whole: a range an import filled too is overwritten with the seed's (smaller) one, so seed first."""
    packed = list(ranges())
    writer.write(packed)
    return sum(r.size for r in packed)

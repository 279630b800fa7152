"""The packed range format: SHA-1 split, packing, binary-search lookup, and the item size limit."""

from __future__ import annotations

import hashlib
import random

import pytest

from chalicelib.breach import codec
from chalicelib.breach.store import PackedRange


def test_sha1_is_upper_case_hex_of_the_utf8_bytes():
    # The example of https://haveibeenpwned.com/API/v3#SearchingPwnedPasswordsByRange
    assert codec.sha1_hex("P@ssw0rd") == "21BD12DC183F740EE76F27B78EB39C8AD972A757"
    assert codec.split(codec.sha1_hex("P@ssw0rd")) == ("21BD1", "2DC183F740EE76F27B78EB39C8AD972A757")
    assert codec.sha1_hex("pässwörd") == hashlib.sha1("pässwörd".encode()).hexdigest().upper()


def test_every_packed_suffix_is_found_with_its_count_and_others_are_not():
    rng = random.Random(7)
    entries = {f"{rng.getrandbits(140):035X}": rng.randint(1, 10**8) for _ in range(2000)}
    suffixes, counts = codec.pack(entries.items())
    assert len(suffixes) == 2000 * codec.SUFFIX_BYTES and len(counts) == 2000 * codec.COUNT_BYTES
    for suffix, count in entries.items():
        assert codec.lookup(suffixes, counts, suffix) == count
    for _ in range(200):
        missing = f"{rng.getrandbits(140):035X}"
        if missing not in entries:
            assert codec.lookup(suffixes, counts, missing) == 0
    assert dict(codec.unpack(suffixes, counts)) == entries


def test_a_real_sized_range_fits_an_item_packed():
    # ~2,000 suffixes per range today: 44 KB packed, against 70 KB as text and a 400 KB item limit.
    packed = PackedRange.of("ABCDE", ((f"{i:035X}", i + 1) for i in range(2000)))
    assert len(packed.suffixes) + len(packed.counts) == 44_000
    assert packed.size == 2000


def test_packing_is_deterministic_and_a_duplicate_keeps_the_largest_count():
    one = codec.pack([("0" * 35, 5), ("F" * 35, 1), ("0" * 35, 9)])
    two = codec.pack([("F" * 35, 1), ("0" * 35, 9)])
    assert one == two
    assert codec.lookup(*one, "0" * 35) == 9


def test_counts_are_capped_at_four_bytes():
    suffixes, counts = codec.pack([("A" * 35, 10**12)])
    assert codec.lookup(suffixes, counts, "A" * 35) == codec.MAX_COUNT


def test_a_range_too_large_for_one_item_is_refused():
    with pytest.raises(codec.RangeTooLargeError, match="at most"):
        codec.pack((f"{i:035X}", 1) for i in range(codec.MAX_SUFFIXES + 1))


def test_empty_range_finds_nothing():
    assert codec.lookup(b"", b"", "A" * 35) == 0

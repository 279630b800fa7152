"""The packed range format: SHA-1 split, packing, binary-search lookup, and the item size limit; and the
reader of the downloader's output (chalicelib.breach.reader), whose fast path must pack exactly what the codec
packs, in blocks of any size, and whose parser-process frames carry ranges, progress and errors."""

from __future__ import annotations

import hashlib
import io
import random
import re
from pathlib import Path

import pytest

from chalicelib.breach import codec, reader
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


# ---------------------------------------------------------------- reading the downloader's output (reader)


def downloader_lines(rng: random.Random, prefixes: int, per_range: int) -> dict[str, int]:
    hashes: dict[str, int] = {}
    for prefix in rng.sample(range(16**5), prefixes):
        for _ in range(per_range):
            hashes[f"{prefix:05X}{rng.getrandbits(140):035X}"] = rng.randint(1, 10**7)
    return hashes


def by_codec(hashes: dict[str, int]) -> list[reader.Packed]:
    """What codec.pack makes of the same hashes: the reference the fast path must match byte for byte."""
    grouped: dict[str, list[tuple[str, int]]] = {}
    for digest, count in sorted(hashes.items()):
        grouped.setdefault(digest[:5], []).append((digest[5:], count))
    return [(prefix, *codec.pack(entries)) for prefix, entries in grouped.items()]


def read_single(text: bytes, tmp_path: Path, **options: object) -> tuple[list[reader.Packed], reader.Reader]:
    path = tmp_path / "pwned.txt"
    path.write_bytes(text)
    parsed = reader.Reader(**options)  # type: ignore[arg-type]
    with path.open("rb") as handle:
        return list(parsed.single_file(path, handle)), parsed


@pytest.mark.parametrize("block_bytes", [97, 4096, reader.BLOCK_BYTES])
@pytest.mark.parametrize("line_end", [b"\r\n", b"\n"])
def test_the_fast_path_packs_what_the_codec_packs(tmp_path, block_bytes, line_end):
    hashes = downloader_lines(random.Random(block_bytes), prefixes=40, per_range=60)
    text = line_end.join(f"{h}:{c}".encode() for h, c in sorted(hashes.items())) + line_end
    ranges, parsed = read_single(text, tmp_path, block_bytes=block_bytes)  # small blocks cut ranges in two
    assert ranges == by_codec(hashes)
    assert (parsed.counts.lines, parsed.counts.padding_lines, parsed.counts.advanced) == (2400, 0, len(text))


def test_a_clean_block_takes_the_fast_path_and_a_dirty_one_does_not():
    clean = b"".join(f"{i:040X}:{i + 1}\r\n".encode() for i in range(50))
    hashes, counts, padding = reader.columns(clean, 40, 50)  # type: ignore[misc]
    assert (len(hashes), counts[:3], padding) == (50, [1, 2, 3], 0)
    assert reader.columns(clean.lower(), 40, 50) is not None  # lower-case hex is upper-cased
    assert reader.columns(clean.replace(b":7\r", b":7:8\r"), 40, 50) is None
    assert reader.columns(clean.replace(b":7\r", b":x\r"), 40, 50) is None
    assert reader.columns(clean.replace(b":7\r", b":A\r"), 40, 50) is None  # a hex letter is not a count
    assert reader.columns(clean.replace(b":7\r", b"\r"), 40, 50) is None
    assert reader.columns(clean[1:], 40, 50) is None  # a hash one digit short


def test_lower_case_padding_and_huge_counts_are_handled_on_the_fast_path(tmp_path):
    text = (f"{'a' * 40}:3\r\n{'B' * 39}1:0\r\n{'B' * 40}:{10**12}\r\n").encode()
    ranges, parsed = read_single(text, tmp_path)
    assert ranges == [("AAAAA", *codec.pack([("A" * 35, 3)])), ("BBBBB", *codec.pack([("B" * 35, codec.MAX_COUNT)]))]
    assert (parsed.counts.lines, parsed.counts.padding_lines) == (3, 1)


def test_a_range_out_of_order_or_with_a_duplicate_is_packed_as_the_codec_packs_it(tmp_path):
    text = (f"AAAAA{'2' * 35}:5\nAAAAA{'1' * 35}:4\nAAAAA{'2' * 35}:9\nBBBBB{'0' * 35}:1\n").encode()
    ranges, _ = read_single(text, tmp_path)
    assert ranges == [("AAAAA", *codec.pack([("1" * 35, 4), ("2" * 35, 9)])), ("BBBBB", *codec.pack([("0" * 35, 1)]))]


@pytest.mark.parametrize(("text", "message"), [
    (f"AAAAA{'1' * 35}:1\nBBBBB{'1' * 35}:1\nAAAAA{'2' * 35}:1\n", "prefix AAAAA is split, near line 3"),
    (f"BBBBB{'1' * 35}:1\nAAAAA{'1' * 35}:1\n", "(AAAAA after BBBBB, near line 2)"),
])
def test_a_file_out_of_order_is_refused(tmp_path, text, message):
    with pytest.raises(reader.InputError, match=re.escape(message)):
        read_single(text.encode(), tmp_path)


def test_out_of_order_across_blocks_is_refused_with_the_line(tmp_path):
    text = b"".join(f"{i:05X}{'0' * 35}:1\n".encode() for i in range(1, 30)) + f"{'0' * 40}:1\n".encode()
    with pytest.raises(reader.InputError, match=r"\(00000 after 0001D, near line 30\)"):
        read_single(text, tmp_path, block_bytes=100)


def test_ranges_up_to_the_checkpoint_are_skipped_unread(tmp_path):
    hashes = downloader_lines(random.Random(5), prefixes=10, per_range=5)
    text = "".join(f"{h}:{c}\n" for h, c in sorted(hashes.items())).encode()
    every = by_codec(hashes)
    after = every[3][0]
    ranges, parsed = read_single(text, tmp_path, after=after, block_bytes=200)
    assert ranges == every[4:]
    assert parsed.counts.skipped_ranges == 4
    directory = tmp_path / "ranges"
    directory.mkdir()
    for prefix, *_ in every:
        (directory / f"{prefix}.txt").write_text("".join(f"{h[5:]}:{c}\r\n" for h, c in sorted(hashes.items())
                                                         if h.startswith(prefix)))
    (directory / f"{every[0][0]}.txt").write_text("not read: it is below the checkpoint\n")
    parsed = reader.Reader(after=after)
    assert list(parsed.directory(reader.range_files(directory))) == every[4:]
    assert (parsed.counts.skipped_ranges, parsed.counts.advanced) == (4, 10)


def test_a_range_too_large_for_one_item_is_refused_by_the_fast_path_too():
    hashes = [f"{i:040X}".encode() for i in range(codec.MAX_SUFFIXES + 1)]
    with pytest.raises(codec.RangeTooLargeError, match="one item holds at most"):
        reader.pack_sorted("00000", hashes, [1] * len(hashes), 40)


def test_the_parser_process_frames_carry_ranges_progress_and_errors(tmp_path):
    hashes = downloader_lines(random.Random(8), prefixes=5, per_range=30)
    path = tmp_path / "pwned.txt"
    path.write_text("".join(f"{h}:{c}\r\n" for h, c in sorted(hashes.items())))
    out = io.BytesIO()
    assert reader.serve(path, out, skip_invalid=False, after=None) == 0
    out.seek(0)
    frames = list(iter(lambda: reader.read_frame(out), (b"", b"")))
    ranges = [reader.decode_range(payload) for kind, payload in frames if kind == reader.FRAME_RANGE]
    assert ranges == by_codec(hashes)
    assert frames[-1][0] == reader.FRAME_DONE
    done = reader.decode_counts(frames[-1][1])
    assert (done.lines, done.advanced) == (150, path.stat().st_size)
    assert frames[0][0] == reader.FRAME_PROGRESS  # progress comes before the block's ranges

    path.write_text(f"{'A' * 40}:1\r\nnot a hash\r\n")
    out = io.BytesIO()
    assert reader.serve(path, out, skip_invalid=False, after=None) == 2
    out.seek(0)
    kind, payload = reader.read_frame(out)
    assert (kind, payload.decode()) == (reader.FRAME_ERROR, f"{path}:2: expected 40 hex digits, a colon and a "
                                                            "count: 'not a hash' (use --skip-invalid to skip such "
                                                            "lines)")
    assert reader.read_frame(io.BytesIO(b"R\x00\x00\x00\x09abc")) == (b"", b"")  # cut short: the end


def test_a_duplicate_across_a_block_boundary_is_merged_as_the_codec_merges_it(tmp_path):
    lines = [f"AAAAA{'1' * 35}:1", f"AAAAA{'2' * 35}:5", f"AAAAA{'2' * 35}:9", f"BBBBB{'0' * 35}:2"]
    text = "".join(f"{line}\n" for line in lines).encode()
    for block_bytes in range(20, len(text) + 1, 7):  # every cut, the duplicate pair among them
        ranges, parsed = read_single(text, tmp_path, block_bytes=block_bytes)
        assert ranges == [("AAAAA", *codec.pack([("1" * 35, 1), ("2" * 35, 9)])),
                          ("BBBBB", *codec.pack([("0" * 35, 2)]))], block_bytes
        assert parsed.counts.lines == 4

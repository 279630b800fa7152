"""Reading the Pwned Passwords downloader's output into packed ranges
(https://github.com/HaveIBeenPwned/PwnedPasswordsDownloader), either layout: one file of ``SHA1:COUNT`` lines
sorted by hash, or one file per 5-hex prefix of ``SUFFIX:COUNT`` lines.

A file is read in blocks of 1 MB, so memory stays flat whatever its size. A clean block (only hex digits,
colons and line ends; as many colons as lines; a hash of the layout's width and a decimal count per line) is
handled with no Python loop over its lines: one ``split`` gives the hashes and counts, ``map(int, ...)`` the
counts, one ``map(operator.lt, ...)`` proves the hashes strictly increasing (sorted, none twice), ``bisect``
finds the ranges, and a range packs by one ``join`` and ``unhexlify`` for its suffixes and one
``struct.pack`` for its counts. Any other block is first rewritten line by line, naming a bad line (or
skipping it with ``skip_invalid``) and dropping the range API's count-0 padding. (The counting checks let
one contrived damage through: two entries on one line, ``H1:C1:H2``, followed by a line holding only ``C2``,
read as the two entries they spell.)

This module needs only the standard library (and :mod:`chalicelib.breach.codec`): the importer runs it in a
separate parser process (``python -m chalicelib.breach.reader``, :func:`main`) that writes packed ranges to
its standard output as frames (:func:`write_frame`), so that parsing and the writers' requests use two CPUs.
"""

from __future__ import annotations

import binascii
import operator
import struct
import sys
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import astuple, dataclass, field
from itertools import compress, groupby, islice
from pathlib import Path
from typing import BinaryIO, Final

from chalicelib.breach import codec

BLOCK_BYTES: Final = 1 << 20
HEX: Final = b"0123456789ABCDEF"
_LINE_CHARS: Final = HEX + b":\r\n"
_AFTER_LAST_HEX: Final = b"G"  # sorts after every upper-case hex digit
_SUFFIX: Final = operator.itemgetter(slice(codec.PREFIX_LEN, None))


class InputError(ValueError):
    """The input is not the downloader's output; the message names the file and line."""


# A range as the reader hands it over: (prefix, suffixes, counts), packed as chalicelib.breach.codec packs.
Packed = tuple[str, bytes, bytes]


@dataclass
class ReadCounts:
    lines: int = 0
    padding_lines: int = 0
    invalid_lines: int = 0
    skipped_ranges: int = 0
    advanced: int = 0  # bytes of a single file, or files of a directory, read so far


def columns(block: bytes, hex_len: int, lines: int) -> tuple[list[bytes], list[int], int] | None:
    """(hashes, counts, padding lines dropped) of a clean block of ``lines`` lines, each ending in a line
    feed, one entry per line; None when the block needs the careful line-by-line path. Hashes are upper case;
    counts are capped at 4 bytes."""
    if block.translate(None, _LINE_CHARS):
        block = block.upper()
        if block.translate(None, _LINE_CHARS):
            return None
    if block.count(b":") != lines:
        return None
    parts = block.replace(b":", b" ").split()
    if len(parts) != 2 * lines:
        return None
    hashes = parts[0::2]
    if lines and set(map(len, hashes)) != {hex_len}:
        return None
    try:
        counts = list(map(int, parts[1::2]))  # here every count is [0-9A-F]+: a hex letter fails
    except ValueError:
        return None
    padding = 0
    if counts and min(counts) < 1:  # the range API's padding (count 0)
        kept = list(compress(hashes, counts))
        padding, hashes, counts = len(hashes) - len(kept), kept, list(filter(None, counts))
    if counts and max(counts) > codec.MAX_COUNT:
        counts = [min(c, codec.MAX_COUNT) for c in counts]
    return hashes, counts, padding


def increasing(hashes: Sequence[bytes]) -> bool:
    """Strictly increasing: sorted, and no hash twice."""
    return all(map(operator.lt, hashes, islice(hashes, 1, None)))


def pack_sorted(prefix: str, hashes: list[bytes], counts: list[int], hex_len: int) -> Packed:
    """A range from hashes (full or suffix only) strictly increasing, all of ``prefix``: the suffixes joined
    behind zero nibbles and decoded by one ``unhexlify``, the counts by one ``struct.pack``."""
    if len(hashes) > codec.MAX_SUFFIXES:
        raise codec.RangeTooLargeError(f"range {prefix} holds {len(hashes):,} suffixes; one item holds at most "
                                       f"{codec.MAX_SUFFIXES:,}")
    suffixes = hashes if hex_len == codec.SUFFIX_LEN else map(_SUFFIX, hashes)
    text = b"0" + b"0".join(suffixes)
    return prefix, binascii.unhexlify(text), struct.pack(f">{len(counts)}I", *counts)


def pack_any(prefix: str, hashes: list[bytes], counts: list[int]) -> Packed:
    """A range in any order, a suffix given twice keeping its largest count (:func:`codec.pack`)."""
    start = len(hashes[0]) - codec.SUFFIX_LEN if hashes else 0
    suffixes, packed = codec.pack((h[start:].decode(), c) for h, c in zip(hashes, counts, strict=True))
    return prefix, suffixes, packed


@dataclass
class Reader:
    """Packed ranges, in prefix order, from either layout; ranges at or below ``after`` (a checkpoint) are
    skipped without being packed (a directory's files without being read)."""

    skip_invalid: bool = False
    after: str | None = None
    advance: Callable[[int], None] = lambda amount: None
    counts: ReadCounts = field(default_factory=ReadCounts)
    block_bytes: int = BLOCK_BYTES

    def _advance(self, amount: int) -> None:
        self.counts.advanced += amount
        self.advance(amount)

    def _invalid(self, where: str, line: bytes, why: str) -> None:
        if not self.skip_invalid:
            shown = line[:60].decode("ascii", errors="replace")
            raise InputError(f"{where}: {why}: {shown!r} (use --skip-invalid to skip such lines)")
        self.counts.invalid_lines += 1

    def _sanitize(self, path: Path, first_line: int, block: bytes, hex_len: int) -> bytes:
        kept: list[bytes] = []
        for offset, raw in enumerate(block.split(b"\n")):
            line = raw.strip()
            if not line:
                continue
            where = f"{path}:{first_line + offset}"
            digest, sep, count = line.partition(b":")
            if not sep or len(digest) != hex_len or digest.upper().translate(None, HEX):
                self._invalid(where, line, f"expected {hex_len} hex digits, a colon and a count")
            elif not count.isdigit():
                self._invalid(where, line, "the count is not a whole number")
            elif not count.strip(b"0"):
                self.counts.padding_lines += 1
            else:
                kept.append(digest.upper() + b":" + count + b"\n")
        return b"".join(kept)

    def _columns(self, path: Path, first_line: int, block: bytes, hex_len: int) -> tuple[list[bytes], list[int]]:
        if not block.endswith(b"\n"):
            block += b"\n"
        lines = block.count(b"\n")
        self.counts.lines += lines
        found = columns(block, hex_len, lines)
        if found is None:
            clean = self._sanitize(path, first_line, block, hex_len)
            found = columns(clean, hex_len, clean.count(b"\n"))
            if found is None:  # pragma: no cover - a sanitized block is clean by construction
                raise InputError(f"{path}: unreadable block near line {first_line}")
        hashes, counts, padding = found
        self.counts.padding_lines += padding
        return hashes, counts

    def _blocks(self, handle: BinaryIO) -> Iterator[bytes]:
        rest = b""
        while True:
            chunk = handle.read(self.block_bytes)
            if not chunk:
                if rest:
                    yield rest
                return
            chunk = rest + chunk
            cut = chunk.rfind(b"\n") + 1
            if cut == 0:
                rest = chunk
                continue
            rest = chunk[cut:]
            yield chunk[:cut]

    def _skipped(self, prefix: str) -> bool:
        if self.after is not None and prefix <= self.after:
            self.counts.skipped_ranges += 1
            return True
        return False

    def _pack(self, prefix: str, hashes: list[bytes], counts: list[int], hex_len: int, ordered: bool) -> Packed:
        return pack_sorted(prefix, hashes, counts, hex_len) if ordered else pack_any(prefix, hashes, counts)

    def single_file(self, path: Path, handle: BinaryIO) -> Iterator[Packed]:
        """Ranges in file order. A range cut by a block boundary is carried over to the next block."""
        width = codec.PREFIX_LEN + codec.SUFFIX_LEN
        carried: tuple[str, list[bytes], list[int], bool] | None = None
        line = 1
        for raw in self._blocks(handle):
            near = line
            lines_before = self.counts.lines
            hashes, counts = self._columns(path, line, raw, width)
            line += self.counts.lines - lines_before
            exact = len(hashes) == self.counts.lines - lines_before  # no line dropped: indexes are lines
            self._advance(len(raw))
            first = near
            for start, prefix, part_hashes, part_counts, ordered in self._block_ranges(path, first, exact, hashes,
                                                                                       counts):
                near = first + start if exact else first
                if carried is not None:
                    if carried[0] == prefix:
                        joined = carried[1] + part_hashes
                        carried = (prefix, joined, carried[2] + part_counts,
                                   carried[3] and ordered and carried[1][-1] < part_hashes[0])
                        continue
                    if prefix < carried[0]:
                        raise InputError(f"{path}: the file is not sorted by hash ({prefix} after {carried[0]}, "
                                         f"near line {near}); the downloader writes it sorted")
                    if not self._skipped(carried[0]):
                        yield self._pack(*carried[:3], width, carried[3])
                carried = (prefix, part_hashes, part_counts, ordered)
        if carried is not None and not self._skipped(carried[0]):
            yield self._pack(*carried[:3], width, carried[3])

    @staticmethod
    def _block_ranges(path: Path, line: int, exact: bool, hashes: list[bytes],
                      counts: list[int]) -> Iterator[tuple[int, str, list[bytes], list[int], bool]]:
        """(index of its first line, prefix, hashes, counts, strictly increasing) per range of a block."""
        if increasing(hashes):
            start = 0
            while start < len(hashes):
                head = hashes[start][:codec.PREFIX_LEN]
                end = bisect_left(hashes, head + _AFTER_LAST_HEX, start)
                yield start, head.decode(), hashes[start:end], counts[start:end], True
                start = end
            return
        seen: set[bytes] = set()
        index = 0
        for head, group in groupby(hashes, key=operator.itemgetter(slice(0, codec.PREFIX_LEN))):
            size = sum(1 for _ in group)
            if head in seen:
                raise InputError(f"{path}: the file is not sorted by hash (prefix {head.decode()} is split, "
                                 f"near line {line + index if exact else line}); the downloader writes it sorted")
            seen.add(head)
            part = hashes[index:index + size]
            yield index, head.decode(), part, counts[index:index + size], increasing(part)
            index += size

    def directory(self, files: Sequence[tuple[str, Path]]) -> Iterator[Packed]:
        for prefix, path in files:
            if self._skipped(prefix):
                self._advance(1)
                continue
            hashes, counts = self._columns(path, 1, path.read_bytes(), codec.SUFFIX_LEN)
            self._advance(1)
            if hashes:
                yield self._pack(prefix, hashes, counts, codec.SUFFIX_LEN, increasing(hashes))


def range_files(directory: Path) -> list[tuple[str, Path]]:
    """The directory's range files (``ABCDE`` or ``ABCDE.txt``, any case), in prefix order."""
    found: dict[str, Path] = {}
    for path in directory.iterdir():
        if not path.is_file():
            continue
        stem = path.name.split(".", 1)[0].upper()
        if codec.is_prefix(stem) and path.suffix.lower() in ("", ".txt"):
            if stem in found:
                raise InputError(f"{directory}: two files for prefix {stem}: {found[stem].name}, {path.name}")
            found[stem] = path
    if not found:
        raise InputError(f"{directory}: no range files (named like 00000.txt) in this directory")
    return sorted(found.items())


# ---------------------------------------------------------------- the parser process

# A frame is one kind byte, a 4-byte big-endian length, then the payload.
FRAME_RANGE: Final = b"R"  # prefix (5 ASCII bytes), suffixes, counts (their lengths follow from the total)
FRAME_PROGRESS: Final = b"P"  # ReadCounts as 5 unsigned 8-byte integers, cumulative
FRAME_ERROR: Final = b"E"  # an InputError's message, UTF-8
FRAME_DONE: Final = b"D"  # ReadCounts, final
_HEAD: Final = struct.Struct(">cI")
_COUNTS: Final = struct.Struct(">5Q")
RANGE_ENTRY_BYTES: Final = codec.SUFFIX_BYTES + codec.COUNT_BYTES


def write_frame(out: BinaryIO, kind: bytes, *payload: bytes) -> None:
    out.write(_HEAD.pack(kind, sum(map(len, payload))))
    for part in payload:
        out.write(part)


def read_frame(stream: BinaryIO) -> tuple[bytes, bytes]:
    """(kind, payload); kind is empty at the end of the stream."""
    head = stream.read(_HEAD.size)
    if len(head) < _HEAD.size:
        return b"", b""
    kind, size = _HEAD.unpack(head)
    payload = stream.read(size)
    if len(payload) < size:
        return b"", b""
    return kind, payload


def encode_counts(counts: ReadCounts) -> bytes:
    return _COUNTS.pack(*astuple(counts))


def decode_counts(payload: bytes) -> ReadCounts:
    return ReadCounts(*_COUNTS.unpack(payload))


def decode_range(payload: bytes) -> Packed:
    entries = (len(payload) - codec.PREFIX_LEN) // RANGE_ENTRY_BYTES
    split = codec.PREFIX_LEN + entries * codec.SUFFIX_BYTES
    return payload[:codec.PREFIX_LEN].decode(), payload[codec.PREFIX_LEN:split], payload[split:]


def serve(source: Path, out: BinaryIO, *, skip_invalid: bool, after: str | None) -> int:
    """Read ``source`` and write its ranges to ``out`` as frames; the exit status."""
    reader = Reader(skip_invalid=skip_invalid, after=after)
    reader.advance = lambda amount: write_frame(out, FRAME_PROGRESS, encode_counts(reader.counts))
    try:
        if source.is_dir():
            ranges = reader.directory(range_files(source))
            for prefix, suffixes, counts in ranges:
                write_frame(out, FRAME_RANGE, prefix.encode(), suffixes, counts)
        else:
            with source.open("rb") as handle:
                for prefix, suffixes, counts in reader.single_file(source, handle):
                    write_frame(out, FRAME_RANGE, prefix.encode(), suffixes, counts)
    except (InputError, codec.RangeTooLargeError) as exc:
        write_frame(out, FRAME_ERROR, str(exc).encode())
        out.flush()
        return 2
    write_frame(out, FRAME_DONE, encode_counts(reader.counts))
    out.flush()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m chalicelib.breach.reader PATH [--skip-invalid] [--after PREFIX]``: the parser process."""
    args = list(sys.argv[1:] if argv is None else argv)
    skip_invalid = "--skip-invalid" in args
    after = args[args.index("--after") + 1] if "--after" in args else None
    try:
        return serve(Path(args[0]), sys.stdout.buffer, skip_invalid=skip_invalid, after=after)
    except (KeyboardInterrupt, BrokenPipeError):  # the importer stopped: it has reported why
        return 130


if __name__ == "__main__":
    sys.exit(main())

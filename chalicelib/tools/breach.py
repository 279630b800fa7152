"""The breach store's command line: import Have I Been Pwned's password hashes, check a password, manage a
pool's compromised-credentials policy.

    python -m chalicelib.tools.breach import PATH --local http://127.0.0.1:8000
    python -m chalicelib.tools.breach import PATH --table cogworks-dev-BreachTable-XYZ --region eu-west-1
    python -m chalicelib.tools.breach check --local http://127.0.0.1:8000 < password.txt
    python -m chalicelib.tools.breach policy set --pool us-east-1_abc --events SIGN_UP,PASSWORD_CHANGE \\
        --action BLOCK --min-count 10 --local http://127.0.0.1:8000

PATH is the output of the Pwned Passwords downloader (https://github.com/HaveIBeenPwned/PwnedPasswordsDownloader),
either layout: one file of ``SHA1:COUNT`` lines sorted by hash, or a directory of one file per 5-hex prefix
(``ABCDE.txt``) of ``SUFFIX:COUNT`` lines. The import

- streams: it holds only the ranges being written (a few MB whatever the input's size);
- writes each range as one item with BatchWriteItem, 25 per request, on several threads, retrying throttling
  and UnprocessedItems with exponential backoff (:class:`chalicelib.breach.store.RangeWriter`);
- is resumable: a checkpoint (the last prefix below which every range is written) is kept in the table
  (``#import/<id>``) every few seconds; after an interruption the same command goes on from there;
- is idempotent: a range is written whole, so writing it again leaves the same item; a finished import is not
  redone unless ``--restart`` is given;
- shows a progress bar (tqdm if installed, else a line on stderr) and ends with a summary.

``--local URL`` reads the running local stack's ``/local/config`` for the moto endpoint and uses the local
table; ``--table NAME --region R`` a deployed stage's table with the usual AWS credentials.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import struct
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Final

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from chalicelib.breach import codec, store

LOCAL_TABLE: Final = "cogworks-local-breach"
HEX: Final = b"0123456789ABCDEF"
BATCH: Final = store.BATCH_SIZE
CHECKPOINT_SECONDS: Final = 2.0
EXIT_INPUT: Final = 2
EXIT_FAILED: Final = 1
EXIT_INTERRUPTED: Final = 130


class InputError(ValueError):
    """The input is not the downloader's output; the message names the file and line."""


class ImportInterruptedError(RuntimeError):
    """The import stopped before its end; the checkpoint says where to go on from."""

    def __init__(self, summary: Summary, cause: BaseException) -> None:
        super().__init__(str(cause) or type(cause).__name__)
        self.summary = summary
        self.cause = cause


@dataclass
class Summary:
    source: str = ""
    layout: str = ""
    lines: int = 0
    hashes: int = 0
    ranges: int = 0
    skipped_ranges: int = 0
    invalid_lines: int = 0
    padding_lines: int = 0
    requests: int = 0
    retries: int = 0
    throttles: int = 0
    seconds: float = 0.0
    resumed_after: str | None = None
    already_done: bool = False
    checkpoint: str | None = None

    @property
    def hashes_per_second(self) -> float:
        return self.hashes / self.seconds if self.seconds > 0 else 0.0

    def lines_out(self) -> list[str]:
        if self.already_done:
            return [f"{self.source}: already imported (checkpoint {self.checkpoint}); nothing to do. "
                    f"Use --restart to import it again."]
        resumed = f", resumed after prefix {self.resumed_after}" if self.resumed_after else ""
        return [
            f"imported {self.source} ({self.layout}{resumed})",
            f"  hashes written   {self.hashes:>12,}",
            f"  ranges written   {self.ranges:>12,}   skipped (already written) {self.skipped_ranges:,}",
            f"  lines read       {self.lines:>12,}   padding (count 0) {self.padding_lines:,}   "
            f"invalid skipped {self.invalid_lines:,}",
            f"  requests         {self.requests:>12,}   retries {self.retries:,}   throttled {self.throttles:,}",
            f"  time             {self.seconds:>11.1f}s   {self.hashes_per_second:,.0f} hashes/s",
        ]


# ---------------------------------------------------------------- reading the downloader's output


BLOCK_BYTES: Final = 4 << 20
_LINE_CHARS: Final = b"0123456789ABCDEF:\r\n"
_COUNT: Final = re.compile(rb":([0-9]+)\r?\n")


@dataclass(frozen=True)
class _Layout:
    hex_len: int
    suffix: re.Pattern[bytes]

    @classmethod
    def of(cls, hex_len: int) -> _Layout:
        return cls(hex_len, re.compile(rb"^[0-9A-F]{%d}([0-9A-F]{35}):" % (hex_len - codec.SUFFIX_LEN),
                                       re.MULTILINE))


SINGLE: Final = _Layout.of(40)
PER_PREFIX: Final = _Layout.of(codec.SUFFIX_LEN)


def pack_columns(prefix: str, suffixes: list[bytes], counts: list[bytes]) -> store.PackedRange:
    """A range from its suffixes (35 upper-case hex digits) and counts (decimal), with no Python loop over
    the entries when they are in order: the suffixes joined behind zero nibbles and decoded by one
    ``bytes.fromhex``, the counts by one ``struct.pack``. Suffixes out of order or repeated, counts of 0
    (padding) or past 4 bytes go through the general :func:`chalicelib.breach.codec.pack`."""
    values = list(map(int, counts))
    if suffixes == sorted(suffixes) and len(set(suffixes)) == len(suffixes) and min(values) > 0 \
            and max(values) <= codec.MAX_COUNT:
        packed = bytes.fromhex((b"0" + b"0".join(suffixes)).decode())
        return store.PackedRange(prefix, packed, struct.pack(f">{len(values)}I", *values))
    return store.PackedRange.of(prefix, ((s.decode(), c) for s, c in zip(suffixes, values, strict=True) if c))


def range_end(block: bytes, start: int, prefix: bytes) -> int:
    """Where the range beginning at ``start`` ends in a block sorted by hash: a binary search over byte
    offsets, each probe moved to the next line start."""
    low, high = start, len(block)
    while True:
        probe = block.find(b"\n", (low + high) // 2) + 1
        if probe <= low or probe >= high:
            probe = block.find(b"\n", low) + 1
            if probe <= low or probe >= high:
                return high
        if block.startswith(prefix, probe):
            low = probe
        else:
            high = probe


@dataclass
class _Reader:
    """Reads either layout in blocks of a few MB. A clean block (only hex digits, colons and line ends, and
    every line a hash, a colon and a count) is read by two ``findall`` calls, at C speed; any other block is
    first rewritten line by line, naming the bad line (or skipping it with --skip-invalid) and dropping the
    range API's count-0 padding."""

    summary: Summary
    skip_invalid: bool
    advance: Callable[[int], None]

    def _invalid(self, where: str, line: bytes, why: str) -> None:
        if not self.skip_invalid:
            shown = line[:60].decode("ascii", errors="replace")
            raise InputError(f"{where}: {why}: {shown!r} (use --skip-invalid to skip such lines)")
        self.summary.invalid_lines += 1

    def _sanitize(self, path: Path, first_line: int, block: bytes, layout: _Layout) -> bytes:
        kept: list[bytes] = []
        for offset, raw in enumerate(block.split(b"\n")):
            line = raw.strip()
            if not line:
                continue
            where = f"{path}:{first_line + offset}"
            digest, sep, count = line.partition(b":")
            if not sep or len(digest) != layout.hex_len or digest.upper().translate(None, HEX):
                self._invalid(where, line, f"expected {layout.hex_len} hex digits, a colon and a count")
            elif not count.isdigit():
                self._invalid(where, line, "the count is not a whole number")
            elif not count.strip(b"0"):
                self.summary.padding_lines += 1
            else:
                kept.append(digest.upper() + b":" + count + b"\n")
        return b"".join(kept)

    def _columns(self, path: Path, first_line: int, block: bytes,
                 layout: _Layout) -> tuple[bytes, list[bytes], list[bytes]]:
        """(clean block, its suffixes, its counts), one entry per line."""
        if not block.endswith(b"\n"):
            block += b"\n"
        lines = block.count(b"\n")
        self.summary.lines += lines
        upper = block.upper()
        if not upper.translate(None, _LINE_CHARS) and upper.count(b"\r") == upper.count(b"\r\n"):
            suffixes, counts = layout.suffix.findall(upper), _COUNT.findall(upper)
            if len(suffixes) == len(counts) == lines and upper.count(b":") == lines \
                    and b":0\n" not in upper and b":0\r" not in upper:
                return upper, suffixes, counts
        clean = self._sanitize(path, first_line, block, layout)
        return clean, layout.suffix.findall(clean), _COUNT.findall(clean)

    @staticmethod
    def _blocks(handle: BinaryIO) -> Iterator[bytes]:
        rest = b""
        while True:
            chunk = handle.read(BLOCK_BYTES)
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

    def single_file(self, path: Path, handle: BinaryIO) -> Iterator[store.PackedRange]:
        """Ranges in file order. A block is cut at its prefix changes by a binary search per range; a range
        cut by a block boundary is carried over to the next block."""
        carried: tuple[str, list[bytes], list[bytes]] | None = None
        line = 1
        for raw in self._blocks(handle):
            block, suffixes, counts = self._columns(path, line, raw, SINGLE)
            line += raw.count(b"\n")
            self.advance(len(raw))
            start = first = 0
            while start < len(block):
                prefix = block[start:start + 5]
                end = range_end(block, start, prefix)
                size = block.count(b"\n", start, end)
                if block.count(b"\n" + prefix, start, end) != size - 1:
                    raise InputError(f"{path}: the file is not sorted by hash (prefix {prefix.decode()} is split, "
                                     f"near line {line}); the downloader writes it sorted")
                part = (prefix.decode(), suffixes[first:first + size], counts[first:first + size])
                start, first = end, first + size
                if carried is not None:
                    if carried[0] == part[0]:
                        part = (part[0], carried[1] + part[1], carried[2] + part[2])
                    elif part[0] < carried[0]:
                        raise InputError(f"{path}: the file is not sorted by hash ({part[0]} after {carried[0]}, "
                                         f"near line {line}); the downloader writes it sorted")
                    else:
                        yield pack_columns(*carried)
                carried = part
        if carried is not None:
            yield pack_columns(*carried)

    def directory(self, files: Sequence[tuple[str, Path]]) -> Iterator[store.PackedRange]:
        for prefix, path in files:
            _block, suffixes, counts = self._columns(path, 1, path.read_bytes(), PER_PREFIX)
            self.advance(1)
            if suffixes:
                yield pack_columns(prefix, suffixes, counts)


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


def source_id(source: Path) -> str:
    """The checkpoint's name for this input: its absolute path, size and modification time."""
    stat = source.stat()
    text = f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


# ---------------------------------------------------------------- checkpoint


def _checkpoint_key(checkpoint_id: str) -> str:
    return f"#import/{checkpoint_id}"


def load_checkpoint(client: Any, table: str, checkpoint_id: str) -> dict[str, Any] | None:
    item = client.get_item(TableName=table, Key={"prefix": {"S": _checkpoint_key(checkpoint_id)}},
                           ConsistentRead=True).get("Item")
    if not item:
        return None
    return {"last_prefix": item.get("last_prefix", {}).get("S"),
            "finished": item.get("finished", {}).get("N") == "1"}


def save_checkpoint(client: Any, table: str, checkpoint_id: str, last_prefix: str, summary: Summary,
                    finished: bool) -> None:
    client.put_item(TableName=table, Item={
        "prefix": {"S": _checkpoint_key(checkpoint_id)}, "last_prefix": {"S": last_prefix},
        "hashes": {"N": str(summary.hashes)}, "ranges": {"N": str(summary.ranges)},
        "finished": {"N": "1" if finished else "0"}, "set_at": {"N": str(int(time.time()))},
    })


# ---------------------------------------------------------------- the import


class _Progress:
    """tqdm when it is installed, else one line on stderr every second; nothing when quiet."""

    def __init__(self, total: int, unit: str, quiet: bool) -> None:
        self._bar: Any = None
        self._quiet = quiet
        self._done = 0
        self._total = total
        self._unit = unit
        self._shown = 0.0
        if quiet:
            return
        try:
            from tqdm import tqdm
        except ImportError:
            return
        self._bar = tqdm(total=total, unit=unit, unit_scale=unit == "B", file=sys.stderr, dynamic_ncols=True)

    def advance(self, amount: int) -> None:
        self._done += amount
        if self._bar is not None:
            self._bar.update(amount)
        elif not self._quiet and time.monotonic() - self._shown >= 1.0:
            self._shown = time.monotonic()
            share = 100.0 * self._done / self._total if self._total else 100.0
            print(f"\r{share:5.1f}% of {self._total:,} {self._unit}", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif not self._quiet:
            print(file=sys.stderr)


@dataclass
class _Batch:
    ranges: list[store.PackedRange]
    future: Future[None] | None = None

    @property
    def last_prefix(self) -> str:
        return self.ranges[-1].prefix

    @property
    def hashes(self) -> int:
        return sum(r.size for r in self.ranges)


@dataclass
class Importer:
    client: Any
    table: str
    workers: int = 4
    skip_invalid: bool = False
    quiet: bool = True
    checkpoint_seconds: float = CHECKPOINT_SECONDS
    _writers: list[store.RangeWriter] = field(default_factory=list)
    _local: threading.local = field(default_factory=threading.local)

    def _writer(self) -> store.RangeWriter:
        writer = getattr(self._local, "writer", None)
        if writer is None:
            writer = store.RangeWriter(self.client, self.table)
            self._local.writer = writer
            self._writers.append(writer)
        return writer

    def _write(self, ranges: list[store.PackedRange]) -> None:
        self._writer().write(ranges)

    def run(self, source: Path, *, checkpoint_id: str | None = None, restart: bool = False) -> Summary:
        if not source.exists():
            raise InputError(f"{source}: no such file or directory")
        layout = "one file per prefix" if source.is_dir() else "one file of SHA1:COUNT lines"
        checkpoint_id = checkpoint_id or source_id(source)
        summary = Summary(source=str(source), layout=layout, checkpoint=checkpoint_id)
        saved = None if restart else load_checkpoint(self.client, self.table, checkpoint_id)
        if saved and saved["finished"]:
            summary.already_done = True
            return summary
        after = saved["last_prefix"] if saved else None
        summary.resumed_after = after
        started = time.monotonic()
        files = range_files(source) if source.is_dir() else []
        progress = _Progress(len(files) if files else source.stat().st_size, "files" if files else "B", self.quiet)
        reader = _Reader(summary, self.skip_invalid, progress.advance)
        try:
            with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="breach-import") as pool:
                if files:
                    self._pipeline(reader.directory(files), pool, summary, checkpoint_id, after)
                else:
                    with source.open("rb") as handle:
                        self._pipeline(reader.single_file(source, handle), pool, summary, checkpoint_id, after)
        finally:
            progress.close()
            summary.seconds = time.monotonic() - started
            for writer in self._writers:
                summary.requests += writer.stats.requests
                summary.retries += writer.stats.retries
                summary.throttles += writer.stats.throttles
        return summary

    def _pipeline(self, ranges: Iterator[store.PackedRange], pool: ThreadPoolExecutor,
                  summary: Summary, checkpoint_id: str, after: str | None) -> None:
        in_flight: deque[_Batch] = deque()
        confirmed = after or ""
        last_saved = time.monotonic()
        batch = _Batch([])

        def settle(block: bool) -> None:
            nonlocal confirmed
            while in_flight and (block or in_flight[0].future.done()):  # type: ignore[union-attr]
                done = in_flight.popleft()
                done.future.result()  # type: ignore[union-attr]
                summary.ranges += len(done.ranges)
                summary.hashes += done.hashes
                confirmed = done.last_prefix

        def submit() -> None:
            nonlocal batch
            batch.future = pool.submit(self._write, batch.ranges)
            in_flight.append(batch)
            batch = _Batch([])

        try:
            for packed in ranges:
                if after is not None and packed.prefix <= after:
                    summary.skipped_ranges += 1
                    continue
                batch.ranges.append(packed)
                if len(batch.ranges) == BATCH:
                    submit()
                    while len(in_flight) > self.workers * 2:
                        in_flight[0].future.result()  # type: ignore[union-attr]
                        settle(block=False)
                    settle(block=False)
                    if confirmed and time.monotonic() - last_saved >= self.checkpoint_seconds:
                        save_checkpoint(self.client, self.table, checkpoint_id, confirmed, summary, finished=False)
                        last_saved = time.monotonic()
            if batch.ranges:
                submit()
            settle(block=True)
        except BaseException as exc:
            for pending in in_flight:
                pending.future.cancel()  # type: ignore[union-attr]
            with contextlib.suppress(BaseException):  # the first failure is the one reported
                settle(block=True)
            if confirmed:
                save_checkpoint(self.client, self.table, checkpoint_id, confirmed, summary, finished=False)
            raise ImportInterruptedError(summary, exc) from exc
        save_checkpoint(self.client, self.table, checkpoint_id, confirmed or "", summary, finished=True)


# ---------------------------------------------------------------- command line


def _local_config(url: str) -> dict[str, Any]:
    config_url = url.rstrip("/") + "/local/config"
    if not config_url.startswith(("http://", "https://")):
        raise SystemExit("error: --local takes the stack's base URL, e.g. http://127.0.0.1:8000")
    try:
        with urllib.request.urlopen(config_url, timeout=5) as response:  # noqa: S310 (scheme checked)
            config = json.loads(response.read())
        config["endpoints"]["aws"]
    except (OSError, urllib.error.URLError, ValueError, KeyError, TypeError) as exc:
        raise SystemExit(f"error: cannot read {config_url} ({exc}); is `make run` serving there?") from None
    return config


def configure(args: argparse.Namespace) -> str:
    """Point this process at the chosen table; returns its name."""
    if args.local:
        config = _local_config(args.local)
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = str(config["endpoints"]["aws"])
        credentials = config.get("adminCredentials") or {}
        if credentials:  # the local stack's moto enforces IAM; its administrator's keys
            os.environ.pop("AWS_SESSION_TOKEN", None)
            os.environ.pop("AWS_SECURITY_TOKEN", None)
            os.environ["AWS_ACCESS_KEY_ID"] = str(credentials["AccessKeyId"])
            os.environ["AWS_SECRET_ACCESS_KEY"] = str(credentials["SecretAccessKey"])
        else:
            os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
            os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        os.environ["AWS_DEFAULT_REGION"] = os.environ["AWS_REGION"] = str(config.get("region") or "us-east-1")
        tables = config.get("tables") if isinstance(config.get("tables"), dict) else {}
        table = args.table or str(tables.get("BREACH_TABLE") or LOCAL_TABLE)
    else:
        table = args.table or os.environ.get("BREACH_TABLE") or ""
        if not table:
            raise SystemExit("error: name the table: --table NAME (a deployed stage's BreachTable), "
                             "or --local URL for the local stack")
        if args.region:
            os.environ["AWS_DEFAULT_REGION"] = os.environ["AWS_REGION"] = args.region
    os.environ["BREACH_TABLE"] = table
    return table


def _require_table(client: Any, table: str) -> None:
    try:
        client.describe_table(TableName=table)
    except ClientError as exc:
        code = (exc.response.get("Error") or {}).get("Code")
        if code == "ResourceNotFoundException":
            raise SystemExit(f"error: table {table} does not exist at {client.meta.endpoint_url}") from None
        raise


def _cmd_import(args: argparse.Namespace) -> int:
    table = configure(args)
    client = store.bulk_client()
    _require_table(client, table)
    importer = Importer(client, table, workers=args.workers, skip_invalid=args.skip_invalid, quiet=args.quiet)
    try:
        summary = importer.run(Path(args.path), checkpoint_id=args.checkpoint_id, restart=args.restart)
    except ImportInterruptedError as exc:
        done = exc.summary
        print(f"import stopped after {done.ranges:,} ranges ({done.hashes:,} hashes): "
              f"{type(exc.cause).__name__}: {exc}", file=sys.stderr)
        if isinstance(exc.cause, InputError):
            print(f"error: {exc.cause}", file=sys.stderr)
            return EXIT_INPUT
        print("run the same command again to go on from the checkpoint", file=sys.stderr)
        return EXIT_INTERRUPTED if isinstance(exc.cause, KeyboardInterrupt) else EXIT_FAILED
    print("\n".join(summary.lines_out()))
    if args.json:
        print(json.dumps({**asdict(summary), "hashes_per_second": round(summary.hashes_per_second)}))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    configure(args)
    from chalicelib.breach.check import check

    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise SystemExit("error: give the password on standard input (not as an argument: shells keep history)")
    result = check(password)
    print(f"seen {result.count:,} times ({result.source})" if result.found else "not found in the breach store")
    return 0


def _cmd_policy(args: argparse.Namespace) -> int:
    configure(args)
    from chalicelib.breach import policy

    if args.action_name == "show":
        stored = policy.stored(args.pool)
        shown = stored.to_config() if stored else {"default": policy.DEFAULT.to_config()}
        print(json.dumps(shown, indent=2))
        return 0
    if args.action_name == "delete":
        policy.delete(args.pool)
        print(f"policy of {args.pool} deleted; the default applies")
        return 0
    config: dict[str, Any] = {"Actions": {"EventAction": args.action}, "MinimumBreachCount": args.min_count}
    if args.events:
        config["EventFilter"] = [e.strip().upper() for e in args.events.split(",") if e.strip()]
    try:
        chosen = policy.CompromisedCredentialsPolicy.from_config(config)
    except policy.PolicyError as exc:
        raise SystemExit(f"error: {exc}") from None
    policy.put(args.pool, chosen)
    print(json.dumps(chosen.to_config(), indent=2))
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("must be from 1 to 64")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= codec.MAX_COUNT:
        raise argparse.ArgumentTypeError(f"must be from 1 to {codec.MAX_COUNT}")
    return value


def _target(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--local", metavar="URL", help="the local stack (`make run`), e.g. http://127.0.0.1:8000")
    where.add_argument("--region", help="the AWS region of a deployed stage's table")
    parser.add_argument("--table", help=f"the table (default: {LOCAL_TABLE} with --local, else $BREACH_TABLE)")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m chalicelib.tools.breach",
                                   description="The compromised-password store: import, check, policy.")
    commands = root.add_subparsers(dest="command", required=True)
    imp = commands.add_parser("import", help="import the Pwned Passwords downloader's output")
    imp.add_argument("path", help="a file of SHA1:COUNT lines, or a directory of per-prefix files")
    _target(imp)
    imp.add_argument("--workers", type=_positive, default=4, help="parallel writers (default 4)")
    imp.add_argument("--restart", action="store_true", help="ignore the checkpoint and import everything")
    imp.add_argument("--checkpoint-id", help="name the checkpoint (default: from the path, size and time)")
    imp.add_argument("--skip-invalid", action="store_true", help="skip malformed lines instead of stopping")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.add_argument("--json", action="store_true", help="also print the summary as JSON")
    imp.set_defaults(run=_cmd_import)
    chk = commands.add_parser("check", help="how often the password on standard input was seen")
    _target(chk)
    chk.set_defaults(run=_cmd_check)
    pol = commands.add_parser("policy", help="a pool's compromised-credentials policy")
    pol.add_argument("action_name", choices=("show", "set", "delete"))
    pol.add_argument("--pool", required=True, help="the user pool id")
    pol.add_argument("--events", help="comma-separated SIGN_IN, PASSWORD_CHANGE, SIGN_UP (default: all)")
    pol.add_argument("--action", choices=("BLOCK", "NO_ACTION"), default="BLOCK")
    pol.add_argument("--min-count", type=_count, default=1, help="the least breach count that counts")
    _target(pol)
    pol.set_defaults(run=_cmd_policy)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except NoCredentialsError:
        print("error: no AWS credentials; configure them, or use --local URL", file=sys.stderr)
        return EXIT_FAILED
    except (store.BreachStoreError, ClientError, BotoCoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())

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

- streams: it holds only a block of input and the ranges being written (a few MB whatever the input's size);
  the input is read and packed by :mod:`chalicelib.breach.reader`, in a separate parser process when there
  are several writers and CPUs (``--parser auto``, the default), so that parsing and requests overlap;
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
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Final

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from chalicelib.breach import codec, reader, store
from chalicelib.breach.reader import InputError, range_files
from chalicelib.tools.locate import CliError, local_table_name, use_local

__all__ = ["ImportInterruptedError", "Importer", "InputError", "ParserProcessError", "Summary", "main"]

TABLE_VAR: Final = "BREACH_TABLE"
LOCAL_TABLE: Final = local_table_name(TABLE_VAR)
BATCH: Final = store.BATCH_SIZE
PACKAGE_ROOT: Final = Path(__file__).resolve().parents[2]
CHECKPOINT_SECONDS: Final = 2.0
EXIT_INPUT: Final = 2
EXIT_FAILED: Final = 1
EXIT_INTERRUPTED: Final = 130


class ParserProcessError(RuntimeError):
    """The parser process ended without finishing its input or naming an input error."""


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


# ---------------------------------------------------------------- the input (read by chalicelib.breach.reader)


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
    parser_process: bool | None = None  # None: a parser process when there are writers and CPUs to spare
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

    def use_process(self) -> bool:
        if self.parser_process is not None:
            return self.parser_process
        return self.workers > 1 and (os.cpu_count() or 1) > 1

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
        ranges = (self._parsed_in_child(source, after, summary, progress) if self.use_process()
                  else self._parsed_here(source, files, after, summary, progress))
        try:
            with contextlib.closing(ranges), \
                    ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="breach-import") as pool:
                self._pipeline(ranges, pool, summary, checkpoint_id, after)
        finally:
            progress.close()
            summary.seconds = time.monotonic() - started
            for writer in self._writers:
                summary.requests += writer.stats.requests
                summary.retries += writer.stats.retries
                summary.throttles += writer.stats.throttles
        return summary

    @staticmethod
    def _count(summary: Summary, counts: reader.ReadCounts) -> None:
        summary.lines, summary.padding_lines = counts.lines, counts.padding_lines
        summary.invalid_lines, summary.skipped_ranges = counts.invalid_lines, counts.skipped_ranges

    def _parsed_here(self, source: Path, files: list[tuple[str, Path]], after: str | None, summary: Summary,
                     progress: _Progress) -> Iterator[store.PackedRange]:
        """Ranges parsed in this process, between the writers' requests."""
        parser = reader.Reader(skip_invalid=self.skip_invalid, after=after, advance=progress.advance)
        try:
            if files:
                for packed in parser.directory(files):
                    yield store.PackedRange(*packed)
            else:
                with source.open("rb") as handle:
                    for packed in parser.single_file(source, handle):
                        yield store.PackedRange(*packed)
        finally:
            self._count(summary, parser.counts)

    def _parsed_in_child(self, source: Path, after: str | None, summary: Summary,
                         progress: _Progress) -> Iterator[store.PackedRange]:
        """Ranges parsed by a parser process (``python -m chalicelib.breach.reader``) on another CPU, read
        from its standard output; the pipe's buffer holds it back while the writers are behind."""
        command = [sys.executable, "-m", "chalicelib.breach.reader", str(source)]
        if self.skip_invalid:
            command.append("--skip-invalid")
        if after is not None:
            command += ["--after", after]
        env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}  # it needs none
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PACKAGE_ROOT), os.environ.get("PYTHONPATH", "")) if p)
        with tempfile.TemporaryFile() as errors:
            child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors,  # noqa: S603 (our interpreter, our module)
                                     env=env)
            stream: BinaryIO = child.stdout  # type: ignore[assignment]
            counts = reader.ReadCounts()
            try:
                while True:
                    kind, payload = reader.read_frame(stream)
                    if kind == reader.FRAME_RANGE:
                        yield store.PackedRange(*reader.decode_range(payload))
                    elif kind in (reader.FRAME_PROGRESS, reader.FRAME_DONE):
                        now = reader.decode_counts(payload)
                        progress.advance(now.advanced - counts.advanced)
                        counts = now
                        self._count(summary, counts)
                        if kind == reader.FRAME_DONE:
                            break
                    elif kind == reader.FRAME_ERROR:
                        raise InputError(payload.decode(errors="replace"))
                    else:
                        child.wait()
                        errors.seek(0)
                        last = errors.read().decode(errors="replace").strip().splitlines()[-1:]
                        raise ParserProcessError(f"the parser process stopped (exit status {child.returncode})"
                                                 + (f": {last[0]}" if last else ""))
            finally:
                if child.poll() is None:
                    child.kill()
                child.wait()
                stream.close()

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


def configure(args: argparse.Namespace) -> str:
    """Point this process at the chosen table; returns its name."""
    if args.local:
        try:
            use_local(args.local, [TABLE_VAR])
        except CliError as exc:
            raise SystemExit(f"error: {exc}") from None
        table = args.table or os.environ[TABLE_VAR]
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
    client = store.bulk_client(connections=args.workers)
    _require_table(client, table)
    importer = Importer(client, table, workers=args.workers, skip_invalid=args.skip_invalid, quiet=args.quiet,
                        parser_process={"auto": None, "process": True, "inline": False}[args.parser])
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
    # also before the command, as the other tools take them (python -m chalicelib.tools.breach --local URL import)
    where = root.add_mutually_exclusive_group()
    where.add_argument("--local", metavar="URL", dest="root_local", help="the local stack, as after the command")
    where.add_argument("--region", dest="root_region", help="the AWS region, as after the command")
    root.add_argument("--table", dest="root_table", help="the table, as after the command")
    commands = root.add_subparsers(dest="command", required=True)
    imp = commands.add_parser("import", help="import the Pwned Passwords downloader's output")
    imp.add_argument("path", help="a file of SHA1:COUNT lines, or a directory of per-prefix files")
    _target(imp)
    imp.add_argument("--workers", type=_positive, default=4, help="parallel writers (default 4)")
    imp.add_argument("--restart", action="store_true", help="ignore the checkpoint and import everything")
    imp.add_argument("--checkpoint-id", help="name the checkpoint (default: from the path, size and time)")
    imp.add_argument("--skip-invalid", action="store_true", help="skip malformed lines instead of stopping")
    imp.add_argument("--parser", choices=("auto", "process", "inline"), default="auto",
                     help="parse in a separate process, or in the writers' process (default auto: a process "
                          "when --workers > 1 and the machine has more than one CPU)")
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
    cli = parser()
    args = cli.parse_args(argv)
    for name in ("local", "region", "table"):
        if getattr(args, name, None) is None:
            setattr(args, name, getattr(args, f"root_{name}"))
    if args.local and args.region:
        cli.error("argument --region: not allowed with argument --local")
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

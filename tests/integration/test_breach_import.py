"""The importer (python -m chalicelib.tools.breach import) on generated downloader output of both layouts,
against the local stack's moto: the content it writes, an interruption and the run that resumes it, a second
run, throttling and UnprocessedItems, malformed input, and the command line's answers."""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib.breach import codec
from chalicelib.tools.breach import Importer, ImportInterruptedError, InputError, ParserProcessError, Summary, _Progress
from tests.conftest import ROOT
from tests.helpers import unique


def generate(count: int, seed: int = 1) -> dict[str, int]:
    """``count`` SHA-1 hashes with counts, spread over few prefixes so ranges hold several suffixes."""
    rng = random.Random(seed)
    hashes: dict[str, int] = {}
    while len(hashes) < count:
        digest = hashlib.sha1(rng.randbytes(8)).hexdigest().upper()
        hashes[digest[:2] + "000" + digest[5:]] = rng.randint(1, 10**6)  # 256 ranges at most
    return hashes


def write_single(path: Path, hashes: dict[str, int]) -> Path:
    lines = [f"{h}:{c}" for h, c in sorted(hashes.items())]
    path.write_text("\r\n".join(lines) + "\r\n")  # the downloader writes CRLF
    return path


def write_directory(path: Path, hashes: dict[str, int]) -> Path:
    path.mkdir()
    ranges: dict[str, list[str]] = {}
    for digest, count in sorted(hashes.items()):
        ranges.setdefault(digest[:5], []).append(f"{digest[5:]}:{count}")
    for prefix, lines in ranges.items():
        (path / f"{prefix}.txt").write_text("\r\n".join([*lines, f"{'0' * 35}:0"]) + "\r\n")  # with padding
    return path


@pytest.fixture()
def dynamodb(stack: Any) -> Any:
    return boto3.client("dynamodb", endpoint_url=stack.moto_url, region_name="us-east-1")  # the stack's admin keys


@pytest.fixture()
def table(dynamodb: Any) -> str:
    name = unique("breach")
    dynamodb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                          KeySchema=[{"AttributeName": "prefix", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "prefix", "AttributeType": "S"}])
    return name


def dump(dynamodb: Any, table: str) -> dict[str, dict[str, int]]:
    """Every range of the table, unpacked; control items left out."""
    found: dict[str, dict[str, int]] = {}
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        for item in page["Items"]:
            prefix = item["prefix"]["S"]
            if prefix.startswith("#"):
                continue
            entries = list(codec.unpack(item["suffixes"]["B"], item["counts"]["B"]))
            assert len(entries) == len({s for s, _ in entries}) == int(item["size"]["N"])  # no duplicates
            found[prefix] = dict(entries)
    return found


def expected(hashes: dict[str, int]) -> dict[str, dict[str, int]]:
    ranges: dict[str, dict[str, int]] = {}
    for digest, count in hashes.items():
        ranges.setdefault(digest[:5], {})[digest[5:]] = count
    return ranges


class FlakyClient:
    """A DynamoDB client that fails as told: KeyboardInterrupt on the n-th BatchWriteItem (an operator's
    Ctrl-C mid-import), throttling, or half the batch left unprocessed."""

    def __init__(self, client: Any, *, interrupt_at: int | None = None, throttle_first: int = 0,
                 unprocessed_first: int = 0) -> None:
        self._client = client
        self.calls = 0
        self.interrupt_at = interrupt_at
        self.throttle_first = throttle_first
        self.unprocessed_first = unprocessed_first

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803
        self.calls += 1
        if self.interrupt_at is not None and self.calls >= self.interrupt_at:
            raise KeyboardInterrupt
        if self.calls <= self.throttle_first:
            raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}},
                              "BatchWriteItem")
        if self.calls <= self.throttle_first + self.unprocessed_first:
            [(table, requests)] = RequestItems.items()
            half = len(requests) // 2
            self._client.batch_write_item(RequestItems={table: requests[:half]})
            return {"UnprocessedItems": {table: requests[half:]} if requests[half:] else {}}
        return self._client.batch_write_item(RequestItems=RequestItems)


def test_a_single_file_is_imported_whole(tmp_path, dynamodb, table):
    hashes = generate(3000)
    summary = Importer(dynamodb, table).run(write_single(tmp_path / "pwned.txt", hashes))
    assert dump(dynamodb, table) == expected(hashes)
    assert (summary.hashes, summary.ranges, summary.lines) == (3000, len(expected(hashes)), 3000)
    assert summary.requests == -(-summary.ranges // 25)


def test_both_layouts_give_the_same_table(tmp_path, dynamodb, table):
    hashes = generate(3000, seed=2)
    Importer(dynamodb, table).run(write_single(tmp_path / "pwned.txt", hashes))
    single = dump(dynamodb, table)
    other = unique("breach")
    dynamodb.create_table(TableName=other, BillingMode="PAY_PER_REQUEST",
                          KeySchema=[{"AttributeName": "prefix", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "prefix", "AttributeType": "S"}])
    summary = Importer(dynamodb, other).run(write_directory(tmp_path / "ranges", hashes))
    assert dump(dynamodb, other) == single
    assert summary.padding_lines == len(single)


def parsers_of(path: Path) -> list[int]:
    """The parser processes (python -m chalicelib.breach.reader) still running on ``path``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"chalicelib.breach.reader" in command and str(path).encode() in command:
            found.append(int(entry.name))
    return found


@pytest.mark.parametrize("parser_process", [False, True], ids=["inline", "parser-process"])
@pytest.mark.parametrize("layout", ["single", "directory"])
def test_an_interrupted_import_resumes_and_a_second_run_changes_nothing(tmp_path, dynamodb, table, layout,
                                                                        parser_process):
    hashes = generate(6000, seed=3)
    source = (write_single(tmp_path / "pwned.txt", hashes) if layout == "single"
              else write_directory(tmp_path / "ranges", hashes))
    flaky = FlakyClient(dynamodb, interrupt_at=5)
    with pytest.raises(ImportInterruptedError) as stopped:
        Importer(flaky, table, workers=1, checkpoint_seconds=0, parser_process=parser_process).run(source)
    assert isinstance(stopped.value.cause, KeyboardInterrupt)
    assert parsers_of(source) == []  # the parser process does not outlive the import
    partial = dump(dynamodb, table)
    assert 0 < len(partial) < len(expected(hashes))

    resumed = Importer(dynamodb, table, workers=2, parser_process=parser_process).run(source)
    assert resumed.resumed_after is not None and resumed.skipped_ranges > 0
    assert resumed.skipped_ranges + resumed.ranges == len(expected(hashes))
    assert dump(dynamodb, table) == expected(hashes)

    again = Importer(dynamodb, table, parser_process=parser_process).run(source)
    assert again.already_done and again.requests == 0
    restarted = Importer(dynamodb, table, parser_process=parser_process).run(source, restart=True)
    assert restarted.ranges == len(expected(hashes))
    assert restarted.lines == (6000 if layout == "single" else 6000 + len(expected(hashes)))
    assert dump(dynamodb, table) == expected(hashes)


@pytest.mark.parametrize("layout", ["single", "directory"])
def test_the_parser_process_writes_what_the_inline_parser_writes(tmp_path, dynamodb, table, layout):
    hashes = generate(4000, seed=6)
    source = (write_single(tmp_path / "pwned.txt", hashes) if layout == "single"
              else write_directory(tmp_path / "ranges", hashes))
    summary = Importer(dynamodb, table, workers=3, parser_process=True).run(source)
    assert dump(dynamodb, table) == expected(hashes)
    inline = Importer(dynamodb, table, workers=3, parser_process=False).run(source, restart=True)
    assert dump(dynamodb, table) == expected(hashes)
    for field in ("hashes", "ranges", "lines", "padding_lines", "invalid_lines", "requests"):
        assert getattr(summary, field) == getattr(inline, field), field


def test_the_parser_process_reports_bad_input_with_the_line(tmp_path, dynamodb, table):
    path = tmp_path / "pwned.txt"
    path.write_text(f"{'A' * 40}:3\r\n{'B' * 40}:7\r\n{'C' * 39}:1\r\n")
    with pytest.raises(ImportInterruptedError) as exc:
        Importer(dynamodb, table, parser_process=True).run(path)
    assert isinstance(exc.value.cause, InputError)
    assert str(exc.value.cause) == (f"{path}:3: expected 40 hex digits, a colon and a count: '{'C' * 39}:1' "
                                    "(use --skip-invalid to skip such lines)")
    skipped = Importer(dynamodb, table, parser_process=True, skip_invalid=True).run(path)
    assert (skipped.hashes, skipped.invalid_lines, skipped.lines) == (2, 1, 3)
    assert dump(dynamodb, table) == {"AAAAA": {"A" * 35: 3}, "BBBBB": {"B" * 35: 7}}


def test_a_parser_process_that_dies_is_reported(tmp_path, dynamodb, table):
    path = write_single(tmp_path / "pwned.txt", generate(100))
    importer = Importer(dynamodb, table, parser_process=True)
    ranges = importer._parsed_in_child(tmp_path / "gone.txt", None, Summary(), _Progress(0, "B", quiet=True))
    with pytest.raises(ParserProcessError, match=r"the parser process stopped \(exit status 1\): "
                                                 r"FileNotFoundError: .*gone.txt"):
        next(ranges)
    assert Importer(dynamodb, table, parser_process=True).run(path).hashes == 100


def test_throttling_and_unprocessed_items_are_retried(tmp_path, dynamodb, table):
    hashes = generate(2000, seed=4)
    flaky = FlakyClient(dynamodb, throttle_first=2, unprocessed_first=3)
    summary = Importer(flaky, table, workers=1).run(write_single(tmp_path / "pwned.txt", hashes))
    assert dump(dynamodb, table) == expected(hashes)
    assert summary.throttles == 2
    assert summary.retries >= 5


@pytest.mark.parametrize(("content", "message"), [
    ("NOTAHASH:12\n", "pwned.txt:1: expected 40 hex digits, a colon and a count: 'NOTAHASH:12'"),
    (f"{'A' * 40}:many\n", "pwned.txt:1: the count is not a whole number"),
    (f"{'A' * 40}\n", "pwned.txt:1: expected 40 hex digits, a colon and a count"),
    (f"{'B' * 40}:1\n{'A' * 40}:1\n", "pwned.txt: the file is not sorted by hash (AAAAA after BBBBB"),
])
def test_malformed_input_stops_with_the_file_and_line(tmp_path, dynamodb, table, content, message):
    path = tmp_path / "pwned.txt"
    path.write_text(content)
    with pytest.raises(ImportInterruptedError) as exc:
        Importer(dynamodb, table).run(path)
    assert isinstance(exc.value.cause, InputError)
    assert message in str(exc.value.cause)


def test_malformed_lines_can_be_skipped(tmp_path, dynamodb, table):
    path = tmp_path / "pwned.txt"
    path.write_text(f"{'A' * 40}:3\ngarbage\n{'B' * 40}:4\n")
    summary = Importer(dynamodb, table, skip_invalid=True).run(path)
    assert (summary.hashes, summary.invalid_lines) == (2, 1)


def test_missing_and_empty_inputs(tmp_path, dynamodb, table):
    with pytest.raises(InputError, match="no such file or directory"):
        Importer(dynamodb, table).run(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no range files \(named like 00000.txt\)"):
        Importer(dynamodb, table).run(tmp_path / "empty")


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chalicelib.tools.breach", *args], cwd=ROOT, text=True,
                          capture_output=True, input=stdin, timeout=120, check=False)


def test_the_command_line_imports_against_the_local_stack(tmp_path, stack, dynamodb, table):
    hashes = generate(500, seed=5)
    path = write_single(tmp_path / "pwned.txt", hashes)
    done = cli("import", str(path), "--local", stack.base_url, "--table", table, "--quiet")
    assert done.returncode == 0, done.stderr
    assert "hashes written            500" in done.stdout
    assert dump(dynamodb, table) == expected(hashes)
    again = cli("--local", stack.base_url, "--table", table, "import", str(path), "--quiet")  # as the README shows
    assert (again.returncode, "already imported" in again.stdout) == (0, True)
    for parser in ("process", "inline"):
        forced = cli("import", str(path), "--local", stack.base_url, "--table", table, "--quiet", "--restart",
                     "--parser", parser, "--workers", "2")
        assert forced.returncode == 0, forced.stderr
        assert "hashes written            500" in forced.stdout
        assert dump(dynamodb, table) == expected(hashes)
    digest = next(iter(hashes))
    checked = cli("check", "--local", stack.base_url, "--table", table, stdin="not-the-password\n")
    assert (checked.returncode, checked.stdout.strip()) == (0, "not found in the breach store")
    assert digest  # the store holds hashes only: nothing to read back as a password


@pytest.mark.parametrize(("args", "code", "message"), [
    (["import"], 2, "the following arguments are required: path"),
    (["import", "x", "--workers", "0"], 2, "argument --workers: must be from 1 to 64"),
    (["import", "x", "--workers", "many"], 2, "argument --workers: not a whole number: 'many'"),
    (["import", "x", "--parser", "gpu"], 2, "argument --parser: invalid choice: 'gpu'"),
    (["policy", "set", "--pool", "p", "--min-count", "-1"], 2, "argument --min-count: must be from 1"),
    (["import", "x"], 1, "error: name the table: --table NAME"),
    (["import", "x", "--local", "http://127.0.0.1:9"], 1, "error: cannot read http://127.0.0.1:9/local/config"),
    (["--local", "http://127.0.0.1:9", "import", "x"], 1, "error: cannot read http://127.0.0.1:9/local/config"),
    (["--local", "http://127.0.0.1:9", "import", "x", "--region", "eu-west-1"], 2,
     "argument --region: not allowed with argument --local"),
])
def test_bad_command_lines_get_a_clear_message_and_no_traceback(args, code, message, monkeypatch):
    monkeypatch.delenv("BREACH_TABLE", raising=False)
    done = subprocess.run([sys.executable, "-m", "chalicelib.tools.breach", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=60, check=False,
                          env={k: v for k, v in __import__("os").environ.items() if k != "BREACH_TABLE"})
    assert done.returncode == code
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_table_or_file_is_named(tmp_path, stack):
    path = write_single(tmp_path / "pwned.txt", generate(10))
    missing_table = cli("import", str(path), "--local", stack.base_url, "--table", "no-such-table", "--quiet")
    assert missing_table.returncode == 1
    assert "error: table no-such-table does not exist at " in missing_table.stderr
    missing_file = cli("import", str(tmp_path / "nope.txt"), "--local", stack.base_url, "--quiet")
    assert missing_file.returncode == 2
    assert "nope.txt: no such file or directory" in missing_file.stderr
    for done in (missing_table, missing_file):
        assert "Traceback" not in done.stderr


def test_the_policy_command_sets_shows_and_deletes(stack):
    pool = unique("pool")
    base = ["--pool", pool, "--local", stack.base_url]
    shown = cli("policy", "show", *base)
    assert '"default"' in shown.stdout
    done = cli("policy", "set", *base, "--events", "sign_up,PASSWORD_CHANGE", "--action", "BLOCK", "--min-count", "5")
    assert done.returncode == 0, done.stderr
    assert '"MinimumBreachCount": 5' in cli("policy", "show", *base).stdout
    bad = cli("policy", "set", *base, "--events", "SIGN_OUT")
    assert (bad.returncode, bad.stderr.strip()) == (1, "error: EventFilter must be a list of SIGN_IN, "
                                                        "PASSWORD_CHANGE, SIGN_UP")
    assert cli("policy", "delete", *base).returncode == 0

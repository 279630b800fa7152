"""``python -m chalicelib.tools.signup`` against moto's tables (in process): every command, and every bad input
answered with one clear line and exit status 1 (or argparse's usage and 2), never a traceback.
tests/e2e/test_signup_validation.py runs it as a real process against the local stack (``--local``)."""

from __future__ import annotations

import io
import json
import os
import socket
from typing import Any

import pytest

from chalicelib.models.invite_code import InviteCode
from chalicelib.models.signup_rules import SignupRules
from chalicelib.tools import signup as cli
from tests.integration.signup_support import moto_tables, new_pool


@pytest.fixture(autouse=True)
def tables(monkeypatch):
    environment = dict(os.environ)
    timeouts = {m: (m.Meta.connect_timeout_seconds, m.Meta.read_timeout_seconds, m.Meta.max_retry_attempts)
                for m in (SignupRules, InviteCode)}
    yield from moto_tables(monkeypatch)
    # The CLI is a process of its own in real use: undo what it did to this one.
    os.environ.clear()
    os.environ.update(environment)
    for model, (connect, read, retries) in timeouts.items():
        model.Meta.connect_timeout_seconds, model.Meta.read_timeout_seconds = connect, read
        model.Meta.max_retry_attempts = retries


@pytest.fixture()
def pool() -> str:
    return new_pool()


class Run:
    def __init__(self, pool: str, tables: dict[str, str]) -> None:
        self.where = ["--rules-table", tables["SIGNUP_RULES_TABLE"], "--invites-table", tables["INVITE_CODES_TABLE"],
                      "--user-pool-id", pool]

    def __call__(self, *argv: str, stdin: str = "", where: list[str] | None = None) -> tuple[int, Any, str]:
        out, err = io.StringIO(), io.StringIO()
        saved = cli.sys.stderr
        cli.sys.stderr = err
        try:
            try:
                status = cli.main([*(self.where if where is None else where), *argv], stdout=out,
                                  stdin=io.StringIO(stdin))
            except SystemExit as exc:
                status = int(exc.code or 0)
        finally:
            cli.sys.stderr = saved
        text = out.getvalue()
        return status, json.loads(text) if text.strip() else None, err.getvalue()


@pytest.fixture()
def run(pool, tables) -> Run:
    return Run(pool, tables)


def error_line(run_result: tuple[int, Any, str]) -> tuple[int, str]:
    status, out, err = run_result
    assert out is None
    assert "Traceback" not in err
    return status, err.strip().splitlines()[-1]


# ---------------------------------------------------------------- commands


def test_show_prints_the_defaults_of_a_pool_without_rules(run, pool):
    status, out, _ = run("show")
    assert status == 0
    assert (out["userPoolId"], out["version"], out["rules"]["blockDisposable"]) == (pool, 0, True)


def test_list_commands_add_and_remove_normalised_entries(run):
    assert run("allow-domain", "Example.COM", "corp.example")[1]["rules"]["allowedDomains"] == [
        "corp.example", "example.com"]
    assert run("allow-domain", "example.com")[1]["version"] == 2
    out = run("allow-domain", "EXAMPLE.com.", "--remove")[1]
    assert (out["version"], out["rules"]["allowedDomains"]) == (3, ["corp.example"])
    assert run("block-domain", "bad.example")[1]["rules"]["blockedDomains"] == ["bad.example"]
    assert run("trust-domain", "corp.example")[1]["rules"]["trustedDomains"] == ["corp.example"]
    assert run("reserve-username", "Admin", "ad.min", "root")[1]["rules"]["reservedUsernames"] == ["Admin", "root"]
    assert run("reserve-username", "ADMIN", "--remove")[1]["rules"]["reservedUsernames"] == ["root"]
    assert run("require-attribute", "name")[1]["rules"]["requiredAttributes"] == ["name"]


def test_options_turn_rules_on_and_off(run):
    assert run("option", "inviteRequired", "on")[1]["rules"]["inviteRequired"] is True
    assert run("option", "blockDisposable", "off")[1]["rules"]["blockDisposable"] is False


def test_set_replaces_the_rules_from_a_file_or_from_what_show_printed(run, tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"inviteRequired": True, "attributes": {"phone_number": {"format": "e164"}}}))
    out = run("set", str(path), "--expected-version", "0")[1]
    assert (out["version"], out["rules"]["inviteRequired"]) == (1, True)
    shown = json.dumps(run("show")[1])
    again = run("set", "-", stdin=shown)[1]
    assert (again["version"], again["rules"]) == (2, out["rules"])


def test_reset_brings_back_the_defaults(run):
    run("option", "inviteRequired", "on")
    assert run("reset")[1]["deleted"] is True
    assert run("show")[1]["version"] == 0
    assert run("reset")[1]["deleted"] is False


def test_invites_are_created_listed_without_codes_and_revoked(run):
    status, out, _ = run("invite", "create", "--count", "2", "--days", "3", "--email-domain", "Corp.Example",
                         "--note", "for the team")
    assert status == 0
    codes = [entry["code"] for entry in out["inviteCodes"]]
    assert len(set(codes)) == 2 and out["inviteCodes"][0]["emailDomain"] == "corp.example"
    listed = run("invite", "list")[1]
    assert len(listed["inviteCodes"]) == 2
    assert not any(code in json.dumps(listed) for code in codes)
    invite_id = listed["inviteCodes"][0]["id"]
    assert run("invite", "revoke", invite_id)[1] == {"userPoolId": listed["userPoolId"], "revoked": invite_id}
    assert len(run("invite", "list")[1]["inviteCodes"]) == 1


def test_invite_list_all_follows_every_page(run):
    run("invite", "create", "--count", "3")
    out = run("invite", "list", "--limit", "1", "--all")[1]
    assert (len(out["inviteCodes"]), out["nextToken"]) == (3, None)
    assert run("invite", "list", "--limit", "1")[1]["nextToken"] is not None


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(("argv", "fragment"), [
    ([], "the following arguments are required: COMMAND"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["option", "blockDisposable", "maybe"], "invalid choice: 'maybe'"),
    (["option", "noSuchOption", "on"], "invalid choice: 'noSuchOption'"),
    (["allow-domain"], "the following arguments are required: VALUE"),
    (["invite"], "the following arguments are required: ACTION"),
    (["invite", "create", "--days", "0"], "must be a whole number of days from 1 to 365"),
    (["invite", "create", "--days", "abc"], "must be a whole number of days from 1 to 365"),
    (["invite", "create", "--days", "366"], "must be a whole number of days from 1 to 365"),
    (["invite", "create", "--count", "1000"], "must be a whole number from 1 to 100"),
    (["invite", "list", "--limit", "-1"], "must be a whole number from 1 to 100"),
    (["set", "x.json", "--expected-version", "-2"], "must be a whole number (0: no rules stored yet)"),
])
def test_bad_usage_is_explained_with_exit_status_2(run, argv, fragment):
    status, out, err = run(*argv)
    assert (status, out) == (2, None)
    assert fragment in err and "Traceback" not in err


def test_bad_values_are_one_line_with_exit_status_1(run, tmp_path):
    assert error_line(run("allow-domain", "not a domain")) == (
        1, "error: invalid rules: allowedDomains: 'not a domain' is not a domain name")
    assert error_line(run("require-attribute", "bad name!")) == (
        1, "error: invalid rules: requiredAttributes.0: String should match pattern '^[A-Za-z0-9_:.\\-]+$'")
    assert error_line(run("invite", "create", "--email-domain", "not a domain")) == (
        1, "error: --email-domain: 'not a domain' is not a domain name")
    assert error_line(run("invite", "create", "--note", "two\nlines")) == (
        1, "error: --note: must be 1 to 200 characters on one line")
    assert error_line(run("invite", "revoke", "nothex")) == (
        1, "error: 'nothex' is not an invite code id (16 hexadecimal characters, as `invite list` shows)")
    assert error_line(run("invite", "revoke", "0123456789abcdef"))[1].startswith("error: no invite code 0123")
    assert error_line(run("set", str(tmp_path / "missing.json")))[1].startswith("error: cannot read")
    assert error_line(run("set", "-", stdin="{"))[1].startswith("error: - is not JSON")
    assert error_line(run("set", "-", stdin="[]")) == (1, "error: - must hold one JSON object (a rule set)")
    assert error_line(run("set", "-", stdin='{"blockDisposable": "yes"}')) == (
        1, "error: invalid rules: blockDisposable: Input should be a valid boolean")
    assert error_line(run("set", "-", stdin='{"unknown": 1}')) == (
        1, "error: invalid rules: unknown: Extra inputs are not permitted")
    big = "x" * (cli.MAX_FILE_BYTES + 2)
    assert error_line(run("set", "-", stdin=big)) == (1, "error: - is larger than 1024 KiB")


def test_a_stale_expected_version_is_refused(run):
    run("option", "inviteRequired", "on")
    assert error_line(run("set", "-", "--expected-version", "0", stdin="{}")) == (
        1, "error: the rules changed since that version; run `show` and try again")


def test_where_the_tables_are_must_be_said(run, monkeypatch, pool):
    monkeypatch.delenv("SIGNUP_RULES_TABLE")
    assert error_line(run("show", where=["--user-pool-id", pool])) == (
        1, "error: say where the tables are: --local URL, --stack-name NAME, or --rules-table NAME")
    assert error_line(run("show", where=["--rules-table", "t"])) == (
        1, "error: --user-pool-id is required (it defaults to the demo pool only with --local)")
    assert error_line(run("show", where=["--rules-table", "t", "--user-pool-id", "nope"])) == (
        1, "error: --user-pool-id: 'nope' is not a user pool id (REGION_ID)")


def test_an_unreachable_table_is_one_clear_line(run, pool):
    status, line = error_line(run("show", where=["--rules-table", "no-such-table", "--user-pool-id", pool]))
    assert status == 1
    assert line.startswith("error: DynamoDB refused or could not be reached (")
    assert "ResourceNotFoundException" in line or "no-such-table" in line


def test_an_unreachable_local_stack_is_one_clear_line(run):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    status, line = error_line(run("show", where=["--local", f"http://127.0.0.1:{port}"]))
    assert status == 1
    assert line.startswith(f"error: cannot read http://127.0.0.1:{port}/local/config (is `make run` running?)")
    assert error_line(run("show", where=["--local", "ftp://example.com"])) == (
        1, "error: --local takes the stack's base URL, e.g. http://127.0.0.1:8000")

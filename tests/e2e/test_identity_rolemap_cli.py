"""`python -m chalicelib.tools.rolemap --local URL ...` against the running stack: the CLI finds moto, the
administrator's keys and the table through /local/config, and lists, saves, explains, tests and deletes
rule sets; refusals go to stderr with exit status 1."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import uuid
from typing import Any

import pytest

from chalicelib.rolemap import parse_rule_set
from chalicelib.tools import rolemap
from tests.conftest import ROOT

ROLE = "arn:aws:iam::123456789012:role/{}"


def cli(stack: Any, *args: str, stdin: str = "") -> tuple[int, Any]:
    out = io.StringIO()
    status = rolemap.main(["--local", stack.base_url, *args], stdout=out, stdin=io.StringIO(stdin))
    return status, json.loads(out.getvalue()) if out.getvalue() else None


def errors(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The CLI's lines on stderr (the stack's server logs its requests there too)."""
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]


def test_a_rule_set_round_trip_through_the_cli(stack: Any, capsys: pytest.CaptureFixture[str]) -> None:
    pool = "us-east-1_C" + uuid.uuid4().hex[:8]
    document = {"userPoolId": pool, "clientId": "default", "rules": [
        {"name": "ops", "roleArn": ROLE.format("ops"), "conditions": [
            {"claim": "custom:dept", "type": "Equals", "value": "ops"}]}]}
    status, saved = cli(stack, "put", "-", "--expected-version", "0", stdin=json.dumps(document))
    assert status == 0 and saved["version"] == 1 and saved["updatedBy"] == "cli"
    stored = cli(stack, "list", "--user-pool-id", pool)[1]["ruleSets"]
    assert [s["rules"] for s in stored] == [parse_rule_set(document).to_document()["rules"]]
    status, explained = cli(stack, "explain", pool, "someclient", "--claims", '{"custom:dept": "sales"}')
    assert status == 0
    assert explained["ruleSet"] == {"userPoolId": pool, "clientId": "default", "version": 1}
    assert explained["decision"]["summary"] == (
        "No rule matched: the token gets no role, and the identity pool's AmbiguousRoleResolution decides. "
        "Rule 1 'ops' did not match (not custom:dept Equals 'ops': custom:dept is 'sales').")
    assert cli(stack, "put", "-", "--expected-version", "0", stdin=json.dumps(document))[0] == 1
    assert errors(capsys) == ["error: the rule set was changed by someone else; read it again"]
    assert cli(stack, "delete", pool, "default", "--expected-version", "1") == (0, {"deleted": True})
    assert cli(stack, "get", pool, "default")[0] == 1
    assert errors(capsys) == [f"error: no rule set for {pool} / default"]


def test_an_invalid_rule_set_is_refused(stack: Any, capsys: pytest.CaptureFixture[str]) -> None:
    bad = {"userPoolId": "us-east-1_Bad12345", "clientId": "default", "rules": [
        {"roleArn": ROLE.format("x"), "conditions": [{"claim": "e", "type": "Regex", "pattern": "(x+x+)+y"}]}]}
    assert cli(stack, "put", "-", stdin=json.dumps(bad)) == (1, None)
    assert errors(capsys) == ["error: invalid rule set: rules[0].conditions[0].pattern: backtracks "
                              "catastrophically (it ran out of time on a probe input)"]


def test_test_needs_no_stack() -> None:
    rules = {"rules": [{"name": "admins", "roleArn": ROLE.format("admin"),
                        "conditions": [{"type": "InGroup", "group": "admins"}]}]}
    done = subprocess.run([sys.executable, "-m", "chalicelib.tools.rolemap", "test", "-", "--claims",
                           '{"cognito:groups": ["admins"]}'], input=json.dumps(rules), capture_output=True,
                          text=True, cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["decision"]["roleArn"] == ROLE.format("admin")


def test_a_target_is_required_to_reach_the_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert rolemap.main(["list"], stdout=io.StringIO()) == 1
    assert errors(capsys) == ["error: say where the rules are: --local URL, --stack-name NAME or --table NAME"]

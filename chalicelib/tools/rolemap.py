"""``python -m chalicelib.tools.rolemap``: manage role-mapping rule sets from a shell.

Where the rules live, one of (``test`` needs none):

- ``--local URL``: the running local stack (``make run``): its ``/local/config`` gives moto's endpoint
  (``endpoints.aws``), the administrator's keys (``adminCredentials``, moto enforces IAM) and the table;
- ``--stack-name NAME [--region R]``: a deployed stage: the table is the output of its CloudFormation stack
  described ``(ROLE_RULES_TABLE)``, reached with your usual AWS credentials;
- ``--table NAME [--region R]``: that table, with your usual AWS credentials and endpoint.

Commands (JSON out; exit status 1 when the rules, the version or the request is refused)::

    list [--user-pool-id ID]                  every rule set (of one pool)
    get POOL CLIENT                           one rule set (CLIENT "default": the pool's default)
    put FILE [--expected-version N]           save the rule set in FILE ("-": stdin); it names its pool/client
    delete POOL CLIENT [--expected-version N] remove one
    test FILE --claims JSON|@FILE             the decision of an unsaved rule set for these claims
    explain POOL CLIENT --claims JSON|@FILE   the stored rule set's decision, and why each earlier rule failed

Example: ``python -m chalicelib.tools.rolemap --local http://127.0.0.1:8000 explain us-east-1_AbC default
--claims '{"cognito:groups": ["admins"]}'``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from chalicelib.tools.locate import CliError, answer, use_local, use_stack

TABLE_ENV = "ROLE_RULES_TABLE"


def _json_argument(value: str) -> Any:
    text = Path(value[1:]).read_text() if value.startswith("@") else value
    try:
        return json.loads(text)
    except ValueError as exc:
        raise CliError(f"not JSON: {exc}") from None


def _read_document(path: str, stdin: TextIO) -> Any:
    text = stdin.read() if path == "-" else Path(path).read_text()
    try:
        return json.loads(text)
    except ValueError as exc:
        raise CliError(f"{path} is not JSON: {exc}") from None


def run(args: argparse.Namespace, stdin: TextIO = sys.stdin) -> Any:
    from chalicelib.models import role_rule
    from chalicelib.rolemap import RuleSetError, decide, parse_rule_set
    from chalicelib.rolemap.explain import decision_json

    try:
        if args.command == "list":
            return {"ruleSets": [item.to_json() for item in role_rule.list_all(args.user_pool_id)]}
        if args.command == "get":
            item = role_rule.get(args.user_pool_id, args.client_id)
            if item is None:
                raise CliError(f"no rule set for {args.user_pool_id} / {args.client_id}")
            return item.to_json()
        if args.command == "put":
            rule_set = parse_rule_set(_read_document(args.file, stdin))
            return role_rule.save(rule_set, expected_version=args.expected_version, updated_by="cli").to_json()
        if args.command == "delete":
            if not role_rule.delete(args.user_pool_id, args.client_id, expected_version=args.expected_version):
                raise CliError(f"no rule set for {args.user_pool_id} / {args.client_id}")
            return {"deleted": True}
        if args.command == "test":
            rule_set = parse_rule_set(_read_document(args.file, stdin), require_owner=False)
            return {"valid": True, "ruleCount": len(rule_set.rules),
                    "decision": decision_json(decide(rule_set, _claims(args.claims), explain=True))}
        item = role_rule.find(args.user_pool_id, args.client_id)
        if item is None:
            raise CliError(f"no rule set applies to {args.user_pool_id} / {args.client_id}")
        return {"ruleSet": {"userPoolId": item.user_pool_id, "clientId": item.client_id, "version": item.version},
                "decision": decision_json(decide(item.rule_set(), _claims(args.claims), explain=True))}
    except RuleSetError as exc:
        raise CliError(f"invalid rule set: {exc}") from None
    except role_rule.VersionConflictError as exc:
        raise CliError(str(exc)) from None


def _claims(value: str) -> dict[str, Any]:
    claims = _json_argument(value)
    if not isinstance(claims, dict):
        raise CliError("--claims must be a JSON object")
    return claims


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(prog="python -m chalicelib.tools.rolemap",
                                  description="Manage the role-mapping rule sets of cogworks.")
    where = cli.add_mutually_exclusive_group()
    where.add_argument("--local", metavar="URL", help="the local stack's base URL (make run)")
    where.add_argument("--stack-name", help="a deployed stage's CloudFormation stack")
    where.add_argument("--table", help="the rule-set table's name")
    cli.add_argument("--region", help="AWS region (deployed stage)")
    commands = cli.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="every rule set")
    listing.add_argument("--user-pool-id")
    for name in ("get", "delete", "explain"):
        command = commands.add_parser(name)
        command.add_argument("user_pool_id")
        command.add_argument("client_id", help='an app client id, or "default"')
        if name == "delete":
            command.add_argument("--expected-version", type=int)
        if name == "explain":
            command.add_argument("--claims", required=True, help="JSON object, or @file")
    put = commands.add_parser("put", help="save a rule set")
    put.add_argument("file", help='JSON file, or "-" for stdin')
    put.add_argument("--expected-version", type=int, help="0: must not exist yet; N: must still be version N")
    test = commands.add_parser("test", help="decide with an unsaved rule set")
    test.add_argument("file", help='JSON file, or "-" for stdin')
    test.add_argument("--claims", required=True, help="JSON object, or @file")
    return cli


def _locate(args: argparse.Namespace) -> None:
    if args.region:
        os.environ["AWS_DEFAULT_REGION"] = args.region
    if args.local:
        use_local(args.local, [TABLE_ENV])
    elif args.stack_name:
        use_stack(args.stack_name, [TABLE_ENV])
    elif args.table:
        os.environ[TABLE_ENV] = args.table
    elif args.command != "test":
        raise CliError("say where the rules are: --local URL, --stack-name NAME or --table NAME")


def main(argv: Sequence[str] | None = None, stdout: TextIO = sys.stdout, stdin: TextIO = sys.stdin) -> int:
    args = parser().parse_args(argv)

    def command() -> Any:
        _locate(args)
        return run(args, stdin)

    return answer(command, stdout)


if __name__ == "__main__":
    sys.exit(main())

"""``python -m chalicelib.tools.signup``: manage the sign-up rules and invite codes of a user pool from a shell.

Where the tables are, one of:

- ``--local URL``: the running local stack (``make run``): its ``/local/config`` gives moto's endpoint
  (``endpoints.aws``), the administrator's keys, the tables and the demo pool (the default ``--user-pool-id``);
- ``--stack-name NAME [--region R]``: a deployed stage: the tables are the outputs of its CloudFormation stack
  described ``(SIGNUP_RULES_TABLE)`` and ``(INVITE_CODES_TABLE)``, reached with your usual AWS credentials;
- ``--rules-table NAME --invites-table NAME [--region R]``: those tables (either may be left out if the command
  does not need it), with your usual AWS credentials and endpoint.

Commands (JSON out; exit status 1 with one line on stderr when something is refused, 2 for bad usage)::

    show                                      the rules (the defaults, version 0, when none are stored)
    set FILE [--expected-version N]           replace them with FILE ("-": stdin), a JSON rule set
    reset                                     delete them: the pool gets the defaults again
    allow-domain DOMAIN... [--remove]         only these email domains (and subdomains) may sign up
    block-domain DOMAIN... [--remove]         these may not
    trust-domain DOMAIN... [--remove]         these are auto-confirmed and auto-verified
    reserve-username NAME... [--remove]       names nobody may take (case, width, . _ - ignored)
    require-attribute NAME... [--remove]      attributes every sign-up must give
    option NAME on|off                        blockDisposable, inviteRequired, autoConfirmTrusted, autoVerifyTrusted
    invite create [--days N] [--email-domain D] [--note TEXT] [--count N]
    invite list [--limit N] [--all]
    invite revoke ID

Example: ``python -m chalicelib.tools.signup --local http://127.0.0.1:8000 invite create --days 3``. A created
code is printed once; only its hash is stored.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final, TextIO

from chalicelib.tools.locate import CliError, answer, use_local, use_stack

RULES_ENV: Final = "SIGNUP_RULES_TABLE"
INVITES_ENV: Final = "INVITE_CODES_TABLE"
OPTIONS: Final = ("blockDisposable", "inviteRequired", "autoConfirmTrusted", "autoVerifyTrusted")
LISTS: Final = {"allow-domain": "allowedDomains", "block-domain": "blockedDomains",
                "trust-domain": "trustedDomains", "reserve-username": "reservedUsernames",
                "require-attribute": "requiredAttributes"}
MAX_FILE_BYTES: Final = 1024 * 1024
MAX_COUNT: Final = 100
ACTOR: Final = "cli"


def _describe(error: Any) -> str:
    parts = []
    for item in error.errors(include_url=False, include_input=False)[:5]:
        location = ".".join(str(p) for p in item["loc"]) or "rules"
        parts.append(f"{location}: {item['msg']}")
    return "; ".join(parts)


def _read_rules(path: str, stdin: TextIO) -> Any:
    from pydantic import ValidationError

    from chalicelib.signup.rules import RuleSet

    try:
        text = stdin.read(MAX_FILE_BYTES + 1) if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {path}: {exc}") from None
    if len(text) > MAX_FILE_BYTES:
        raise CliError(f"{path} is larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise CliError(f"{path} is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise CliError(f"{path} must hold one JSON object (a rule set)")
    # The file may be a rule set, or what `show` prints (a rule set under "rules").
    if "rules" in document and "userPoolId" in document:
        document = document["rules"]
    try:
        return RuleSet.model_validate(document)
    except ValidationError as exc:
        raise CliError(f"invalid rules: {_describe(exc)}") from None


def _list_key(field: str) -> Callable[[str], str]:
    """How entries of a list compare: domains and usernames as the rules normalise them."""
    from chalicelib.signup.rules import normalize_domain, username_key

    if field.endswith("Domains"):
        return lambda value: normalize_domain(value) or value.strip().lower()
    if field == "reservedUsernames":
        return username_key
    return str.strip


def _change_list(field: str, values: list[str], remove: bool) -> Callable[[Any], Any]:
    def change(rules: Any) -> Any:
        current: list[str] = list(rules.to_document()[field])
        key = _list_key(field)
        keyed: dict[str, str] = {}
        for value in values:
            keyed.setdefault(key(value), value)
        if remove:
            updated = [v for v in current if key(v) not in keyed]
        else:
            present = {key(v) for v in current}
            updated = current + [v for k, v in keyed.items() if k not in present]
        return rules.with_changes(**{field: updated})

    return change


def run(args: argparse.Namespace, stdin: TextIO = sys.stdin) -> Any:
    from pydantic import ValidationError

    from chalicelib.signup import invites, store
    from chalicelib.signup.rules import normalize_domain

    pool = args.user_pool_id
    now = time.time()
    try:
        if args.command == "show":
            return store.load_rules(pool).to_json()
        if args.command == "set":
            rules = _read_rules(args.file, stdin)
            return store.save_rules(pool, rules, expected_version=args.expected_version, actor=ACTOR,
                                    now=now).to_json()
        if args.command == "reset":
            return {"userPoolId": pool, "deleted": store.delete_rules(pool)}
        if args.command in LISTS:
            change = _change_list(LISTS[args.command], args.values, args.remove)
            return store.update_rules(pool, change, actor=ACTOR, now=now).to_json()
        if args.command == "option":
            value = args.value == "on"
            return store.update_rules(pool, lambda rules: rules.with_changes(**{args.name: value}), actor=ACTOR,
                                      now=now).to_json()
        if args.invite_command == "create":
            domain = None
            if args.email_domain is not None:
                domain = normalize_domain(args.email_domain)
                if domain is None:
                    raise CliError(f"--email-domain: {args.email_domain!r} is not a domain name")
            if args.note is not None and (len(args.note) > 200 or not args.note.strip()
                                          or any(ord(c) < 32 or ord(c) == 127 for c in args.note)):
                raise CliError("--note: must be 1 to 200 characters on one line")
            created = [store.create_invite(pool, expires_in=args.days * 86400, email_domain=domain, note=args.note,
                                           actor=ACTOR, now=now) for _ in range(args.count)]
            return {"userPoolId": pool, "inviteCodes": [c.to_json(now) for c in created],
                    "notice": "Each code is shown only now; only its hash is stored."}
        if args.invite_command == "list":
            records, after = store.list_invites(pool, limit=args.limit)
            while args.all and after:
                more, after = store.list_invites(pool, limit=args.limit, after=after)
                records.extend(more)
            return {"userPoolId": pool, "inviteCodes": [r.to_json(now) for r in records], "nextToken": after}
        if not invites.is_public_id(args.id):
            raise CliError(f"{args.id!r} is not an invite code id ({invites.ID_CHARS} hexadecimal characters, "
                           "as `invite list` shows)")
        if not store.revoke_invite(pool, args.id):
            raise CliError(f"no invite code {args.id} in {pool}")
        return {"userPoolId": pool, "revoked": args.id}
    except ValidationError as exc:
        raise CliError(f"invalid rules: {_describe(exc)}") from None
    except store.VersionConflictError:
        raise CliError("the rules changed since that version; run `show` and try again") from None
    except store.RulesTooLargeError as exc:
        raise CliError(str(exc)) from None
    except store.StoreUnavailableError as exc:
        cause = exc.__cause__
        detail = f"{type(cause).__name__}: {str(cause)[:300]}" if cause else str(exc)
        raise CliError(f"DynamoDB refused or could not be reached ({detail})") from None


def _days(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 365:
        raise argparse.ArgumentTypeError("must be a whole number of days from 1 to 365")
    return int(value)


def _count(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_COUNT}")
    return int(value)


def _version(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError("must be a whole number (0: no rules stored yet)")
    return int(value)


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(prog="python -m chalicelib.tools.signup",
                                  description="Manage the sign-up rules and invite codes of a cogworks user pool.")
    where = cli.add_mutually_exclusive_group()
    where.add_argument("--local", metavar="URL", help="the local stack's base URL (make run)")
    where.add_argument("--stack-name", help="a deployed stage's CloudFormation stack")
    cli.add_argument("--rules-table", help="the sign-up rules table's name")
    cli.add_argument("--invites-table", help="the invite codes table's name")
    cli.add_argument("--region", help="AWS region (deployed stage)")
    cli.add_argument("--user-pool-id", help="the user pool (default with --local: the demo pool)")
    commands = cli.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("show", help="the rules")
    put = commands.add_parser("set", help="replace the rules with a JSON file")
    put.add_argument("file", help='JSON file, or "-" for stdin')
    put.add_argument("--expected-version", type=_version, help="0: none stored yet; N: must still be version N")
    commands.add_parser("reset", help="delete the rules (back to the defaults)")
    for name, field in LISTS.items():
        command = commands.add_parser(name, help=f"add to (or --remove from) {field}")
        command.add_argument("values", nargs="+", metavar="VALUE")
        command.add_argument("--remove", action="store_true")
    option = commands.add_parser("option", help="turn a rule on or off")
    option.add_argument("name", choices=OPTIONS)
    option.add_argument("value", choices=("on", "off"))
    invite = commands.add_parser("invite", help="invite codes")
    invite_commands = invite.add_subparsers(dest="invite_command", required=True, metavar="ACTION")
    create = invite_commands.add_parser("create", help="new codes (printed once)")
    create.add_argument("--days", type=_days, default=7, help="valid for N days (1-365, default 7)")
    create.add_argument("--email-domain", help="only for sign-ups with an email of this domain")
    create.add_argument("--note", help="a note for administrators (who it is for)")
    create.add_argument("--count", type=_count, default=1, help=f"how many codes (1-{MAX_COUNT})")
    listing = invite_commands.add_parser("list", help="the codes' records (never the codes)")
    listing.add_argument("--limit", type=_count, default=MAX_COUNT, help=f"per page (1-{MAX_COUNT})")
    listing.add_argument("--all", action="store_true", help="every page")
    revoke = invite_commands.add_parser("revoke", help="delete a code by its id")
    revoke.add_argument("id")
    return cli


def _locate(args: argparse.Namespace) -> None:
    if args.region:
        os.environ["AWS_DEFAULT_REGION"] = args.region
    if args.local:
        config = use_local(args.local, [RULES_ENV, INVITES_ENV])
        args.user_pool_id = args.user_pool_id or str(config.get("userPoolId") or "")
    elif args.stack_name:
        use_stack(args.stack_name, [RULES_ENV, INVITES_ENV])
    if args.rules_table:
        os.environ[RULES_ENV] = args.rules_table
    if args.invites_table:
        os.environ[INVITES_ENV] = args.invites_table
    needed = INVITES_ENV if args.command == "invite" else RULES_ENV
    if not os.environ.get(needed):
        raise CliError("say where the tables are: --local URL, --stack-name NAME, or "
                       f"--{'invites' if needed == INVITES_ENV else 'rules'}-table NAME")
    if not args.user_pool_id:
        raise CliError("--user-pool-id is required (it defaults to the demo pool only with --local)")
    if len(args.user_pool_id) > 55 or "_" not in args.user_pool_id:
        raise CliError(f"--user-pool-id: {args.user_pool_id[:60]!r} is not a user pool id (REGION_ID)")


def main(argv: Sequence[str] | None = None, stdout: TextIO = sys.stdout, stdin: TextIO = sys.stdin) -> int:
    args = parser().parse_args(argv)

    def command() -> Any:
        _locate(args)
        from chalicelib.signup import store

        store.set_timeouts(connect=3, read=10, retries=3)
        return run(args, stdin)

    return answer(command, stdout)


if __name__ == "__main__":
    sys.exit(main())

"""What the command-line tools share: where they find the tables they work on (the running local stack with
``--local URL``, or a deployed stage with ``--stack-name NAME``), and how a command answers (JSON on stdout,
or one ``error:`` line on stderr and exit status 1). Used by the breach, sign-up and role-mapping tools."""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any, TextIO

SESSION_TOKEN_VARIABLES = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


class CliError(Exception):
    """A refusal worth one line on stderr and exit status 1."""


def local_table_name(var: str) -> str:
    """The local stack's name for a table (emulator/tables.py), for a stack whose /local/config lists none."""
    return "cogworks-local-" + var.lower().removesuffix("_table").replace("_", "-")


def local_config(url: str) -> dict[str, Any]:
    """The running local stack's ``/local/config``."""
    config_url = url.rstrip("/") + "/local/config"
    if not config_url.startswith(("http://", "https://")):
        raise CliError("--local takes the stack's base URL, e.g. http://127.0.0.1:8000")
    try:
        with urllib.request.urlopen(config_url, timeout=10) as response:  # noqa: S310 (scheme checked)
            config = json.loads(response.read())
        str(config["endpoints"]["aws"])
    except (OSError, urllib.error.URLError, ValueError, KeyError, TypeError) as exc:
        raise CliError(f"cannot read {config_url} (is `make run` running?): {exc}") from None
    return dict(config)


def use_local(url: str, table_vars: Iterable[str]) -> dict[str, Any]:
    """Point this process at the local stack's moto (its DynamoDB endpoint, region and administrator's keys:
    moto enforces IAM there) and set each of ``table_vars`` to the local table's name; the stack's config."""
    config = local_config(url)
    credentials = config.get("adminCredentials") or {}
    if credentials:
        for name in SESSION_TOKEN_VARIABLES:
            os.environ.pop(name, None)
        os.environ["AWS_ACCESS_KEY_ID"] = str(credentials["AccessKeyId"])
        os.environ["AWS_SECRET_ACCESS_KEY"] = str(credentials["SecretAccessKey"])
    else:
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    tables = config.get("tables") if isinstance(config.get("tables"), dict) else {}
    region = str(config.get("region") or "us-east-1")
    os.environ.update({"AWS_ENDPOINT_URL_DYNAMODB": str(config["endpoints"]["aws"]),
                       "AWS_DEFAULT_REGION": region, "AWS_REGION": region})
    for var in table_vars:
        os.environ[var] = str(tables.get(var) or local_table_name(var))
    return config


def use_stack(stack_name: str, table_vars: Iterable[str]) -> None:
    """Set each of ``table_vars`` from the deployed stack's outputs (their descriptions end in ``(VAR)``)."""
    import boto3

    wanted = list(table_vars)
    try:
        stacks = boto3.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"]
    except Exception as exc:
        raise CliError(f"cannot describe stack {stack_name}: {exc}") from None
    found = set()
    for output in stacks[0].get("Outputs") or []:
        for var in wanted:
            if str(output.get("Description") or "").endswith(f"({var})"):
                os.environ[var] = str(output["OutputValue"])
                found.add(var)
    missing = [var for var in wanted if var not in found]
    if missing:
        raise CliError(f"stack {stack_name} has no output for {' and '.join(missing)}")


def answer(command: Callable[[], Any], stdout: TextIO) -> int:
    """Run ``command``: its result as indented JSON on ``stdout`` (exit status 0), or its CliError as one line
    on stderr (exit status 1)."""
    try:
        result = command()
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    json.dump(result, stdout, indent=2, ensure_ascii=False)
    stdout.write("\n")
    return 0

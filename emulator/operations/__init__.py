"""One module per Cognito action; the registry maps the X-Amz-Target action name to its handler."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

from emulator.context import Context

IMPLEMENTED = [
    "CreateUserPool", "DescribeUserPool", "UpdateUserPool", "DeleteUserPool",
    "CreateUserPoolClient", "DescribeUserPoolClient",
    "SignUp", "ConfirmSignUp", "AdminConfirmSignUp",
    "InitiateAuth", "AdminInitiateAuth", "RespondToAuthChallenge", "AdminRespondToAuthChallenge",
    "GetUser",
]


def module_name(action: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", action).lower().replace("m_f_a", "mfa")


def load() -> dict[str, Callable[[Context, dict[str, Any]], dict[str, Any]]]:
    return {action: importlib.import_module(f"emulator.operations.{module_name(action)}").handle
            for action in IMPLEMENTED}

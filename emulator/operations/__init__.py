"""One module per Cognito action, named after it in snake_case (`initiate_auth.py` for InitiateAuth),
each exposing `handle(ctx, request) -> dict`. The registry is every action of the cognito-idp model that
has such a module; any other action is answered UnsupportedOperationException by the protocol layer."""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable
from typing import Any

from emulator import validation
from emulator.context import Context

Handler = Callable[[Context, dict[str, Any]], dict[str, Any]]


def module_name(action: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", action).lower().replace("m_f_a", "mfa")


def load(model: str = "cognito-idp", package: str = "emulator.operations") -> dict[str, Handler]:
    handlers: dict[str, Handler] = {}
    for action in validation.service_model(model).operation_names:
        name = f"{package}.{module_name(action)}"
        if importlib.util.find_spec(name) is not None:
            handlers[action] = importlib.import_module(name).handle
    return handlers

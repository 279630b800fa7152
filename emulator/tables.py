"""The bundle's DynamoDB tables in the local stack: one per pynamodb model, created in moto at start.

Each model names its table through an environment variable (chalicelib.models.base.EnvTableName); in stage
local the variable defaults to `cogworks-local-<var>` so the app, the CLI and tests agree on the name.
"""

from __future__ import annotations

import os

from infra.discover import table_models, table_var


def local_table_name(var: str) -> str:
    return "cogworks-local-" + var.lower().removesuffix("_table").replace("_", "-")


def ensure_tables() -> list[str]:
    """Set each model's table variable (unless already set) and create the table if it is missing."""
    created = []
    for model in table_models():
        var = table_var(model)
        os.environ.setdefault(var, local_table_name(var))
        if not model.exists():
            model.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
            created.append(os.environ[var])
    return created

"""Keep a pynamodb model's connection aimed where the environment says now.

pynamodb builds a model's connection (and its botocore client) once and keeps it; the table name is read on each
call (:class:`chalicelib.models.base.EnvTableName`), but the endpoint (``AWS_ENDPOINT_URL_DYNAMODB`` or
``AWS_ENDPOINT_URL``), the region and the timeouts are not. :func:`bind` drops the connection when any of them
changed, so the CLI and tests can aim a model elsewhere. It costs a dict lookup when nothing changed.
"""

from __future__ import annotations

import os
import threading

from pynamodb.models import Model

_bound: dict[type[Model], tuple[str, ...]] = {}
_lock = threading.Lock()


def _key(model: type[Model]) -> tuple[str, ...]:
    env = os.environ
    meta = model.Meta
    return (meta.table_name, env.get("AWS_ENDPOINT_URL_DYNAMODB") or env.get("AWS_ENDPOINT_URL") or "",
            env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "", str(meta.connect_timeout_seconds),
            str(meta.read_timeout_seconds), str(meta.max_retry_attempts))


def bind(model: type[Model]) -> None:
    """Make ``model`` use the table, endpoint, region and timeouts of now (raises MissingSettingError when its
    table variable is unset)."""
    key = _key(model)
    if _bound.get(model) != key:
        with _lock:
            if _bound.get(model) != key:
                model._connection = None
                _bound[model] = key

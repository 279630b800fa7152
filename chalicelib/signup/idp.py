"""A cognito-idp client for use inside a trigger: short timeouts and no retry, so a call cannot outlast the
trigger's budget (:mod:`chalicelib.signup.budget`). One client per (region, endpoint), built on first use.

The region is the event's (the pool's); the endpoint follows AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, which
the local stack exports so that the same call reaches the local pool.
"""

from __future__ import annotations

import os
import threading
from typing import Any, Final

from chalicelib.signup.budget import worst_case

ENDPOINT_ENV: Final = "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"
CONNECT_TIMEOUT: Final = 0.5
READ_TIMEOUT: Final = 1.0
ATTEMPTS: Final = 1
WORST_CASE_SECONDS: Final = worst_case(CONNECT_TIMEOUT, READ_TIMEOUT, ATTEMPTS)

_lock = threading.Lock()
_clients: dict[tuple[str, str | None], Any] = {}


def client(region: str) -> Any:
    endpoint = os.environ.get(ENDPOINT_ENV) or None
    key = (region, endpoint)
    found = _clients.get(key)
    if found is None:
        with _lock:
            found = _clients.get(key)
            if found is None:
                import boto3  # imported on first use, not in every cold start
                from botocore.config import Config

                config = Config(connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT,
                                retries={"mode": "standard", "total_max_attempts": ATTEMPTS},
                                user_agent_extra="cogworks-trigger")
                found = boto3.session.Session().client("cognito-idp", region_name=region, endpoint_url=endpoint,
                                                       config=config)
                _clients[key] = found
    return found

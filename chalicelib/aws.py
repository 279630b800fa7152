"""Lazy, cached boto3 clients.

Nothing here runs at import time: chalice's test client and `chalice local` set a stage's environment only
around an invocation, and moto must be in place before a client exists. Each accessor reads the region and
the endpoint from the environment on every call and keeps one client per (region, endpoint), so a changed
environment gets a new client instead of silently reusing one aimed elsewhere.

Endpoints follow the AWS SDKs' service-specific variables
(https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html): in stage `local`,
AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER points at the local pool's `/cognito-idp`.
"""

from __future__ import annotations

import os
import threading
from typing import Any

COGNITO_ENDPOINT_ENV = "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"
IDENTITY_ENDPOINT_ENV = "AWS_ENDPOINT_URL_COGNITO_IDENTITY"


_lock = threading.Lock()
_clients: dict[tuple[str, str, str | None], Any] = {}


def region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def _client(service: str, endpoint_env: str) -> Any:
    endpoint = os.environ.get(endpoint_env) or None
    key = (service, region(), endpoint)
    client = _clients.get(key)
    if client is None:
        with _lock:
            client = _clients.get(key)
            if client is None:
                import boto3  # imported on first use: boto3 is a third of a cold start
                from botocore.config import Config

                # A Cognito call may run several triggers of up to 5 s each; two attempts of 2 + 10 s stay
                # inside API Gateway's 29 s integration timeout.
                config = Config(connect_timeout=2, read_timeout=10,
                                retries={"mode": "standard", "total_max_attempts": 2},
                                user_agent_extra="cogworks-auth-api")
                client = boto3.session.Session().client(service, region_name=key[1], endpoint_url=endpoint,
                                                        config=config)
                _clients[key] = client
    return client


def cognito_idp() -> Any:
    """The cognito-idp client for the current region and endpoint."""
    return _client("cognito-idp", COGNITO_ENDPOINT_ENV)


def cognito_identity() -> Any:
    """The cognito-identity client for the current region and endpoint."""
    return _client("cognito-identity", IDENTITY_ENDPOINT_ENV)

"""The AWS clients' time budgets, measured against a server that never answers in time: how many tries a call
makes before it gives up. botocore's ``max_attempts`` counts retries after the first try (``{"max_attempts": 1}``
is two tries); these clients say ``total_max_attempts``, and a trigger's calls must fit Cognito's 5 s."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ReadTimeoutError


class _Slow(http.server.BaseHTTPRequestHandler):
    hits: list[float] = []

    def do_POST(self) -> None:
        type(self).hits.append(time.monotonic())
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(4)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture()
def slow_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Slow.hits = []
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.server_port}")
    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SES", "COGWORKS_STAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    yield _Slow.hits
    server.shutdown()


def test_the_risk_store_s_trigger_client_tries_once_within_its_second(slow_endpoint: list[float],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.risk import store

    monkeypatch.setattr(store, "_clients", {})
    started = time.monotonic()
    with pytest.raises(ReadTimeoutError):
        store._client(trigger=True).get_item(TableName="t", Key={"pk": {"S": "k"}})
    assert len(slow_endpoint) == 1
    assert time.monotonic() - started < 2


def test_the_risk_store_s_api_client_tries_twice(slow_endpoint: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.risk import store

    monkeypatch.setattr(store, "_clients", {})
    with pytest.raises(ReadTimeoutError):
        store._client().get_item(TableName="t", Key={"pk": {"S": "k"}})
    assert len(slow_endpoint) == 2


def test_a_trigger_s_message_send_gives_up_inside_five_seconds(slow_endpoint: list[float],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib import messaging

    monkeypatch.setattr(messaging, "_clients", {})
    started = time.monotonic()
    with pytest.raises(ReadTimeoutError):
        messaging.client("ses").send_email(Source="a@example.com", Destination={"ToAddresses": ["b@example.com"]},
                                           Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})
    assert len(slow_endpoint) == 2
    assert time.monotonic() - started < 5

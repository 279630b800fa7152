"""The optional Pwned Passwords range check, against a fake range API on loopback (never the network):
only the prefix leaves, padding is asked for and dropped, and an unreachable service fails closed or open
as set."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.breach import codec
from chalicelib.breach.online import OnlineCheckUnavailableError, OnlineSettings, parse_range, range_count

PASSWORD = "hunter2-but-much-longer"
PREFIX, SUFFIX = codec.split(codec.sha1_hex(PASSWORD))


class FakeRangeApi(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[dict[str, Any]] = []
        self.mode = "ok"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/range/"


class Handler(http.server.BaseHTTPRequestHandler):
    server: FakeRangeApi

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.requests.append({"path": self.path, "headers": dict(self.headers)})
        if self.server.mode == "slow":
            time.sleep(2)
        if self.server.mode == "error":
            self.send_response(503)
            self.end_headers()
            return
        lines = [f"{'0' * 35}:0", f"{SUFFIX}:42", f"{'F' * 35}:0"] if self.path.endswith(PREFIX) else []
        body = "\r\n".join(lines).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture()
def fake_api() -> Iterator[FakeRangeApi]:
    server = FakeRangeApi()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def settings(api: FakeRangeApi, **overrides: Any) -> OnlineSettings:
    return OnlineSettings(**{"enabled": True, "url": api.url, "timeout": 0.5, **overrides})


def test_only_the_prefix_is_sent_with_padding_asked_for(fake_api):
    assert range_count(PREFIX, SUFFIX, settings(fake_api)) == 42
    [request] = fake_api.requests
    assert request["path"] == f"/range/{PREFIX}"
    assert request["headers"]["Add-Padding"] == "true"
    assert PASSWORD not in str(request) and SUFFIX not in str(request)


def test_padding_lines_count_as_not_found():
    assert parse_range(f"{'0' * 35}:0\r\n{SUFFIX}:7", "0" * 35) == 0
    assert parse_range(f"{'0' * 35}:0\r\n{SUFFIX}:7", SUFFIX) == 7


def test_an_unknown_hash_is_zero(fake_api):
    assert range_count(PREFIX, "A" * 35, settings(fake_api)) == 0


def test_a_slow_service_fails_closed_within_the_timeout(fake_api):
    fake_api.mode = "slow"
    started = time.monotonic()
    with pytest.raises(OnlineCheckUnavailableError, match=r"TimeoutError|timed out|URLError"):
        range_count(PREFIX, SUFFIX, settings(fake_api))
    assert time.monotonic() - started < 1.5


def test_an_error_status_fails_open_when_set_so(fake_api):
    fake_api.mode = "error"
    assert range_count(PREFIX, SUFFIX, settings(fake_api, fail_open=True)) == 0
    with pytest.raises(OnlineCheckUnavailableError):
        range_count(PREFIX, SUFFIX, settings(fake_api))


def test_a_closed_port_fails_closed_at_once():
    started = time.monotonic()
    with pytest.raises(OnlineCheckUnavailableError):
        range_count(PREFIX, SUFFIX, OnlineSettings(enabled=True, url="http://127.0.0.1:9/range/", timeout=0.5))
    assert time.monotonic() - started < 1.5


def test_settings_come_from_the_environment_and_default_to_off(monkeypatch):
    for name in ("BREACH_ONLINE", "BREACH_ONLINE_URL", "BREACH_ONLINE_TIMEOUT", "BREACH_ONLINE_FAIL"):
        monkeypatch.delenv(name, raising=False)
    assert OnlineSettings.from_env() == OnlineSettings()
    monkeypatch.setenv("BREACH_ONLINE", "on")
    monkeypatch.setenv("BREACH_ONLINE_TIMEOUT", "60")
    monkeypatch.setenv("BREACH_ONLINE_FAIL", "open")
    chosen = OnlineSettings.from_env()
    assert (chosen.enabled, chosen.timeout, chosen.fail_open) == (True, 3.0, True)

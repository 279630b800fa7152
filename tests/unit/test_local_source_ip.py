"""The caller's address the API passes on: API Gateway's source IP, never a header a client writes; in stage
local only, a loopback caller may play another address with X-Cogworks-Source-Ip (to try the account-takeover
checks from one machine)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from chalicelib.api.http import user_context


def request(source: str | None, **headers: str) -> Any:
    identity = {"sourceIp": source} if source is not None else {}
    return SimpleNamespace(context={"identity": identity}, headers={k.lower(): v for k, v in headers.items()})


PLAYED = {"x-cogworks-source-ip": "198.51.100.7"}


@pytest.mark.parametrize(("stage", "source", "headers", "seen"), [
    ("local", "127.0.0.1", PLAYED, "198.51.100.7"),
    ("local", "::1", {"x-cogworks-source-ip": "2001:db8::5"}, "2001:db8::5"),
    ("local", "127.0.0.1", {}, "127.0.0.1"),
    ("local", "127.0.0.1", {"x-cogworks-source-ip": "not-an-ip"}, "127.0.0.1"),
    ("local", "127.0.0.1", {"x-cogworks-source-ip": "1" * 100}, "127.0.0.1"),
    ("local", "203.0.113.9", PLAYED, "203.0.113.9"),  # only a loopback caller plays
    ("dev", "127.0.0.1", PLAYED, "127.0.0.1"),  # never outside stage local
    ("prod", "203.0.113.9", {**PLAYED, "x-forwarded-for": "198.51.100.8"}, "203.0.113.9"),
    ("local", None, PLAYED, None),
])
def test_the_address_seen(monkeypatch: pytest.MonkeyPatch, stage: str, source: str | None,
                          headers: dict[str, str], seen: str | None) -> None:
    monkeypatch.setenv("COGWORKS_STAGE", stage)
    assert user_context(request(source, **headers)).ip_address == seen

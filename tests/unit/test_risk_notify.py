"""Where the risk email's feedback links point (chalicelib.risk.links.base_url), and that no email goes out
with links nobody can open: outside stage local, without RISK_LINK_BASE_URL, nothing is sent."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.risk import links, notify


@pytest.fixture()
def stage(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("RISK_LINK_BASE_URL", "COGWORKS_PORT", "COGWORKS_STAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RISK_LINK_SECRET", "unit-test-risk-link-secret-0123456789")
    return monkeypatch


class FakeSes:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def verify_email_identity(self, **_: Any) -> None:
        return None

    def send_email(self, **kwargs: Any) -> None:
        self.sent.append(kwargs)


@pytest.fixture()
def ses(monkeypatch: pytest.MonkeyPatch) -> FakeSes:
    from chalicelib import messaging

    fake = FakeSes()
    monkeypatch.setattr(messaging, "client", lambda service: fake)
    return fake


def send() -> bool:
    return notify.send({}, "MFA_REQUIRED", to="owner@example.com", pool_id="us-east-1_Pool", username_key="owner",
                       event_id="0001", ip="203.0.113.7", device_name="Firefox", now=1_900_000_000.0)


def test_the_configured_base_wins_without_its_trailing_slash(stage: pytest.MonkeyPatch) -> None:
    stage.setenv("RISK_LINK_BASE_URL", "https://auth.example.com/prod/")
    assert links.base_url() == "https://auth.example.com/prod"


def test_stage_local_points_at_the_local_stack(stage: pytest.MonkeyPatch) -> None:
    stage.setenv("COGWORKS_STAGE", "local")
    stage.setenv("COGWORKS_PORT", "8123")
    assert links.base_url() == "http://127.0.0.1:8123"


def test_a_deployed_stage_without_a_base_sends_no_email(stage: pytest.MonkeyPatch, ses: FakeSes,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    stage.setenv("COGWORKS_STAGE", "prod")
    assert links.base_url() is None
    assert send() is False
    assert ses.sent == []
    assert any("no RISK_LINK_BASE_URL" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")


def test_with_a_base_the_email_carries_both_signed_links_to_it(stage: pytest.MonkeyPatch, ses: FakeSes) -> None:
    stage.setenv("COGWORKS_STAGE", "prod")
    stage.setenv("RISK_LINK_BASE_URL", "https://auth.example.com")
    assert send() is True
    body = ses.sent[0]["Message"]["Body"]["Text"]["Data"]
    for value in ("Valid", "Invalid"):
        assert f"https://auth.example.com{links.LANDING}?token=" in body and f"&value={value}" in body
    token = body.split("token=", 1)[1].split("&", 1)[0]
    assert links.verify(token, 1_900_000_000.0).event_id == "0001"

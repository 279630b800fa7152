"""Cookie mode's pieces: the mode switch, the Cookie header parser, Set-Cookie values, and the stage prefix
the refresh cookie's path is built from."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.api import cookies
from chalicelib.api.http import stage_prefix
from chalicelib.services.errors import InternalError, RequestValidationError

SETTINGS = cookies.CookieSettings(always=False, refresh_max_age=600)


class FakeRequest:
    def __init__(self, path: str, resource: str) -> None:
        self.context: dict[str, Any] = {"path": path, "resourcePath": resource}


@pytest.mark.parametrize(("header", "always", "expected"), [
    (None, False, False), ("cookie", False, True), ("COOKIE", False, True), ("bearer", False, False),
    (None, True, True), ("bearer", True, True),
])
def test_mode(header, always, expected):
    headers = {"x-auth-mode": header} if header else {}
    assert cookies.wants_cookies(headers, cookies.CookieSettings(always=always, refresh_max_age=1)) is expected


def test_an_unknown_mode_is_refused():
    with pytest.raises(RequestValidationError):
        cookies.wants_cookies({"x-auth-mode": "both"}, SETTINGS)


def test_parse_takes_the_first_of_repeated_names_and_skips_junk():
    parsed = cookies.parse('a=1; junk; __Host-access="tok"; a=2; =x; b=')
    assert parsed == {"a": "1", "__Host-access": "tok", "b": ""}


def test_session_cookies_without_a_refresh_token():
    values = cookies.session_cookies(id_token="i.d.t", access_token="a.c.c", expires_in=300, refresh_token=None,
                                     stage_prefix="", settings=SETTINGS)
    assert values == ["__Host-access=a.c.c; Path=/; Max-Age=300; Secure; HttpOnly; SameSite=Strict",
                      "__Host-id=i.d.t; Path=/; Max-Age=300; Secure; HttpOnly; SameSite=Strict"]


def test_a_token_that_would_break_the_cookie_is_never_set():
    with pytest.raises(InternalError):
        cookies.session_cookies(id_token="x; Domain=evil.example", access_token="a", expires_in=1,
                                refresh_token=None, stage_prefix="", settings=SETTINGS)


@pytest.mark.parametrize(("path", "resource", "prefix"), [
    ("/auth/sign-in", "/auth/sign-in", ""),
    ("/api/auth/sign-in", "/auth/sign-in", "/api"),
    ("/v1/prod/auth/sign-in", "/auth/sign-in", "/v1/prod"),
    ("/x;Domain=evil/auth/sign-in", "/auth/sign-in", ""),
    ("/other", "/auth/sign-in", ""),
])
def test_stage_prefix(path, resource, prefix):
    assert stage_prefix(FakeRequest(path, resource)) == prefix


def test_refresh_max_age_setting(monkeypatch):
    monkeypatch.setenv("AUTH_REFRESH_COOKIE_MAX_AGE", "3600")
    assert cookies.CookieSettings.from_env().refresh_max_age == 3600
    monkeypatch.setenv("AUTH_REFRESH_COOKIE_MAX_AGE", "soon")
    assert cookies.CookieSettings.from_env().refresh_max_age == cookies.DEFAULT_REFRESH_MAX_AGE


@pytest.mark.parametrize("raw", ["²", "١٢٣", "-5", "1e3", ""])
def test_a_refresh_max_age_that_is_not_ascii_digits_falls_back_to_the_default(monkeypatch: pytest.MonkeyPatch,
                                                                             raw: str) -> None:
    from chalicelib.api.cookies import DEFAULT_REFRESH_MAX_AGE, CookieSettings

    monkeypatch.setenv("AUTH_REFRESH_COOKIE_MAX_AGE", raw)
    assert CookieSettings.from_env().refresh_max_age == DEFAULT_REFRESH_MAX_AGE

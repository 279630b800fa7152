"""Cookie mode: `X-Auth-Mode: cookie` (or AUTH_COOKIE_MODE=always) puts the tokens in Secure, HttpOnly,
SameSite=Strict cookies instead of the body; protected routes accept the access cookie; the refresh cookie is
scoped to the refresh route (under the stage prefix in AWS) and never buys tokens in a body; sign-out clears
all three."""

from __future__ import annotations

from typing import Any

from tests.helpers import claims_of
from tests.integration.conftest import gateway_event, sign_in

COOKIE_MODE = {"X-Auth-Mode": "cookie"}


def locked_down(cookie: dict[str, Any]) -> bool:
    return sorted(cookie["flags"]) == ["HttpOnly", "Secure"] and cookie.get("SameSite") == "Strict"


def parse_set_cookies(values: list[str]) -> dict[str, dict[str, Any]]:
    """name -> {"value": ..., "Path": ..., "Max-Age": ..., "flags": [...]} for each Set-Cookie value."""
    cookies: dict[str, dict[str, Any]] = {}
    for value in values:
        first, *attributes = [part.strip() for part in value.split(";")]
        name, _, cookie_value = first.partition("=")
        parsed: dict[str, Any] = {"value": cookie_value, "flags": []}
        for attribute in attributes:
            key, sep, attr_value = attribute.partition("=")
            if sep:
                parsed[key] = attr_value
            else:
                parsed["flags"].append(key)
        cookies[name] = parsed
    return cookies


def cookie_header(cookies: dict[str, dict[str, Any]], *names: str) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{name}={cookies[name]['value']}" for name in names)}


def test_cookie_mode_sign_in_sets_three_locked_down_cookies_and_no_tokens_in_the_body(api, user):
    reply = sign_in(api, user, headers=COOKIE_MODE)
    assert (reply.status, reply.json) == (200, {"signedIn": True, "expiresIn": 3600})
    cookies = parse_set_cookies(reply.cookies())
    assert set(cookies) == {"__Host-access", "__Host-id", "__Secure-refresh"}
    for name, cookie in cookies.items():
        assert locked_down(cookie), name
        assert "Domain" not in cookie
    assert (cookies["__Host-access"]["Path"], cookies["__Host-access"]["Max-Age"]) == ("/", "3600")
    assert (cookies["__Host-id"]["Path"], cookies["__Host-id"]["Max-Age"]) == ("/", "3600")
    assert (cookies["__Secure-refresh"]["Path"], cookies["__Secure-refresh"]["Max-Age"]) == ("/auth/refresh",
                                                                                            str(30 * 24 * 3600))
    assert claims_of(cookies["__Host-access"]["value"])["token_use"] == "access"
    assert claims_of(cookies["__Host-id"]["value"])["token_use"] == "id"
    assert b"eyJ" not in reply.body


def test_protected_routes_accept_the_access_cookie(api, user):
    cookies = parse_set_cookies(sign_in(api, user, headers=COOKIE_MODE).cookies())
    reply = api.get("/auth/me", headers=cookie_header(cookies, "__Host-access", "__Host-id"))
    assert reply.status == 200
    assert reply.json["username"] == user["username"]


def test_the_authorization_header_wins_over_the_cookie(api, user):
    cookies = parse_set_cookies(sign_in(api, user, headers=COOKIE_MODE).cookies())
    reply = api.get("/auth/me", headers={**cookie_header(cookies, "__Host-access"), "Authorization": "Bearer nope"})
    assert reply.status == 401
    assert reply.error == ("NotAuthorizedException", "Invalid Access Token")


def test_refresh_from_the_cookie_answers_in_cookies_even_without_the_header(api, user):
    cookies = parse_set_cookies(sign_in(api, user, headers=COOKIE_MODE).cookies())
    reply = api.post("/auth/refresh", {}, headers=cookie_header(cookies, "__Secure-refresh"))
    assert (reply.status, reply.json) == (200, {"signedIn": True, "expiresIn": 3600})
    renewed = parse_set_cookies(reply.cookies())
    assert set(renewed) == {"__Host-access", "__Host-id"}
    assert api.get("/auth/me", headers=cookie_header(renewed, "__Host-access")).status == 200


def test_sign_out_revokes_and_clears_the_cookies(api, user):
    cookies = parse_set_cookies(sign_in(api, user, headers=COOKIE_MODE).cookies())
    reply = api.post("/auth/sign-out", headers=cookie_header(cookies, "__Host-access"))
    assert (reply.status, reply.json) == (200, {"signedOut": True})
    cleared = parse_set_cookies(reply.cookies())
    assert set(cleared) == {"__Host-access", "__Host-id", "__Secure-refresh"}
    for cookie in cleared.values():
        assert (cookie["value"], cookie["Max-Age"]) == ("", "0")
        assert locked_down(cookie)
    assert cleared["__Secure-refresh"]["Path"] == "/auth/refresh"
    assert api.get("/auth/me", headers=cookie_header(cookies, "__Host-access")).status == 401


def test_sign_out_with_an_expired_or_bad_cookie_still_clears_the_cookies(api):
    reply = api.post("/auth/sign-out", headers={"Cookie": "__Host-access=garbage"})
    assert reply.status == 401
    assert {c["Max-Age"] for c in parse_set_cookies(reply.cookies()).values()} == {"0"}


def test_cookie_mode_always_ignores_a_bearer_request(api, user, monkeypatch):
    monkeypatch.setenv("AUTH_COOKIE_MODE", "always")
    reply = sign_in(api, user, headers={"X-Auth-Mode": "bearer"})
    assert (reply.status, reply.json) == (200, {"signedIn": True, "expiresIn": 3600})
    assert len(reply.cookies()) == 3


def test_bearer_mode_sets_no_cookies(api, user):
    reply = sign_in(api, user)
    assert reply.cookies() == []
    assert "accessToken" in reply.json


def test_an_unknown_auth_mode_is_a_validation_error(api, user):
    reply = sign_in(api, user, headers={"X-Auth-Mode": "session"})
    assert reply.status == 400
    assert reply.error == ("ValidationError", "X-Auth-Mode: must be 'cookie' or 'bearer'")


def test_the_refresh_cookie_path_carries_the_stage_prefix(api_app, user):
    event = gateway_event("/auth/sign-in", {"username": user["username"], "password": user["password"]},
                          {"Content-Type": "application/json", **COOKIE_MODE})
    response = api_app(event, None)
    assert response["statusCode"] == 200
    cookies = parse_set_cookies(response["multiValueHeaders"]["Set-Cookie"])
    assert cookies["__Secure-refresh"]["Path"] == "/api/auth/refresh"
    assert cookies["__Host-access"]["Path"] == "/"

"""Cookie mode: the tokens travel in HttpOnly cookies instead of response bodies, for browser apps.

Opt in per request with ``X-Auth-Mode: cookie``, or for every request with the setting AUTH_COOKIE_MODE=always
(then a body never carries tokens, whatever the header says). Every cookie is ``Secure; HttpOnly;
SameSite=Strict`` (OWASP Session Management Cheat Sheet). The access and ID tokens use the ``__Host-`` prefix
(Path=/, no Domain: RFC 6265bis §4.1.3.2); the refresh token is sent only to the refresh route
(``Path=<stage prefix>/auth/refresh``), so it carries ``__Secure-`` instead. Access and ID cookies live as
long as the tokens (``expiresIn``); the refresh cookie AUTH_REFRESH_COOKIE_MAX_AGE seconds (default 30 days,
Cognito's default refresh-token validity).

Cross-site request forgery: SameSite=Strict keeps the cookies off cross-site requests, and every body must be
``application/json``, which a cross-site form cannot send without a CORS preflight.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from chalicelib.services.errors import InternalError, RequestValidationError

ACCESS_COOKIE: Final = "__Host-access"
ID_COOKIE: Final = "__Host-id"
REFRESH_COOKIE: Final = "__Secure-refresh"
REFRESH_ROUTE: Final = "/auth/refresh"
MODE_HEADER: Final = "x-auth-mode"
DEFAULT_REFRESH_MAX_AGE: Final = 30 * 24 * 3600
ATTRIBUTES: Final = "Secure; HttpOnly; SameSite=Strict"

_TOKEN_VALUE = re.compile(r"[A-Za-z0-9\-_=.]+")


@dataclass(frozen=True)
class CookieSettings:
    always: bool
    refresh_max_age: int

    @classmethod
    def from_env(cls) -> CookieSettings:
        raw_age = os.environ.get("AUTH_REFRESH_COOKIE_MAX_AGE") or ""
        return cls(always=(os.environ.get("AUTH_COOKIE_MODE") or "").strip().lower() == "always",
                   refresh_max_age=int(raw_age) if raw_age.isdigit() else DEFAULT_REFRESH_MAX_AGE)


def wants_cookies(headers: Mapping[str, str], settings: CookieSettings) -> bool:
    """Cookie mode for this request: always, or when ``X-Auth-Mode`` says ``cookie``."""
    mode = (headers.get(MODE_HEADER) or "").strip().lower()
    if mode not in ("", "cookie", "bearer"):
        raise RequestValidationError("X-Auth-Mode: must be 'cookie' or 'bearer'")
    return settings.always or mode == "cookie"


def parse(header: str | None) -> dict[str, str]:
    """The request's cookies (RFC 6265 §5.4 Cookie header); the first of two same-named cookies wins."""
    cookies: dict[str, str] = {}
    for part in (header or "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name and name not in cookies:
            cookies[name] = value.strip().strip('"')
    return cookies


def _cookie(name: str, value: str, path: str, max_age: int) -> str:
    if value and not _TOKEN_VALUE.fullmatch(value):
        raise InternalError()
    return f"{name}={value}; Path={path}; Max-Age={max_age}; {ATTRIBUTES}"


def session_cookies(*, id_token: str, access_token: str, expires_in: int, refresh_token: str | None,
                    stage_prefix: str, settings: CookieSettings) -> list[str]:
    """Set-Cookie values for a completed sign-in or refresh (the refresh cookie only if Cognito sent one)."""
    cookies = [_cookie(ACCESS_COOKIE, access_token, "/", expires_in), _cookie(ID_COOKIE, id_token, "/", expires_in)]
    if refresh_token:
        cookies.append(_cookie(REFRESH_COOKIE, refresh_token, stage_prefix + REFRESH_ROUTE, settings.refresh_max_age))
    return cookies


def clearing_cookies(stage_prefix: str) -> list[str]:
    """Set-Cookie values that delete all three cookies."""
    expired = "Expires=Thu, 01 Jan 1970 00:00:00 GMT"
    return [f"{_cookie(name, '', path, 0)}; {expired}" for name, path in
            ((ACCESS_COOKIE, "/"), (ID_COOKIE, "/"), (REFRESH_COOKIE, stage_prefix + REFRESH_ROUTE))]

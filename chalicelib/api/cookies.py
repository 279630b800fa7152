"""Cookie mode: the tokens travel in HttpOnly cookies instead of response bodies, for browser apps.

Opt in per request with ``X-Auth-Mode: cookie``, or for every request with the setting AUTH_COOKIE_MODE=always
(then a body never carries tokens, whatever the header says). Every cookie is ``Secure; HttpOnly;
SameSite=Strict`` (OWASP Session Management Cheat Sheet). The access and ID tokens use the ``__Host-`` prefix
(Path=/, no Domain: RFC 6265bis §4.1.3.2); the refresh token is sent only to the refresh route
(``Path=<stage prefix>/auth/refresh``), so it carries ``__Secure-`` instead. Access and ID cookies live as
long as the tokens (``expiresIn``); the refresh cookie AUTH_REFRESH_COOKIE_MAX_AGE seconds (default 30 days,
Cognito's default refresh-token validity).

The device cookie ``__Host-device`` (token and cookie mode alike) holds a random 128-bit id this API issued, so
the account-takeover checks (:mod:`chalicelib.risk`) can tell a user's usual browser from a new one. It is set,
when the pool's threat protection is on (AUDIT or ENFORCED), by a sign-in that came without one (or with a
malformed one), lives :data:`DEVICE_MAX_AGE` (400 days, the cap of
RFC 6265bis §5.5), ``Path=/`` with the same attributes, and is never cleared by sign-out: it names a browser,
not a session. A value that is not one this API could have issued is ignored (a new device).

Cross-site request forgery: SameSite=Strict keeps the cookies off cross-site requests, and every body must be
``application/json``, which a cross-site form cannot send without a CORS preflight.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from chalicelib.services.errors import InternalError, RequestValidationError

ACCESS_COOKIE: Final = "__Host-access"
ID_COOKIE: Final = "__Host-id"
REFRESH_COOKIE: Final = "__Secure-refresh"
DEVICE_COOKIE: Final = "__Host-device"
DEVICE_MAX_AGE: Final = 400 * 24 * 3600
REFRESH_ROUTE: Final = "/auth/refresh"
MODE_HEADER: Final = "x-auth-mode"
DEFAULT_REFRESH_MAX_AGE: Final = 30 * 24 * 3600
ATTRIBUTES: Final = "Secure; HttpOnly; SameSite=Strict"

_TOKEN_VALUE = re.compile(r"[A-Za-z0-9\-_=.]+")
# What new_device_id issues (22 characters) and what chalicelib.risk.context accepts (up to 64).
_DEVICE_ID = re.compile(r"[A-Za-z0-9_-]{22,64}")


@dataclass(frozen=True)
class CookieSettings:
    always: bool
    refresh_max_age: int

    @classmethod
    def from_env(cls) -> CookieSettings:
        raw_age = os.environ.get("AUTH_REFRESH_COOKIE_MAX_AGE") or ""
        return cls(always=(os.environ.get("AUTH_COOKIE_MODE") or "").strip().lower() == "always",
                   refresh_max_age=int(raw_age) if raw_age.isascii() and raw_age.isdigit() else DEFAULT_REFRESH_MAX_AGE)


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


def device_id(header: str | None) -> str | None:
    """The request's device id, or None when it has none or one this API could not have issued."""
    value = parse(header).get(DEVICE_COOKIE)
    return value if value and _DEVICE_ID.fullmatch(value) else None


def new_device_id() -> str:
    """A new random device id: 128 bits, URL-safe base64 (22 characters)."""
    return secrets.token_urlsafe(16)


def device_cookie(value: str) -> str:
    """The Set-Cookie value of the device cookie."""
    if not _DEVICE_ID.fullmatch(value):
        raise InternalError()
    return _cookie(DEVICE_COOKIE, value, "/", DEVICE_MAX_AGE)

"""The signed feedback tokens of a risky-sign-in email: "this was me" (Valid) and "this was not me" (Invalid).

A token is ``base64url(JSON {p: pool, u: username key, e: event id, x: expiry}) "." base64url(HMAC-SHA256)``
under RISK_LINK_SECRET (stage local: a per-process random secret when unset; elsewhere no secret means no
links). It is the FeedbackToken of UpdateAuthEventFeedback, checked in constant time; it expires after
:data:`TOKEN_SECONDS`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

SECRET_ENV: Final = "RISK_LINK_SECRET"
BASE_URL_ENV: Final = "RISK_LINK_BASE_URL"
TOKEN_SECONDS: Final = 7 * 86400
MAX_TOKEN_CHARS: Final = 1024
LANDING: Final = "/auth/risk/feedback"
_LOCAL_SECRET: Final = secrets.token_bytes(32)


class InvalidTokenError(ValueError):
    """Not a token this bundle signed, or expired."""


@dataclass(frozen=True)
class FeedbackClaim:
    pool_id: str
    username_key: str
    event_id: str
    expires: int


def _secret() -> bytes | None:
    raw = os.environ.get(SECRET_ENV)
    if raw:
        return raw.encode()
    return _LOCAL_SECRET if os.environ.get("COGWORKS_STAGE") == "local" else None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(pool_id: str, username_key: str, event_id: str, now: float | None = None) -> str | None:
    secret = _secret()
    if secret is None:
        return None
    expires = int((now if now is not None else time.time()) + TOKEN_SECONDS)
    payload = _b64(json.dumps({"p": pool_id, "u": username_key, "e": event_id, "x": expires},
                              separators=(",", ":")).encode())
    return payload + "." + _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())


def verify(token: object, now: float | None = None) -> FeedbackClaim:
    secret = _secret()
    if secret is None or not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
        raise InvalidTokenError()
    payload, signature = token.split(".")
    expected = _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise InvalidTokenError()
    try:
        data = json.loads(_unb64(payload))
        claim = FeedbackClaim(pool_id=str(data["p"]), username_key=str(data["u"]), event_id=str(data["e"]),
                              expires=int(data["x"]))
    except (ValueError, KeyError, TypeError):
        raise InvalidTokenError() from None
    if claim.expires < (now if now is not None else time.time()):
        raise InvalidTokenError()
    return claim


def base_url() -> str | None:
    """Where the feedback links point: RISK_LINK_BASE_URL; in stage local the local stack; elsewhere None (no
    link is better than a link to a machine the reader does not have)."""
    configured = (os.environ.get(BASE_URL_ENV) or "").strip()
    if configured:
        return configured.rstrip("/")
    if os.environ.get("COGWORKS_STAGE") == "local":
        return f"http://127.0.0.1:{os.environ.get('COGWORKS_PORT', '8000')}"
    return None


def link(base: str, token: str, value: str) -> str:
    return f"{base}{LANDING}?{urlencode({'token': token, 'value': value})}"

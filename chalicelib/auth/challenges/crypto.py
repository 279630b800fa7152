"""The small cryptography of the challenges: codes, salted hashes, signed magic-link tokens, masked destinations.

- Codes: 6 decimal digits, ``secrets.randbelow(10**6)`` zero-padded: every digit in every position is possible,
  uniformly (NIST SP 800-63B §5.1.3.2: at least 20 bits from an approved RBG).
- Stored hashes: HMAC-SHA256 keyed with a pepper derived from the signing key, over a random per-secret salt
  and the secret. A table dump alone cannot test guesses; compare with :func:`hmac.compare_digest`.
- Magic-link tokens: ``base64url(payload JSON) "." base64url(HMAC-SHA256(link key, "ml1." payload))``. The
  payload binds the pool, the user, the sign-in (its key) and the expiry, and carries a random nonce; a
  token is checked (constant-time) before anything is looked up, so a tampered link costs no database read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from typing import Final

CODE_DIGITS: Final = 6
MAX_TOKEN_CHARS: Final = 2048
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,1800}\.[A-Za-z0-9_-]{43}")
_LINK_PREFIX: Final = b"ml1."


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def new_salt() -> str:
    return secrets.token_hex(16)


def _subkey(key: bytes, purpose: bytes) -> bytes:
    return hmac.new(key, b"cogworks-challenge:" + purpose, hashlib.sha256).digest()


def hash_secret(key: bytes, salt: str, secret: str) -> str:
    """HMAC-SHA256(pepper, salt || 0x00 || secret), hex."""
    message = salt.encode() + b"\x00" + secret.encode("utf-8", "surrogatepass")
    return hmac.new(_subkey(key, b"hash"), message, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))


def user_key(key: bytes, pool_id: str, username: str) -> str:
    """The table's key for a user: keyed, so the table does not list usernames."""
    return hmac.new(_subkey(key, b"user"), f"{pool_id}\x00{username}".encode("utf-8", "surrogatepass"),
                    hashlib.sha256).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class LinkClaims:
    pool_id: str
    username: str
    key: str
    expires_at: int


def sign_link(key: bytes, claims: LinkClaims) -> str:
    payload = {"p": claims.pool_id, "u": claims.username, "k": claims.key, "e": claims.expires_at,
               "n": secrets.token_urlsafe(16)}
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    signature = hmac.new(_subkey(key, b"link"), _LINK_PREFIX + body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(signature)}"


def read_link(key: bytes, token: str) -> LinkClaims | None:
    """The claims of a genuine token (expiry NOT checked here), or None for anything else."""
    if len(token) > MAX_TOKEN_CHARS or not _TOKEN.fullmatch(token):
        return None
    body, _, signature = token.partition(".")
    expected = hmac.new(_subkey(key, b"link"), _LINK_PREFIX + body.encode(), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(expected, _unb64(signature)):
            return None
        payload = json.loads(_unb64(body))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(payload, dict):
        return None
    fields = (payload.get("p"), payload.get("u"), payload.get("k"), payload.get("e"))
    if not all(isinstance(v, str) for v in fields[:3]) or type(fields[3]) is not int:
        return None
    return LinkClaims(pool_id=fields[0], username=fields[1], key=fields[2], expires_at=fields[3])


def peek_link_username(token: str) -> str | None:
    """The username a token names, WITHOUT checking its signature: only to start a sign-in the triggers will
    judge (the landing route). Never an authorization decision."""
    if len(token) > MAX_TOKEN_CHARS or not _TOKEN.fullmatch(token):
        return None
    try:
        payload = json.loads(_unb64(token.partition(".")[0]))
    except (binascii.Error, ValueError):
        return None
    username = payload.get("u") if isinstance(payload, dict) else None
    return username if isinstance(username, str) and 0 < len(username) <= 128 else None


# ---------------------------------------------------------------- masked destinations

_DOMAIN_INITIALS: Final = "egohiymoa"


def mask_email(address: str) -> str:
    """Cognito's style: ``j***@e***``."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def mask_phone(number: str) -> str:
    """Cognito's style: ``+*******0123``."""
    return "+" + "*" * max(len(number) - 5, 0) + number[-4:]


def fake_destination(key: bytes, pool_id: str, username: str, medium: str) -> str:
    """A stable, plausible masked destination for a username that does not exist."""
    digest = hmac.new(_subkey(key, b"decoy"), f"{pool_id}\x00{username}".encode("utf-8", "surrogatepass"),
                      hashlib.sha256).digest()
    if medium == "SMS":
        return mask_phone("+1555" + "".join(str(b % 10) for b in digest[:7]))
    if "@" in username:
        return mask_email(username)
    initial = username[:1] if username[:1].isalnum() else "u"
    return f"{initial.lower()}***@{_DOMAIN_INITIALS[digest[0] % len(_DOMAIN_INITIALS)]}***"

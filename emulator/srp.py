"""The server side of Cognito's SRP-6a variant (USER_SRP_AUTH and SRP_A inside CUSTOM_AUTH).

No library implements Cognito's server side, so it is written here from the protocol the client SDKs
speak (amazon-cognito-identity-js AuthenticationHelper, pycognito aws_srp): RFC 5054's 3072-bit group
with g = 2 (RFC 3526 §4), SHA-256, k = H(00 || N || 0 || g) over hex strings, x = H(salt || H(poolName
|| userIdForSrp || ":" || password)), and the password claim HMAC-SHA256(HKDF(S, u), poolName ||
userIdForSrp || secretBlock || timestamp), HKDF info "Caldera Derived Key".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import gmpy2

# The group, the hash and the TIMESTAMP format are the client's too (the auth API signs in with SRP on a user's
# behalf): one definition, in the deployed package.
from chalicelib.risk.srp_client import _DAYS, _INFO, _MONTHS, N_HEX, G, K, N, hex_hash, pad_hex  # noqa: F401
from chalicelib.risk.srp_client import timestamp as format_timestamp  # noqa: F401

MAX_CLOCK_SKEW_SECONDS = 300


def _powmod(base: int, exponent: int, modulus: int) -> int:
    return int(gmpy2.powmod(base, exponent, modulus))


def pool_name(user_pool_id: str) -> str:
    """The part of the pool id after the underscore, which the SDKs hash into x and the claim."""
    return user_pool_id.split("_", 1)[1]


def new_salt() -> str:
    """A 128-bit salt whose hex has no leading zero, so SDKs that parse it as a number and SDKs that
    use the string produce the same padding."""
    while True:
        salt = secrets.token_hex(16)
        if salt[0] != "0":
            return salt


def private_key(pool: str, user_id: str, password: str, salt_hex: str) -> int:
    inner = hashlib.sha256(f"{pool}{user_id}:{password}".encode()).hexdigest()
    return int(hex_hash(pad_hex(salt_hex) + inner), 16)


def verifier(pool: str, user_id: str, password: str, salt_hex: str) -> str:
    return format(_powmod(G, private_key(pool, user_id, password, salt_hex), N), "x")


def password_matches(pool: str, user_id: str, password: str, salt_hex: str, verifier_hex: str) -> bool:
    candidate = verifier(pool, user_id, password, salt_hex)
    return hmac.compare_digest(candidate.encode(), verifier_hex.encode())


def _hkdf(ikm: bytes, salt: bytes) -> bytes:
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, _INFO, hashlib.sha256).digest()[:16]


_TIMESTAMP_PARTS = re.compile(
    r"^(?P<day>[A-Z][a-z]{2}) (?P<month>[A-Z][a-z]{2}) (?P<date>\d{1,2}) "
    r"(?P<h>\d{2}):(?P<m>\d{2}):(?P<s>\d{2}) UTC (?P<year>\d{4})$")


def timestamp_is_fresh(timestamp: str, now: float) -> bool:
    parts = _TIMESTAMP_PARTS.match(timestamp) if isinstance(timestamp, str) else None
    if parts is None or parts["month"] not in _MONTHS or parts["day"] not in _DAYS:
        return False
    try:
        moment = datetime(int(parts["year"]), _MONTHS.index(parts["month"]) + 1, int(parts["date"]),
                          int(parts["h"]), int(parts["m"]), int(parts["s"]), tzinfo=UTC)
    except ValueError:
        return False
    if _DAYS[moment.weekday()] != parts["day"]:
        return False
    return abs(moment.timestamp() - now) <= MAX_CLOCK_SKEW_SECONDS


@dataclass
class ServerChallenge:
    """One SRP exchange: the server's ephemeral secret b and public B for a client's A."""

    verifier_hex: str
    a_public: int
    b_private: int
    b_public: int

    @classmethod
    def start(cls, verifier_hex: str, srp_a_hex: str) -> ServerChallenge:
        a_public = int(srp_a_hex, 16)
        if a_public % N == 0:
            raise ValueError("SRP_A is zero modulo N")
        v = int(verifier_hex, 16)
        while True:
            b_private = secrets.randbits(256)
            b_public = (K * v + _powmod(G, b_private, N)) % N
            if b_public % N:
                return cls(verifier_hex, a_public, b_private, b_public)

    @property
    def srp_b(self) -> str:
        return format(self.b_public, "x")

    def expected_signature(self, pool: str, user_id: str, secret_block_b64: str, timestamp: str) -> bytes:
        u = int(hex_hash(pad_hex(self.a_public) + pad_hex(self.b_public)), 16)
        if u == 0:
            raise ValueError("u is zero")
        v = int(self.verifier_hex, 16)
        shared = _powmod(self.a_public * _powmod(v, u, N) % N, self.b_private, N)
        key = _hkdf(bytes.fromhex(pad_hex(shared)), bytes.fromhex(pad_hex(u)))
        message = pool.encode() + user_id.encode() + base64.b64decode(secret_block_b64) + timestamp.encode()
        return hmac.new(key, message, hashlib.sha256).digest()

    def claim_is_valid(self, pool: str, user_id: str, secret_block_b64: str, timestamp: str,
                       signature_b64: str) -> bool:
        try:
            claimed = base64.b64decode(signature_b64, validate=True)
            expected = self.expected_signature(pool, user_id, secret_block_b64, timestamp)
        except (ValueError, TypeError):
            return False
        return hmac.compare_digest(claimed, expected)

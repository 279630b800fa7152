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

N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(N_HEX, 16)
G = 2
_INFO = b"Caldera Derived Key\x01"
MAX_CLOCK_SKEW_SECONDS = 300


def pad_hex(value: int | str) -> str:
    """Hex of a non-negative number as the SDKs pad it: even length, and a leading 00 if the top bit is set."""
    text = format(value, "x") if isinstance(value, int) else value
    if len(text) % 2:
        return "0" + text
    if text[0] in "89abcdefABCDEF":
        return "00" + text
    return text


def _powmod(base: int, exponent: int, modulus: int) -> int:
    return int(gmpy2.powmod(base, exponent, modulus))


def hex_hash(hex_string: str) -> str:
    return hashlib.sha256(bytes.fromhex(hex_string)).hexdigest()


K = int(hex_hash("00" + N_HEX + "0" + format(G, "x")), 16)


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


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TIMESTAMP_PARTS = re.compile(
    r"^(?P<day>[A-Z][a-z]{2}) (?P<month>[A-Z][a-z]{2}) (?P<date>\d{1,2}) "
    r"(?P<h>\d{2}):(?P<m>\d{2}):(?P<s>\d{2}) UTC (?P<year>\d{4})$")


def format_timestamp(moment: datetime) -> str:
    """Cognito's TIMESTAMP: 'Tue Mar 5 09:07:01 UTC 2024' (English names whatever the locale, day of
    month without a leading zero)."""
    return (f"{_DAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment.day} "
            f"{moment:%H:%M:%S} UTC {moment.year}")


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

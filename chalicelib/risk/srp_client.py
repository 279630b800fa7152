"""The client side of Cognito's SRP-6a, for the auth API's password-first CUSTOM_AUTH sign-in (the
account-takeover step-up of :class:`chalicelib.services.auth.PasswordThenSecondFactor`): SRP_A at InitiateAuth,
then the PASSWORD_VERIFIER claim.

Written from the protocol the AWS SDKs speak (amazon-cognito-identity-js AuthenticationHelper; pycognito's
aws_srp computes the same values, checked in tests/unit/test_risk_srp_client.py): RFC 5054's 3072-bit group with
g = 2 (RFC 3526 §4), SHA-256, k = H(00 || N || 0 || g) over hex strings, u = H(A || B), x = H(salt ||
H(poolName || userIdForSrp || ":" || password)), S = (B - k·g^x)^(a + u·x) mod N, and the claim
HMAC-SHA256(HKDF(S, u), poolName || userIdForSrp || secretBlock || timestamp), HKDF info "Caldera Derived Key".
Kept here rather than depending on pycognito at run time: that would ship requests in the Lambda package.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from typing import Final

N_HEX: Final = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N: Final = int(N_HEX, 16)
G: Final = 2
_INFO: Final = b"Caldera Derived Key\x01"
_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class SrpError(ValueError):
    """The server's values are not usable (B ≡ 0 mod N, or u = 0): abort (RFC 5054 §2.5.4)."""


def pad_hex(value: int | str) -> str:
    """Hex as the SDKs pad it for hashing: even length, and a leading 00 when the top bit is set."""
    text = format(value, "x") if isinstance(value, int) else value
    if len(text) % 2:
        return "0" + text
    if text[0] in "89abcdefABCDEF":
        return "00" + text
    return text


def hex_hash(hex_string: str) -> str:
    return hashlib.sha256(bytes.fromhex(hex_string)).hexdigest().rjust(64, "0")


K: Final = int(hex_hash("00" + N_HEX + "0" + format(G, "x")), 16)


def timestamp(moment: datetime) -> str:
    """Cognito's TIMESTAMP: 'Tue Mar 5 09:07:01 UTC 2024' (English names, day of month without a zero)."""
    return f"{_DAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment.day} {moment:%H:%M:%S} UTC {moment.year}"


class SrpClient:
    """One SRP exchange for ``password`` in pool ``pool_id``. ``small_a``: for tests only."""

    def __init__(self, pool_id: str, password: str, small_a: int | None = None) -> None:
        self._pool = pool_id.split("_", 1)[1] if "_" in pool_id else pool_id
        self._password = password
        self._a = small_a if small_a is not None else secrets.randbits(1024) % N
        self.large_a = pow(G, self._a, N)
        if self.large_a % N == 0:
            raise SrpError("A is 0 mod N")

    @property
    def srp_a(self) -> str:
        """SRP_A for InitiateAuth."""
        return format(self.large_a, "x")

    def _key(self, user_id: str, srp_b: int, salt_hex: str) -> bytes:
        u = int(hex_hash(pad_hex(self.large_a) + pad_hex(srp_b)), 16)
        if u == 0:
            raise SrpError("u is 0")
        inner = hashlib.sha256(f"{self._pool}{user_id}:{self._password}".encode()).hexdigest().rjust(64, "0")
        x = int(hex_hash(pad_hex(salt_hex) + inner), 16)
        s = pow(srp_b - K * pow(G, x, N), self._a + u * x, N)
        prk = hmac.new(bytes.fromhex(pad_hex(format(u, "x"))), bytes.fromhex(pad_hex(s)), hashlib.sha256).digest()
        return hmac.new(prk, _INFO, hashlib.sha256).digest()[:16]

    def claim(self, parameters: dict[str, str], now: datetime | None = None) -> dict[str, str]:
        """The PASSWORD_VERIFIER responses (TIMESTAMP, PASSWORD_CLAIM_SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE)
        for the challenge parameters SRP_B, SALT, SECRET_BLOCK and USER_ID_FOR_SRP."""
        srp_b = int(parameters["SRP_B"], 16)
        if srp_b % N == 0:
            raise SrpError("B is 0 mod N")
        user_id, secret_block = parameters["USER_ID_FOR_SRP"], parameters["SECRET_BLOCK"]
        stamp = timestamp(now or datetime.now(UTC))
        key = self._key(user_id, srp_b, parameters["SALT"])
        message = self._pool.encode() + user_id.encode() + base64.standard_b64decode(secret_block) + stamp.encode()
        signature = base64.standard_b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
        return {"TIMESTAMP": stamp, "PASSWORD_CLAIM_SECRET_BLOCK": secret_block, "PASSWORD_CLAIM_SIGNATURE": signature}

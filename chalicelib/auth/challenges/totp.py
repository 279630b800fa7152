"""TOTP: a code from an authenticator app (RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits, one step of drift),
the same codes the local pool's SOFTWARE_TOKEN_MFA accepts (emulator/totp.py) and every authenticator app shows.

The secret: 20 bytes (160 bits, RFC 4226 §4) from the CSPRNG, created by the auth API's enrollment route
(chalicelib/api/authenticator_routes.py), which answers the ``otpauth://`` URI and its QR code; the first
right code activates it. It is stored only encrypted (:func:`seal`: AES-256-GCM, the owner as associated
data) in chalicelib.models.authenticator.TotpSecret, and decrypted only to check a code.

A sign-in round asks for the code (public parameters ``digits`` and ``period``, the same for everyone);
:meth:`TotpChallenge.verify` accepts a code of the current, previous or next step that is later than the last
accepted step, and records that step with a conditional write: of two concurrent right answers one succeeds,
and a code is never accepted twice (RFC 6238 §5.2). The framework counts wrong answers and locks.

TOTP is offered to a user whose ``custom:authenticators`` attribute lists it (chalicelib/auth/policy.py: the
authenticator routes set it when a secret is activated and clear it when it is deleted). A round for a user
without a secret (the attribute out of step, or an unknown user) is the same round, which no code passes.

Keys: AUTHENTICATOR_KEY (base64 of 32 random bytes; required outside stage local, where each process makes a
dev key) encrypts; AUTHENTICATOR_OLD_KEYS (comma-separated, optional) still decrypt, for rotation. TOTP_ISSUER
(default ``cogworks``) names the account in the app.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote, urlencode

from chalicelib.auth.challenges.base import Challenge, Created, CreateRequest, User, VerifyRequest
from chalicelib.auth.policy import enrolled
from chalicelib.models.base import RecordKey, put_if_unchanged, update_item
from chalicelib.settings import MissingSettingError, Settings

if TYPE_CHECKING:
    from chalicelib.models.authenticator import TotpSecret

NAME: Final = "TOTP"
DIGITS: Final = 6
PERIOD: Final = 30
DRIFT_STEPS: Final = 1
SECRET_BYTES: Final = 20
ENROLLMENT_TTL: Final = 900
MAX_NAME_CHARS: Final = 64
DEFAULT_NAME: Final = "Authenticator app"
CODE: Final = re.compile(r"[0-9]{6}")
_SEAL_VERSION: Final = "v1"
_DEV_KEY: Final = secrets.token_bytes(32)  # stage local only (see the module docstring)
# Checked when a user has no secret, so that the work (and the time) of an answer is the same.
_DECOY_SECRET: Final = base64.b32encode(b"\x00" * SECRET_BYTES).decode()


# ---------------------------------------------------------------- RFC 4226 / RFC 6238


def new_secret() -> str:
    """A base32 secret (32 characters, no padding) of 160 random bits."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key_bytes(secret: str) -> bytes:
    text = secret.strip().replace(" ", "").upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def hotp(key: bytes, counter: int, digits: int = DIGITS, digest: Any = hashlib.sha1) -> str:
    """RFC 4226 §5.3: HMAC over the 8-byte counter, dynamic truncation, ``digits`` decimal digits."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10 ** digits:0{digits}d}"


def step_of(now: float) -> int:
    return int(now // PERIOD)


def code_at(secret: str, step: int) -> str:
    """The 6-digit code of ``step`` (a time step number, ``now // 30``)."""
    return hotp(_key_bytes(secret), step)


def matching_step(secret: str, code: str, now: float, after: int | None = None) -> int | None:
    """The step ``code`` belongs to (current, previous or next, in that order) if it is later than ``after``.

    Every candidate is computed and compared in constant time, whatever the answer."""
    valid = CODE.fullmatch(code) is not None
    candidate = code if valid else "0" * DIGITS
    current = step_of(now)
    found: int | None = None
    for step in (current, current - DRIFT_STEPS, current + DRIFT_STEPS):
        same = hmac.compare_digest(code_at(secret, step).encode(), candidate.encode())
        if same and found is None and (after is None or step > after):
            found = step
    return found if valid else None


def otpauth_uri(secret: str, account: str, issuer: str) -> str:
    """The Key Uri Format authenticator apps read (github.com/google/google-authenticator/wiki/Key-Uri-Format)."""
    label = f"{quote(issuer, safe='')}:{quote(account, safe='@')}"
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": PERIOD})
    return f"otpauth://totp/{label}?{query}"


def issuer() -> str:
    return (os.environ.get("TOTP_ISSUER") or "cogworks").strip()[:64] or "cogworks"


# ---------------------------------------------------------------- sealing the secret


def _decode_key(raw: str, name: str) -> bytes:
    try:
        key = base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise MissingSettingError(f"{name} must be base64") from None
    if len(key) != 32:
        raise MissingSettingError(f"{name} must hold 32 bytes")
    return key


def _keys() -> list[bytes]:
    """The encryption key first, then the keys that only decrypt."""
    raw = os.environ.get("AUTHENTICATOR_KEY")
    if not raw:
        if not Settings.from_env().is_local:
            raise MissingSettingError("Missing configuration for: AUTHENTICATOR_KEY")
        current = _DEV_KEY
    else:
        current = _decode_key(raw, "AUTHENTICATOR_KEY")
    old = [_decode_key(part, "AUTHENTICATOR_OLD_KEYS")
           for part in (os.environ.get("AUTHENTICATOR_OLD_KEYS") or "").split(",") if part.strip()]
    return [current, *old]


def _kid(key: bytes) -> str:
    return hashlib.sha256(b"cogworks-authenticator-key" + key).hexdigest()[:8]


def _aad(owner: str) -> bytes:
    return b"cogworks-totp\x00" + owner.encode("utf-8", "surrogatepass")


def seal(owner: str, secret: str) -> str:
    """``v1.<key id>.<base64url(nonce || AES-256-GCM ciphertext)>``, bound to ``owner``."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = _keys()[0]
    nonce = secrets.token_bytes(12)
    sealed = nonce + AESGCM(key).encrypt(nonce, secret.encode(), _aad(owner))
    return f"{_SEAL_VERSION}.{_kid(key)}.{base64.urlsafe_b64encode(sealed).decode()}"


def unseal(owner: str, sealed: str | None) -> str | None:
    """The secret, or None when ``sealed`` is absent, not ours, tampered with or another owner's."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not sealed:
        return None
    version, _, rest = sealed.partition(".")
    kid, _, body = rest.partition(".")
    key = next((k for k in _keys() if _kid(k) == kid), None)
    if version != _SEAL_VERSION or key is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(body)
        return AESGCM(key).decrypt(raw[:12], raw[12:], _aad(owner)).decode()
    except (binascii.Error, ValueError, InvalidTag):
        return None


# ---------------------------------------------------------------- the table


def owner_of(pool_id: str, sub: str) -> str:
    return f"{pool_id}/{sub}"


def user_owner(user: User) -> str | None:
    """The owner key of a sign-in's user, or None for an unknown user (or one without ``sub``)."""
    sub = user.attributes.get("sub")
    return None if user.not_found or not sub else owner_of(user.pool_id, sub)


def decoy_owner(user: User) -> str:
    """A key no item has: read for an unknown user, so the work is the same."""
    digest = hashlib.sha256(f"{user.pool_id}\x00{user.username}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"{user.pool_id}/~{digest[:32]}"


def _model() -> type[TotpSecret]:
    from chalicelib.models.authenticator import TotpSecret

    return TotpSecret


def _conditional_failure(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


@dataclass(frozen=True)
class Enrolled:
    """What the API lists of a user's TOTP authenticator."""

    name: str
    created_at: float
    last_used_at: float | None


def load(owner: str) -> TotpSecret | None:
    model = _model()
    try:
        return model.get(owner, consistent_read=True)
    except model.DoesNotExist:
        return None


def describe(item: TotpSecret | None) -> Enrolled | None:
    if item is None or not item.secret:
        return None
    return Enrolled(name=item.name or DEFAULT_NAME, created_at=float(item.created_at or 0),
                    last_used_at=float(item.last_used_at) if item.last_used_at is not None else None)


def begin_enrollment(owner: str, now: float) -> str:
    """A new pending secret for ``owner`` (an active one keeps working until the new one is verified)."""
    model = _model()
    secret = new_secret()
    model(owner).update(actions=[model.pending.set(seal(owner, secret)), model.pending_at.set(now)])
    return secret


def _pending_step(owner: str, item: TotpSecret | None, code: str, now: float) -> tuple[str | None, int | None]:
    """The live pending secret (sealed) and the step ``code`` matches in it, or Nones."""
    pending = item.pending if item is not None and (item.pending_at or 0) > now - ENROLLMENT_TTL else None
    secret = unseal(owner, pending)
    step = matching_step(secret or _DECOY_SECRET, code, now)
    if item is None or secret is None or step is None:
        return None, None
    return pending, step


def pending_matches(owner: str, item: TotpSecret | None, code: str, now: float) -> bool:
    """Would :func:`activate` accept ``code`` for ``item`` (``load(owner)``)? Nothing is written."""
    return _pending_step(owner, item, code, now)[1] is not None


def activate(owner: str, code: str, now: float, name: str | None) -> bool:
    """Make the pending secret the user's, if ``code`` is one of its codes: False if not (or nothing pending)."""
    from pynamodb.exceptions import UpdateError

    model = _model()
    pending, step = _pending_step(owner, load(owner), code, now)
    if pending is None or step is None:
        return False
    # The pending secret's codes were never accepted before: its first step is the new last step.
    condition = model.pending == pending
    actions = [model.secret.set(pending), model.pending.remove(), model.pending_at.remove(),
               model.last_step.set(step), model.name.set((name or DEFAULT_NAME)[:MAX_NAME_CHARS]),
               model.created_at.set(now), model.last_used_at.remove()]
    try:
        update_item(model, owner, actions, condition)
    except UpdateError as err:
        if _conditional_failure(err):
            return False
        raise
    return True


def accept(item: TotpSecret, step: int, now: float) -> bool:
    """Record ``step`` as ``item``'s last accepted one, only if it is later and the secret is still the one
    read: one conditional PutItem when nothing changed since the read, else the UpdateItem that decides."""
    from pynamodb.exceptions import UpdateError

    if (item.last_step is None or int(item.last_step) < step) and put_if_unchanged(
            item, {"last_step": step, "last_used_at": now}, watched=("secret", "pending", "last_step", "name")):
        return True
    model = _model()
    condition = (model.secret == item.secret) & (model.last_step.does_not_exist() | (model.last_step < step))
    try:
        update_item(model, item.owner, [model.last_step.set(step), model.last_used_at.set(now)], condition)
    except UpdateError as err:
        if _conditional_failure(err):
            return False
        raise
    return True


def rename(owner: str, name: str) -> bool:
    from pynamodb.exceptions import UpdateError

    model = _model()
    try:
        model(owner).update(actions=[model.name.set(name[:MAX_NAME_CHARS])], condition=model.secret.exists())
    except UpdateError as err:
        if _conditional_failure(err):
            return False
        raise
    return True


def remove(owner: str) -> bool:
    """Delete the user's TOTP authenticator (active or pending); False if there was none."""
    from pynamodb.exceptions import DeleteError

    model = _model()
    try:
        model(owner).delete(condition=model.secret.exists() | model.pending.exists())
    except DeleteError as err:
        if _conditional_failure(err):
            return False
        raise
    return True


# ---------------------------------------------------------------- the plug-in


class TotpChallenge(Challenge):
    NAME = NAME

    def available(self, attributes: Mapping[str, str]) -> bool:
        return NAME in enrolled(attributes)

    def create(self, request: CreateRequest) -> Created:
        return Created(public={"digits": str(DIGITS), "period": str(PERIOD)})

    def record_key(self, user: User, answer: str, private: Mapping[str, str]) -> RecordKey:
        return _model(), user_owner(user) or decoy_owner(user), None

    def verify(self, request: VerifyRequest) -> bool:
        now = request.services.clock()
        owner = user_owner(request.user)
        item = request.record
        sealed = item.secret if item is not None and owner is not None else None
        secret = unseal(owner or "", sealed)
        last = int(item.last_step) if item is not None and item.last_step is not None else None
        step = matching_step(secret or _DECOY_SECRET, request.answer.strip(), now, after=last)
        if owner is None or sealed is None or secret is None or step is None:
            return False
        return item is not None and accept(item, step, now)

"""PASSKEY: WebAuthn assertions (W3C WebAuthn L3 §7.2) through CUSTOM_AUTH, verified with py_webauthn.

A sign-in round's public parameter ``options`` is the PublicKeyCredentialRequestOptions JSON (challenge,
timeout, rpId, allowCredentials, userVerification) the client passes to ``navigator.credentials.get()``; the
ANSWER is the PublicKeyCredential's JSON (``credential.toJSON()``: id, rawId, type, response.clientDataJSON,
authenticatorData, signature, userHandle; the AWS sample's flat ``credentialIdB64`` form is read too).

Two ways in:

- with a username: ``allowCredentials`` lists the user's credentials (a user with none, and an unknown user,
  get one stable decoy id, so the list does not tell who exists); the round's challenge is 32 random bytes
  kept in the private parameters with its expiry (120 s);
- usernameless (discoverable credentials): the auth API gives options with an empty ``allowCredentials`` and a
  challenge it signs (:func:`usernameless_challenge`: expiry, pool, HMAC; nothing stored), the assertion's
  ``userHandle`` names the user, and the API starts CUSTOM_AUTH for that user choosing PASSKEY with
  ClientMetadata ``passkeyMode: usernameless``: that round accepts a genuine, unexpired signed challenge, and
  the ``userHandle`` must be the credential's.

Verify, fail closed: the answer parses; the challenge is the round's (or a genuine usernameless one); the
credential is this user's (one GetItem); the userHandle, if given, is the credential's; py_webauthn checks
type ``webauthn.get``, the origin (allow-list, exact), the rpIdHash (the RP ID allow-list), UP, UV (required
unless WEBAUTHN_USER_VERIFICATION says otherwise), the signature, and the counter (if the stored or the new
count is not 0, the new one must be greater: a possible clone otherwise; both 0 is fine for synced passkeys);
BE must not have changed. Then ONE conditional write records the use: the new count only if the stored count
is still the one read, and the challenge's digest only if it is not recorded yet: a challenge answers once,
even under concurrent answers, and a count never goes back.

Settings (environment): WEBAUTHN_RP_ID (stage local: ``localhost``) and WEBAUTHN_RP_NAME (``cogworks``);
WEBAUTHN_ALLOWED_RP_IDS (default: the RP ID) and WEBAUTHN_ALLOWED_ORIGINS (stage local:
``http://localhost:8000`` and ``http://localhost:$COGWORKS_PORT``), comma-separated, required outside stage
local; WEBAUTHN_USER_VERIFICATION (``required``; ``preferred`` or ``discouraged`` stop requiring UV).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from chalicelib.auth.challenges.base import Challenge, Created, CreateRequest, User, VerifyRequest
from chalicelib.auth.challenges.totp import decoy_owner, user_owner
from chalicelib.auth.policy import enrolled
from chalicelib.models.base import RecordKey, put_if_unchanged, update_item
from chalicelib.observability import logger
from chalicelib.settings import MissingSettingError, Settings, parsed_once

if TYPE_CHECKING:
    from chalicelib.models.authenticator import PasskeyCredential

NAME: Final = "PASSKEY"
MODE: Final = "passkeyMode"
USERNAMELESS: Final = "usernameless"
CHALLENGE_TTL: Final = 120
CHALLENGE_BYTES: Final = 32
MIN_CREDENTIAL_ID_BYTES: Final = 16
MAX_CREDENTIAL_ID_BYTES: Final = 1023
MAX_USER_HANDLE_BYTES: Final = 64
MAX_PASSKEYS: Final = 20
MAX_NAME_CHARS: Final = 64
MAX_LIVE_CHALLENGES: Final = 32
TRANSPORTS: Final = frozenset({"ble", "hybrid", "internal", "nfc", "usb", "smart-card"})
# ES256, EdDSA, RS256: what platform authenticators and security keys use.
ALGORITHMS: Final = (-7, -8, -257)
_B64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")
_USERNAMELESS_TAG: Final = b"\x01"
_REGISTRATION_TAG: Final = b"\x02"
_MAC_BYTES: Final = 16


# ---------------------------------------------------------------- settings


_SETTINGS: dict[tuple[str | None, ...], PasskeySettings] = {}


def _list(raw: str | None) -> tuple[str, ...]:
    return tuple(part.strip().rstrip("/") for part in (raw or "").split(",") if part.strip())


def _local_origins() -> tuple[str, ...]:
    """Stage local: the local API as a browser reaches it for RP ID ``localhost`` (port 8000, or ``make run``'s)."""
    port = (os.environ.get("COGWORKS_PORT") or "").strip()
    extra = (f"http://localhost:{port}",) if port.isdigit() and port != "8000" else ()
    return ("http://localhost:8000", *extra)


_ENV_NAMES: Final = ("COGWORKS_STAGE", "AWS_REGION", "AWS_DEFAULT_REGION", "COGWORKS_PORT", "WEBAUTHN_RP_ID",
                     "WEBAUTHN_RP_NAME", "WEBAUTHN_ALLOWED_RP_IDS", "WEBAUTHN_ALLOWED_ORIGINS",
                     "WEBAUTHN_USER_VERIFICATION")


@dataclass(frozen=True)
class PasskeySettings:
    rp_id: str
    rp_name: str
    rp_ids: tuple[str, ...]
    origins: tuple[str, ...]
    user_verification: str = "required"
    timeout: int = CHALLENGE_TTL

    @property
    def require_user_verification(self) -> bool:
        return self.user_verification == "required"

    @classmethod
    def from_env(cls) -> PasskeySettings:
        """Parsed once per distinct value of the variables read (as ChallengeSettings.from_env)."""
        return parsed_once(_SETTINGS, _ENV_NAMES, cls._parse)

    @classmethod
    def _parse(cls) -> PasskeySettings:
        local = Settings.from_env().is_local
        rp_id = (os.environ.get("WEBAUTHN_RP_ID") or ("localhost" if local else "")).strip()
        if not rp_id:
            raise MissingSettingError("Missing configuration for: WEBAUTHN_RP_ID")
        origins = _list(os.environ.get("WEBAUTHN_ALLOWED_ORIGINS")) or (_local_origins() if local else ())
        if not origins:
            raise MissingSettingError("Missing configuration for: WEBAUTHN_ALLOWED_ORIGINS")
        rp_ids = _list(os.environ.get("WEBAUTHN_ALLOWED_RP_IDS")) or (rp_id,)
        verification = (os.environ.get("WEBAUTHN_USER_VERIFICATION") or "required").strip().lower()
        return cls(rp_id=rp_id, rp_name=(os.environ.get("WEBAUTHN_RP_NAME") or "cogworks").strip() or "cogworks",
                   rp_ids=rp_ids, origins=origins,
                   user_verification=verification if verification in ("preferred", "discouraged") else "required")

    def rp_id_for(self, rp_id_hash: bytes) -> str | None:
        """The allowed RP ID whose SHA-256 is ``rp_id_hash``."""
        for rp_id in self.rp_ids:
            if hmac.compare_digest(hashlib.sha256(rp_id.encode()).digest(), rp_id_hash):
                return rp_id
        return None


# ---------------------------------------------------------------- encodings


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: object, *, limit: int = 8192) -> bytes | None:
    """Strict base64url (padding tolerated), or None."""
    if not isinstance(text, str) or len(text) > limit or not _B64URL.fullmatch(text):
        return None
    body = text.rstrip("=")
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        return None


def challenge_digest(challenge: bytes) -> str:
    return hashlib.sha256(b"cogworks-passkey-challenge" + challenge).hexdigest()[:32]


# ---------------------------------------------------------------- signed challenges (nothing stored)


def _mac(signing_key: bytes, purpose: bytes, *parts: bytes) -> bytes:
    key = hmac.new(signing_key, b"cogworks-passkey:" + purpose, hashlib.sha256).digest()
    message = b"".join(struct.pack(">H", len(part)) + part for part in parts)
    return hmac.new(key, message, hashlib.sha256).digest()[:_MAC_BYTES]


def usernameless_challenge(signing_key: bytes, pool_id: str, now: float) -> bytes:
    """``0x01 || expiry (8 bytes) || 16 random bytes || HMAC(pool, those)[:16]``: the API's usernameless
    challenge, which the PASSKEY round of any user of ``pool_id`` accepts until it expires."""
    body = _USERNAMELESS_TAG + struct.pack(">Q", int(now) + CHALLENGE_TTL) + secrets.token_bytes(16)
    return body + _mac(signing_key, b"usernameless", pool_id.encode(), body)


def read_usernameless(signing_key: bytes, pool_id: str, challenge: bytes, now: float) -> int | None:
    """The expiry of a genuine, unexpired usernameless challenge of ``pool_id``, or None."""
    if len(challenge) != 1 + 8 + 16 + _MAC_BYTES or challenge[:1] != _USERNAMELESS_TAG:
        return None
    body, tag = challenge[:-_MAC_BYTES], challenge[-_MAC_BYTES:]
    if not hmac.compare_digest(_mac(signing_key, b"usernameless", pool_id.encode(), body), tag):
        return None
    expires = struct.unpack(">Q", body[1:9])[0]
    return expires if expires > now else None


def registration_challenge(signing_key: bytes, pool_id: str, sub: str, user_handle: bytes, now: float) -> bytes:
    """``0x02 || expiry || 16 random bytes || user handle || HMAC(pool, sub, those)[:16]``: the registration
    challenge carries the user handle it was issued with, bound to the user, so nothing is stored."""
    body = (_REGISTRATION_TAG + struct.pack(">Q", int(now) + CHALLENGE_TTL) + secrets.token_bytes(16)
            + user_handle)
    return body + _mac(signing_key, b"registration", pool_id.encode(), sub.encode(), body)


def read_registration(signing_key: bytes, pool_id: str, sub: str, challenge: bytes, now: float) -> bytes | None:
    """The user handle of a genuine, unexpired registration challenge of this user, or None."""
    if not 1 + 8 + 16 + 1 + _MAC_BYTES <= len(challenge) <= 1 + 8 + 16 + MAX_USER_HANDLE_BYTES + _MAC_BYTES:
        return None
    if challenge[:1] != _REGISTRATION_TAG:
        return None
    body, tag = challenge[:-_MAC_BYTES], challenge[-_MAC_BYTES:]
    if not hmac.compare_digest(_mac(signing_key, b"registration", pool_id.encode(), sub.encode(), body), tag):
        return None
    if struct.unpack(">Q", body[1:9])[0] <= now:
        return None
    return body[25:]


def decoy_credential_id(signing_key: bytes, pool_id: str, username: str) -> str:
    """A stable credential id for a user with no passkey (or no account): the list looks like a real one."""
    return b64url(_mac(signing_key, b"decoy", pool_id.encode(), username.encode("utf-8", "surrogatepass"))
                  + _mac(signing_key, b"decoy2", pool_id.encode(), username.encode("utf-8", "surrogatepass")))


# ---------------------------------------------------------------- reading an assertion


@dataclass(frozen=True)
class Assertion:
    """An assertion's JSON, checked for shape; ``credential`` is what py_webauthn reads."""

    credential_id: str
    credential: dict[str, Any]
    challenge: bytes
    user_handle: bytes | None
    rp_id_hash: bytes


def _from_sample(data: dict[str, Any]) -> dict[str, Any]:
    """The AWS passwordless sample's flat form, as WebAuthn's JSON."""
    credential_id = str(data.get("credentialIdB64") or "").replace("+", "-").replace("/", "_").rstrip("=")
    response = {"clientDataJSON": data.get("clientDataJSON_B64"), "authenticatorData": data.get("authenticatorDataB64"),
                "signature": data.get("signatureB64")}
    if data.get("userHandleB64") is not None:
        response["userHandle"] = data.get("userHandleB64")
    return {"id": credential_id, "rawId": credential_id, "type": "public-key", "response": response}


def parse_assertion(answer: str) -> Assertion | None:
    """The assertion in ``answer``, or None if it is not one (never raises)."""
    try:
        data = json.loads(answer)
    except (ValueError, RecursionError):
        return None
    if isinstance(data, dict) and "credentialIdB64" in data:
        data = _from_sample(data)
    if not isinstance(data, dict) or data.get("type") != "public-key":
        return None
    response = data.get("response")
    raw_id = unb64url(data.get("rawId"), limit=1400)
    if not isinstance(response, dict) or raw_id is None or data.get("id") != b64url(raw_id):
        return None
    if not MIN_CREDENTIAL_ID_BYTES <= len(raw_id) <= MAX_CREDENTIAL_ID_BYTES:
        return None
    client_data = unb64url(response.get("clientDataJSON"))
    authenticator_data = unb64url(response.get("authenticatorData"))
    signature = unb64url(response.get("signature"))
    handle = response.get("userHandle")
    user_handle = unb64url(handle, limit=100) if handle not in (None, "") else b""
    if client_data is None or authenticator_data is None or signature is None or user_handle is None:
        return None
    if len(authenticator_data) < 37 or not signature:
        return None
    try:
        parsed = json.loads(client_data)
    except (ValueError, RecursionError):
        return None
    challenge = unb64url(parsed.get("challenge"), limit=400) if isinstance(parsed, dict) else None
    if challenge is None:
        return None
    credential = {"id": data["id"], "rawId": data["rawId"], "type": "public-key",
                  "response": {"clientDataJSON": response["clientDataJSON"],
                               "authenticatorData": response["authenticatorData"],
                               "signature": response["signature"]}}
    return Assertion(credential_id=data["id"], credential=credential, challenge=challenge,
                     user_handle=user_handle or None, rp_id_hash=authenticator_data[:32])


@dataclass(frozen=True)
class Checked:
    new_sign_count: int
    backed_up: bool


def check_assertion(assertion: Assertion, *, expected_challenge: bytes, public_key: bytes, sign_count: int,
                    backup_eligible: bool, settings: PasskeySettings) -> Checked | None:
    """py_webauthn's verification (origin, rpIdHash, UP, UV, signature, counter) plus BE/BS; None if refused.
    Pure: no I/O, so any exception is the input's fault and a refusal."""
    from webauthn import verify_authentication_response
    from webauthn.helpers import parse_authenticator_data

    rp_id = settings.rp_id_for(assertion.rp_id_hash)
    if rp_id is None:
        logger.info("passkey refused", extra={"reason": "rp_id"})
        return None
    try:
        verified = verify_authentication_response(
            credential=assertion.credential, expected_challenge=expected_challenge, expected_rp_id=rp_id,
            expected_origin=list(settings.origins), credential_public_key=public_key,
            credential_current_sign_count=sign_count,
            require_user_verification=settings.require_user_verification)
        flags = parse_authenticator_data(unb64url(assertion.credential["response"]["authenticatorData"]) or b"").flags
    except Exception as err:  # pure verification of untrusted input: every failure is a refusal
        logger.info("passkey refused", extra={"reason": type(err).__name__})
        return None
    if bool(flags.be) != backup_eligible or (flags.bs and not flags.be):
        logger.info("passkey refused", extra={"reason": "backup_flags"})
        return None
    return Checked(new_sign_count=verified.new_sign_count, backed_up=bool(flags.bs))


# ---------------------------------------------------------------- the table


def _model() -> type[PasskeyCredential]:
    from chalicelib.models.authenticator import PasskeyCredential

    return PasskeyCredential


def _conditional_failure(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


def credentials_of(owner: str) -> list[PasskeyCredential]:
    return list(_model().query(owner, consistent_read=True, limit=MAX_PASSKEYS * 2))


def find(owner: str, credential_id: str) -> PasskeyCredential | None:
    model = _model()
    try:
        return model.get(owner, credential_id, consistent_read=True)
    except model.DoesNotExist:
        return None


@dataclass(frozen=True)
class Holder:
    """Whose credential an id is (the index ``by_credential``)."""

    owner: str
    username: str
    user_handle: str


def holder_of(credential_id: str) -> Holder | None:
    model = _model()
    for item in model.by_credential.query(credential_id, limit=2):
        return Holder(owner=item.owner, username=item.username, user_handle=item.user_handle)
    return None


def used_map(item: PasskeyCredential) -> dict[str, float] | None:
    used = item.used
    if used is None:
        return None
    values = used.attribute_values if hasattr(used, "attribute_values") else dict(used)
    return {str(k): float(v) for k, v in values.items()}


def record_use(item: PasskeyCredential, *, new_sign_count: int, backed_up: bool, digest: str, expires: float,
               now: float) -> bool:
    """The use of ``item`` for one challenge, in one conditional write: False if the count moved since it was
    read or the challenge was already answered (or too many are live). Every use adds to ``used``, so an
    unchanged ``used`` (with the count and the name) means nothing happened since the read: then the write is
    one PutItem; otherwise the UpdateItem whose condition decides."""
    from pynamodb.exceptions import UpdateError

    model = _model()
    used = used_map(item)
    live = {k: v for k, v in (used or {}).items() if v > now}
    if len(live) >= MAX_LIVE_CHALLENGES or digest in live:
        return False
    changes = {"sign_count": new_sign_count, "backed_up": backed_up, "last_used_at": now,
               "used": {**live, digest: expires}}
    if put_if_unchanged(item, changes, watched=("sign_count", "used", "name")):
        return True
    condition = model.sign_count == int(item.sign_count or 0)
    actions = [model.sign_count.set(new_sign_count), model.backed_up.set(backed_up), model.last_used_at.set(now)]
    if used is None:
        condition &= model.used.does_not_exist()
        actions.append(model.used.set({digest: expires}))
    else:
        condition &= model.used[digest].does_not_exist()
        actions.append(model.used[digest].set(expires))
        actions += [model.used[k].remove() for k in sorted(set(used) - set(live))[:MAX_LIVE_CHALLENGES]]
    try:
        update_item(model, item.owner, actions, condition, range_key=item.credential_id)
    except UpdateError as err:
        if _conditional_failure(err):
            return False
        raise
    return True


@dataclass(frozen=True)
class Registered:
    credential_id: str
    public_key: bytes
    sign_count: int
    user_handle: bytes
    backup_eligible: bool
    backed_up: bool
    aaguid: str
    attestation: str
    transports: tuple[str, ...]
    user_verified: bool


def save(owner: str, username: str, registered: Registered, name: str, now: float) -> bool:
    """Store a new credential; False if this user already has it."""
    from pynamodb.exceptions import PutError

    model = _model()
    item = model(owner, registered.credential_id, username=username, user_handle=b64url(registered.user_handle),
                 public_key=registered.public_key, sign_count=registered.sign_count,
                 transports=set(registered.transports) or None, backup_eligible=registered.backup_eligible,
                 backed_up=registered.backed_up, aaguid=registered.aaguid, attestation=registered.attestation,
                 name=name[:MAX_NAME_CHARS], created_at=now, used={})
    try:
        item.save(condition=model.credential_id.does_not_exist())
    except PutError as err:
        if _conditional_failure(err):
            return False
        raise
    return True


def rename(owner: str, credential_id: str, name: str) -> bool:
    from pynamodb.exceptions import UpdateError

    model = _model()
    try:
        model(owner, credential_id).update(actions=[model.name.set(name[:MAX_NAME_CHARS])],
                                           condition=model.credential_id.exists())
    except UpdateError as err:
        if _conditional_failure(err):
            return False
        raise
    return True


def remove(owner: str, credential_id: str) -> bool:
    from pynamodb.exceptions import DeleteError

    model = _model()
    try:
        model(owner, credential_id).delete(condition=model.credential_id.exists())
    except DeleteError as err:
        if _conditional_failure(err):
            return False
        raise
    return True


# ---------------------------------------------------------------- registration (the auth API's routes)


class RegistrationRefused(Exception):  # noqa: N818 (a refusal, with Cognito's exception name as code)
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def registration_options(settings: PasskeySettings, signing_key: bytes, *, pool_id: str, sub: str, username: str,
                         existing: list[PasskeyCredential], now: float) -> dict[str, Any]:
    """PublicKeyCredentialCreationOptions (JSON) for a new discoverable credential of this user."""
    from webauthn import generate_registration_options, options_to_json
    from webauthn.helpers.cose import COSEAlgorithmIdentifier
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        AuthenticatorTransport,
        PublicKeyCredentialDescriptor,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    handles = [unb64url(item.user_handle) for item in existing]
    handle = next((h for h in handles if h), None) or secrets.token_bytes(32)
    known = {m.value for m in AuthenticatorTransport}
    exclude = [PublicKeyCredentialDescriptor(id=unb64url(item.credential_id) or b"",
                                             transports=[AuthenticatorTransport(t)
                                                         for t in sorted(item.transports or ()) if t in known])
               for item in existing]
    options = generate_registration_options(
        rp_id=settings.rp_id, rp_name=settings.rp_name, user_name=username, user_id=handle,
        user_display_name=username, challenge=registration_challenge(signing_key, pool_id, sub, handle, now),
        timeout=settings.timeout * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement(settings.user_verification)),
        exclude_credentials=exclude, supported_pub_key_algs=[COSEAlgorithmIdentifier(a) for a in ALGORITHMS])
    document: dict[str, Any] = json.loads(options_to_json(options))
    return document


def verify_registration(settings: PasskeySettings, signing_key: bytes, *, pool_id: str, sub: str,
                        credential: Mapping[str, Any], now: float) -> Registered:
    """The new credential, or RegistrationRefused with Cognito's CompleteWebAuthnRegistration error names."""
    from webauthn import verify_registration_response
    from webauthn.helpers import parse_attestation_object, parse_client_data_json
    from webauthn.helpers.cose import COSEAlgorithmIdentifier

    response = credential.get("response")
    response = response if isinstance(response, Mapping) else {}
    client_bytes = unb64url(response.get("clientDataJSON"))
    attestation_bytes = unb64url(response.get("attestationObject"), limit=16384)
    raw_id = unb64url(credential.get("rawId"), limit=1400)
    if client_bytes is None or attestation_bytes is None or raw_id is None:
        raise RegistrationRefused("InvalidParameterException", "The credential is malformed.")
    try:
        client_data = parse_client_data_json(client_bytes)
        auth_data = parse_attestation_object(attestation_bytes).auth_data
    except Exception:  # parsing untrusted input: every failure is a refusal
        raise RegistrationRefused("InvalidParameterException", "The credential is malformed.") from None
    handle = read_registration(signing_key, pool_id, sub, client_data.challenge, now)
    if handle is None:
        raise RegistrationRefused("WebAuthnChallengeNotFoundException",
                                  "The challenge is unknown, expired or not this user's.")
    if client_data.origin not in settings.origins:
        raise RegistrationRefused("WebAuthnOriginNotAllowedException", "The origin is not allowed.")
    rp_id = settings.rp_id_for(auth_data.rp_id_hash)
    if rp_id is None:
        raise RegistrationRefused("WebAuthnRelyingPartyMismatchException", "The relying party ID is not allowed.")
    if not MIN_CREDENTIAL_ID_BYTES <= len(raw_id) <= MAX_CREDENTIAL_ID_BYTES:
        raise RegistrationRefused("WebAuthnCredentialNotSupportedException", "The credential ID is not supported.")
    try:
        verified = verify_registration_response(
            credential=dict(credential), expected_challenge=client_data.challenge, expected_rp_id=rp_id,
            expected_origin=list(settings.origins), require_user_verification=settings.require_user_verification,
            supported_pub_key_algs=[COSEAlgorithmIdentifier(a) for a in ALGORITHMS])
    except Exception as err:  # pure verification of untrusted input
        logger.info("passkey registration refused", extra={"reason": type(err).__name__})
        raise RegistrationRefused("WebAuthnCredentialNotSupportedException",
                                  "The credential could not be verified.") from None
    transports = response.get("transports")
    names = tuple(sorted({t for t in transports if isinstance(t, str) and t in TRANSPORTS}
                         if isinstance(transports, list) else set()))
    return Registered(credential_id=b64url(verified.credential_id), public_key=verified.credential_public_key,
                      sign_count=verified.sign_count, user_handle=handle, backup_eligible=bool(auth_data.flags.be),
                      backed_up=bool(auth_data.flags.bs), aaguid=str(verified.aaguid),
                      attestation=str(getattr(verified.fmt, "value", verified.fmt)), transports=names,
                      user_verified=verified.user_verified)


# ---------------------------------------------------------------- the plug-in


def request_options(settings: PasskeySettings, challenge: bytes, allow: list[dict[str, Any]]) -> dict[str, Any]:
    return {"challenge": b64url(challenge), "timeout": settings.timeout * 1000, "rpId": settings.rp_id,
            "allowCredentials": allow, "userVerification": settings.user_verification}


def _descriptor(credential_id: str, transports: Any) -> dict[str, Any]:
    descriptor: dict[str, Any] = {"type": "public-key", "id": credential_id}
    if transports:
        descriptor["transports"] = sorted(transports)
    return descriptor


class PasskeyChallenge(Challenge):
    NAME = NAME

    def available(self, attributes: Mapping[str, str]) -> bool:
        return NAME in enrolled(attributes)  # at least one passkey (the registration route records it)

    def create(self, request: CreateRequest) -> Created:
        settings, services = PasskeySettings.from_env(), request.services
        user, now = request.user, services.clock()
        challenge = secrets.token_bytes(CHALLENGE_BYTES)
        usernameless = request.client_metadata.get(MODE) == USERNAMELESS
        allow: list[dict[str, Any]] = []
        if not usernameless:
            owner = user_owner(user)
            found = credentials_of(owner or decoy_owner(user))
            allow = [_descriptor(c.credential_id, c.transports) for c in found] if owner else []
            if not allow:
                allow = [_descriptor(decoy_credential_id(services.settings.signing_key, user.pool_id, user.username),
                                     {"internal", "hybrid"})]
        options = request_options(settings, challenge, allow)
        return Created(public={"options": json.dumps(options, separators=(",", ":"))},
                       private={"webauthnChallenge": b64url(challenge), "expiresAt": str(int(now) + CHALLENGE_TTL),
                                "mode": USERNAMELESS if usernameless else "options"})

    def record_key(self, user: User, answer: str, private: Mapping[str, str]) -> RecordKey | None:
        assertion = parse_assertion(answer)
        if assertion is None:
            return None
        return _model(), user_owner(user) or decoy_owner(user), assertion.credential_id

    def verify(self, request: VerifyRequest) -> bool:
        services, user, private = request.services, request.user, request.private
        now = services.clock()
        assertion = parse_assertion(request.answer)
        if assertion is None:
            return False
        if private.get("mode") == USERNAMELESS:
            expires = read_usernameless(services.settings.signing_key, user.pool_id, assertion.challenge, now)
            if assertion.user_handle is None:
                expires = None
        else:
            expected = private.get("webauthnChallenge") or ""
            deadline = int(private.get("expiresAt") or 0) if (private.get("expiresAt") or "").isdigit() else 0
            same = hmac.compare_digest(b64url(assertion.challenge).encode(), expected.encode())
            expires = deadline if same and deadline > now else None
        if expires is None:
            logger.info("passkey refused", extra={"reason": "challenge"})
            return False
        owner = user_owner(user)
        item = request.record
        if owner is None or item is None:
            logger.info("passkey refused", extra={"reason": "credential"})
            return False
        if assertion.user_handle is not None and not hmac.compare_digest(assertion.user_handle,
                                                                         unb64url(item.user_handle) or b""):
            logger.info("passkey refused", extra={"reason": "user_handle"})
            return False
        checked = check_assertion(assertion, expected_challenge=assertion.challenge, public_key=bytes(item.public_key),
                                  sign_count=int(item.sign_count or 0), backup_eligible=bool(item.backup_eligible),
                                  settings=PasskeySettings.from_env())
        if checked is None:
            return False
        return record_use(item, new_sign_count=checked.new_sign_count, backed_up=checked.backed_up,
                          digest=challenge_digest(assertion.challenge), expires=expires, now=now)

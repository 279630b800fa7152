"""A software WebAuthn authenticator and client for the tests (no tests here), built from ``cryptography`` and
``cbor2`` (py_webauthn's own CBOR dependency): what a browser and a platform authenticator hand a relying party.

- :meth:`SoftAuthenticator.register` answers PublicKeyCredentialCreationOptions (JSON) with a new ES256
  discoverable credential: authenticatorData = rpIdHash || flags (UP, UV, AT, BE, BS) || signCount ||
  attestedCredentialData (AAGUID, credential id, COSE_Key), in a "none" or "packed" self-attestation
  attestationObject, with the clientDataJSON of ``webauthn.create``.
- :meth:`SoftAuthenticator.assert_` answers PublicKeyCredentialRequestOptions with an assertion of one of its
  credentials (the first in allowCredentials it holds, or, usernameless, its credential for the RP) signed over
  authenticatorData || SHA-256(clientDataJSON).

Every knob a test needs to build a bad answer is a keyword: origin, rpId, flags, counter, challenge, type.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, BE, BS, AT, ED = 0x01, 0x04, 0x08, 0x10, 0x40, 0x80
AAGUID = bytes.fromhex("a1b2c3d4e5f60718293a4b5c6d7e8f90")
ORIGIN = "http://localhost:8000"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def cose_es256(public_key: ec.EllipticCurvePublicKey) -> bytes:
    numbers = public_key.public_numbers()
    return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})


@dataclass
class SoftCredential:
    credential_id: bytes
    rp_id: str
    user_handle: bytes
    key: ec.EllipticCurvePrivateKey
    sign_count: int = 0

    @property
    def id(self) -> str:
        return b64url(self.credential_id)


def client_data(kind: str, challenge: str, origin: str, **extra: Any) -> bytes:
    return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False, **extra},
                      separators=(",", ":")).encode()


@dataclass
class SoftAuthenticator:
    """``counter``: False for a synced passkey (its count stays 0); ``backup``: BE and BS set."""

    counter: bool = True
    backup: bool = False
    origin: str = ORIGIN
    credentials: list[SoftCredential] = field(default_factory=list)

    def _flags(self, uv: bool, extra: int = 0) -> int:
        return UP | (UV if uv else 0) | ((BE | BS) if self.backup else 0) | extra

    def register(self, options: dict[str, Any], *, attestation: str = "none", uv: bool = True,
                 origin: str | None = None, rp_id: str | None = None, challenge: str | None = None,
                 kind: str = "webauthn.create", credential_id: bytes | None = None,
                 flags: int | None = None) -> dict[str, Any]:
        """navigator.credentials.create() with these options, as the credential's JSON."""
        rp = rp_id or options["rp"]["id"]
        credential = SoftCredential(credential_id=credential_id or secrets.token_bytes(32), rp_id=rp,
                                    user_handle=unb64url(options["user"]["id"]),
                                    key=ec.generate_private_key(ec.SECP256R1()))
        attested = AAGUID + struct.pack(">H", len(credential.credential_id)) + credential.credential_id + cose_es256(
            credential.key.public_key())
        auth_data = (hashlib.sha256(rp.encode()).digest()
                     + bytes([flags if flags is not None else self._flags(uv, AT)])
                     + struct.pack(">I", 0) + attested)
        client = client_data(kind, challenge or options["challenge"], origin or self.origin)
        if attestation == "packed":
            signature = credential.key.sign(auth_data + hashlib.sha256(client).digest(), ec.ECDSA(hashes.SHA256()))
            statement: dict[str, Any] = {"alg": -7, "sig": signature}
        else:
            statement = {}
        attestation_object = cbor2.dumps({"fmt": attestation, "attStmt": statement, "authData": auth_data})
        self.credentials.append(credential)
        return {"id": credential.id, "rawId": credential.id, "type": "public-key",
                "response": {"clientDataJSON": b64url(client), "attestationObject": b64url(attestation_object),
                             "transports": ["internal", "hybrid"]},
                "clientExtensionResults": {}, "authenticatorAttachment": "platform"}

    def credential_for(self, options: dict[str, Any]) -> SoftCredential:
        allowed = [c["id"] for c in options.get("allowCredentials") or []]
        for credential in self.credentials:
            if credential.rp_id == options["rpId"] and (not allowed or credential.id in allowed):
                return credential
        raise LookupError("no credential for these options")

    def assert_(self, options: dict[str, Any], *, credential: SoftCredential | None = None, uv: bool = True,
                up: bool = True, origin: str | None = None, rp_id: str | None = None, challenge: str | None = None,
                kind: str = "webauthn.get", user_handle: bytes | bool | None = True,
                sign_count: int | None = None, flags: int | None = None) -> dict[str, Any]:
        """navigator.credentials.get() with these options, as the credential's JSON. ``user_handle``: True for
        the credential's own, None/False to leave it out, bytes for another."""
        credential = credential or self.credential_for(options)
        if sign_count is None:
            if self.counter:
                credential.sign_count += 1
            sign_count = credential.sign_count
        flag_byte = flags if flags is not None else (self._flags(uv) & ~(0 if up else UP))
        auth_data = (hashlib.sha256((rp_id or credential.rp_id).encode()).digest() + bytes([flag_byte])
                     + struct.pack(">I", sign_count))
        client = client_data(kind, challenge or options["challenge"], origin or self.origin)
        signature = credential.key.sign(auth_data + hashlib.sha256(client).digest(), ec.ECDSA(hashes.SHA256()))
        response = {"clientDataJSON": b64url(client), "authenticatorData": b64url(auth_data),
                    "signature": b64url(signature)}
        if user_handle is True:
            response["userHandle"] = b64url(credential.user_handle)
        elif isinstance(user_handle, bytes):
            response["userHandle"] = b64url(user_handle)
        return {"id": credential.id, "rawId": credential.id, "type": "public-key", "response": response,
                "clientExtensionResults": {}, "authenticatorAttachment": "platform"}


def tamper_client_data(assertion: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The same assertion with clientDataJSON changed (the signature no longer matches it)."""
    data = json.loads(unb64url(assertion["response"]["clientDataJSON"]))
    data.update(changes)
    changed = json.loads(json.dumps(assertion))
    changed["response"]["clientDataJSON"] = b64url(json.dumps(data, separators=(",", ":")).encode())
    return changed

"""chalicelib.auth.challenges.passkey without I/O, with the software authenticator of
tests/webauthn_authenticator.py: reading assertions (WebAuthn JSON and the AWS sample's flat form; anything
else is None, never an exception), the relying-party checks (origin and RP ID allow-lists, UP, UV, signature,
the counter rule, BE/BS), the signed usernameless and registration challenges, registration with "none" and
"packed" attestation, the settings."""

from __future__ import annotations

import json
import secrets
import struct
import time

import pytest

from chalicelib.auth.challenges import passkey
from chalicelib.settings import MissingSettingError
from tests.webauthn_authenticator import BE, BS, UP, UV, SoftAuthenticator, b64url, tamper_client_data, unb64url

KEY = b"s" * 32
SETTINGS = passkey.PasskeySettings(rp_id="localhost", rp_name="cogworks", rp_ids=("localhost", "login.example"),
                                   origins=("http://localhost:8000", "https://login.example"))
CHALLENGE = secrets.token_bytes(32)


def enrolled(*, attestation: str = "none", **device: bool) -> tuple[SoftAuthenticator, passkey.Registered]:
    authenticator = SoftAuthenticator(**device)
    now = time.time()
    options = passkey.registration_options(SETTINGS, KEY, pool_id="p", sub="alice", username="alice", existing=[],
                                           now=now)
    registered = passkey.verify_registration(SETTINGS, KEY, pool_id="p", sub="alice",
                                             credential=authenticator.register(options, attestation=attestation),
                                             now=now)
    return authenticator, registered


def options(allow: list[str] | None = None, rp_id: str = "localhost") -> dict:
    return {"challenge": b64url(CHALLENGE), "rpId": rp_id,
            "allowCredentials": [{"type": "public-key", "id": i} for i in allow or []]}


def check(assertion: dict, registered: passkey.Registered, *, sign_count: int = 0,
          settings: passkey.PasskeySettings = SETTINGS) -> passkey.Checked | None:
    parsed = passkey.parse_assertion(json.dumps(assertion))
    assert parsed is not None
    return passkey.check_assertion(parsed, expected_challenge=CHALLENGE, public_key=registered.public_key,
                                   sign_count=sign_count, backup_eligible=registered.backup_eligible,
                                   settings=settings)


@pytest.mark.parametrize("attestation", ["none", "packed"])
def test_registration_keeps_what_a_relying_party_needs(attestation):
    device, registered = enrolled(attestation=attestation)
    credential = device.credentials[0]
    assert registered.credential_id == credential.id and registered.user_handle == credential.user_handle
    assert registered.attestation == attestation and registered.sign_count == 0
    assert registered.aaguid == "a1b2c3d4-e5f6-0718-293a-4b5c6d7e8f90"
    assert registered.transports == ("hybrid", "internal") and registered.user_verified
    assert (registered.backup_eligible, registered.backed_up) == (False, False)
    assert registered.public_key.startswith(b"\xa5")  # a COSE_Key map of 5 entries


def test_a_packed_statement_that_does_not_verify_is_refused():
    now = time.time()
    options_ = passkey.registration_options(SETTINGS, KEY, pool_id="p", sub="alice", username="alice", existing=[],
                                            now=now)
    credential = SoftAuthenticator().register(options_, attestation="packed")
    # the statement signs authenticatorData || SHA-256(clientDataJSON): change the client data, it no longer verifies
    credential["response"]["clientDataJSON"] = b64url(unb64url(credential["response"]["clientDataJSON"])
                                                      .replace(b'"crossOrigin":false', b'"crossOrigin":true'))
    with pytest.raises(passkey.RegistrationRefused) as refused:
        passkey.verify_registration(SETTINGS, KEY, pool_id="p", sub="alice", credential=credential, now=now)
    assert (refused.value.code, refused.value.message) == ("WebAuthnCredentialNotSupportedException",
                                                           "The credential could not be verified.")


def test_a_good_assertion_passes_and_reports_the_new_count():
    device, registered = enrolled()
    assert check(device.assert_(options([registered.credential_id])), registered) == passkey.Checked(1, False)


def test_either_allowed_origin_and_rp_id_pass_and_others_do_not():
    device, registered = enrolled()
    device.credentials[0].rp_id = "login.example"
    assert check(device.assert_(options(rp_id="login.example"), origin="https://login.example"), registered)
    assert check(device.assert_(options(rp_id="login.example"), origin="https://evil.example"), registered) is None
    assert check(device.assert_(options(rp_id="login.example"), origin="https://login.example.evil"),
                 registered) is None
    assert check(device.assert_(options(rp_id="login.example"), rp_id="example"), registered) is None


@pytest.mark.parametrize(("stored", "new", "accepted"), [
    (0, 0, True), (0, 1, True), (1, 2, True), (7, 100, True),
    (1, 1, False), (5, 3, False), (5, 0, False)])
def test_the_counter_rule(stored, new, accepted):
    device, registered = enrolled()
    result = check(device.assert_(options(), sign_count=new), registered, sign_count=stored)
    assert (result is not None) == accepted


def test_user_verification_is_required_by_default_and_presence_always():
    device, registered = enrolled()
    assert check(device.assert_(options(), uv=False), registered) is None
    preferred = passkey.PasskeySettings(**{**SETTINGS.__dict__, "user_verification": "preferred"})
    assert check(device.assert_(options(), uv=False), registered, settings=preferred) is not None
    assert check(device.assert_(options(), flags=UV), registered, settings=preferred) is None  # no UP


def test_the_backup_flags_must_stay_consistent():
    device, registered = enrolled()
    assert check(device.assert_(options(), flags=UP | UV | BE), registered) is None  # BE appeared
    assert check(device.assert_(options(), flags=UP | UV | BS), registered) is None  # BS without BE
    synced, synced_registered = enrolled(counter=False, backup=True)
    assert synced_registered.backup_eligible and synced_registered.backed_up
    assert check(synced.assert_(options()), synced_registered) == passkey.Checked(0, True)
    assert check(synced.assert_(options(), flags=UP | UV), synced_registered) is None  # BE disappeared


def test_tampered_or_foreign_data_fails_the_signature():
    device, registered = enrolled()
    assert check(tamper_client_data(device.assert_(options()), crossOrigin=True), registered) is None
    assert check(device.assert_(options(), kind="webauthn.create"), registered) is None
    assert check(device.assert_(options(), challenge=b64url(b"other" * 8)), registered) is None
    stranger, _ = enrolled()
    forged = stranger.assert_(options())
    forged["id"] = forged["rawId"] = registered.credential_id
    assert check(forged, registered) is None


def test_the_aws_sample_s_flat_form_is_read():
    device, registered = enrolled()
    assertion = device.assert_(options())
    flat = {"credentialIdB64": assertion["id"], "authenticatorDataB64": assertion["response"]["authenticatorData"],
            "clientDataJSON_B64": assertion["response"]["clientDataJSON"],
            "signatureB64": assertion["response"]["signature"], "userHandleB64": assertion["response"]["userHandle"]}
    parsed = passkey.parse_assertion(json.dumps(flat))
    assert parsed is not None and parsed.credential_id == registered.credential_id
    assert parsed.user_handle == registered.user_handle and parsed.challenge == CHALLENGE


def _mutations(good: dict) -> list[str]:
    response = good["response"]
    return [
        "", "null", "[]", "{}", "not json", "{" * 5000, json.dumps({**good, "type": "password"}),
        json.dumps({**good, "id": good["id"] + "A"}), json.dumps({**good, "rawId": "!!"}),
        json.dumps({**good, "id": "AAAA", "rawId": "AAAA"}),
        json.dumps({**good, "id": "A" * 1400, "rawId": "A" * 1400}),
        json.dumps({**good, "response": {**response, "clientDataJSON": b64url(b"\xff\xfe")}}),
        json.dumps({**good, "response": {**response, "clientDataJSON": b64url(b'{"challenge": 5}')}}),
        json.dumps({**good, "response": {**response, "authenticatorData": b64url(b"short")}}),
        json.dumps({**good, "response": {**response, "signature": ""}}),
        json.dumps({**good, "response": {**response, "userHandle": 7}}),
        json.dumps({**good, "response": "x"}),
        json.dumps({"credentialIdB64": None}),
    ]


def test_anything_but_an_assertion_reads_as_none_and_never_raises():
    device, _ = enrolled()
    good = device.assert_(options())
    assert passkey.parse_assertion(json.dumps(good)) is not None
    for text in _mutations(good):
        assert passkey.parse_assertion(text) is None, text
    for _ in range(300):
        assert passkey.parse_assertion(secrets.token_bytes(secrets.randbelow(200)).decode("latin-1")) is None


def test_the_usernameless_challenge_is_signed_bound_to_the_pool_and_expires():
    now = time.time()
    challenge = passkey.usernameless_challenge(KEY, "pool-a", now)
    assert len(challenge) >= 16 + 16 and challenge != passkey.usernameless_challenge(KEY, "pool-a", now)
    assert passkey.read_usernameless(KEY, "pool-a", challenge, now) == int(now) + passkey.CHALLENGE_TTL
    assert passkey.read_usernameless(KEY, "pool-b", challenge, now) is None
    assert passkey.read_usernameless(b"x" * 32, "pool-a", challenge, now) is None
    assert passkey.read_usernameless(KEY, "pool-a", challenge, now + passkey.CHALLENGE_TTL + 1) is None
    later = challenge[:1] + struct.pack(">Q", int(now) + 10_000) + challenge[9:]
    assert passkey.read_usernameless(KEY, "pool-a", later, now) is None
    assert passkey.read_usernameless(KEY, "pool-a", CHALLENGE, now) is None


def test_the_registration_challenge_carries_the_user_handle_for_that_user_only():
    now, handle = time.time(), secrets.token_bytes(32)
    challenge = passkey.registration_challenge(KEY, "p", "alice", handle, now)
    assert passkey.read_registration(KEY, "p", "alice", challenge, now) == handle
    assert passkey.read_registration(KEY, "p", "bob", challenge, now) is None
    assert passkey.read_registration(KEY, "q", "alice", challenge, now) is None
    assert passkey.read_registration(KEY, "p", "alice", challenge, now + 121) is None
    assert passkey.read_registration(KEY, "p", "alice", passkey.usernameless_challenge(KEY, "p", now), now) is None


def test_a_decoy_credential_id_is_stable_per_username_and_looks_real():
    a = passkey.decoy_credential_id(KEY, "p", "alice")
    assert a == passkey.decoy_credential_id(KEY, "p", "alice") != passkey.decoy_credential_id(KEY, "p", "bob")
    assert len(unb64url(a)) == 32


def test_settings_have_local_defaults_and_are_required_elsewhere(monkeypatch):
    for name in ("WEBAUTHN_RP_ID", "WEBAUTHN_ALLOWED_ORIGINS", "WEBAUTHN_ALLOWED_RP_IDS",
                 "WEBAUTHN_USER_VERIFICATION", "COGWORKS_PORT"):
        monkeypatch.delenv(name, raising=False)
    local = passkey.PasskeySettings.from_env()
    assert (local.rp_id, local.rp_ids, local.origins, local.user_verification) == (
        "localhost", ("localhost",), ("http://localhost:8000",), "required")
    monkeypatch.setenv("COGWORKS_PORT", "9229")
    assert passkey.PasskeySettings.from_env().origins == ("http://localhost:8000", "http://localhost:9229")
    monkeypatch.setenv("WEBAUTHN_USER_VERIFICATION", "sometimes")
    assert passkey.PasskeySettings.from_env().require_user_verification
    monkeypatch.setenv("COGWORKS_STAGE", "prod")
    with pytest.raises(MissingSettingError, match="WEBAUTHN_RP_ID"):
        passkey.PasskeySettings.from_env()
    monkeypatch.setenv("WEBAUTHN_RP_ID", "example.com")
    with pytest.raises(MissingSettingError, match="WEBAUTHN_ALLOWED_ORIGINS"):
        passkey.PasskeySettings.from_env()
    monkeypatch.setenv("WEBAUTHN_ALLOWED_ORIGINS", "https://example.com/, https://app.example.com")
    monkeypatch.setenv("WEBAUTHN_ALLOWED_RP_IDS", "example.com,app.example.com")
    settings = passkey.PasskeySettings.from_env()
    assert settings.origins == ("https://example.com", "https://app.example.com")
    assert settings.rp_ids == ("example.com", "app.example.com")

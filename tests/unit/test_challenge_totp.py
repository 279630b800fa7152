"""chalicelib.auth.challenges.totp without I/O: RFC 4226 and RFC 6238 test vectors, the same codes as pyotp and
the local pool's SOFTWARE_TOKEN_MFA (emulator/totp.py), one step of drift, no earlier step after a later one,
constant-time comparison, the secret sealed with AES-256-GCM bound to its owner, key rotation, the otpauth URI,
and a round that looks the same for everyone."""

from __future__ import annotations

import base64
import secrets
import time
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest

from chalicelib.auth.challenges import totp
from chalicelib.auth.challenges.base import CreateRequest, User
from chalicelib.settings import MissingSettingError
from emulator import totp as emulator_totp

RFC_KEY = b"12345678901234567890"


FULLWIDTH = "\uff11\uff12\uff13\uff14\uff15\uff16"  # digits, but not ASCII ones


@pytest.mark.parametrize(("counter", "expected"), list(enumerate(
    ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"])))
def test_rfc_4226_appendix_d_hotp_values(counter, expected):
    assert totp.hotp(RFC_KEY, counter) == expected


@pytest.mark.parametrize(("when", "expected"), [(59, "94287082"), (1111111109, "07081804"),
                                                (1111111111, "14050471"), (1234567890, "89005924"),
                                                (2000000000, "69279037"), (20000000000, "65353130")])
def test_rfc_6238_appendix_b_sha1_values(when, expected):
    assert totp.hotp(RFC_KEY, totp.step_of(when), digits=8) == expected


def test_codes_agree_with_pyotp_and_the_local_pool_s_software_token():
    for _ in range(200):
        secret = pyotp.random_base32(32) if secrets.randbelow(2) else totp.new_secret()
        now = 1_700_000_000 + secrets.randbelow(300_000_000) + secrets.randbelow(1000) / 1000
        assert totp.code_at(secret, totp.step_of(now)) == pyotp.TOTP(secret).at(now)
        for drift in (-60, -30, 0, 30, 60):
            code = pyotp.TOTP(secret).at(now + drift)
            assert totp.matching_step(secret, code, now) == emulator_totp.matching_step(secret, code, now)


def test_one_step_of_drift_either_way_and_no_more():
    secret, now = totp.new_secret(), 1_800_000_015.0
    step = totp.step_of(now)
    assert [totp.matching_step(secret, totp.code_at(secret, step + d), now) for d in (-2, -1, 0, 1, 2)] == [
        None, step - 1, step, step + 1, None]


def test_a_step_at_or_before_the_last_accepted_one_is_refused():
    secret, now = totp.new_secret(), 1_800_000_015.0
    step = totp.step_of(now)
    current = totp.code_at(secret, step)
    assert totp.matching_step(secret, current, now, after=step - 1) == step
    assert totp.matching_step(secret, current, now, after=step) is None
    assert totp.matching_step(secret, totp.code_at(secret, step - 1), now, after=step) is None
    assert totp.matching_step(secret, totp.code_at(secret, step + 1), now, after=step) == step + 1


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", FULLWIDTH, "12345\n", " 123456"])
def test_a_malformed_code_never_matches(code):
    secret = totp.new_secret()
    assert totp.matching_step(secret, code, time.time()) is None


def test_every_candidate_is_compared_in_constant_time(monkeypatch):
    calls = []
    real = totp.hmac.compare_digest
    monkeypatch.setattr(totp.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    secret, now = totp.new_secret(), time.time()
    totp.matching_step(secret, totp.code_at(secret, totp.step_of(now)), now)
    totp.matching_step(secret, "abc", now)
    assert len(calls) == 6


def test_secrets_are_160_random_bits_in_base32():
    made = {totp.new_secret() for _ in range(100)}
    assert len(made) == 100
    assert all(len(s) == 32 and len(base64.b32decode(s)) == 20 for s in made)


def test_the_sealed_secret_opens_only_for_its_owner_and_untampered():
    secret = totp.new_secret()
    sealed = totp.seal("pool/alice", secret)
    assert secret not in sealed and sealed.startswith("v1.")
    assert totp.unseal("pool/alice", sealed) == secret
    assert totp.unseal("pool/bob", sealed) is None
    version, kid, body = sealed.split(".")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 1
    assert totp.unseal("pool/alice", f"{version}.{kid}.{base64.urlsafe_b64encode(bytes(raw)).decode()}") is None
    assert totp.unseal("pool/alice", "v2." + sealed[3:]) is None
    assert totp.unseal("pool/alice", "garbage") is None and totp.unseal("pool/alice", None) is None
    assert totp.seal("pool/alice", secret) != sealed  # a fresh nonce each time


def test_a_rotated_key_still_opens_old_secrets(monkeypatch):
    old, new = secrets.token_bytes(32), secrets.token_bytes(32)
    monkeypatch.setenv("AUTHENTICATOR_KEY", base64.b64encode(old).decode())
    sealed = totp.seal("pool/alice", "SECRET")
    monkeypatch.setenv("AUTHENTICATOR_KEY", base64.b64encode(new).decode())
    assert totp.unseal("pool/alice", sealed) is None
    monkeypatch.setenv("AUTHENTICATOR_OLD_KEYS", base64.b64encode(old).decode())
    assert totp.unseal("pool/alice", sealed) == "SECRET"
    assert totp.seal("pool/alice", "SECRET").split(".")[1] != sealed.split(".")[1]


def test_outside_stage_local_the_key_is_required(monkeypatch):
    monkeypatch.setenv("COGWORKS_STAGE", "prod")
    monkeypatch.delenv("AUTHENTICATOR_KEY", raising=False)
    with pytest.raises(MissingSettingError, match="AUTHENTICATOR_KEY"):
        totp.seal("pool/alice", "SECRET")
    monkeypatch.setenv("AUTHENTICATOR_KEY", base64.b64encode(b"short").decode())
    with pytest.raises(MissingSettingError, match="32 bytes"):
        totp.seal("pool/alice", "SECRET")


def test_the_otpauth_uri_is_what_authenticator_apps_read():
    uri = totp.otpauth_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "alice@example.com", "Acme Co")
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc, parts.path) == ("otpauth", "totp", "/Acme%20Co:alice@example.com")
    assert parse_qs(parts.query) == {"secret": ["JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"], "issuer": ["Acme Co"],
                                     "algorithm": ["SHA1"], "digits": ["6"], "period": ["30"]}
    parsed = pyotp.parse_uri(uri)
    assert (parsed.secret, parsed.name, parsed.issuer, parsed.digits, parsed.interval) == (
        "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "alice@example.com", "Acme Co", 6, 30)


def test_the_round_is_the_same_for_every_user_and_needs_no_io():
    plugin = totp.TotpChallenge()
    publics = []
    for not_found in (False, True):
        user = User(pool_id="p", client_id="c", username="alice", attributes={} if not_found else {"sub": "s"},
                    not_found=not_found)
        request = CreateRequest(user=user, key="k", first_round=True, step_up=False, client_metadata={},
                                services=None)  # type: ignore[arg-type]  (create touches no service)
        publics.append(plugin.create(request))
    assert publics[0] == publics[1]
    assert publics[0].public == {"digits": "6", "period": "30"} and publics[0].private == {}
    assert not plugin.available({"sub": "s"}) and plugin.available({"sub": "s", "custom:authenticators": "TOTP"})


def test_owner_keys_use_the_immutable_sub():
    found = User(pool_id="p", client_id="c", username="alice", attributes={"sub": "abc"}, not_found=False)
    ghost = User(pool_id="p", client_id="c", username="alice", attributes={}, not_found=True)
    assert totp.user_owner(found) == "p/abc" and totp.user_owner(ghost) is None
    assert totp.decoy_owner(ghost).startswith("p/~") and totp.decoy_owner(ghost) == totp.decoy_owner(found)

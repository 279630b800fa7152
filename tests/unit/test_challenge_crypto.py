"""chalicelib.auth.challenges.crypto: codes from a CSPRNG, salted keyed hashes, signed magic-link tokens."""

from __future__ import annotations

import base64
import json

import pytest

from chalicelib.auth.challenges import crypto

KEY = b"k" * 32


def test_codes_are_six_digits_and_every_digit_appears_in_every_position():
    codes = [crypto.new_code() for _ in range(3000)]
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    for position in range(6):
        assert {c[position] for c in codes} == set("0123456789")
    assert len(set(codes)) > 2900


def test_hashes_are_salted_and_keyed():
    salt_a, salt_b = crypto.new_salt(), crypto.new_salt()
    assert salt_a != salt_b and len(salt_a) == 32
    assert crypto.hash_secret(KEY, salt_a, "123456") != crypto.hash_secret(KEY, salt_b, "123456")
    assert crypto.hash_secret(KEY, salt_a, "123456") != crypto.hash_secret(b"x" * 32, salt_a, "123456")
    assert crypto.hash_secret(KEY, salt_a, "123456") == crypto.hash_secret(KEY, salt_a, "123456")
    assert "123456" not in crypto.hash_secret(KEY, salt_a, "123456")


def test_comparison_is_hmac_compare_digest(monkeypatch):
    calls = []
    real = crypto.hmac.compare_digest
    monkeypatch.setattr(crypto.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    assert crypto.same("abc", "abc") and not crypto.same("abc", "abd")
    assert len(calls) == 2


CLAIMS = crypto.LinkClaims(pool_id="us-east-1_x", username="alice", key="k" * 64, expires_at=1_900_000_000)


def test_a_link_token_reads_back_its_claims():
    token = crypto.sign_link(KEY, CLAIMS)
    assert crypto.read_link(KEY, token) == CLAIMS
    assert crypto.sign_link(KEY, CLAIMS) != token  # a random nonce in each
    assert crypto.peek_link_username(token) == "alice"


def _reencode(token: str, **changes: object) -> str:
    body, _, signature = token.partition(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload.update(changes)
    new_body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return f"{new_body}.{signature}"


@pytest.mark.parametrize("tamper", [
    lambda t: _reencode(t, u="mallory"),
    lambda t: _reencode(t, e=2_000_000_000),
    lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"),
    lambda t: t.replace(".", ""),
    lambda t: t + "=",
    lambda t: "",
    lambda t: "x" * 5000,
    lambda t: t.split(".")[0] + ".\u00e9" * 43,
])
def test_a_tampered_or_malformed_token_is_refused(tamper):
    assert crypto.read_link(KEY, tamper(crypto.sign_link(KEY, CLAIMS))) is None


def test_a_token_signed_with_another_key_is_refused():
    assert crypto.read_link(KEY, crypto.sign_link(b"o" * 32, CLAIMS)) is None


def test_masks_look_like_cognito_s():
    assert crypto.mask_email("jane@example.com") == "j***@e***"
    assert crypto.mask_phone("+15555550123") == "+*******0123"


def test_decoy_destinations_are_stable_and_shaped_like_real_ones():
    email = crypto.fake_destination(KEY, "pool", "ghost", "EMAIL")
    assert email == crypto.fake_destination(KEY, "pool", "ghost", "EMAIL")
    assert email.startswith("g***@") and email.endswith("***") and len(email) == len("j***@e***")
    assert crypto.fake_destination(KEY, "pool", "ghost@example.org", "EMAIL") == "g***@e***"
    phone = crypto.fake_destination(KEY, "pool", "ghost", "SMS")
    assert phone.startswith("+*******") and len(phone) == len("+*******0123") and phone[-4:].isdigit()

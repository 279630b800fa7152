"""emulator.srp, Cognito's SRP-6a server side, against pycognito's client side (pycognito.aws_srp), without
HTTP: padding, verifiers, full exchanges with right and wrong passwords, SRP_A checks and TIMESTAMP rules."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from pycognito import aws_srp
from pycognito.aws_srp import AWSSRP

from emulator import srp

POOL_ID = "us-east-1_AbCdEfGhI"
POOL = srp.pool_name(POOL_ID)
USER_ID = "3f0c4a52-6f4e-4a57-9a8e-0e4b6d0c1a2b"
PASSWORD = "Correct-Horse-9"
MOMENT = datetime(2024, 3, 5, 9, 7, 1, tzinfo=UTC)


@pytest.mark.parametrize(("value", "padded"), [
    (0x7F, "7f"),
    (0x80, "0080"),  # top bit set: a leading 00 keeps it positive
    (0xFF, "00ff"),
    (0xABC, "0abc"),  # odd length: one 0, and no more even if the first nibble is high
    (0x8, "08"),
    (0x123, "0123"),
    (0, "00"),
    ("abc", "0abc"),
    ("ABCD", "00ABCD"),
    ("7fff", "7fff"),
    ("8", "08"),
])
def test_pad_hex(value, padded):
    assert srp.pad_hex(value) == padded
    assert srp.pad_hex(value) == aws_srp.pad_hex(value)


def test_pad_hex_matches_pycognito_on_random_numbers():
    for bits in (1, 4, 7, 8, 9, 255, 256, 3072):
        for _ in range(50):
            value = secrets.randbits(bits)
            assert srp.pad_hex(value) == aws_srp.pad_hex(value)


def test_group_and_multiplier_are_the_sdks():
    assert aws_srp.hex_to_long(aws_srp.N_HEX) == srp.N
    assert aws_srp.hex_to_long(aws_srp.G_HEX) == srp.G
    assert srp.N.bit_length() == 3072
    assert aws_srp.hex_to_long(aws_srp.hex_hash("00" + aws_srp.N_HEX + "0" + aws_srp.G_HEX)) == srp.K


def test_pool_name_is_the_part_after_the_region():
    assert srp.pool_name("eu-west-2_XyZ123abc") == "XyZ123abc"


def test_new_salt_is_128_bits_without_a_leading_zero():
    for _ in range(200):
        salt = srp.new_salt()
        assert len(salt) == 32
        assert salt[0] != "0"
        int(salt, 16)


@pytest.mark.parametrize("salt", ["1" + "a" * 31, "8" + "0" * 31, "f" * 32, "abc"])
def test_verifier_is_g_to_the_x_as_the_sdk_computes_x(salt):
    inner = aws_srp.hash_sha256(f"{POOL}{USER_ID}:{PASSWORD}".encode())
    x = aws_srp.hex_to_long(aws_srp.hex_hash(aws_srp.pad_hex(salt) + inner))
    assert srp.verifier(POOL, USER_ID, PASSWORD, salt) == format(pow(2, x, srp.N), "x")


def test_password_matches_only_the_right_password_user_and_salt():
    salt = srp.new_salt()
    verifier = srp.verifier(POOL, USER_ID, PASSWORD, salt)
    assert srp.password_matches(POOL, USER_ID, PASSWORD, salt, verifier)
    assert not srp.password_matches(POOL, USER_ID, PASSWORD + "x", salt, verifier)
    assert not srp.password_matches(POOL, "someone-else", PASSWORD, salt, verifier)
    assert not srp.password_matches("OtherPool", USER_ID, PASSWORD, salt, verifier)
    assert not srp.password_matches(POOL, USER_ID, PASSWORD, srp.new_salt(), verifier)


def exchange(client_password: str, *, salt: str | None = None) -> tuple[srp.ServerChallenge, dict[str, str],
                                                                         str, AWSSRP]:
    """One PASSWORD_VERIFIER round: the server's challenge for pycognito's SRP_A, and pycognito's answer."""
    salt = salt or srp.new_salt()
    verifier = srp.verifier(POOL, USER_ID, PASSWORD, salt)
    client = AWSSRP(username="alice", password=client_password, pool_id=POOL_ID, client_id="client",
                    client=object())
    srp_a = client.get_auth_params()["SRP_A"]
    server = srp.ServerChallenge.start(verifier, srp_a)
    secret_block = base64.b64encode(secrets.token_bytes(96)).decode()
    answer = client.process_challenge({"USER_ID_FOR_SRP": USER_ID, "SALT": salt, "SRP_B": server.srp_b,
                                       "SECRET_BLOCK": secret_block}, {"USERNAME": "alice"})
    return server, answer, secret_block, client


def accepts(server: srp.ServerChallenge, answer: dict[str, str], *, now: float | None = None) -> bool:
    now = datetime.now(UTC).timestamp() if now is None else now
    return srp.timestamp_is_fresh(answer["TIMESTAMP"], now) and server.claim_is_valid(
        POOL, USER_ID, answer["PASSWORD_CLAIM_SECRET_BLOCK"], answer["TIMESTAMP"], answer["PASSWORD_CLAIM_SIGNATURE"])


def test_full_exchange_with_pycognito_right_password():
    # Enough rounds that A, B and u each start with a high nibble (00-padded) in some of them.
    high_nibble = {"A": False, "B": False, "u": False}
    for _ in range(24):
        server, answer, _block, client = exchange(PASSWORD)
        assert answer["USERNAME"] == "alice"
        assert accepts(server, answer)
        high_nibble["A"] |= srp.pad_hex(client.large_a_value).startswith("00")
        high_nibble["B"] |= srp.pad_hex(server.b_public).startswith("00")
        u = aws_srp.calculate_u(client.large_a_value, server.b_public)
        high_nibble["u"] |= srp.pad_hex(u).startswith("00")
    assert all(high_nibble.values()), high_nibble


@pytest.mark.parametrize("salt", ["8" + "1" * 31, "1" + "f" * 31])
def test_full_exchange_with_salts_of_both_paddings(salt):
    server, answer, _block, _client = exchange(PASSWORD, salt=salt)
    assert accepts(server, answer)


def test_full_exchange_with_the_wrong_password_fails():
    for _ in range(5):
        server, answer, _block, _client = exchange("Wrong-Horse-9")
        assert not accepts(server, answer)


def test_claim_is_bound_to_secret_block_timestamp_and_user():
    server, answer, block, _client = exchange(PASSWORD)
    signature, timestamp = answer["PASSWORD_CLAIM_SIGNATURE"], answer["TIMESTAMP"]
    other_block = base64.b64encode(secrets.token_bytes(96)).decode()
    assert server.claim_is_valid(POOL, USER_ID, block, timestamp, signature)
    assert not server.claim_is_valid(POOL, USER_ID, other_block, timestamp, signature)
    assert not server.claim_is_valid(POOL, USER_ID, block, timestamp.replace("UTC", "GMT"), signature)
    assert not server.claim_is_valid(POOL, "someone-else", block, timestamp, signature)
    assert not server.claim_is_valid("OtherPool", USER_ID, block, timestamp, signature)


@pytest.mark.parametrize("signature", ["", "not base64!", "AAAA", base64.b64encode(b"x" * 32).decode()])
def test_malformed_or_wrong_signatures_fail_closed(signature):
    server, answer, block, _client = exchange(PASSWORD)
    assert not server.claim_is_valid(POOL, USER_ID, block, answer["TIMESTAMP"], signature)


def test_malformed_secret_block_fails_closed():
    server, answer, _block, _client = exchange(PASSWORD)
    assert not server.claim_is_valid(POOL, USER_ID, "%%%", answer["TIMESTAMP"], answer["PASSWORD_CLAIM_SIGNATURE"])


@pytest.mark.parametrize("srp_a", ["0", "00", srp.N_HEX, format(2 * srp.N, "x"), format(7 * srp.N, "x")])
def test_srp_a_that_is_zero_modulo_n_is_rejected(srp_a):
    verifier = srp.verifier(POOL, USER_ID, PASSWORD, srp.new_salt())
    with pytest.raises(ValueError, match="SRP_A is zero modulo N"):
        srp.ServerChallenge.start(verifier, srp_a)


@pytest.mark.parametrize("srp_a", ["", "xyz", "12 34"])
def test_srp_a_that_is_not_hex_is_rejected(srp_a):
    verifier = srp.verifier(POOL, USER_ID, PASSWORD, srp.new_salt())
    with pytest.raises(ValueError):
        srp.ServerChallenge.start(verifier, srp_a)


def test_server_ephemeral_is_fresh_each_time():
    verifier = srp.verifier(POOL, USER_ID, PASSWORD, srp.new_salt())
    srp_a = format(pow(2, secrets.randbits(256), srp.N), "x")
    assert srp.ServerChallenge.start(verifier, srp_a).srp_b != srp.ServerChallenge.start(verifier, srp_a).srp_b


def test_timestamp_format_has_no_leading_zero_on_the_day():
    assert srp.format_timestamp(MOMENT) == "Tue Mar 5 09:07:01 UTC 2024"
    assert srp.format_timestamp(MOMENT) == AWSSRP.get_cognito_formatted_timestamp(MOMENT)
    later = datetime(2024, 12, 25, 23, 59, 59, tzinfo=UTC)
    assert srp.format_timestamp(later) == "Wed Dec 25 23:59:59 UTC 2024"


@pytest.mark.parametrize(("offset", "fresh"), [(0, True), (299, True), (-299, True), (301, False), (-301, False)])
def test_timestamp_freshness(offset, fresh):
    now = (MOMENT + timedelta(seconds=offset)).timestamp()
    assert srp.timestamp_is_fresh("Tue Mar 5 09:07:01 UTC 2024", now) is fresh


@pytest.mark.parametrize("timestamp", [
    "Tue Mar  5 09:07:01 UTC 2024",  # asctime's space-padded day
    "Tue Mar 5 09:07:01 GMT 2024",
    "Tue Mar 5 9:07:01 UTC 2024",
    "tue mar 5 09:07:01 UTC 2024",
    "Tue Mar 32 09:07:01 UTC 2024",
    "Tue Foo 5 09:07:01 UTC 2024",
    "2024-03-05T09:07:01Z",
    "",
])
def test_malformed_timestamps_are_not_fresh(timestamp):
    assert srp.timestamp_is_fresh(timestamp, MOMENT.timestamp()) is False


def test_zero_padded_day_is_accepted():
    assert srp.timestamp_is_fresh("Tue Mar 05 09:07:01 UTC 2024", MOMENT.timestamp())


def test_pycognito_timestamp_is_fresh_now():
    now = datetime.now(UTC)
    assert srp.timestamp_is_fresh(AWSSRP.get_cognito_formatted_timestamp(now), now.timestamp())

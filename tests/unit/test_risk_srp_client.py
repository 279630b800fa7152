"""chalicelib.risk.srp_client computes what pycognito's client computes (the reference the local Cognito's server
side is tested against, tests/unit/test_srp.py), and the local Cognito's server accepts its claim."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from pycognito.aws_srp import AWSSRP

from chalicelib.risk.srp_client import N, SrpClient, SrpError, timestamp
from emulator import srp as server

POOL_ID = "us-east-1_AbCdEf123"
MOMENT = datetime(2024, 3, 5, 9, 7, 1, tzinfo=UTC)


def test_the_same_a_gives_pycognitos_srp_a_and_claim() -> None:
    ours = SrpClient(POOL_ID, "Correct-Horse-9", small_a=123456789 ** 20)
    theirs = AWSSRP(username="alice", password="Correct-Horse-9", pool_id=POOL_ID, client_id="c", client=object())
    theirs.small_a_value = 123456789 ** 20
    theirs.large_a_value = theirs.calculate_a()
    assert ours.srp_a == theirs.get_auth_params()["SRP_A"]
    salt = server.new_salt()
    verifier = server.verifier(server.pool_name(POOL_ID), "alice", "Correct-Horse-9", salt)
    challenge = server.ServerChallenge.start(verifier, ours.srp_a)
    parameters = {"SRP_B": challenge.srp_b, "SALT": salt, "USER_ID_FOR_SRP": "alice",
                  "SECRET_BLOCK": base64.standard_b64encode(b"secret-block").decode()}
    key = theirs.get_password_authentication_key("alice", "Correct-Horse-9", int(parameters["SRP_B"], 16), salt)
    assert ours._key("alice", int(parameters["SRP_B"], 16), salt) == key


@pytest.mark.parametrize(("password", "accepted"), [("Correct-Horse-9", True), ("Wrong-Horse-9", False)])
def test_the_local_cognito_accepts_the_claim_for_the_right_password_only(password: str, accepted: bool) -> None:
    salt = server.new_salt()
    verifier = server.verifier(server.pool_name(POOL_ID), "alice", "Correct-Horse-9", salt)
    client = SrpClient(POOL_ID, password)
    challenge = server.ServerChallenge.start(verifier, client.srp_a)
    block = base64.standard_b64encode(b"opaque-secret-block").decode()
    claim = client.claim({"SRP_B": challenge.srp_b, "SALT": salt, "USER_ID_FOR_SRP": "alice", "SECRET_BLOCK": block},
                         MOMENT)
    assert claim["TIMESTAMP"] == "Tue Mar 5 09:07:01 UTC 2024" == timestamp(MOMENT)
    assert claim["PASSWORD_CLAIM_SECRET_BLOCK"] == block
    assert challenge.claim_is_valid(server.pool_name(POOL_ID), "alice", block, claim["TIMESTAMP"],
                                    claim["PASSWORD_CLAIM_SIGNATURE"]) is accepted


def test_a_zero_b_is_refused() -> None:
    client = SrpClient(POOL_ID, "pw")
    with pytest.raises(SrpError):
        client.claim({"SRP_B": format(N, "x"), "SALT": "ab", "USER_ID_FOR_SRP": "alice", "SECRET_BLOCK": "AA=="})

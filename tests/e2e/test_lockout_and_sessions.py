"""Failed-password lockout, password storage, and the life of an auth session.

Lockout (cognito-contract.md §2): after 5 failed sign-ins the user is locked 1 s, doubling per further failure
up to about 15 minutes; attempts while locked get "Password attempts exceeded" (even with the right password)
and do not extend it; a success, or 15 minutes without attempts, resets the count. Sessions answer one
challenge each, within AuthSessionValidity (default 3 minutes). Time is the emulator's clock, faked here.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

import emulator
from emulator.clock import FakeClock
from emulator.state import User
from tests.e2e.conftest import PASSWORD, error_of, register_trigger, unique
from tests.helpers import INCORRECT

WRONG = "Wrong-Password-1"
LOCKED = ("NotAuthorizedException", "Password attempts exceeded")


@pytest.fixture()
def clock(stack) -> Iterator[FakeClock]:
    original = emulator.EMULATOR.clock
    fake = FakeClock(float(int(time.time())))
    emulator.EMULATOR.clock = fake
    yield fake
    emulator.EMULATOR.clock = original


def attempt(idp: Any, user: dict[str, str], password: str) -> tuple[str, str] | None:
    """None when the password sign-in succeeds, else (code, message)."""
    try:
        idp.initiate_auth(ClientId=user["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": user["username"], "PASSWORD": password})
    except ClientError as exc:
        return exc.response["Error"]["Code"], exc.response["Error"]["Message"]
    return None


def fail(idp: Any, user: dict[str, str], times: int) -> None:
    for _ in range(times):
        assert attempt(idp, user, WRONG) == INCORRECT


# --- lockout -------------------------------------------------------------------------------------------------


def test_five_failures_lock_even_the_right_password_until_the_lock_expires(idp, confirmed_user, clock):
    fail(idp, confirmed_user, 5)
    assert attempt(idp, confirmed_user, PASSWORD) == LOCKED
    clock.advance(0.5)
    assert attempt(idp, confirmed_user, WRONG) == LOCKED
    clock.advance(0.6)
    assert attempt(idp, confirmed_user, PASSWORD) is None


def test_four_failures_do_not_lock(idp, confirmed_user, clock):
    fail(idp, confirmed_user, 4)
    assert attempt(idp, confirmed_user, PASSWORD) is None


def test_each_further_failure_doubles_the_lock(idp, confirmed_user, clock):
    fail(idp, confirmed_user, 5)
    clock.advance(1.1)
    fail(idp, confirmed_user, 1)
    clock.advance(1.5)
    assert attempt(idp, confirmed_user, PASSWORD) == LOCKED
    clock.advance(0.6)
    fail(idp, confirmed_user, 1)
    clock.advance(3.5)
    assert attempt(idp, confirmed_user, PASSWORD) == LOCKED
    clock.advance(0.6)
    assert attempt(idp, confirmed_user, PASSWORD) is None


def test_the_lock_is_capped_at_fifteen_minutes(idp, confirmed_user, clock):
    fail(idp, confirmed_user, 5)
    for failures in range(5, 15):
        clock.advance(2 ** (failures - 5) + 0.5)
        fail(idp, confirmed_user, 1)
    clock.advance(15 * 60 - 1)
    assert attempt(idp, confirmed_user, PASSWORD) == LOCKED
    clock.advance(1.5)
    assert attempt(idp, confirmed_user, PASSWORD) is None


def test_a_success_resets_the_count(idp, confirmed_user, clock):
    fail(idp, confirmed_user, 4)
    assert attempt(idp, confirmed_user, PASSWORD) is None
    fail(idp, confirmed_user, 4)
    assert attempt(idp, confirmed_user, PASSWORD) is None


def test_fifteen_quiet_minutes_reset_the_count(idp, confirmed_user, clock):
    fail(idp, confirmed_user, 4)
    clock.advance(15 * 60 + 1)
    fail(idp, confirmed_user, 1)
    assert attempt(idp, confirmed_user, PASSWORD) is None


def srp_sign_in(idp: Any, user: dict[str, str], password: str) -> None:
    AWSSRP(username=user["username"], password=password, pool_id=user["pool_id"], client_id=user["client_id"],
           client=idp).authenticate_user()


def test_srp_failures_count_towards_the_lockout(idp, confirmed_user, clock):
    for _ in range(5):
        with pytest.raises(ClientError) as exc:
            srp_sign_in(idp, confirmed_user, WRONG)
        assert error_of(exc) == INCORRECT
    with pytest.raises(ClientError) as exc:
        srp_sign_in(idp, confirmed_user, PASSWORD)
    assert error_of(exc) == LOCKED
    assert attempt(idp, confirmed_user, PASSWORD) == LOCKED
    clock.advance(1.1)
    srp_sign_in(idp, confirmed_user, PASSWORD)


# --- passwords are never stored ------------------------------------------------------------------------------


def test_only_the_srp_salt_and_verifier_are_kept(idp, confirmed_user):
    user = emulator.EMULATOR.store.pools[confirmed_user["pool_id"]].users[confirmed_user["username"]]
    assert user.salt
    assert user.verifier
    for field in dataclasses.fields(User):
        assert PASSWORD not in repr(getattr(user, field.name)), field.name
    assert all(not isinstance(getattr(user, f.name), str) for f in dataclasses.fields(User)
               if "password" in f.name)
    assert attempt(idp, confirmed_user, PASSWORD) is None


# --- sessions ------------------------------------------------------------------------------------------------


def ask_three_times(event: dict[str, Any], context: Any) -> dict[str, Any]:
    done = len(event["request"]["session"]) >= 3
    event["response"].update(issueTokens=False, failAuthentication=done,
                             challengeName=None if done else "CUSTOM_CHALLENGE")
    return event


def riddle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"].update(publicChallengeParameters={"riddle": "?"},
                             privateChallengeParameters={"answer": "echo"}, challengeMetadata="RIDDLE")
    return event


def judge(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["request"]
    event["response"]["answerCorrect"] = request["challengeAnswer"] == request["privateChallengeParameters"]["answer"]
    return event


@pytest.fixture()
def custom_user(stack, idp, make_pool) -> Any:
    """custom_user(client=None) -> a confirmed user of a fresh pool whose custom-auth triggers ask a riddle."""

    def _make(client: dict[str, Any] | None = None) -> dict[str, str]:
        pool_id, client_id = make_pool(client=client, triggers={
            "DefineAuthChallenge": register_trigger(stack, ask_three_times),
            "CreateAuthChallenge": register_trigger(stack, riddle),
            "VerifyAuthChallengeResponse": register_trigger(stack, judge)})
        username = unique()
        idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD)
        idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
        return {"pool_id": pool_id, "client_id": client_id, "username": username}

    return _make


def start_custom(idp: Any, user: dict[str, str]) -> str:
    return idp.initiate_auth(ClientId=user["client_id"], AuthFlow="CUSTOM_AUTH",
                             AuthParameters={"USERNAME": user["username"]})["Session"]


def answer(idp: Any, user: dict[str, str], session: str, client_id: str | None = None) -> dict[str, Any]:
    return idp.respond_to_auth_challenge(ClientId=client_id or user["client_id"], ChallengeName="CUSTOM_CHALLENGE",
                                         Session=session,
                                         ChallengeResponses={"USERNAME": user["username"], "ANSWER": "nope"})


def test_a_session_answers_one_challenge_only(idp, custom_user):
    user = custom_user()
    first = start_custom(idp, user)
    second = answer(idp, user, first)
    assert second["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert second["Session"] != first
    with pytest.raises(ClientError) as exc:
        answer(idp, user, first)
    assert error_of(exc) == ("NotAuthorizedException", "Invalid session for the user.")


def test_a_session_expires_after_three_minutes(idp, custom_user, clock):
    user = custom_user()
    session = start_custom(idp, user)
    clock.advance(3 * 60 + 1)
    with pytest.raises(ClientError) as exc:
        answer(idp, user, session)
    assert error_of(exc) == ("NotAuthorizedException", "Invalid session for the user, session is expired.")


def test_auth_session_validity_sets_the_lifetime(idp, custom_user, clock):
    user = custom_user(client={"AuthSessionValidity": 10})
    session = start_custom(idp, user)
    clock.advance(9 * 60)
    session = answer(idp, user, session)["Session"]
    clock.advance(10 * 60 + 1)
    with pytest.raises(ClientError) as exc:
        answer(idp, user, session)
    assert error_of(exc) == ("NotAuthorizedException", "Invalid session for the user, session is expired.")


def test_a_session_belongs_to_its_client(idp, custom_user):
    user = custom_user()
    other = idp.create_user_pool_client(UserPoolId=user["pool_id"], ClientName="other",
                                        ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                                        )["UserPoolClient"]["ClientId"]
    session = start_custom(idp, user)
    with pytest.raises(ClientError) as exc:
        answer(idp, user, session, client_id=other)
    assert error_of(exc) == ("NotAuthorizedException", "Invalid session for the user.")


def test_a_password_verifier_challenge_answers_once(idp, confirmed_user):
    helper = AWSSRP(username=confirmed_user["username"], password=PASSWORD, pool_id=confirmed_user["pool_id"],
                    client_id=confirmed_user["client_id"], client=idp)
    params = helper.get_auth_params()
    started = idp.initiate_auth(ClientId=confirmed_user["client_id"], AuthFlow="USER_SRP_AUTH",
                                AuthParameters=params)
    responses = helper.process_challenge(started["ChallengeParameters"], params)
    idp.respond_to_auth_challenge(ClientId=confirmed_user["client_id"], ChallengeName="PASSWORD_VERIFIER",
                                  ChallengeResponses=responses)
    with pytest.raises(ClientError) as exc:
        idp.respond_to_auth_challenge(ClientId=confirmed_user["client_id"], ChallengeName="PASSWORD_VERIFIER",
                                      ChallengeResponses=responses)
    assert error_of(exc) == ("NotAuthorizedException", "Invalid session for the user.")

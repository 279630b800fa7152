"""The safety rules of the challenge engine, on moto DynamoDB with a clock the test moves: codes (EMAIL_OTP,
SMS_OTP) stored only as salted hashes, valid 10 minutes, single use, one live per user, 60 s between sends,
one message per round under Cognito's retries, 3 wrong answers per sign-in, a per-user failure counter that a
new code does not reset and that locks, unknown users indistinguishable, bad answers wrong and never errors."""

from __future__ import annotations

import hashlib
import json
import re
import statistics
import time

import boto3
import pytest

from chalicelib.auth.challenges.base import UserFacingError
from chalicelib.auth.challenges.delivered import LOCKED, TOO_SOON
from chalicelib.models.challenge import ChallengeState
from tests.integration.test_challenge_helpers import Harness, choose, code_in, new_user, start

MASKED_EMAIL = re.compile(r"^[a-z0-9]\*\*\*@[a-z]\*\*\*$")
MASKED_PHONE = re.compile(r"^\+\*{7}\d{4}$")


@pytest.fixture()
def harness(stack) -> Harness:
    return Harness()


def code_for(harness: Harness, to: str) -> str:
    return code_in(harness.sent_to(to)[-1].body)


@pytest.mark.parametrize(("method", "attribute", "medium", "mask"), [
    ("EMAIL_OTP", "email", "EMAIL", MASKED_EMAIL), ("SMS_OTP", "phone_number", "SMS", MASKED_PHONE)])
def test_a_code_signs_the_user_in(harness, method, attribute, medium, mask):
    user = new_user()
    sign_in = start(harness, user)
    assert sign_in.public == {"challenge": "PROVIDE_AUTH_PARAMETERS",
                              "methods": "EMAIL_OTP,SMS_OTP,MAGIC_LINK,TOTP,PASSKEY", "factor": "1"}
    assert sign_in.respond("__select__", {"signInMethod": method}) == "challenge"
    assert set(sign_in.public) == {"challenge", "destination", "deliveryMedium"}
    assert (sign_in.public["challenge"], sign_in.public["deliveryMedium"]) == (method, medium)
    assert mask.match(sign_in.public["destination"])
    [message] = harness.sent_to(user[attribute])
    assert sign_in.respond(code_in(message.body)) == "tokens"


def test_the_code_is_stored_only_as_a_salted_hash(harness):
    user = new_user()
    choose(harness, user, "EMAIL_OTP")
    code = code_for(harness, user["email"])
    table = boto3.resource("dynamodb", region_name="us-east-1").Table(ChallengeState.Meta.table_name)
    item = table.get_item(Key={"user_key": harness.store.user_key("us-east-1_Harness1", user["username"])})["Item"]
    text = json.dumps(item, default=str)
    assert code not in text and user["username"] not in text
    assert item["secret_salt"] and item["secret_hash"] != hashlib.sha256(code.encode()).hexdigest()


def test_a_code_is_valid_ten_minutes(harness):
    user = new_user()
    sign_in = choose(harness, user, "EMAIL_OTP")
    harness.advance(600)
    assert sign_in.respond(code_for(harness, user["email"])) == "challenge"
    fresh = new_user()
    sign_in = choose(harness, fresh, "EMAIL_OTP")
    harness.advance(599)
    assert sign_in.respond(code_for(harness, fresh["email"])) == "tokens"


def test_three_wrong_answers_end_the_sign_in_even_with_the_right_code_next(harness):
    user = new_user()
    sign_in = choose(harness, user, "EMAIL_OTP")
    code = code_for(harness, user["email"])
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert [sign_in.respond(wrong), sign_in.respond(wrong), sign_in.respond(wrong)] == [
        "challenge", "challenge", "failed"]
    assert harness.state(user["username"]).failures == 3


def test_a_new_code_does_not_reset_the_failure_counter_and_repeated_failures_lock_the_user(harness):
    user = new_user()
    first = choose(harness, user, "SMS_OTP")
    for _ in range(3):
        first.respond("000000" if code_for(harness, user["phone_number"]) != "000000" else "111111")
    harness.advance(60)
    second = choose(harness, user, "SMS_OTP")
    code = code_for(harness, user["phone_number"])
    assert harness.state(user["username"]).failures == 3
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    second.respond(wrong)
    second.respond(wrong)
    assert harness.state(user["username"]).locked_until == harness.now + 60
    assert second.respond(code) == "failed"  # locked: even the right code is refused
    assert harness.state(user["username"]).failures == 5  # an answer refused while locked is not counted
    with pytest.raises(UserFacingError, match=LOCKED):
        choose(harness, user, "SMS_OTP")
    harness.advance(60)
    third = choose(harness, user, "SMS_OTP")
    assert third.respond(code_for(harness, user["phone_number"])) == "tokens"
    assert harness.state(user["username"]).failures == 0


def test_create_invoked_again_for_the_same_round_sends_no_second_message(harness):
    user = new_user()
    sign_in = choose(harness, user, "EMAIL_OTP")
    first_private = dict(sign_in.private)
    sign_in.create({"signInMethod": "EMAIL_OTP"})  # Cognito retrying the same invocation
    sign_in.create({"signInMethod": "EMAIL_OTP"})
    assert len(harness.sent_to(user["email"])) == 1
    assert sign_in.private == first_private
    assert sign_in.respond(code_for(harness, user["email"])) == "tokens"


def test_one_live_code_per_user_and_60_seconds_between_sends(harness):
    user = new_user()
    old = choose(harness, user, "EMAIL_OTP")
    old_code = code_for(harness, user["email"])
    harness.advance(59)
    with pytest.raises(UserFacingError, match=TOO_SOON):
        choose(harness, user, "EMAIL_OTP")
    with pytest.raises(UserFacingError, match=TOO_SOON):
        choose(harness, user, "MAGIC_LINK")
    harness.advance(1)
    new = choose(harness, user, "EMAIL_OTP")
    assert len(harness.sent_to(user["email"])) == 2
    assert old.respond(old_code) == "challenge"  # replaced by the new one
    assert new.respond(code_for(harness, user["email"])) == "tokens"


def test_a_used_code_is_refused(harness):
    user = new_user()
    sign_in = choose(harness, user, "EMAIL_OTP")
    code = code_for(harness, user["email"])
    assert sign_in.verify(code)
    assert not sign_in.verify(code)  # the same answer to the same round, replayed
    harness.advance(60)
    again = choose(harness, user, "EMAIL_OTP")
    assert again.respond(code) == "challenge"


def test_a_code_from_another_sign_in_of_the_same_user_is_refused(harness):
    user = new_user()
    mine = choose(harness, user, "EMAIL_OTP")
    code = code_for(harness, user["email"])
    other = start(harness, user)
    # a round of another sign-in (its own key) answered with the live code, which is bound to the first
    other.private = {**mine.private, "key": "0" * 64}
    assert not other.verify(code)
    assert mine.respond(code) == "tokens"


@pytest.mark.parametrize("method", ["EMAIL_OTP", "SMS_OTP", "MAGIC_LINK"])
def test_an_unknown_user_gets_a_challenge_like_a_real_one_and_no_message(harness, method):
    real, ghost = new_user(), new_user()
    real_sign_in, ghost_sign_in = start(harness, real), start(harness, ghost, not_found=True)
    assert ghost_sign_in.public == real_sign_in.public
    assert set(ghost_sign_in.private) == set(real_sign_in.private)
    for sign_in in (real_sign_in, ghost_sign_in):
        assert sign_in.respond("__select__", {"signInMethod": method}) == "challenge"
    assert set(ghost_sign_in.public) == set(real_sign_in.public)
    assert ghost_sign_in.public["deliveryMedium"] == real_sign_in.public["deliveryMedium"]
    mask = MASKED_PHONE if method == "SMS_OTP" else MASKED_EMAIL
    assert mask.match(ghost_sign_in.public["destination"]) and mask.match(real_sign_in.public["destination"])
    assert ghost_sign_in.private.keys() == real_sign_in.private.keys()
    assert harness.sent_to(ghost["email"]) == [] and harness.sent_to(ghost["phone_number"]) == []
    assert harness.state(ghost["username"]).sent_at == harness.now  # the same write as for a real user
    assert [ghost_sign_in.respond("123456") for _ in range(3)] == ["challenge", "challenge", "failed"]


def test_an_unknown_user_is_throttled_like_a_real_one(harness):
    ghost = new_user()
    choose(harness, ghost, "EMAIL_OTP", not_found=True)
    with pytest.raises(UserFacingError, match=TOO_SOON):
        choose(harness, ghost, "EMAIL_OTP", not_found=True)


def test_an_unknown_user_s_challenge_takes_about_as_long(harness):
    def timed(not_found: bool) -> float:
        sign_in = start(harness, new_user(), not_found=not_found)
        started = time.perf_counter()
        sign_in.respond("__select__", {"signInMethod": "EMAIL_OTP"})
        return time.perf_counter() - started

    real = statistics.median(timed(False) for _ in range(7))
    ghost = statistics.median(timed(True) for _ in range(7))
    assert ghost < real * 4 + 0.02 and real < ghost * 4 + 0.02, (real, ghost)


BAD_ANSWERS = ["", " ", "12345", "1234567", "abcdef", "\uff11\uff12\uff13\uff14\uff15\uff16", "123456\x00",
               "\ud800\udc00\ud800", "9" * 100_000, "\x1b[31m123456", None, 123456, {"code": "123456"}, ["1"]]


@pytest.mark.parametrize("answer", BAD_ANSWERS, ids=range(len(BAD_ANSWERS)))
def test_a_malformed_answer_is_a_wrong_answer_not_an_error(harness, answer):
    user = new_user()
    sign_in = choose(harness, user, "EMAIL_OTP")
    assert sign_in.respond(answer) == "challenge"
    assert harness.state(user["username"]).failures == 1
    assert sign_in.respond(code_for(harness, user["email"])) == "tokens"


@pytest.mark.parametrize(("user_extra", "method"), [
    ({}, "CARRIER_PIGEON"),
    ({}, "PASSWORD"),
    ({"custom:auth_policy": json.dumps({"first": ["EMAIL_OTP"]})}, "SMS_OTP"),
])
def test_an_unknown_or_disallowed_method_fails_the_sign_in(harness, user_extra, method):
    sign_in = start(harness, new_user(**user_extra))
    assert method not in sign_in.public["methods"].split(",")
    assert sign_in.respond("__select__", {"signInMethod": method}) == "failed"


@pytest.mark.parametrize(("user_extra", "method", "to"), [
    ({"email_verified": "false"}, "EMAIL_OTP", "email"),
    ({"email_verified": "false"}, "MAGIC_LINK", "email"),
    ({"phone_number_verified": "false"}, "SMS_OTP", "phone_number"),
    ({}, "TOTP", None),
    ({}, "PASSKEY", None),
])
def test_a_method_the_user_cannot_use_is_offered_and_answered_like_an_unknown_user_s(harness, user_extra, method, to):
    real, ghost = new_user(**user_extra), new_user()
    real_sign_in, ghost_sign_in = start(harness, real), start(harness, ghost, not_found=True)
    assert real_sign_in.public == ghost_sign_in.public  # the list does not tell what the user can use
    for sign_in in (real_sign_in, ghost_sign_in):
        assert sign_in.respond("__select__", {"signInMethod": method}) == "challenge"
    assert set(real_sign_in.public) == set(ghost_sign_in.public)
    assert real_sign_in.private.keys() == ghost_sign_in.private.keys()
    if to is not None:
        assert harness.sent_to(real[to]) == []  # nothing goes to an unverified address
    assert [real_sign_in.respond("123456") for _ in range(3)] == ["challenge", "challenge", "failed"]


def test_a_selection_without_a_method_is_asked_again(harness):
    sign_in = start(harness, new_user())
    assert sign_in.respond("EMAIL_OTP") == "challenge"
    assert sign_in.public["challenge"] == "PROVIDE_AUTH_PARAMETERS"


def test_a_step_up_without_a_valid_token_fails(harness):
    sign_in = start(harness, new_user())
    assert sign_in.respond("__select__", {"signInMethod": "SMS_OTP", "stepUpToken": "not.a.jwt"}) == "failed"


@pytest.mark.parametrize("method", ["EMAIL_OTP", "MAGIC_LINK"])
def test_answers_are_compared_in_constant_time(harness, monkeypatch, method):
    from chalicelib.auth.challenges import crypto

    compared = []
    real = crypto.hmac.compare_digest
    monkeypatch.setattr(crypto.hmac, "compare_digest", lambda a, b: compared.append(1) or real(a, b))
    user = new_user()
    sign_in = choose(harness, user, method)
    body = harness.sent_to(user["email"])[-1].body
    answer = re.search(r"#(\S+)", body).group(1) if method == "MAGIC_LINK" else code_in(body)
    compared.clear()
    assert sign_in.respond(answer) == "tokens"
    assert compared  # the stored hash (and the link's signature) went through hmac.compare_digest

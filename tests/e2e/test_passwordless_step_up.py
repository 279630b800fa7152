"""PASSWORD then a second factor (step-up) through boto3 CUSTOM_AUTH against the local stack: SRP_A and
PASSWORD_VERIFIER inside CUSTOM_AUTH, then, when the user's policy requires it, a selection round offering the
second factors and the chosen code."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of
from tests.e2e.test_passwordless_helpers import message_to, password_first, passwordless_user, respond
from tests.helpers import INCORRECT


def test_password_then_an_sms_code(stack, idp, make_pool):
    user = passwordless_user(idp, make_pool, policy={"stepUpAfter": ["PASSWORD"]})
    selection = password_first(idp, user, user["password"])
    assert selection["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert selection["ChallengeParameters"] == {"challenge": "PROVIDE_AUTH_PARAMETERS", "factor": "2",
                                                "methods": "EMAIL_OTP,SMS_OTP", "USERNAME": user["username"]}
    challenge = respond(idp, user, selection["Session"], "__select__", {"signInMethod": "SMS_OTP"})
    assert challenge["ChallengeParameters"]["challenge"] == "SMS_OTP"
    done = respond(idp, user, challenge["Session"], message_to(stack, user["phone"])["code"])
    assert "AccessToken" in done["AuthenticationResult"]


def test_password_alone_is_enough_without_the_requirement(idp, make_pool):
    user = passwordless_user(idp, make_pool)
    assert "AccessToken" in password_first(idp, user, user["password"])["AuthenticationResult"]


def test_a_wrong_password_never_reaches_the_second_factor(idp, make_pool):
    user = passwordless_user(idp, make_pool, policy={"stepUpAfter": ["PASSWORD"]})
    with pytest.raises(ClientError) as exc:
        password_first(idp, user, "Wrong-Password-1")
    assert error_of(exc) == INCORRECT


def test_the_second_factor_cannot_be_a_magic_link_or_skipped(stack, idp, make_pool):
    user = passwordless_user(idp, make_pool, policy={"stepUpAfter": ["PASSWORD"]})
    selection = password_first(idp, user, user["password"])
    with pytest.raises(ClientError) as exc:
        respond(idp, user, selection["Session"], "__select__", {"signInMethod": "MAGIC_LINK"})
    assert error_of(exc) == INCORRECT
    selection = password_first(idp, user, user["password"])
    again = respond(idp, user, selection["Session"], "anything")  # no method: the selection again, no tokens
    assert again["ChallengeParameters"]["challenge"] == "PROVIDE_AUTH_PARAMETERS"
    assert "AuthenticationResult" not in again


def test_a_pool_without_password_sign_in_refuses_srp(idp, make_pool):
    user = passwordless_user(idp, make_pool, policy={"first": ["EMAIL_OTP"]})
    with pytest.raises(ClientError) as exc:
        password_first(idp, user, user["password"])
    assert error_of(exc) == INCORRECT

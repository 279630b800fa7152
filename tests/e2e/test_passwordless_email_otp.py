"""EMAIL_OTP through boto3 CUSTOM_AUTH against the local Cognito and the bundle's triggers: the selection round
lists the user's methods, the chosen method's code arrives by SES (the outbox), signs the user in once; three
wrong codes end the attempt; unknown or disallowed methods fail; unknown users get the same challenge."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of
from tests.e2e.test_passwordless_helpers import (
    ALL_FIRST_FACTORS,
    INCORRECT,
    choose,
    initiate,
    message_to,
    passwordless_user,
    respond,
    sent_to,
    three_answers_end_it,
)
from tests.helpers import claims_of


@pytest.fixture()
def user(idp, make_pool):
    return passwordless_user(idp, make_pool)


def test_the_first_challenge_lists_the_user_s_methods(idp, user):
    started = initiate(idp, user)
    assert started["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert started["ChallengeParameters"] == {"challenge": "PROVIDE_AUTH_PARAMETERS", "factor": "1",
                                              "methods": ALL_FIRST_FACTORS, "USERNAME": user["username"]}


def test_an_email_code_signs_the_user_in(stack, idp, user):
    challenge = choose(idp, user, "EMAIL_OTP")
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert challenge["ChallengeParameters"] == {"challenge": "EMAIL_OTP", "deliveryMedium": "EMAIL",
                                                "destination": "u***@e***", "USERNAME": user["username"]}
    message = message_to(stack, user["email"])
    assert (message["channel"], message["source"], message["subject"]) == ("email", "ses", "Your sign-in code")
    done = respond(idp, user, challenge["Session"], message["code"])
    claims = claims_of(done["AuthenticationResult"]["IdToken"])
    assert claims["cognito:username"] == user["username"]
    assert len(sent_to(stack, user["email"])) == 1


def test_three_wrong_codes_end_the_attempt(stack, idp, user):
    challenge = choose(idp, user, "EMAIL_OTP")
    code = message_to(stack, user["email"])["code"]
    three_answers_end_it(idp, user, challenge, f"{(int(code) + 1) % 10**6:06d}")


def test_a_reused_code_is_refused(stack, idp, user):
    challenge = choose(idp, user, "EMAIL_OTP")
    code = message_to(stack, user["email"])["code"]
    respond(idp, user, challenge["Session"], code)
    with pytest.raises(ClientError) as exc:  # the same Cognito session again
        respond(idp, user, challenge["Session"], code)
    assert error_of(exc) == ("NotAuthorizedException", "Invalid session for the user.")
    other = initiate(idp, user)  # a new sign-in within the minute: no new code, and the old one is spent
    with pytest.raises(ClientError) as exc:
        choose(idp, user, "EMAIL_OTP", other)
    assert error_of(exc) == ("UserLambdaValidationException", "CreateAuthChallenge failed with error A code or link "
                             "was sent less than a minute ago. Please wait before asking for another..")


@pytest.mark.parametrize("method", ["CARRIER_PIGEON", "PASSWORD", "email_otp"])
def test_an_unknown_or_disallowed_method_fails(idp, user, method):
    with pytest.raises(ClientError) as exc:
        choose(idp, user, method)
    assert error_of(exc) == INCORRECT


def test_a_method_the_user_s_policy_excludes_fails(idp, make_pool):
    user = passwordless_user(idp, make_pool, policy={"first": ["MAGIC_LINK"]})
    assert initiate(idp, user)["ChallengeParameters"]["methods"] == "MAGIC_LINK"
    with pytest.raises(ClientError) as exc:
        choose(idp, user, "EMAIL_OTP")
    assert error_of(exc) == INCORRECT


def test_an_unknown_user_gets_the_same_challenges_and_no_email(stack, idp, user):
    ghost = {**user, "username": "ghost-" + user["username"]}
    real_first, ghost_first = initiate(idp, user), initiate(idp, ghost)
    assert {**ghost_first["ChallengeParameters"], "USERNAME": "-"} == {**real_first["ChallengeParameters"],
                                                                       "USERNAME": "-"}
    real, fake = choose(idp, user, "EMAIL_OTP", real_first), choose(idp, ghost, "EMAIL_OTP", ghost_first)
    assert set(fake["ChallengeParameters"]) == set(real["ChallengeParameters"])
    assert fake["ChallengeParameters"]["destination"].endswith("***")
    assert not [m for m in stack.outbox() if ghost["username"] in m["to"]]
    challenge = fake
    for _ in range(2):
        challenge = respond(idp, ghost, challenge["Session"], "123456")
    with pytest.raises(ClientError) as exc:
        respond(idp, ghost, challenge["Session"], "123456")
    assert error_of(exc) == INCORRECT

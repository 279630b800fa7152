"""SMS_OTP through boto3 CUSTOM_AUTH against the local stack: the code goes out by SNS (the outbox), signs the
user in once, and is bound to the sign-in that asked for it."""

from __future__ import annotations

from tests.e2e.test_passwordless_helpers import choose, decoy_round, message_to, passwordless_user, respond, sent_to


def test_a_text_message_code_signs_the_user_in(stack, idp, make_pool):
    user = passwordless_user(idp, make_pool)
    challenge = choose(idp, user, "SMS_OTP")
    parameters = challenge["ChallengeParameters"]
    assert (parameters["challenge"], parameters["deliveryMedium"]) == ("SMS_OTP", "SMS")
    assert parameters["destination"] == "+*******" + user["phone"][-4:]
    message = message_to(stack, user["phone"])
    assert (message["channel"], message["source"]) == ("sms", "sns")
    done = respond(idp, user, challenge["Session"], message["code"])
    assert "AccessToken" in done["AuthenticationResult"]
    assert len(sent_to(stack, user["phone"])) == 1


def test_an_unverified_phone_gets_a_round_like_an_unknown_user_s_and_no_message(stack, idp, make_pool):
    user = passwordless_user(idp, make_pool, verified=False)
    round_ = decoy_round(idp, user, "SMS_OTP", "123456")
    assert round_["deliveryMedium"] == "SMS"
    assert sent_to(stack, user["phone"]) == []


def test_a_code_answers_only_its_own_sign_in_round(stack, idp, make_pool):
    user = passwordless_user(idp, make_pool)
    challenge = choose(idp, user, "SMS_OTP")
    code = message_to(stack, user["phone"])["code"]
    again = respond(idp, user, challenge["Session"], "not-a-code")
    assert again["ChallengeParameters"]["challenge"] == "SMS_OTP"
    assert len(sent_to(stack, user["phone"])) == 1  # asked again: no new code
    assert "IdToken" in respond(idp, user, again["Session"], code)["AuthenticationResult"]

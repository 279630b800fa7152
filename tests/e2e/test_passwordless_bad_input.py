"""Bad input through boto3 CUSTOM_AUTH against the local stack: malformed, oversized, binary and control-character
answers, odd client metadata, replayed sessions: clean Cognito errors or wrong answers, never a 5xx."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of
from tests.e2e.test_passwordless_helpers import choose, initiate, message_to, passwordless_user, respond


@pytest.fixture()
def user(idp, make_pool):
    return passwordless_user(idp, make_pool)


ANSWERS = ["", " ", "12345", "\uff11\uff12\uff13\uff14\uff15\uff16", "123456\u0000", "\u001b[2J", "🙂" * 100,
           "a" * 4097, "9" * 60_000, "' OR '1'='1", "${jndi:ldap://x}"]


@pytest.mark.parametrize("answer", ANSWERS, ids=range(len(ANSWERS)))
def test_a_malformed_answer_is_a_clean_failure(stack, idp, user, answer):
    challenge = choose(idp, user, "EMAIL_OTP")
    try:
        again = respond(idp, user, challenge["Session"], answer)
    except ClientError as exc:
        assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert exc.response["Error"]["Code"] == "InvalidParameterException"
        return
    assert again["ChallengeParameters"]["challenge"] == "EMAIL_OTP"
    assert "AuthenticationResult" in respond(idp, user, again["Session"], message_to(stack, user["email"])["code"])


@pytest.mark.parametrize("metadata", [{"signInMethod": ""}, {"signInMethod": "EMAIL_OTP\u0000"},
                                      {"signInMethod": "x" * 1000}, {"stepUpToken": "x" * 5000},
                                      {"signInMethod": "EMAIL_OTP", "stepUpToken": "a.b.c"}])
def test_odd_client_metadata_fails_cleanly(idp, user, metadata):
    started = initiate(idp, user)
    try:
        result = respond(idp, user, started["Session"], "__select__", metadata)
    except ClientError as exc:
        assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert exc.response["Error"]["Code"] in ("NotAuthorizedException", "InvalidParameterException")
        return
    assert result["ChallengeParameters"]["challenge"] == "PROVIDE_AUTH_PARAMETERS"


def test_a_replayed_or_forged_session_is_refused(stack, idp, user):
    started = initiate(idp, user)
    challenge = choose(idp, user, "EMAIL_OTP", started)
    with pytest.raises(ClientError) as exc:
        respond(idp, user, started["Session"], "__select__", {"signInMethod": "SMS_OTP"})
    assert error_of(exc) == ("NotAuthorizedException", "Invalid session for the user.")
    with pytest.raises(ClientError) as exc:
        respond(idp, user, challenge["Session"][:-8] + "AAAAAAAA", "123456")
    assert error_of(exc)[0] == "NotAuthorizedException"

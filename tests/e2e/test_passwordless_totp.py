"""TOTP through boto3 CUSTOM_AUTH against the local Cognito and the bundle's triggers: a code from the user's
authenticator app signs in as a first factor and as the second factor after PASSWORD (step-up); one step of
drift; a code is never accepted twice (also under concurrent answers); three wrong codes end the attempt; the
local pool's SOFTWARE_TOKEN_MFA and the TOTP plug-in accept the same codes; a user who never enrolled and an
unknown user get the same round, which no code passes; a sign-in costs at most 4 DynamoDB requests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from botocore.exceptions import ClientError

from chalicelib.auth.challenges import totp
from chalicelib.models.authenticator import TotpSecret
from tests.e2e.conftest import error_of
from tests.e2e.test_passwordless_helpers import (
    ALL_FIRST_FACTORS,
    FIRST,
    SECOND,
    DynamoCounter,
    choose,
    decoy_round,
    initiate,
    mark_enrolled,
    password_first,
    passwordless_user,
    respond,
    sub_of,
)
from tests.helpers import INCORRECT


@pytest.fixture(autouse=True)
def policy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool lists TOTP and PASSKEY (the triggers run in this process and read the policy per call)."""
    monkeypatch.setenv("AUTH_FIRST_FACTORS", FIRST)
    monkeypatch.setenv("AUTH_SECOND_FACTORS", SECOND)


def owner(idp: Any, user: dict[str, str]) -> str:
    return totp.owner_of(user["pool_id"], sub_of(idp, user))


def enroll(idp: Any, user: dict[str, str]) -> str:
    """Enroll an authenticator app for ``user`` (as the API's enrollment route does) and activate it with the
    previous step's code, so that the current step's code is still unused."""
    key = owner(idp, user)
    secret = totp.begin_enrollment(key, time.time())
    assert totp.activate(key, pyotp.TOTP(secret).at(time.time() - 30), time.time(), "Phone")
    mark_enrolled(idp, user, "TOTP")
    return secret


def code(secret: str, drift: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + drift)


def wrong(secret: str) -> str:
    near = {code(secret, drift) for drift in (-60, -30, 0, 30, 60)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in near)


@pytest.fixture()
def user(idp: Any, make_pool: Any) -> dict[str, str]:
    return passwordless_user(idp, make_pool)


@pytest.fixture()
def secret(idp: Any, user: dict[str, str]) -> str:
    return enroll(idp, user)


def test_the_selection_lists_totp_before_and_after_enrollment_alike(idp, user):
    assert initiate(idp, user)["ChallengeParameters"]["methods"] == ALL_FIRST_FACTORS
    enroll(idp, user)
    assert initiate(idp, user)["ChallengeParameters"]["methods"] == ALL_FIRST_FACTORS


def test_an_authenticator_code_signs_the_user_in(stack, idp, user, secret):
    challenge = choose(idp, user, "TOTP")
    assert challenge["ChallengeParameters"] == {"challenge": "TOTP", "digits": "6", "period": "30",
                                                "USERNAME": user["username"]}
    done = respond(idp, user, challenge["Session"], code(secret))
    assert "AccessToken" in done["AuthenticationResult"]
    assert totp.load(owner(idp, user)).last_step == totp.step_of(time.time())


def test_a_code_is_accepted_once_and_one_step_of_drift_is_allowed(idp, user, secret):
    current = code(secret)
    assert "AuthenticationResult" in respond(idp, user, choose(idp, user, "TOTP")["Session"], current)
    again = respond(idp, user, choose(idp, user, "TOTP")["Session"], current)  # the same code again: refused
    assert again["ChallengeParameters"]["challenge"] == "TOTP" and "AuthenticationResult" not in again
    ahead = code(secret, 30)  # the next step's code (a fast phone clock) is accepted ...
    assert "AuthenticationResult" in respond(idp, user, again["Session"], ahead)
    late = respond(idp, user, choose(idp, user, "TOTP")["Session"], code(secret))
    assert "AuthenticationResult" not in late  # ... and then no earlier step is
    too_far = respond(idp, user, late["Session"], code(secret, 90))
    assert "AuthenticationResult" not in too_far


def test_concurrent_right_answers_give_one_success(stack, idp, user, secret):
    rounds = [choose(idp, user, "TOTP") for _ in range(6)]
    answer = code(secret, 30)
    results: list[str] = []
    barrier = threading.Barrier(len(rounds))

    def submit(session: str) -> None:
        client = stack.client()
        barrier.wait()
        reply = respond(client, user, session, answer)
        results.append("tokens" if "AuthenticationResult" in reply else "again")

    threads = [threading.Thread(target=submit, args=(r["Session"],)) for r in rounds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == ["again"] * 5 + ["tokens"]


def test_three_wrong_codes_end_the_attempt(idp, user, secret):
    challenge = choose(idp, user, "TOTP")
    for _ in range(2):
        challenge = respond(idp, user, challenge["Session"], wrong(secret))
    with pytest.raises(ClientError) as exc:
        respond(idp, user, challenge["Session"], wrong(secret))
    assert error_of(exc) == INCORRECT


FULLWIDTH = "\uff11\uff12\uff13\uff14\uff15\uff16"  # digits, but not ASCII ones


@pytest.mark.parametrize("answer", ["", "12345", "1234567", "abcdef", FULLWIDTH, "123 456", "9" * 4000])
def test_a_malformed_code_is_a_wrong_answer(idp, user, secret, answer):
    try:
        again = respond(idp, user, choose(idp, user, "TOTP")["Session"], answer)
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "InvalidParameterException"
        return
    assert again["ChallengeParameters"]["challenge"] == "TOTP"
    assert "AuthenticationResult" in respond(idp, user, again["Session"], code(secret))


def test_password_then_an_authenticator_code(idp, make_pool):
    stepped = passwordless_user(idp, make_pool, policy={"stepUpAfter": ["PASSWORD"]})
    secret = enroll(idp, stepped)
    selection = password_first(idp, stepped, stepped["password"])
    assert selection["ChallengeParameters"]["methods"] == "EMAIL_OTP,SMS_OTP,TOTP"
    challenge = respond(idp, stepped, selection["Session"], "__select__", {"signInMethod": "TOTP"})
    assert challenge["ChallengeParameters"]["challenge"] == "TOTP"
    assert "AccessToken" in respond(idp, stepped, challenge["Session"], code(secret))["AuthenticationResult"]


def test_totp_cannot_skip_the_password_when_only_a_second_factor(idp, make_pool, monkeypatch):
    monkeypatch.setenv("AUTH_FIRST_FACTORS", "EMAIL_OTP,PASSWORD")
    stepped = passwordless_user(idp, make_pool, policy={"stepUpAfter": ["PASSWORD"]})
    with pytest.raises(ClientError) as exc:
        choose(idp, stepped, "TOTP")
    assert error_of(exc) == INCORRECT


def test_a_user_who_never_enrolled_and_an_unknown_user_get_the_same_totp_round_no_code_passes(idp, user):
    ghost = {**user, "username": "ghost-" + user["username"]}
    real, fake = initiate(idp, user), initiate(idp, ghost)
    assert {**real["ChallengeParameters"], "USERNAME": "-"} == {**fake["ChallengeParameters"], "USERNAME": "-"}
    rounds = [decoy_round(idp, who, "TOTP", "123456", started) for started, who in ((real, user), (fake, ghost))]
    assert [{**r, "USERNAME": "-"} for r in rounds] == [{**rounds[1], "USERNAME": "-"}] * 2


def test_a_user_whose_attribute_outlived_the_secret_gets_a_round_no_code_passes(idp, user):
    mark_enrolled(idp, user, "TOTP")  # the attribute says TOTP, the table has no secret
    challenge = choose(idp, user, "TOTP")
    assert challenge["ChallengeParameters"]["challenge"] == "TOTP"
    for _ in range(2):
        challenge = respond(idp, user, challenge["Session"], "123456")
    with pytest.raises(ClientError) as exc:
        respond(idp, user, challenge["Session"], "123456")
    assert error_of(exc) == INCORRECT


def test_the_local_pool_s_software_token_and_the_plug_in_accept_the_same_codes(idp, user):
    access = idp.initiate_auth(ClientId=user["client_id"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": user["username"], "PASSWORD": user["password"]})["AuthenticationResult"]["AccessToken"]
    idp.update_user_attributes(AccessToken=access, UserAttributes=[{"Name": "custom:authenticators", "Value": "TOTP"}])
    shared = idp.associate_software_token(AccessToken=access)["SecretCode"]
    idp.verify_software_token(AccessToken=access, UserCode=code(shared, -30))
    idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    key = owner(idp, user)
    TotpSecret(key, secret=totp.seal(key, shared), created_at=time.time()).save()

    now = code(shared)
    # The plug-in accepts the code; then the pool, whose user has SOFTWARE_TOKEN_MFA on, runs its own MFA after
    # the custom challenges, and accepts the very same code from the very same secret.
    mfa = respond(idp, user, choose(idp, user, "TOTP")["Session"], now)
    assert mfa["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    done = idp.respond_to_auth_challenge(ClientId=user["client_id"], ChallengeName="SOFTWARE_TOKEN_MFA",
                                         Session=mfa["Session"], ChallengeResponses={
                                             "USERNAME": user["username"], "SOFTWARE_TOKEN_MFA_CODE": now})
    assert "AccessToken" in done["AuthenticationResult"]
    assert totp.load(key).last_step in (totp.step_of(time.time()) - 1, totp.step_of(time.time()))


def test_the_secret_is_stored_only_encrypted(idp, user, secret):
    import os

    import boto3

    table = boto3.resource("dynamodb", region_name="us-east-1").Table(os.environ["TOTP_TABLE"])
    item = table.get_item(Key={"owner": owner(idp, user)})["Item"]
    text = str(item)
    assert secret not in text and secret.lower() not in text
    assert item["secret"].startswith("v1.") and "pending" not in item
    other = totp.owner_of(user["pool_id"], "someone-else")
    assert totp.unseal(other, item["secret"]) is None and totp.unseal(owner(idp, user), item["secret"]) == secret


@pytest.fixture()
def counter(monkeypatch: pytest.MonkeyPatch) -> Iterator[DynamoCounter]:
    yield DynamoCounter(monkeypatch)


def test_a_sign_in_costs_at_most_four_requests_and_two_writes(idp, user, secret, counter):
    challenge = choose(idp, user, "TOTP")
    assert "AuthenticationResult" in respond(idp, user, challenge["Session"], code(secret))
    assert counter.requests <= 4 and counter.writes <= 2, counter.calls
    assert dict(counter.calls) == {"BatchGetItem": 1, "PutItem": 1}  # the state and the secret in one read


def test_nothing_secret_is_logged(idp, user, secret, captured):
    wrong_code, right_code = wrong(secret), code(secret)
    challenge = respond(idp, user, choose(idp, user, "TOTP")["Session"], wrong_code)
    assert "AuthenticationResult" in respond(idp, user, challenge["Session"], right_code)
    text = captured.getvalue()
    assert '"method":"TOTP"' in text.replace(" ", "")
    sealed = totp.load(owner(idp, user)).secret
    for value in (wrong_code, right_code, secret, sealed, sealed.split(".")[-1][:20]):
        assert value not in text

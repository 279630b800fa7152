"""Issue 4's "Done when", tried as a new user would against the running local stack with its default settings
(no AUTH_* variable set): one user signs in with an email code, an SMS code, a magic link, an authenticator
app and a passkey (with a username and without), and with a password followed by an authenticator code; three
wrong codes end the attempt; a reused code and a reused link are refused. Also: only a passkey sign-in starts
without a username; deleting the last authenticator lifts the MFA requirement, a failed activation records
nothing.

The user's authenticators are enrolled through the auth API (TOTP: enrollment and verification; passkey:
registration options and verification with the software authenticator of tests/webauthn_authenticator.py);
the sign-ins go through the auth API's passwordless routes over HTTP, and through boto3 CUSTOM_AUTH where the
API has no route (SRP inside CUSTOM_AUTH, and the selection list a Cognito client sees).

The pool is the seeded demo pool's shape (emulator/seed.json) with the attribute the enrollment records,
``custom:authenticators``, in its schema; the API is pointed at it as ``make run`` points it at the demo pool.
Between two codes or links sent to the user the test moves the stored send time back a minute instead of
waiting for the 60 s resend interval.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pyotp
import pytest

from emulator.stack import SEED_FILE
from tests.e2e.conftest import PASSWORD, unique
from tests.e2e.test_passwordless_helpers import (
    ALL_FIRST_FACTORS,
    Http,
    challenge,
    choose,
    error,
    initiate,
    link_token,
    message_to,
    password_first,
    phone_number,
    respond,
    three_answers_end_it,
    tokens,
)
from tests.helpers import INCORRECT
from tests.webauthn_authenticator import SoftAuthenticator

AUTHENTICATORS_SCHEMA = {"Name": "authenticators", "AttributeDataType": "String", "Mutable": True,
                         "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "64"}}


@pytest.fixture()
def user(stack: Any, idp: Any, make_pool: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A confirmed user with a verified email and phone, in a pool shaped like the demo pool, which the API uses."""
    import emulator

    for name in ("AUTH_FIRST_FACTORS", "AUTH_SECOND_FACTORS", "AUTH_STEP_UP_AFTER", "AUTH_MFA_STEP_UP_AFTER"):
        monkeypatch.delenv(name, raising=False)
    seed = json.loads(SEED_FILE.read_text())
    demo_pool, demo_client = seed["userPool"], seed["userPoolClient"]
    schema = [*demo_pool["Schema"]]
    if not any(entry["Name"] == "authenticators" for entry in schema):
        schema.append(AUTHENTICATORS_SCHEMA)
    pool_id, client_id = make_pool(
        pool={"Schema": schema, "Policies": demo_pool["Policies"]},
        client={"ExplicitAuthFlows": demo_client["ExplicitAuthFlows"],
                "PreventUserExistenceErrors": demo_client["PreventUserExistenceErrors"],
                "EnableTokenRevocation": True})
    monkeypatch.setenv("USER_POOL_ID", pool_id)
    monkeypatch.setenv("USER_POOL_CLIENT_ID", client_id)
    monkeypatch.setenv("COGNITO_ISSUER", emulator.EMULATOR.issuer(pool_id))
    monkeypatch.delenv("USER_POOL_CLIENT_SECRET", raising=False)
    username = unique()
    email, phone = f"{username}@example.com", phone_number()
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS", UserAttributes=[
        {"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"},
        {"Name": "phone_number", "Value": phone}, {"Name": "phone_number_verified", "Value": "true"}])
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    return {"pool_id": pool_id, "client_id": client_id, "username": username, "email": email, "phone": phone,
            "password": PASSWORD}


def a_minute_passes(user: dict[str, str]) -> None:
    """Move the user's last send a minute back (the 60 s resend interval), as if the user waited."""
    from chalicelib.auth.challenges.settings import ChallengeSettings
    from chalicelib.auth.challenges.store import DynamoStore
    from chalicelib.models.challenge import ChallengeState

    key = DynamoStore(ChallengeSettings.from_env()).user_key(user["pool_id"], user["username"])
    state = ChallengeState.get(key, consistent_read=True)
    state.update(actions=[ChallengeState.sent_at.set(float(state.sent_at) - 61)])


def offered(idp: Any, user: dict[str, str]) -> str:
    """The methods the selection round of a CUSTOM_AUTH sign-in lists (the client does not go on)."""
    return str(initiate(idp, user)["ChallengeParameters"]["methods"])


def code_at(secret: str, drift: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + drift)


def test_done_when(stack: Any, idp: Any, user: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    api = Http(stack.base_url)
    name = user["username"]

    # A password alone signs in while the user has no authenticator; the first selection lists every method,
    # whatever the user can use (it must not tell an attacker who exists or what they enrolled).
    access = tokens(api.post("/auth/sign-in", {"username": name, "password": user["password"]}))["accessToken"]
    assert "AuthenticationResult" in password_first(idp, user, user["password"])
    assert offered(idp, user) == ALL_FIRST_FACTORS

    # An email code; the same code again, in the next sign-in, is refused (the new one works).
    sent = challenge(api.post("/auth/passwordless/start", {"username": name, "method": "EMAIL_OTP"}), "EMAIL_OTP")
    used = message_to(stack, user["email"])
    tokens(api.post("/auth/passwordless/answer", {"username": name, "session": sent["session"],
                                                  "answer": used["code"]}))
    a_minute_passes(user)
    sent = challenge(api.post("/auth/passwordless/start", {"username": name, "method": "EMAIL_OTP"}), "EMAIL_OTP")
    fresh = message_to(stack, user["email"], after={used["id"]})
    again = challenge(api.post("/auth/passwordless/answer", {"username": name, "session": sent["session"],
                                                             "answer": used["code"]}), "EMAIL_OTP")
    tokens(api.post("/auth/passwordless/answer", {"username": name, "session": again["session"],
                                                  "answer": fresh["code"]}))

    # An SMS code.
    a_minute_passes(user)
    sent = challenge(api.post("/auth/passwordless/start", {"username": name, "method": "SMS_OTP"}), "SMS_OTP")
    tokens(api.post("/auth/passwordless/answer", {"username": name, "session": sent["session"],
                                                  "answer": message_to(stack, user["phone"])["code"]}))

    # A magic link, opened (its landing page POSTs the token); the same link again is refused.
    a_minute_passes(user)
    challenge(api.post("/auth/passwordless/start", {"username": name, "method": "MAGIC_LINK"}), "MAGIC_LINK")
    token = link_token(message_to(stack, user["email"])["link"])
    tokens(api.post("/auth/passwordless/magic-link", {"token": token}))
    assert error(api.post("/auth/passwordless/magic-link", {"token": token})) == (401, *INCORRECT)

    # Three wrong codes end the attempt, with Cognito's error.
    a_minute_passes(user)
    round_ = choose(idp, user, "EMAIL_OTP")
    code = message_to(stack, user["email"])["code"]
    three_answers_end_it(idp, user, round_, f"{(int(code) + 1) % 10 ** 6:06d}")

    # An authenticator app, enrolled through the API; then it signs in.
    enrollment = api.post("/auth/authenticators/totp", token=access)
    assert enrollment.status_code == 200, enrollment.text
    secret = enrollment.json()["secret"]
    assert enrollment.json()["otpauthUri"].startswith("otpauth://totp/")
    verified = api.post("/auth/authenticators/totp/verify", {"code": code_at(secret, -30), "name": "Phone"},
                        token=access)
    assert verified.status_code == 200 and verified.json()["type"] == "TOTP", verified.text
    sent = challenge(api.post("/auth/passwordless/start", {"username": name, "method": "TOTP"}), "TOTP")
    current = code_at(secret)
    tokens(api.post("/auth/passwordless/answer", {"username": name, "session": sent["session"], "answer": current}))
    sent = challenge(api.post("/auth/passwordless/start", {"username": name, "method": "TOTP"}), "TOTP")
    challenge(api.post("/auth/passwordless/answer", {"username": name, "session": sent["session"],
                                                     "answer": current}), "TOTP")  # reused: asked again

    # Now a password is followed by a second factor: an authenticator code.
    selection = password_first(idp, user, user["password"])
    assert "AuthenticationResult" not in selection
    assert selection["ChallengeParameters"] == {"challenge": "PROVIDE_AUTH_PARAMETERS", "factor": "2",
                                                "methods": "EMAIL_OTP,SMS_OTP,TOTP", "USERNAME": name}
    round_ = respond(idp, user, selection["Session"], "__select__", {"signInMethod": "TOTP"})
    assert round_["ChallengeParameters"]["challenge"] == "TOTP"
    done = respond(idp, user, round_["Session"], code_at(secret, 30))
    assert done["AuthenticationResult"]["AccessToken"]

    # The same through the auth API: its password sign-in no longer hands out tokens for the password alone;
    # it asks for the enrolled authenticator (or the second factor the client names), then /auth/challenge.
    # The codes of the three windows around now are spent above, so this part runs 90 s later.
    real_time = time.time
    with monkeypatch.context() as later:
        later.setattr(time, "time", lambda: real_time() + 90)
        asked = challenge(api.post("/auth/sign-in", {"username": name, "password": user["password"]}), "TOTP")
        assert "accessToken" not in asked
        wrong_totp = next(c for c in ("000000", "111111", "222222")
                          if c not in {code_at(secret, d) for d in (-30, 0, 30)})
        asked = challenge(api.post("/auth/challenge", {"username": name, "session": asked["session"],
                                                       "challenge": "CUSTOM_CHALLENGE",
                                                       "responses": {"ANSWER": wrong_totp}}), "TOTP")
        tokens(api.post("/auth/challenge", {"username": name, "session": asked["session"],
                                            "challenge": "CUSTOM_CHALLENGE", "responses": {"ANSWER": code_at(secret)}}))
        by_email = challenge(api.post("/auth/sign-in", {"username": name, "password": user["password"],
                                                        "secondFactor": "EMAIL_OTP"}), "EMAIL_OTP")
        tokens(api.post("/auth/challenge", {"username": name, "session": by_email["session"],
                                            "challenge": "CUSTOM_CHALLENGE",
                                            "responses": {"ANSWER": message_to(stack, user["email"])["code"]}}))
        assert error(api.post("/auth/sign-in", {"username": name, "password": "Wrong-Horse-9"})) == (401, *INCORRECT)

    # A passkey, registered through the API; then it signs in, with a username and without.
    device = SoftAuthenticator()
    options = api.post("/auth/authenticators/passkeys/options", token=access)
    assert options.status_code == 200, options.text
    registered = api.post("/auth/authenticators/passkeys", {"credential": device.register(options.json()["options"]),
                                                            "name": "Laptop"}, token=access)
    assert registered.status_code == 200 and registered.json()["type"] == "PASSKEY", registered.text
    sent = challenge(api.post("/auth/passwordless/start", {"username": name, "method": "PASSKEY"}), "PASSKEY")
    assertion = device.assert_(json.loads(sent["parameters"]["options"]))
    tokens(api.post("/auth/passwordless/answer", {"username": name, "session": sent["session"],
                                                  "answer": json.dumps(assertion)}))
    sent = challenge(api.post("/auth/passwordless/start", {"method": "PASSKEY"}), "PASSKEY")
    options = json.loads(sent["parameters"]["options"])
    assert options["allowCredentials"] == []
    signed_in = tokens(api.post("/auth/passwordless/answer", {"session": sent["session"],
                                                              "answer": json.dumps(device.assert_(options))}))
    assert signed_in["accessToken"] != access


def test_only_a_passkey_sign_in_starts_without_a_username(stack: Any, user: dict[str, str]) -> None:
    api = Http(stack.base_url)
    for method in ("EMAIL_OTP", "SMS_OTP", "MAGIC_LINK", "TOTP"):
        assert error(api.post("/auth/passwordless/start", {"method": method})) == (
            400, "InvalidParameterException",
            "A username is required for this sign-in method (only PASSKEY can start without one).")
    assert error(api.post("/auth/passwordless/answer", {"session": "x" * 40, "answer": "123456"})) == (
        400, "InvalidParameterException", "A username is required to answer this challenge.")
    sent = challenge(api.post("/auth/passwordless/start", {"method": "PASSKEY"}), "PASSKEY")
    for bad in ("123456", "{}", json.dumps({"type": "public-key"})):
        assert error(api.post("/auth/passwordless/answer", {"session": sent["session"], "answer": bad})) == (
            401, *INCORRECT)


def test_deleting_the_last_authenticator_lifts_the_mfa_requirement(stack: Any, idp: Any, user: dict[str, str]) -> None:
    api = Http(stack.base_url)
    access = tokens(api.post("/auth/sign-in", {"username": user["username"], "password": user["password"]}))[
        "accessToken"]
    secret = api.post("/auth/authenticators/totp", token=access).json()["secret"]
    assert api.post("/auth/authenticators/totp/verify", {"code": code_at(secret, -30)}, token=access).ok
    assert "AuthenticationResult" not in password_first(idp, user, user["password"])
    assert api.post("/auth/authenticators/delete", {"id": "TOTP"}, token=access).ok
    assert password_first(idp, user, user["password"])["AuthenticationResult"]["AccessToken"]
    # a wrong activation code records nothing
    secret = api.post("/auth/authenticators/totp", token=access).json()["secret"]
    wrong = next(c for c in ("000000", "111111", "222222") if c not in {code_at(secret, d) for d in (-30, 0, 30)})
    assert error(api.post("/auth/authenticators/totp/verify", {"code": wrong}, token=access)) == (
        400, "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")

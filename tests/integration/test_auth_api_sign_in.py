"""POST /auth/sign-in and /auth/challenge: tokens for a completed sign-in, {challenge, session, parameters}
for an open one, and Cognito's refusals."""

from __future__ import annotations

from tests.e2e.conftest import PASSWORD
from tests.helpers import claims_of
from tests.integration.conftest import new_user, sign_in, sign_up

NEW_PASSWORD = "Brand-New-Pass-7"


def test_sign_in_answers_the_four_token_fields(api, user):
    reply = sign_in(api, user)
    assert reply.status == 200
    assert set(reply.json) == {"idToken", "accessToken", "refreshToken", "expiresIn"}
    assert reply.json["expiresIn"] == 3600
    access = claims_of(reply.json["accessToken"])
    identity = claims_of(reply.json["idToken"])
    assert (access["token_use"], access["username"]) == ("access", user["username"])
    assert (identity["token_use"], identity["email"]) == ("id", user["email"])


def test_wrong_password_is_401(api, user):
    reply = sign_in(api, {**user, "password": "Wrong-Password-1"})
    assert reply.status == 401
    assert reply.error == ("NotAuthorizedException", "Incorrect username or password.")


def test_unconfirmed_user_with_the_right_password_is_403(api):
    username, email = new_user()
    sign_up(api, username, email)
    reply = sign_in(api, {"username": username, "password": PASSWORD})
    assert reply.status == 403
    assert reply.error == ("UserNotConfirmedException", "User is not confirmed.")


def test_new_password_required_is_a_challenge_answered_through_the_api(api, idp, isolated_pool):
    pool_id, _client_id = isolated_pool
    username = new_user()[0]
    idp.admin_create_user(UserPoolId=pool_id, Username=username, TemporaryPassword="Temporary-Pass-1",
                          MessageAction="SUPPRESS")
    opened = sign_in(api, {"username": username, "password": "Temporary-Pass-1"})
    assert opened.status == 200
    assert set(opened.json) == {"challenge", "session", "parameters"}
    assert opened.json["challenge"] == "NEW_PASSWORD_REQUIRED"
    assert "requiredAttributes" in opened.json["parameters"]

    answered = api.post("/auth/challenge", {"username": username, "session": opened.json["session"],
                                            "challenge": "NEW_PASSWORD_REQUIRED",
                                            "responses": {"NEW_PASSWORD": NEW_PASSWORD}})
    assert answered.status == 200
    assert set(answered.json) == {"idToken", "accessToken", "refreshToken", "expiresIn"}
    assert sign_in(api, {"username": username, "password": NEW_PASSWORD}).status == 200


def test_a_used_or_made_up_session_is_refused(api, user):
    reply = api.post("/auth/challenge", {"username": user["username"], "session": "x" * 40,
                                         "challenge": "NEW_PASSWORD_REQUIRED",
                                         "responses": {"NEW_PASSWORD": NEW_PASSWORD}})
    assert reply.status == 401
    assert reply.error == ("NotAuthorizedException", "Invalid session for the user.")

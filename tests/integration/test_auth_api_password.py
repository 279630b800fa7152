"""POST /auth/password/forgot, /auth/password/confirm and /auth/password/change."""

from __future__ import annotations

from tests.integration.conftest import sign_in

NEW_PASSWORD = "Another-Good-Pass-5"


def test_forgot_then_confirm_with_the_outbox_code_sets_the_new_password(api, stack, user):
    reply = api.post("/auth/password/forgot", {"username": user["username"]})
    assert (reply.status, reply.json) == (200, {"codeDelivery": {}})
    code = stack.latest_code(user["email"])
    reset = api.post("/auth/password/confirm", {"username": user["username"], "code": code, "password": NEW_PASSWORD})
    assert (reset.status, reset.json) == (200, {"passwordReset": True})
    assert sign_in(api, user).status == 401
    assert sign_in(api, {**user, "password": NEW_PASSWORD}).status == 200


def test_a_wrong_reset_code_is_a_code_mismatch(api, stack, user):
    api.post("/auth/password/forgot", {"username": user["username"]})
    reply = api.post("/auth/password/confirm", {"username": user["username"], "code": "999999x",
                                                "password": NEW_PASSWORD})
    assert reply.status == 400
    assert reply.error == ("CodeMismatchException", "Invalid verification code provided, please try again.")


def test_confirm_without_asking_for_a_code_is_expired(api, user):
    reply = api.post("/auth/password/confirm", {"username": user["username"], "code": "123456",
                                                "password": NEW_PASSWORD})
    assert reply.status == 400
    assert reply.error == ("ExpiredCodeException", "Invalid code provided, please request a code again.")


def test_a_weak_new_password_is_refused(api, stack, user):
    api.post("/auth/password/forgot", {"username": user["username"]})
    reply = api.post("/auth/password/confirm", {"username": user["username"], "code": stack.latest_code(user["email"]),
                                                "password": "weakpass"})
    assert reply.status == 400
    assert reply.error == ("InvalidPasswordException",
                           "Password did not conform with policy: Password must have uppercase characters")


def test_change_password(api, user, tokens):
    reply = api.post("/auth/password/change", {"previousPassword": user["password"], "proposedPassword": NEW_PASSWORD},
                     headers=api.bearer(tokens["accessToken"]))
    assert (reply.status, reply.json) == (200, {"passwordChanged": True})
    assert sign_in(api, {**user, "password": NEW_PASSWORD}).status == 200


def test_change_password_with_a_wrong_previous_password_is_401(api, user, tokens):
    reply = api.post("/auth/password/change", {"previousPassword": "Not-The-Old-1", "proposedPassword": NEW_PASSWORD},
                     headers=api.bearer(tokens["accessToken"]))
    assert reply.status == 401
    assert reply.error == ("NotAuthorizedException", "Incorrect username or password.")


def test_change_password_to_a_weak_one_is_400(api, user, tokens):
    reply = api.post("/auth/password/change", {"previousPassword": user["password"], "proposedPassword": "x"},
                     headers=api.bearer(tokens["accessToken"]))
    assert reply.status == 400
    assert reply.error == ("InvalidPasswordException", "Password did not conform with policy: Password not long enough")

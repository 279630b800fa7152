"""No user enumeration: for a known and an unknown username the API answers the same status and the same
bytes, on a client with PreventUserExistenceErrors ENABLED and on a LEGACY one (where Cognito itself would
tell them apart), so the API does not depend on the client setting."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PASSWORD, unique
from tests.integration.conftest import new_user, register, sign_up


@pytest.fixture(params=["ENABLED", "LEGACY"])
def pool(request, make_pool, use_pool):
    pool_id, client_id = make_pool(client={"PreventUserExistenceErrors": request.param})
    use_pool(pool_id, client_id)
    return pool_id


def same(first, second):
    assert (first.status, first.body) == (second.status, second.body)


def test_sign_up_of_a_taken_username_answers_as_a_new_sign_up(api, stack, pool):
    taken = register(api, stack)
    email = f"{unique()}@example.com"
    again = sign_up(api, taken["username"], email)
    fresh = sign_up(api, unique(), email)
    same(again, fresh)
    assert again.status == 200
    assert again.json == {"userConfirmed": False, "codeDelivery": {
        "destination": f"{email[0]}***@e***", "deliveryMedium": "EMAIL", "attributeName": "email"}}


def test_sign_up_of_a_taken_username_without_contact_attributes(api, stack, idp, pool):
    taken = register(api, stack)
    again = api.post("/auth/sign-up", {"username": taken["username"], "password": PASSWORD})
    fresh = api.post("/auth/sign-up", {"username": unique(), "password": PASSWORD})
    same(again, fresh)
    assert again.json == {"userConfirmed": False}


def test_sign_in_unknown_user_and_wrong_password_are_the_same_401(api, stack, pool):
    known = register(api, stack)
    wrong_password = api.post("/auth/sign-in", {"username": known["username"], "password": "Wrong-Password-9"})
    unknown_user = api.post("/auth/sign-in", {"username": unique(), "password": "Wrong-Password-9"})
    same(wrong_password, unknown_user)
    assert wrong_password.status == 401
    assert wrong_password.error == ("NotAuthorizedException", "Incorrect username or password.")


def test_forgot_password_is_the_same_for_known_unknown_and_unverified_users(api, stack, pool):
    known = register(api, stack)
    unverified, email = new_user()
    sign_up(api, unverified, email)
    replies = [api.post("/auth/password/forgot", {"username": name})
               for name in (known["username"], unique(), unverified)]
    for reply in replies[1:]:
        same(replies[0], reply)
    assert (replies[0].status, replies[0].json) == (200, {"codeDelivery": {}})


def test_resend_is_the_same_for_unconfirmed_confirmed_and_unknown_users(api, stack, pool):
    confirmed = register(api, stack)
    pending, email = new_user()
    sign_up(api, pending, email)
    replies = [api.post("/auth/resend", {"username": name}) for name in (pending, confirmed["username"], unique())]
    for reply in replies[1:]:
        same(replies[0], reply)
    assert (replies[0].status, replies[0].json) == (200, {"codeDelivery": {}})


def test_confirm_of_an_unknown_user_is_a_code_mismatch(api, stack, pool):
    pending, email = new_user()
    sign_up(api, pending, email)
    known = api.post("/auth/confirm", {"username": pending, "code": "000000x"})
    unknown = api.post("/auth/confirm", {"username": unique(), "code": "000000x"})
    same(known, unknown)
    assert known.error == ("CodeMismatchException", "Invalid verification code provided, please try again.")


def test_reset_confirm_of_an_unknown_user_is_a_code_mismatch(api, stack, pool):
    known = register(api, stack)
    api.post("/auth/password/forgot", {"username": known["username"]})
    body = {"code": "000000x", "password": "Fine-Password-3"}
    known_reply = api.post("/auth/password/confirm", {"username": known["username"], **body})
    unknown_reply = api.post("/auth/password/confirm", {"username": unique(), **body})
    same(known_reply, unknown_reply)
    assert known_reply.error == ("CodeMismatchException", "Invalid verification code provided, please try again.")

"""The passwordless routes (chalicelib/api/passwordless_routes.py) through chalice.test.Client, against the
running local stack and the bundle's triggers: start and answer for each method, the magic-link landing (GET
consumes nothing, POST completes), the step-up of a signed-in user, and bad input answered cleanly."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from chalice import Chalice
from chalice.test import Client

from chalicelib.api import auth_routes, passwordless_routes
from tests.conftest import ROOT
from tests.e2e.test_passwordless_helpers import message_to, passwordless_user, sent_to
from tests.helpers import INCORRECT
from tests.integration.conftest import Api, Reply


@pytest.fixture(scope="module")
def papi(stack: Any) -> Api:
    app = Chalice(app_name="passwordless-under-test")
    app.register_blueprint(auth_routes.make_blueprint())
    app.register_blueprint(passwordless_routes.make_blueprint())
    return Api(Client(app, stage_name="local", project_dir=str(ROOT)))


@pytest.fixture()
def user(idp: Any, make_pool: Callable[..., tuple[str, str]], use_pool: Callable[..., None]) -> dict[str, str]:
    created = passwordless_user(idp, make_pool, policy={"stepUpAfter": []})
    use_pool(created["pool_id"], created["client_id"])
    return created


def start(papi: Api, user: dict[str, str], method: str, **extra: Any) -> Reply:
    return papi.post("/auth/passwordless/start", {"username": user["username"], "method": method, **extra})


def answer(papi: Api, user: dict[str, str], session: str, text: str, **kwargs: Any) -> Reply:
    return papi.post("/auth/passwordless/answer", {"username": user["username"], "session": session, "answer": text},
                     **kwargs)


@pytest.mark.parametrize(("method", "attribute", "medium"), [("EMAIL_OTP", "email", "EMAIL"),
                                                             ("SMS_OTP", "phone", "SMS")])
def test_a_code_signs_in_through_the_api(stack, papi, user, method, attribute, medium):
    started = start(papi, user, method)
    assert started.status == 200, started
    assert started.json["challenge"] == "CUSTOM_CHALLENGE"
    assert {k: started.json["parameters"][k] for k in ("challenge", "deliveryMedium")} == {
        "challenge": method, "deliveryMedium": medium}
    done = answer(papi, user, started.json["session"], message_to(stack, user[attribute])["code"])
    assert done.status == 200, done
    assert set(done.json) == {"idToken", "accessToken", "refreshToken", "expiresIn"}


def test_wrong_codes_ask_again_then_end_the_sign_in(stack, papi, user):
    session = start(papi, user, "EMAIL_OTP").json["session"]
    code = message_to(stack, user["email"])["code"]
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(2):
        again = answer(papi, user, session, wrong)
        assert again.status == 200 and again.json["parameters"]["challenge"] == "EMAIL_OTP"
        session = again.json["session"]
    last = answer(papi, user, session, wrong)
    assert (last.status, last.error) == (401, INCORRECT)


def test_cookie_mode_sets_the_session_cookies(stack, papi, user):
    session = start(papi, user, "EMAIL_OTP").json["session"]
    done = answer(papi, user, session, message_to(stack, user["email"])["code"], headers={"X-Auth-Mode": "cookie"})
    assert done.json == {"signedIn": True, "expiresIn": 3600}
    assert {c.split("=", 1)[0] for c in done.cookies()} == {"__Host-access", "__Host-id", "__Secure-refresh"}


def test_a_second_start_within_a_minute_is_429(stack, papi, user):
    assert start(papi, user, "EMAIL_OTP").status == 200
    again = start(papi, user, "SMS_OTP")
    assert (again.status, again.error) == (429, (
        "LimitExceededException", "A code or link was sent less than a minute ago. Please wait before asking for "
                                  "another."))


def test_an_unknown_method_is_401(papi, user):
    reply = start(papi, user, "CARRIER_PIGEON")
    assert (reply.status, reply.error) == (401, INCORRECT)


def test_an_unknown_user_gets_a_challenge_shaped_like_a_real_one(stack, papi, user):
    real = start(papi, user, "EMAIL_OTP").json
    ghost = start(papi, {"username": "nobody-" + user["username"]}, "EMAIL_OTP").json
    assert set(ghost) == set(real) and set(ghost["parameters"]) == set(real["parameters"])
    assert ghost["parameters"]["destination"].endswith("***") and "@" in ghost["parameters"]["destination"]


def test_an_unknown_user_of_a_legacy_client_gets_a_decoy(idp, make_pool, use_pool, papi):
    created = passwordless_user(idp, make_pool, client={"PreventUserExistenceErrors": "LEGACY"})
    use_pool(created["pool_id"], created["client_id"])
    real = start(papi, created, "SMS_OTP").json
    ghost = start(papi, {"username": "nobody-" + created["username"]}, "SMS_OTP")
    assert ghost.status == 200
    assert set(ghost.json["parameters"]) == set(real["parameters"])
    assert ghost.json["parameters"]["destination"].startswith("+*******")


# ---------------------------------------------------------------- magic link


def landing(papi: Api) -> Any:
    return papi.client.http.get("/auth/passwordless/magic-link")


def test_the_landing_page_shows_a_button_and_consumes_nothing(stack, papi, user):
    started = start(papi, user, "MAGIC_LINK")
    link = message_to(stack, user["email"])["link"]
    page = landing(papi)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert b"<button" in page.body and b"location.hash" in page.body
    assert "script-src 'nonce-" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    token = link.split("#", 1)[1]
    done = papi.post("/auth/passwordless/magic-link", {"token": token, "session": started.json["session"]})
    assert done.status == 200 and "accessToken" in done.json


def test_the_landing_post_completes_a_sign_in_of_its_own_and_a_link_works_once(stack, papi, user):
    start(papi, user, "MAGIC_LINK")
    token = message_to(stack, user["email"])["link"].split("#", 1)[1]
    done = papi.post("/auth/passwordless/magic-link", {"token": token}, headers={"X-Auth-Mode": "cookie"})
    assert done.json == {"signedIn": True, "expiresIn": 3600}
    assert len(sent_to(stack, user["email"])) == 1  # no second link sent
    replay = papi.post("/auth/passwordless/magic-link", {"token": token})
    assert (replay.status, replay.error) == (401, INCORRECT)


@pytest.mark.parametrize("tamper", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
                                    lambda t: "x" + t, lambda t: t.split(".")[0] + ".abc"])
def test_a_tampered_link_is_401(stack, papi, user, tamper):
    start(papi, user, "MAGIC_LINK")
    token = message_to(stack, user["email"])["link"].split("#", 1)[1]
    reply = papi.post("/auth/passwordless/magic-link", {"token": tamper(token)})
    assert (reply.status, reply.error) == (401, INCORRECT)
    assert papi.post("/auth/passwordless/magic-link", {"token": token}).status == 200


# ---------------------------------------------------------------- step-up


def test_a_signed_in_user_steps_up_with_a_second_factor(stack, papi, user):
    signed_in = papi.post("/auth/sign-in", {"username": user["username"], "password": user["password"]})
    assert signed_in.status == 200, signed_in
    access = signed_in.json["accessToken"]
    started = papi.post("/auth/passwordless/step-up", {"method": "SMS_OTP"}, headers=papi.bearer(access))
    assert started.status == 200, started
    assert started.json["parameters"]["challenge"] == "SMS_OTP"
    done = answer(papi, user, started.json["session"], message_to(stack, user["phone"])["code"])
    assert done.status == 200 and "accessToken" in done.json


def test_the_step_up_needs_an_access_token_and_a_second_factor_method(stack, papi, user):
    anonymous = papi.post("/auth/passwordless/step-up", {"method": "SMS_OTP"})
    assert (anonymous.status, anonymous.error) == (401, ("NotAuthorizedException", "Access Token is required."))
    access = papi.post("/auth/sign-in", {"username": user["username"],
                                         "password": user["password"]}).json["accessToken"]
    not_second = papi.post("/auth/passwordless/step-up", {"method": "MAGIC_LINK"}, headers=papi.bearer(access))
    assert (not_second.status, not_second.error) == (401, INCORRECT)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(("path", "body"), [
    ("/auth/passwordless/start", {"username": "a", "method": "email_otp"}),
    ("/auth/passwordless/start", {"username": "a"}),
    ("/auth/passwordless/start", {"username": "a", "method": "EMAIL_OTP", "extra": 1}),
    ("/auth/passwordless/start", {"username": "a", "method": "EMAIL_OTP", "redirectUri": "javascript:alert(1)"}),
    ("/auth/passwordless/answer", {"username": "a", "session": "s" * 30, "answer": "x" * 2049}),
    ("/auth/passwordless/answer", {"username": "a", "session": "short", "answer": "123456"}),
    ("/auth/passwordless/answer", {"username": "a", "session": "s" * 30, "answer": 123456}),
    ("/auth/passwordless/magic-link", {"token": "has spaces and <tags>"}),
    ("/auth/passwordless/magic-link", {"token": "t" * 3000}),
    ("/auth/passwordless/step-up", {"method": "SMS_OTP"}),
])
def test_malformed_bodies_are_400_or_401_never_5xx(papi, user, path, body):
    reply = papi.post(path, body)
    assert reply.status in (400, 401), reply
    assert reply.error[0] in ("ValidationError", "NotAuthorizedException")


@pytest.mark.parametrize("raw", [b"\xff\xfe\x00binary", b"{\"token\": \"a\"", b"[]", b"x" * 20000])
def test_binary_or_oversized_bodies_are_400(papi, raw):
    reply = papi.post("/auth/passwordless/magic-link", raw=raw, headers={"Content-Type": "application/json"})
    assert (reply.status, reply.error[0]) == (400, "ValidationError")


def test_a_replayed_session_is_401(stack, papi, user):
    session = start(papi, user, "EMAIL_OTP").json["session"]
    code = message_to(stack, user["email"])["code"]
    assert answer(papi, user, session, code).status == 200
    replay = answer(papi, user, session, code)
    assert (replay.status, replay.error[0]) == (401, "NotAuthorizedException")


def test_a_binary_or_control_character_answer_is_a_wrong_answer(stack, papi, user):
    session = start(papi, user, "EMAIL_OTP").json["session"]
    reply = answer(papi, user, session, "\u0000\u0001\u001b\ud7ff" + json.dumps("\u00ff" * 100))
    assert reply.status == 200 and reply.json["parameters"]["challenge"] == "EMAIL_OTP"

"""POST /auth/sign-up, /auth/confirm and /auth/resend: the happy path through the outbox, and Cognito's errors
under the API's error body and status."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import ALL_TRIGGERS, PASSWORD, TRIGGER_ARN, register_trigger
from tests.integration.conftest import new_user, register, sign_in, sign_up


def test_sign_up_reports_the_masked_delivery_and_sends_a_code(api, stack):
    username, email = new_user()
    reply = sign_up(api, username, email)
    assert reply.status == 200
    assert reply.json == {"userConfirmed": False, "codeDelivery": {
        "destination": f"{username[0]}***@e***", "deliveryMedium": "EMAIL", "attributeName": "email"}}
    assert stack.latest_code(email)


def test_confirm_with_the_outbox_code_then_sign_in(api, stack):
    username, email = new_user()
    sign_up(api, username, email)
    reply = api.post("/auth/confirm", {"username": username, "code": stack.latest_code(email)})
    assert (reply.status, reply.json) == (200, {"confirmed": True})
    assert sign_in(api, {"username": username, "password": PASSWORD}).status == 200


def test_wrong_code_is_a_code_mismatch(api, stack):
    username, email = new_user()
    sign_up(api, username, email)
    reply = api.post("/auth/confirm", {"username": username, "code": "000000x"})
    assert reply.status == 400
    assert reply.error == ("CodeMismatchException", "Invalid verification code provided, please try again.")


def test_confirming_twice_says_the_user_is_confirmed(api, stack):
    user = register(api, stack)
    reply = api.post("/auth/confirm", {"username": user["username"], "code": "123456"})
    assert reply.status == 401
    assert reply.error == ("NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")


def test_weak_password_is_refused_with_cognitos_reason(api):
    username, email = new_user()
    reply = sign_up(api, username, email, password="short")
    assert reply.status == 400
    assert reply.error == ("InvalidPasswordException", "Password did not conform with policy: Password not long enough")


def test_resend_sends_a_fresh_code_that_confirms(api, stack):
    username, email = new_user()
    sign_up(api, username, email)
    reply = api.post("/auth/resend", {"username": username})
    assert (reply.status, reply.json) == (200, {"codeDelivery": {}})
    assert len([m for m in stack.outbox() if m["to"] == email]) == 2
    assert api.post("/auth/confirm", {"username": username, "code": stack.latest_code(email)}).status == 200


def reject_sign_up(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise ValueError("Registration from this domain is not allowed.")


def test_a_pre_sign_up_refusal_reaches_the_client_with_its_reason(api, stack, make_pool, use_pool):
    config: dict[str, Any] = {key: TRIGGER_ARN.format(fn) for key, fn in ALL_TRIGGERS.items()}
    config["PreSignUp"] = register_trigger(stack, reject_sign_up)
    use_pool(*make_pool(triggers=config))
    username, email = new_user()
    reply = sign_up(api, username, email)
    assert reply.status == 400
    assert reply.error == ("UserLambdaValidationException",
                           "PreSignUp failed with error Registration from this domain is not allowed..")


def test_a_trigger_that_cannot_run_is_a_502_with_a_generic_message(api, make_pool, use_pool):
    config: dict[str, Any] = {"PreSignUp": TRIGGER_ARN.format("no_such_function")}
    use_pool(*make_pool(triggers=config))
    username, email = new_user()
    reply = sign_up(api, username, email)
    assert reply.status == 502
    assert reply.error == ("UnexpectedLambdaException", "The request could not be completed. Please try again later.")
    assert b"no_such_function" not in reply.body

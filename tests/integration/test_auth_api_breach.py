"""The compromised-credentials policy through the auth API at all four events: sign-up, sign-in, password
change and password reset; its policy knobs (event filter, NO_ACTION, minimum count); and failing closed."""

from __future__ import annotations

import time

import pytest

from chalicelib.breach.guard import BREACHED_MESSAGE, RESET_REQUIRED_MESSAGE
from chalicelib.models.breach_range import BreachRange
from tests.helpers import unique
from tests.integration.breach_support import BREACHED, STRONG, add_breached, policy_setter, seeded
from tests.integration.conftest import new_user, register, sign_in, sign_up

BREACHED_REPLY = (400, ("InvalidPasswordException", BREACHED_MESSAGE))
RESET_REPLY = (403, ("PasswordResetRequiredException", RESET_REQUIRED_MESSAGE))


@pytest.fixture(autouse=True)
def _seeded_store(stack):
    return seeded(stack)


@pytest.fixture()
def set_policy():
    setter, undo = policy_setter()
    yield setter
    undo()


def test_sign_up_with_a_breached_password_is_refused_and_no_user_is_made(api, idp, stack):
    username, email = new_user()
    reply = sign_up(api, username, email, password=BREACHED)
    assert (reply.status, reply.error) == BREACHED_REPLY
    assert "data breach" in reply.error[1]
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=stack.config["userPoolId"], Username=username)


def test_a_taken_username_gets_the_same_refusal(api, stack):
    taken = register(api, stack)
    again = sign_up(api, taken["username"], taken["email"], password=BREACHED)
    fresh = sign_up(api, *new_user(), password=BREACHED)
    assert (again.status, again.json) == (fresh.status, fresh.json)


def test_change_to_a_breached_password_is_refused(api, user, tokens):
    reply = api.post("/auth/password/change", {"previousPassword": user["password"], "proposedPassword": BREACHED},
                     headers=api.bearer(tokens["accessToken"]))
    assert (reply.status, reply.error) == BREACHED_REPLY
    assert sign_in(api, user).status == 200


def test_reset_to_a_breached_password_is_refused_and_the_code_still_works(api, stack, user):
    api.post("/auth/password/forgot", {"username": user["username"]})
    code = stack.latest_code(user["email"])
    refused = api.post("/auth/password/confirm", {"username": user["username"], "code": code, "password": BREACHED})
    assert (refused.status, refused.error) == BREACHED_REPLY
    accepted = api.post("/auth/password/confirm", {"username": user["username"], "code": code, "password": STRONG})
    assert accepted.status == 200


def test_a_sign_in_with_a_password_found_breached_later_gets_no_tokens_until_a_reset(api, idp, stack):
    password = f"Later-Breached-{unique()}"
    user = register(api, stack, password=password)
    ok = sign_in(api, user)
    assert ok.status == 200
    old_refresh = ok.json["refreshToken"]
    add_breached(password)

    blocked = sign_in(api, user)
    assert (blocked.status, blocked.error) == RESET_REPLY
    assert "accessToken" not in blocked.json and "idToken" not in blocked.json
    # What Cognito issued for the refused sign-in, and every earlier session, is revoked.
    assert api.post("/auth/refresh", {"refreshToken": old_refresh}).status == 401
    # Blocked again, and in every flow: SRP never shows the password to the API, the mark stops it.
    assert (sign_in(api, user).status, sign_in(api, user).error) == RESET_REPLY
    with pytest.raises(idp.exceptions.UserLambdaValidationException) as exc:
        idp.initiate_auth(ClientId=stack.config["clientId"], AuthFlow="USER_SRP_AUTH",
                          AuthParameters={"USERNAME": user["username"], "SRP_A": "1" * 256})
    assert exc.value.response["Error"]["Message"] == (
        "PreAuthentication failed with error Password reset required for the user.")
    # A wrong password learns nothing about the mark.
    wrong = sign_in(api, {**user, "password": "Not-The-Password-77"})
    assert (wrong.status, wrong.error) == (401, ("NotAuthorizedException", "Incorrect username or password."))

    api.post("/auth/password/forgot", {"username": user["username"]})
    reset = api.post("/auth/password/confirm", {"username": user["username"],
                                                "code": stack.latest_code(user["email"]), "password": STRONG})
    assert reset.status == 200
    assert sign_in(api, {**user, "password": STRONG}).status == 200


def test_sign_up_is_allowed_when_the_filter_leaves_it_out(api, stack, set_policy):
    set_policy(stack.config["userPoolId"], {"EventFilter": ["SIGN_IN"], "Actions": {"EventAction": "BLOCK"}})
    password = f"Filtered-Out-{unique()}"
    add_breached(password)
    reply = sign_up(api, *new_user(), password=password)
    assert reply.status == 200, reply


def test_no_action_lets_a_breached_password_through_everywhere(api, stack, set_policy):
    set_policy(stack.config["userPoolId"], {"Actions": {"EventAction": "NO_ACTION"}})
    password = f"No-Action-{unique()}"
    user = register(api, stack, password=password)
    add_breached(password)
    assert sign_in(api, user).status == 200


def test_the_minimum_count_spares_rarely_seen_passwords(api, stack, set_policy):
    set_policy(stack.config["userPoolId"], {"Actions": {"EventAction": "BLOCK"}, "MinimumBreachCount": 100})
    rare, common = f"Rare-{unique()}", f"Common-{unique()}"
    add_breached(rare, count=99)
    add_breached(common, count=100)
    assert sign_up(api, *new_user(), password=rare).status == 200
    assert (sign_up(api, *new_user(), password=common).error) == BREACHED_REPLY[1]


def test_a_failing_breach_table_refuses_within_five_seconds(api, monkeypatch):
    monkeypatch.setenv("BREACH_TABLE", "no-such-table")
    BreachRange._connection = None
    try:
        # The first refusal also builds the DynamoDB client (seconds on a loaded test machine); time the second.
        first = sign_up(api, *new_user(), password=STRONG)
        started = time.monotonic()
        reply = sign_up(api, *new_user(), password=STRONG)
        elapsed = time.monotonic() - started
    finally:
        BreachRange._connection = None
    for refused in (first, reply):
        assert (refused.status, refused.error) == (503, (
            "ServiceUnavailable", "The password could not be checked right now. Please try again later."))
        assert refused.headers.get("Retry-After") == "1"
    assert elapsed < 5


@pytest.fixture()
def hanging_dynamodb(monkeypatch):
    """DynamoDB that accepts connections and never answers: the breach table's 1 s timeouts must end it."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def hold() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{listener.getsockname()[1]}")
    BreachRange._connection = None
    yield
    BreachRange._connection = None
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_a_hanging_breach_table_refuses_a_sign_up_within_five_seconds(api, hanging_dynamodb):
    started = time.monotonic()
    reply = sign_up(api, *new_user(), password=STRONG)
    assert time.monotonic() - started < 5
    assert (reply.status, reply.error[0]) == (503, "ServiceUnavailable")


def test_a_hanging_breach_table_makes_pre_authentication_deny_within_five_seconds(idp, stack, api, user,
                                                                                   hanging_dynamodb):
    started = time.monotonic()
    with pytest.raises(idp.exceptions.UserLambdaValidationException) as exc:
        idp.initiate_auth(ClientId=stack.config["clientId"], AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": user["username"], "PASSWORD": user["password"]})
    assert time.monotonic() - started < 5
    assert exc.value.response["Error"]["Message"] == (
        "PreAuthentication failed with error Sign-in is not available right now. Please try again later..")

"""Issue 3's "done when" for compromised credentials, tried as a new user would against `make run` (the
running stack: app.py over HTTP, its seeded pool, the store seeded from zxcvbn's list):

- a sign-up with a breached password (one in zxcvbn's list) is refused with a clear reason;
- a user whose password is later found breached cannot sign in until it is reset.
"""

from __future__ import annotations

from typing import Any

import requests

from tests.helpers import unique
from tests.integration.breach_support import STRONG, add_breached, seeded


def post(stack: Any, path: str, body: dict[str, Any]) -> requests.Response:
    return requests.post(f"{stack.base_url}{path}", json=body, timeout=30)


def test_a_sign_up_with_a_password_from_zxcvbns_list_is_refused_with_the_reason(stack):
    breach_store = seeded(stack)
    for password in ("password", "qwerty123456789", "iloveyou"):
        username = unique()
        reply = post(breach_store, "/auth/sign-up", {"username": username, "password": password,
                                                     "attributes": {"email": f"{username}@example.com"}})
        assert reply.status_code == 400
        assert reply.json() == {"error": {
            "code": "InvalidPasswordException",
            "message": "Password did not conform with policy: This password appeared in a data breach, so it "
                       "cannot be used. Choose a different password."}}


def test_a_user_whose_password_is_later_found_breached_cannot_sign_in_until_it_is_reset(stack):
    seeded(stack)
    username, password = unique(), f"Fine-Until-Now-{unique()}"
    email = f"{username}@example.com"
    assert post(stack, "/auth/sign-up", {"username": username, "password": password,
                                         "attributes": {"email": email}}).status_code == 200
    assert post(stack, "/auth/confirm", {"username": username, "code": stack.latest_code(email)}).status_code == 200
    assert post(stack, "/auth/sign-in", {"username": username, "password": password}).status_code == 200

    add_breached(password)  # a new breach corpus is imported

    for _ in range(2):
        blocked = post(stack, "/auth/sign-in", {"username": username, "password": password})
        assert blocked.status_code == 403
        assert blocked.json()["error"]["code"] == "PasswordResetRequiredException"
        assert "data breach" in blocked.json()["error"]["message"]
        assert "accessToken" not in blocked.json()

    assert post(stack, "/auth/password/forgot", {"username": username}).status_code == 200
    reset = post(stack, "/auth/password/confirm", {"username": username, "code": stack.latest_code(email),
                                                   "password": STRONG})
    assert reset.status_code == 200
    signed_in = post(stack, "/auth/sign-in", {"username": username, "password": STRONG})
    assert signed_in.status_code == 200
    assert set(signed_in.json()) >= {"idToken", "accessToken", "refreshToken"}

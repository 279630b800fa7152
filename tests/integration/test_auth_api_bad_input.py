"""Bad input on every route: malformed, missing, extra, wrongly typed or oversized fields, a body over 16 KiB,
a body that is not JSON or not an object, a wrong content type. Each is a 400 ValidationError that names the
field and the reason, never a 5xx and never a stack trace. Protected routes are called with a valid token so
the body check is what answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

VALID: dict[str, dict[str, Any]] = {
    "/auth/sign-up": {"username": "someone", "password": "Correct-Horse-9", "attributes": {"email": "a@b.example"}},
    "/auth/confirm": {"username": "someone", "code": "123456"},
    "/auth/resend": {"username": "someone"},
    "/auth/sign-in": {"username": "someone", "password": "Correct-Horse-9"},
    "/auth/challenge": {"username": "someone", "session": "s" * 40, "challenge": "SMS_MFA",
                        "responses": {"SMS_MFA_CODE": "123456"}},
    "/auth/refresh": {"refreshToken": "abc.def"},
    "/auth/password/forgot": {"username": "someone"},
    "/auth/password/confirm": {"username": "someone", "code": "123456", "password": "Correct-Horse-9"},
    "/auth/password/change": {"previousPassword": "Correct-Horse-9", "proposedPassword": "Correct-Horse-8"},
    "/auth/sign-out": {},
}
PROTECTED = {"/auth/password/change", "/auth/sign-out"}
REQUIRED = {
    "/auth/sign-up": ["username", "password"], "/auth/confirm": ["username", "code"], "/auth/resend": ["username"],
    "/auth/sign-in": ["username", "password"], "/auth/challenge": ["username", "session", "challenge"],
    "/auth/password/forgot": ["username"], "/auth/password/confirm": ["username", "code", "password"],
    "/auth/password/change": ["previousPassword", "proposedPassword"],
}
TOO_LONG = {"username": 128, "password": 256, "code": 64, "session": 4096, "previousPassword": 256,
            "proposedPassword": 256, "refreshToken": 8192}


def raw_cases() -> list[Any]:
    cases = []
    for path in VALID:
        cases += [
            pytest.param(path, b"{", "application/json", "body: must be valid JSON", id=f"{path}-truncated"),
            pytest.param(path, b"[]", "application/json", "body: must be a JSON object", id=f"{path}-array"),
            pytest.param(path, b'"x"', "application/json", "body: must be a JSON object", id=f"{path}-string"),
            pytest.param(path, b"\xff\xfe{}", "application/json", "body: must be valid JSON", id=f"{path}-not-utf8"),
            pytest.param(path, b'{"a": NaN}', "application/json", "body: must be valid JSON", id=f"{path}-nan"),
            pytest.param(path, b"[" * 5000 + b"]" * 5000, "application/json", "body: must be valid JSON",
                         id=f"{path}-deep"),
            pytest.param(path, b'{"username": "a", "username": "b"}', "application/json", "body: must be valid JSON",
                         id=f"{path}-repeated-key"),
            pytest.param(path, json.dumps(VALID[path]).encode(), "text/plain", "Content-Type: must be application/json",
                         id=f"{path}-text-plain"),
            pytest.param(path, json.dumps(VALID[path]).encode(), None, "Content-Type: must be application/json",
                         id=f"{path}-no-content-type"),
            pytest.param(path, b'{"x": "' + b"a" * 16400 + b'"}', "application/json",
                         "body: must be at most 16384 bytes", id=f"{path}-oversized"),
        ]
        if path != "/auth/sign-out":
            cases.append(pytest.param(path, b"", "application/json", "body: must be valid JSON", id=f"{path}-empty"))
    return cases


def field_cases() -> list[Any]:
    cases = []
    for path, valid in VALID.items():
        cases.append(pytest.param(path, {**valid, "admin": True}, "admin: is not a known field", id=f"{path}-extra"))
        for name in REQUIRED.get(path, []):
            body = {k: v for k, v in valid.items() if k != name}
            cases.append(pytest.param(path, body, f"{name}: is required", id=f"{path}-missing-{name}"))
        for name, value in valid.items():
            if isinstance(value, str) and name != "challenge":  # an enum: its message lists the values (SPECIFIC)
                cases.append(pytest.param(path, {**valid, name: 12345}, f"{name}: Input should be a valid string",
                                          id=f"{path}-int-{name}"))
                if name in TOO_LONG:
                    limit = TOO_LONG[name]
                    cases.append(pytest.param(path, {**valid, name: "a" * (limit + 1)},
                                              f"{name}: String should have at most {limit} characters",
                                              id=f"{path}-long-{name}"))
            if isinstance(value, dict):
                cases.append(pytest.param(path, {**valid, name: ["a"]}, f"{name}: Input should be a valid dictionary",
                                          id=f"{path}-list-{name}"))
    return cases


SPECIFIC = [
    ("/auth/sign-up", {**VALID["/auth/sign-up"], "attributes": {f"custom:a{i}": "x" for i in range(51)}},
     "attributes: Dictionary should have at most 50 items after validation, not more"),
    ("/auth/sign-up", {**VALID["/auth/sign-up"], "attributes": {"email": 1}},
     "attributes.email: Input should be a valid string"),
    ("/auth/sign-up", {**VALID["/auth/sign-up"], "attributes": {"email": "a" * 2049}},
     "attributes.email: String should have at most 2048 characters"),
    ("/auth/sign-up", {**VALID["/auth/sign-up"], "attributes": {"a" * 33: "x"}},
     f"attributes.{'a' * 33}.[key]: String should have at most 32 characters"),
    ("/auth/sign-up", {**VALID["/auth/sign-up"], "username": ""},
     "username: String should have at least 1 character"),
    ("/auth/sign-up", {**VALID["/auth/sign-up"], "username": "two words"},
     "username: contains characters that are not allowed"),
    ("/auth/confirm", {"username": "someone", "code": "12 34"}, "code: contains characters that are not allowed"),
    ("/auth/challenge", {**VALID["/auth/challenge"], "session": "short"},
     "session: String should have at least 20 characters"),
    ("/auth/challenge", {**VALID["/auth/challenge"], "challenge": "MAGIC"},
     "challenge: Input should be 'SMS_MFA', 'EMAIL_OTP', 'SOFTWARE_TOKEN_MFA', 'SELECT_MFA_TYPE', 'MFA_SETUP', "
     "'PASSWORD_VERIFIER', 'CUSTOM_CHALLENGE', 'SELECT_CHALLENGE', 'DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER', "
     "'ADMIN_NO_SRP_AUTH', 'NEW_PASSWORD_REQUIRED', 'SMS_OTP', 'PASSWORD', 'WEB_AUTHN' or 'PASSWORD_SRP'"),
    ("/auth/challenge", {**VALID["/auth/challenge"], "responses": {f"K{i}": "v" for i in range(21)}},
     "responses: Dictionary should have at most 20 items after validation, not more"),
    ("/auth/refresh", {"refreshToken": "has spaces in it"}, "refreshToken: contains characters that are not allowed"),
    ("/auth/refresh", {"refresh_token": "abc"}, "refresh_token: is not a known field"),
    ("/auth/sign-in", {"username": None, "password": "x"}, "username: Input should be a valid string"),
    ("/auth/sign-in", {"username": "someone", "password": True}, "password: Input should be a valid string"),
]


def headers_for(path: str, tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['accessToken']}"} if path in PROTECTED else {}


def assert_validation_error(reply: Any, message: str) -> None:
    assert reply.status == 400, reply
    assert reply.error == ("ValidationError", message)
    assert b"Traceback" not in reply.body


@pytest.mark.parametrize(("path", "raw", "content_type", "message"), raw_cases())
def test_malformed_bodies(api, tokens, path, raw, content_type, message):
    headers = headers_for(path, tokens)
    if content_type:
        headers["Content-Type"] = content_type
    assert_validation_error(api.post(path, headers=headers, raw=raw), message)


@pytest.mark.parametrize(("path", "body", "message"), field_cases())
def test_bad_fields(api, tokens, path, body, message):
    assert_validation_error(api.post(path, body, headers=headers_for(path, tokens)), message)


@pytest.mark.parametrize(("path", "body", "message"), SPECIFIC)
def test_field_specific_limits(api, path, body, message):
    assert_validation_error(api.post(path, body), message)


def test_several_errors_are_reported_together(api):
    reply = api.post("/auth/sign-in", {"username": 1, "extra": 2})
    assert_validation_error(reply, "username: Input should be a valid string; password: is required; "
                                   "extra: is not a known field")


def test_get_me_ignores_a_body(api, tokens):
    reply = api.call("GET", "/auth/me", headers={"Authorization": f"Bearer {tokens['accessToken']}",
                                                 "Content-Type": "text/plain"}, raw=b"not json")
    assert reply.status == 200


def test_a_wrong_method_is_not_a_server_error(api):
    response = api.client.http.request("GET", "/auth/sign-in")
    assert response.status_code == 405

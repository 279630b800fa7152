"""The authenticator routes (chalicelib/api/authenticator_routes.py) through chalice.test.Client, against the
running local stack and the bundle's triggers: TOTP enrollment (URI, QR code) and activation, passkey
registration (packed and none attestation) and its refusals, list / rename / delete, sign-in with each
through the passwordless routes (with a username, usernameless, step-up), and bad input: never a 5xx."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import segno
from chalice import Chalice
from chalice.test import Client

from chalicelib.api import auth_routes, authenticator_routes, passwordless_routes
from tests.conftest import ROOT
from tests.e2e.test_passwordless_helpers import FIRST, SECOND, passwordless_user
from tests.helpers import INCORRECT
from tests.integration.conftest import Api, Reply
from tests.webauthn_authenticator import SoftAuthenticator, unb64url


@pytest.fixture(scope="module")
def aapi(stack: Any) -> Api:
    app = Chalice(app_name="authenticators-under-test")
    app.register_blueprint(auth_routes.make_blueprint())
    app.register_blueprint(passwordless_routes.make_blueprint())
    app.register_blueprint(authenticator_routes.make_blueprint())
    return Api(Client(app, stage_name="local", project_dir=str(ROOT)))


@pytest.fixture(autouse=True)
def policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_FIRST_FACTORS", FIRST)
    monkeypatch.setenv("AUTH_SECOND_FACTORS", SECOND)


@pytest.fixture()
def user(idp: Any, make_pool: Callable[..., tuple[str, str]], use_pool: Callable[..., None]) -> dict[str, str]:
    created = passwordless_user(idp, make_pool)
    use_pool(created["pool_id"], created["client_id"])
    return created


@pytest.fixture()
def auth(aapi: Api, user: dict[str, str]) -> dict[str, str]:
    signed_in = aapi.post("/auth/sign-in", {"username": user["username"], "password": user["password"]})
    assert signed_in.status == 200, signed_in
    return aapi.bearer(signed_in.json["accessToken"])


def enroll(aapi: Api, auth: dict[str, str]) -> str:
    reply = aapi.post("/auth/authenticators/totp", headers=auth)
    assert reply.status == 200, reply
    secret = reply.json["secret"]
    # activate with the previous step's code, so that the current one can still sign in
    done = aapi.post("/auth/authenticators/totp/verify", {"code": pyotp.TOTP(secret).at(time.time() - 30),
                                                          "name": "Phone"}, headers=auth)
    assert done.status == 200, done
    return secret


def register(aapi: Api, auth: dict[str, str], device: SoftAuthenticator, attestation: str = "none",
             name: str | None = "Laptop", **knobs: Any) -> Reply:
    options = aapi.post("/auth/authenticators/passkeys/options", headers=auth)
    assert options.status == 200, options
    body: dict[str, Any] = {"credential": device.register(options.json["options"], attestation=attestation, **knobs)}
    if name:
        body["name"] = name
    return aapi.post("/auth/authenticators/passkeys", body, headers=auth)


def listed(aapi: Api, auth: dict[str, str]) -> list[dict[str, Any]]:
    reply = aapi.get("/auth/authenticators", headers=auth)
    assert reply.status == 200, reply
    return reply.json["authenticators"]


def start(aapi: Api, user: dict[str, str], method: str) -> Reply:
    return aapi.post("/auth/passwordless/start", {"username": user["username"], "method": method})


def answer(aapi: Api, user: dict[str, str], session: str, text: str) -> Reply:
    return aapi.post("/auth/passwordless/answer", {"username": user["username"], "session": session, "answer": text})


# ---------------------------------------------------------------- TOTP


def test_enrollment_answers_the_otpauth_uri_and_its_qr_code(aapi, user, auth):
    reply = aapi.post("/auth/authenticators/totp", headers=auth)
    assert reply.status == 200, reply
    secret, uri = reply.json["secret"], reply.json["otpauthUri"]
    assert len(secret) == 32 and len(base64.b32decode(secret)) == 20
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc, parts.path) == ("otpauth", "totp", f"/cogworks:{user['username']}")
    assert parse_qs(parts.query) == {"secret": [secret], "issuer": ["cogworks"], "algorithm": ["SHA1"],
                                     "digits": ["6"], "period": ["30"]}
    png = reply.json["qrCode"]
    assert png.startswith("data:image/png;base64,")
    assert base64.b64decode(png.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert png == segno.make(uri, error="m").png_data_uri(scale=5)  # the image encodes exactly that URI
    assert reply.json["qrCodeSvg"].startswith("<svg")
    same = pyotp.TOTP(secret).provisioning_uri(name=user["username"], issuer_name="cogworks")
    assert same.split("?")[0] == uri.split("?")[0]


def test_a_wrong_code_does_not_activate_and_a_right_one_does(aapi, auth):
    missing = aapi.post("/auth/authenticators/totp/verify", {"code": "123456"}, headers=auth)
    assert (missing.status, missing.error) == (400, ("SoftwareTokenMFANotFoundException",
                                                     "No software token has been associated with the user."))
    secret = aapi.post("/auth/authenticators/totp", headers=auth).json["secret"]
    right = pyotp.TOTP(secret).now()
    wrong = next(c for c in ("000000", "111111", "222222") if c not in {
        pyotp.TOTP(secret).at(time.time() + d) for d in (-30, 0, 30)})
    refused = aapi.post("/auth/authenticators/totp/verify", {"code": wrong}, headers=auth)
    assert (refused.status, refused.error) == (400, ("EnableSoftwareTokenMFAException",
                                                     "Code mismatch and fail enable Software Token MFA"))
    assert listed(aapi, auth) == []
    done = aapi.post("/auth/authenticators/totp/verify", {"code": right}, headers=auth)
    assert done.status == 200 and {k: done.json[k] for k in ("id", "type", "name")} == {
        "id": "TOTP", "type": "TOTP", "name": "Authenticator app"}
    assert [a["id"] for a in listed(aapi, auth)] == ["TOTP"]


def test_totp_signs_in_through_the_api_and_the_activation_code_is_spent(aapi, user, auth):
    secret = aapi.post("/auth/authenticators/totp", headers=auth).json["secret"]
    activation = pyotp.TOTP(secret).now()
    assert aapi.post("/auth/authenticators/totp/verify", {"code": activation}, headers=auth).status == 200
    started = start(aapi, user, "TOTP")
    assert started.status == 200 and started.json["parameters"]["challenge"] == "TOTP"
    spent = answer(aapi, user, started.json["session"], activation)
    assert spent.status == 200 and spent.json["parameters"]["challenge"] == "TOTP"
    done = answer(aapi, user, spent.json["session"], pyotp.TOTP(secret).at(time.time() + 30))
    assert done.status == 200 and "accessToken" in done.json


def test_a_signed_in_user_steps_up_with_an_authenticator_code(aapi, user, auth):
    secret = enroll(aapi, auth)
    started = aapi.post("/auth/passwordless/step-up", {"method": "TOTP"}, headers=auth)
    assert started.status == 200 and started.json["parameters"]["challenge"] == "TOTP"
    done = answer(aapi, user, started.json["session"], pyotp.TOTP(secret).now())
    assert done.status == 200 and "accessToken" in done.json


def test_a_new_enrollment_keeps_the_old_secret_until_verified(aapi, user, auth):
    old = enroll(aapi, auth)
    aapi.post("/auth/authenticators/totp", headers=auth)
    started = start(aapi, user, "TOTP")
    assert "accessToken" in answer(aapi, user, started.json["session"], pyotp.TOTP(old).now()).json


# ---------------------------------------------------------------- passkeys


@pytest.mark.parametrize("attestation", ["none", "packed"])
def test_a_passkey_registers_and_signs_in_with_a_username(aapi, user, auth, attestation):
    device = SoftAuthenticator()
    registered = register(aapi, auth, device, attestation)
    assert registered.status == 200, registered
    assert {k: registered.json[k] for k in ("type", "name", "transports", "backupEligible", "backedUp")} == {
        "type": "PASSKEY", "name": "Laptop", "transports": ["hybrid", "internal"], "backupEligible": False,
        "backedUp": False}
    started = start(aapi, user, "PASSKEY")
    assert started.status == 200, started
    options = json.loads(started.json["parameters"]["options"])
    assert [c["id"] for c in options["allowCredentials"]] == [registered.json["id"]]
    done = answer(aapi, user, started.json["session"], json.dumps(device.assert_(options)))
    assert done.status == 200 and "accessToken" in done.json


def test_registration_options_require_a_discoverable_credential_and_exclude_known_ones(aapi, auth):
    device = SoftAuthenticator()
    first = aapi.post("/auth/authenticators/passkeys/options", headers=auth).json["options"]
    assert first["authenticatorSelection"] == {"residentKey": "required", "requireResidentKey": True,
                                               "userVerification": "required"}
    assert first["rp"] == {"name": "cogworks", "id": "localhost"} and first["excludeCredentials"] == []
    assert len(unb64url(first["challenge"])) >= 16 and first["timeout"] == 120000
    assert [p["alg"] for p in first["pubKeyCredParams"]] == [-7, -8, -257]
    credential_id = register(aapi, auth, device).json["id"]
    second = aapi.post("/auth/authenticators/passkeys/options", headers=auth).json["options"]
    assert [c["id"] for c in second["excludeCredentials"]] == [credential_id]
    assert unb64url(second["user"]["id"]) == device.credentials[0].user_handle  # one user handle per user


@pytest.mark.parametrize(("knobs", "code"), [
    ({"origin": "https://evil.example"}, "WebAuthnOriginNotAllowedException"),
    ({"rp_id": "evil.example"}, "WebAuthnRelyingPartyMismatchException"),
    ({"challenge": "AgAAAAA"}, "WebAuthnChallengeNotFoundException"),
    ({"uv": False}, "WebAuthnCredentialNotSupportedException"),
    ({"kind": "webauthn.get"}, "WebAuthnCredentialNotSupportedException"),
    ({"credential_id": b"short"}, "WebAuthnCredentialNotSupportedException"),
])
def test_a_bad_registration_is_refused(aapi, auth, knobs, code):
    reply = register(aapi, auth, SoftAuthenticator(), **knobs)
    assert (reply.status, reply.error[0]) == (400, code)
    assert listed(aapi, auth) == []


def test_another_user_s_registration_options_are_refused(aapi, idp, make_pool, user, auth, use_pool):
    other = passwordless_user(idp, make_pool)
    use_pool(other["pool_id"], other["client_id"])
    other_auth = aapi.bearer(aapi.post("/auth/sign-in", {"username": other["username"],
                                                         "password": other["password"]}).json["accessToken"])
    theirs = aapi.post("/auth/authenticators/passkeys/options", headers=other_auth).json["options"]
    use_pool(user["pool_id"], user["client_id"])
    reply = aapi.post("/auth/authenticators/passkeys", {"credential": SoftAuthenticator().register(theirs)},
                      headers=auth)
    assert (reply.status, reply.error[0]) == (400, "WebAuthnChallengeNotFoundException")


def test_an_expired_registration_challenge_is_refused(aapi, auth, monkeypatch):
    options = aapi.post("/auth/authenticators/passkeys/options", headers=auth).json["options"]
    credential = SoftAuthenticator().register(options)
    monkeypatch.setattr(authenticator_routes, "_now", lambda: time.time() + 121)
    reply = aapi.post("/auth/authenticators/passkeys", {"credential": credential}, headers=auth)
    assert (reply.status, reply.error[0]) == (400, "WebAuthnChallengeNotFoundException")


def test_the_same_credential_cannot_be_registered_twice(aapi, auth):
    options = aapi.post("/auth/authenticators/passkeys/options", headers=auth).json["options"]
    credential = SoftAuthenticator().register(options)
    assert aapi.post("/auth/authenticators/passkeys", {"credential": credential}, headers=auth).status == 200
    again = aapi.post("/auth/authenticators/passkeys", {"credential": credential}, headers=auth)
    assert (again.status, again.error) == (400, ("WebAuthnCredentialNotSupportedException",
                                                 "This credential is already registered."))


def test_passkeys_and_totp_are_listed_renamed_and_deleted(aapi, auth):
    enroll(aapi, auth)
    laptop, phone = SoftAuthenticator(), SoftAuthenticator(backup=True, counter=False)
    laptop_id = register(aapi, auth, laptop).json["id"]
    phone_id = register(aapi, auth, phone, name=None).json["id"]
    found = {a["id"]: a for a in listed(aapi, auth)}
    assert set(found) == {"TOTP", laptop_id, phone_id}
    assert (found["TOTP"]["name"], found[laptop_id]["name"], found[phone_id]["name"]) == ("Phone", "Laptop", "Passkey")
    assert found[phone_id]["backupEligible"] is True and found[phone_id]["backedUp"] is True
    renamed = aapi.post("/auth/authenticators/rename", {"id": phone_id, "name": "Work phone"}, headers=auth)
    assert renamed.status == 200 and renamed.json["name"] == "Work phone"
    totp_renamed = aapi.post("/auth/authenticators/rename", {"id": "TOTP", "name": "Yubico app"}, headers=auth)
    assert totp_renamed.json["name"] == "Yubico app"
    assert aapi.post("/auth/authenticators/delete", {"id": laptop_id}, headers=auth).json == {"deleted": True}
    assert aapi.post("/auth/authenticators/delete", {"id": "TOTP"}, headers=auth).json == {"deleted": True}
    assert [(a["id"], a["name"]) for a in listed(aapi, auth)] == [(phone_id, "Work phone")]
    gone = aapi.post("/auth/authenticators/delete", {"id": laptop_id}, headers=auth)
    assert (gone.status, gone.error) == (400, ("ResourceNotFoundException", "No such authenticator."))
    rename_gone = aapi.post("/auth/authenticators/rename", {"id": "TOTP", "name": "x"}, headers=auth)
    assert (rename_gone.status, rename_gone.error[0]) == (400, "ResourceNotFoundException")


def test_a_deleted_passkey_no_longer_signs_in(aapi, user, auth):
    device = SoftAuthenticator()
    credential_id = register(aapi, auth, device).json["id"]
    started = start(aapi, user, "PASSKEY")
    options = json.loads(started.json["parameters"]["options"])
    aapi.post("/auth/authenticators/delete", {"id": credential_id}, headers=auth)
    again = answer(aapi, user, started.json["session"], json.dumps(device.assert_(options)))
    assert again.status == 200 and "accessToken" not in again.json


def test_a_user_cannot_touch_another_user_s_passkey(aapi, idp, make_pool, user, auth, use_pool):
    other = passwordless_user(idp, make_pool)
    use_pool(other["pool_id"], other["client_id"])
    other_auth = aapi.bearer(aapi.post("/auth/sign-in", {"username": other["username"],
                                                         "password": other["password"]}).json["accessToken"])
    theirs = register(aapi, other_auth, SoftAuthenticator()).json["id"]
    use_pool(user["pool_id"], user["client_id"])
    for path, body in (("/auth/authenticators/delete", {"id": theirs}),
                       ("/auth/authenticators/rename", {"id": theirs, "name": "mine"})):
        reply = aapi.post(path, body, headers=auth)
        assert (reply.status, reply.error[0]) == (400, "ResourceNotFoundException")


# ---------------------------------------------------------------- usernameless sign-in


def usernameless(aapi: Api) -> dict[str, Any]:
    reply = aapi.post("/auth/passwordless/passkey/options")
    assert reply.status == 200, reply
    return reply.json["options"]


def test_usernameless_sign_in_through_the_api(aapi, user, auth):
    device = SoftAuthenticator()
    register(aapi, auth, device)
    options = usernameless(aapi)
    assert options["allowCredentials"] == [] and options["userVerification"] == "required"
    done = aapi.post("/auth/passwordless/passkey", {"credential": device.assert_(options)},
                     headers={"X-Auth-Mode": "cookie"})
    assert done.status == 200, done
    assert done.json == {"signedIn": True, "expiresIn": 3600}
    bearer = aapi.post("/auth/passwordless/passkey", {"credential": device.assert_(usernameless(aapi))})
    assert bearer.status == 200 and set(bearer.json) == {"idToken", "accessToken", "refreshToken", "expiresIn"}
    claims = json.loads(base64.urlsafe_b64decode(bearer.json["idToken"].split(".")[1] + "=="))
    assert claims["cognito:username"] == user["username"]


def test_a_usernameless_assertion_is_refused_when_replayed_or_not_the_user_s(aapi, auth):
    device = SoftAuthenticator(counter=False, backup=True)
    register(aapi, auth, device)
    assertion = device.assert_(usernameless(aapi))
    assert aapi.post("/auth/passwordless/passkey", {"credential": assertion}).status == 200
    replay = aapi.post("/auth/passwordless/passkey", {"credential": assertion})
    assert (replay.status, replay.error) == (401, INCORRECT)
    stranger = SoftAuthenticator()
    stranger.register({"rp": {"id": "localhost"}, "user": {"id": "AAAA"}, "challenge": "AAAA"})
    unknown = aapi.post("/auth/passwordless/passkey", {"credential": stranger.assert_(usernameless(aapi))})
    assert (unknown.status, unknown.error) == (401, INCORRECT)
    for handle in (None, b"\x02" * 32):
        wrong = aapi.post("/auth/passwordless/passkey",
                          {"credential": device.assert_(usernameless(aapi), user_handle=handle)})
        assert (wrong.status, wrong.error) == (401, INCORRECT)


def test_a_tampered_usernameless_challenge_is_refused(aapi, auth):
    device = SoftAuthenticator()
    register(aapi, auth, device)
    options = usernameless(aapi)
    raw = bytearray(unb64url(options["challenge"]))
    raw[5] ^= 0xFF  # another expiry: the HMAC no longer matches
    forged = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    reply = aapi.post("/auth/passwordless/passkey", {"credential": device.assert_(options, challenge=forged)})
    assert (reply.status, reply.error) == (401, INCORRECT)


# ---------------------------------------------------------------- the edge


PROTECTED = [("GET", "/auth/authenticators", None), ("POST", "/auth/authenticators/totp", None),
             ("POST", "/auth/authenticators/totp/verify", {"code": "123456"}),
             ("POST", "/auth/authenticators/passkeys/options", None),
             ("POST", "/auth/authenticators/rename", {"id": "TOTP", "name": "x"}),
             ("POST", "/auth/authenticators/delete", {"id": "TOTP"})]


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
def test_the_authenticator_routes_need_an_access_token(aapi, user, method, path, body):
    reply = aapi.call(method, path, body)
    assert (reply.status, reply.error) == (401, ("NotAuthorizedException", "Access Token is required."))


def test_a_signed_out_token_cannot_enroll(aapi, auth):
    assert aapi.post("/auth/sign-out", headers=auth).status == 200
    reply = aapi.post("/auth/authenticators/totp", headers=auth)
    assert (reply.status, reply.error) == (401, ("NotAuthorizedException", "Access Token has been revoked"))


BAD_BODIES = [
    ("/auth/authenticators/totp/verify", {"code": "12345"}),
    ("/auth/authenticators/totp/verify", {"code": 123456}),
    ("/auth/authenticators/totp/verify", {"code": "123456", "name": "\u0000"}),
    ("/auth/authenticators/rename", {"id": "TOTP", "name": "x" * 65}),
    ("/auth/authenticators/rename", {"id": "../etc", "name": "x"}),
    ("/auth/authenticators/delete", {"id": ""}),
    ("/auth/authenticators/passkeys", {"credential": {}}),
    ("/auth/authenticators/passkeys", {"credential": {"id": "a", "rawId": "a", "type": "public-key",
                                                      "response": {"clientDataJSON": "!", "attestationObject": "a"}}}),
    ("/auth/authenticators/passkeys", {"credential": {"id": "AAAA", "rawId": "AAAA", "type": "public-key",
                                                      "response": {"clientDataJSON": "AAAA",
                                                                   "attestationObject": "AAAA"}}}),
    ("/auth/passwordless/passkey", {"credential": {"id": "a", "rawId": "a", "type": "password", "response": {}}}),
    ("/auth/passwordless/passkey", {"credential": "not an object"}),
    ("/auth/passwordless/passkey", {"credential": {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {
        "clientDataJSON": "AAAA", "authenticatorData": "AAAA", "signature": "AAAA"}}}),
]


@pytest.mark.parametrize(("path", "body"), BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_malformed_bodies_are_clean_4xx(aapi, auth, path, body):
    reply = aapi.post(path, body, headers=auth)
    assert 400 <= reply.status < 500, reply
    assert reply.error[0] in ("ValidationError", "InvalidParameterException", "NotAuthorizedException",
                              "WebAuthnChallengeNotFoundException")


@pytest.mark.parametrize("raw", [b"\xff\xfe\x00binary", b"{\"credential\": ", b"[]", b"x" * 20000])
def test_binary_or_oversized_bodies_are_400(aapi, raw):
    reply = aapi.post("/auth/passwordless/passkey", raw=raw, headers={"Content-Type": "application/json"})
    assert (reply.status, reply.error[0]) == (400, "ValidationError")

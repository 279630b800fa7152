"""GET /auth/me and the access-token check every protected route goes through: only a live access token of
this app client passes; a missing, malformed, expired, foreign or ID token is a 401 in the API's error shape."""

from __future__ import annotations

import time

import pytest

import emulator
from emulator.clock import FakeClock
from tests.integration.conftest import register, sign_in

PROTECTED = [("GET", "/auth/me", None), ("POST", "/auth/sign-out", None),
             ("POST", "/auth/password/change", {"previousPassword": "Whatever-1", "proposedPassword": "Whatever-2"})]


def test_me_answers_the_profile(api, idp, seeded, user, tokens):
    reply = api.get("/auth/me", headers=api.bearer(tokens["accessToken"]))
    assert reply.status == 200
    body = reply.json
    assert set(body) == {"username", "sub", "attributes", "groups"}
    assert body["username"] == user["username"]
    assert body["attributes"]["email"] == user["email"]
    assert body["attributes"]["sub"] == body["sub"]
    assert body["groups"] == []


def test_me_lists_the_groups_of_the_token(api, idp, stack, isolated_pool):
    pool_id, _ = isolated_pool
    idp.create_group(UserPoolId=pool_id, GroupName="editors")
    user = register(api, stack)
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username=user["username"], GroupName="editors")
    access = sign_in(api, user).json["accessToken"]
    assert api.get("/auth/me", headers=api.bearer(access)).json["groups"] == ["editors"]


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
def test_no_token_is_401_with_a_bearer_challenge(api, method, path, body):
    reply = api.call(method, path, body)
    assert reply.status == 401
    assert reply.error == ("NotAuthorizedException", "Access Token is required.")
    assert reply.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
@pytest.mark.parametrize("authorization", ["Bearer garbage", "Bearer a.b.c", "Basic dXNlcjpwYXNz", "Bearer ",
                                           "Bearer " + "A" * 9000])
def test_a_malformed_token_is_401(api, method, path, body, authorization):
    reply = api.call(method, path, body, headers={"Authorization": authorization})
    assert reply.status == 401
    assert reply.error == ("NotAuthorizedException", "Invalid Access Token")
    assert reply.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_an_id_token_is_not_an_access_token(api, tokens):
    reply = api.get("/auth/me", headers=api.bearer(tokens["idToken"]))
    assert reply.status == 401
    assert reply.error == ("NotAuthorizedException", "Invalid Access Token")


def test_an_expired_access_token_is_401(api, user):
    real = emulator.EMULATOR.clock
    emulator.EMULATOR.clock = FakeClock(time.time() - 2 * 3600)
    try:
        old = sign_in(api, user)
    finally:
        emulator.EMULATOR.clock = real
    assert old.status == 200
    reply = api.get("/auth/me", headers=api.bearer(old.json["accessToken"]))
    assert reply.status == 401
    assert reply.error == ("NotAuthorizedException", "Access Token has expired")


def test_a_token_of_another_pool_is_401(api, stack, make_pool, use_pool, tokens):
    use_pool(*make_pool())
    reply = api.get("/auth/me", headers=api.bearer(tokens["accessToken"]))
    assert reply.status == 401
    assert reply.error == ("NotAuthorizedException", "Invalid Access Token")


def test_a_token_of_another_client_of_the_same_pool_is_401(api, idp, seeded, tokens, use_pool):
    other = idp.create_user_pool_client(UserPoolId=seeded["userPoolId"], ClientName="other",
                                        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    use_pool(seeded["userPoolId"], other["UserPoolClient"]["ClientId"])
    reply = api.get("/auth/me", headers=api.bearer(tokens["accessToken"]))
    assert reply.status == 401
    assert reply.error == ("NotAuthorizedException", "Invalid Access Token")

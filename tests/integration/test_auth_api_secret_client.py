"""An app client with a secret (USER_POOL_CLIENT_SECRET): the API computes SECRET_HASH for every public
operation, so the whole user journey works; refresh needs the username, as Cognito keys the hash on it."""

from __future__ import annotations

import pytest

from tests.integration.conftest import register, sign_in

NEW_PASSWORD = "Secret-Client-Pass-4"


@pytest.fixture()
def secret_client(idp, make_pool, use_pool):
    pool_id, client_id = make_pool(client={"GenerateSecret": True})
    secret = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]["ClientSecret"]
    use_pool(pool_id, client_id, secret)
    return pool_id, client_id, secret


def test_the_user_journey_works_with_a_client_secret(api, stack, secret_client):
    user = register(api, stack)
    assert api.post("/auth/resend", {"username": user["username"]}).status == 200
    tokens = sign_in(api, user)
    assert tokens.status == 200
    refreshed = api.post("/auth/refresh", {"refreshToken": tokens.json["refreshToken"], "username": user["username"]})
    assert refreshed.status == 200
    assert api.post("/auth/password/forgot", {"username": user["username"]}).status == 200
    reset = api.post("/auth/password/confirm", {"username": user["username"], "code": stack.latest_code(user["email"]),
                                                "password": NEW_PASSWORD})
    assert reset.status == 200
    assert sign_in(api, {**user, "password": NEW_PASSWORD}).status == 200


def test_refresh_without_the_username_cannot_prove_the_secret(api, stack, secret_client):
    _, client_id, _ = secret_client
    user = register(api, stack)
    tokens = sign_in(api, user).json
    reply = api.post("/auth/refresh", {"refreshToken": tokens["refreshToken"]})
    assert reply.status == 401
    assert reply.error == ("NotAuthorizedException",
                           f"Client {client_id} is configured with secret but SECRET_HASH was not received")


def test_a_wrong_secret_is_refused(api, stack, secret_client, use_pool):
    pool_id, client_id, _ = secret_client
    user = register(api, stack)
    use_pool(pool_id, client_id, "not-the-secret")
    reply = sign_in(api, user)
    assert reply.status == 401
    assert reply.error == ("NotAuthorizedException", f"Unable to verify secret hash for client {client_id}")

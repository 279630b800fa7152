"""RevokeToken: one refresh token and the ID and access tokens issued from it stop working, other sessions
do not; only refresh tokens, only by the client they were issued to (with its secret, if it has one)."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of, unique
from tests.helpers import REVOKED_ACCESS, REVOKED_REFRESH

CLIENT_AUTH_FAILED = ("UnauthorizedException", "Client authentication failed.")


def sign_in(idp, user: dict[str, str], client_id: str | None = None, secret: str | None = None) -> dict:
    client_id = client_id or user["client_id"]
    parameters = {"USERNAME": user["username"], "PASSWORD": user["password"]}
    if secret:
        digest = hmac.new(secret.encode(), (user["username"] + client_id).encode(), hashlib.sha256).digest()
        parameters["SECRET_HASH"] = base64.b64encode(digest).decode()
    return idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters=parameters)["AuthenticationResult"]


def assert_refresh_revoked(idp, client_id: str, refresh_token: str) -> None:
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                          AuthParameters={"REFRESH_TOKEN": refresh_token})
    assert error_of(exc) == REVOKED_REFRESH


def test_revokes_one_session_only(idp, confirmed_user):
    client_id = confirmed_user["client_id"]
    revoked = sign_in(idp, confirmed_user)
    kept = sign_in(idp, confirmed_user)
    assert idp.revoke_token(Token=revoked["RefreshToken"], ClientId=client_id) is not None
    with pytest.raises(ClientError) as exc:
        idp.get_user(AccessToken=revoked["AccessToken"])
    assert error_of(exc) == REVOKED_ACCESS
    assert_refresh_revoked(idp, client_id, revoked["RefreshToken"])
    assert idp.get_user(AccessToken=kept["AccessToken"])["Username"] == confirmed_user["username"]
    idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                      AuthParameters={"REFRESH_TOKEN": kept["RefreshToken"]})
    idp.revoke_token(Token=revoked["RefreshToken"], ClientId=client_id)
    idp.revoke_token(Token="no-such-refresh-token", ClientId=client_id)


def test_access_token_is_not_revocable(idp, confirmed_user):
    tokens = sign_in(idp, confirmed_user)
    with pytest.raises(ClientError) as exc:
        idp.revoke_token(Token=tokens["AccessToken"], ClientId=confirmed_user["client_id"])
    assert error_of(exc) == ("UnsupportedTokenTypeException", "Only refresh tokens can be revoked.")
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == confirmed_user["username"]


def test_only_the_issuing_client_may_revoke(idp, confirmed_user):
    other = idp.create_user_pool_client(UserPoolId=confirmed_user["pool_id"], ClientName="other")
    tokens = sign_in(idp, confirmed_user)
    with pytest.raises(ClientError) as exc:
        idp.revoke_token(Token=tokens["RefreshToken"], ClientId=other["UserPoolClient"]["ClientId"])
    assert error_of(exc) == ("UnauthorizedException", "The refresh token was not issued to this client.")
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == confirmed_user["username"]


def test_client_with_a_secret_must_prove_it(idp, make_pool):
    pool_id, client_id = make_pool(client={"GenerateSecret": True})
    secret = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]["ClientSecret"]
    user = {"username": unique(), "password": PASSWORD}
    idp.sign_up(ClientId=client_id, Username=user["username"], Password=PASSWORD,
                SecretHash=base64.b64encode(hmac.new(secret.encode(), (user["username"] + client_id).encode(),
                                                     hashlib.sha256).digest()).decode())
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=user["username"])
    tokens = sign_in(idp, user, client_id, secret)
    for wrong in ({}, {"ClientSecret": "x" * len(secret)}):
        with pytest.raises(ClientError) as exc:
            idp.revoke_token(Token=tokens["RefreshToken"], ClientId=client_id, **wrong)
        assert error_of(exc) == CLIENT_AUTH_FAILED
    idp.revoke_token(Token=tokens["RefreshToken"], ClientId=client_id, ClientSecret=secret)
    with pytest.raises(ClientError) as exc:
        idp.get_user(AccessToken=tokens["AccessToken"])
    assert error_of(exc) == REVOKED_ACCESS


def test_client_without_token_revocation(idp, make_pool):
    _, client_id = make_pool(client={"EnableTokenRevocation": False})
    with pytest.raises(ClientError) as exc:
        idp.revoke_token(Token="some-refresh-token", ClientId=client_id)
    assert error_of(exc) == ("UnsupportedOperationException", "Token revocation is not enabled for this app client.")


def test_unknown_client(idp):
    with pytest.raises(ClientError) as exc:
        idp.revoke_token(Token="some-refresh-token", ClientId="nosuchclient0000000000000")
    assert error_of(exc) == CLIENT_AUTH_FAILED

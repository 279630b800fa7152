"""DeleteUserPoolClient: afterwards the client id is answered as an unknown client everywhere, and its
refresh tokens no longer work with any client; the pool's other clients are untouched."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of
from tests.helpers import refresh_auth, user_auth


def gone(client_id: str) -> tuple[str, str]:
    return "ResourceNotFoundException", f"User pool client {client_id} does not exist."


def test_a_deleted_client_is_unknown_everywhere(idp, confirmed_user):
    pool_id, client_id = confirmed_user["pool_id"], confirmed_user["client_id"]
    assert idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)[
        "ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as exc:
        idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert error_of(exc) == gone(client_id)
    with pytest.raises(ClientError) as exc:
        user_auth(idp, confirmed_user)
    assert error_of(exc) == gone(client_id)
    with pytest.raises(ClientError) as exc:
        idp.admin_initiate_auth(UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                AuthParameters={"USERNAME": confirmed_user["username"],
                                                "PASSWORD": confirmed_user["password"]})
    assert error_of(exc) == gone(client_id)
    with pytest.raises(ClientError) as exc:
        idp.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id, ClientName="back")
    assert error_of(exc) == gone(client_id)
    assert idp.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"] == []


def test_refresh_tokens_of_the_deleted_client_stop_working(idp, confirmed_user):
    pool_id, client_id = confirmed_user["pool_id"], confirmed_user["client_id"]
    other = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="other",
                                        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                                        )["UserPoolClient"]["ClientId"]
    token = user_auth(idp, confirmed_user)["AuthenticationResult"]["RefreshToken"]
    other_token = user_auth(idp, {**confirmed_user, "client_id": other})["AuthenticationResult"]["RefreshToken"]
    assert "AccessToken" in refresh_auth(idp, client_id, token)["AuthenticationResult"]
    idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    with pytest.raises(ClientError) as exc:
        refresh_auth(idp, client_id, token)
    assert error_of(exc) == gone(client_id)
    with pytest.raises(ClientError) as exc:
        refresh_auth(idp, other, token)
    assert error_of(exc) == ("NotAuthorizedException", "Invalid Refresh Token")
    assert "AccessToken" in refresh_auth(idp, other, other_token)["AuthenticationResult"]


def test_other_clients_of_the_pool_keep_working(idp, confirmed_user):
    pool_id = confirmed_user["pool_id"]
    other = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="other",
                                        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                                        )["UserPoolClient"]
    idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=confirmed_user["client_id"])
    assert idp.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"] == [
        {"ClientId": other["ClientId"], "UserPoolId": pool_id, "ClientName": "other"}]
    assert "AccessToken" in user_auth(idp, {**confirmed_user, "client_id": other["ClientId"]})[
        "AuthenticationResult"]


def test_deleting_twice(idp, make_pool):
    pool_id, client_id = make_pool()
    idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    with pytest.raises(ClientError) as exc:
        idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert error_of(exc) == gone(client_id)


def test_client_of_another_pool_is_not_deleted(idp, make_pool):
    first, client_id = make_pool()
    second, _ = make_pool()
    with pytest.raises(ClientError) as exc:
        idp.delete_user_pool_client(UserPoolId=second, ClientId=client_id)
    assert error_of(exc) == gone(client_id)
    assert idp.describe_user_pool_client(UserPoolId=first, ClientId=client_id)["UserPoolClient"]["ClientId"] == (
        client_id)


def test_unknown_pool(idp, make_pool):
    _, client_id = make_pool()
    with pytest.raises(ClientError) as exc:
        idp.delete_user_pool_client(UserPoolId="us-east-1_nopool000", ClientId=client_id)
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")

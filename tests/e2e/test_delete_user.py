"""DeleteUser: the signed-in user deletes themselves; they can no longer sign in, and their tokens die with
them, even if a new user later takes the same name."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of
from tests.helpers import REVOKED_REFRESH_MESSAGES, assert_tokens_dead, assert_user_gone, refresh_auth, user_auth

INVALID_ACCESS = ("NotAuthorizedException", "Invalid Access Token")


def test_deleted_user_is_gone_and_cannot_sign_in(idp, confirmed_user):
    pool_id = confirmed_user["pool_id"]
    access = user_auth(idp, confirmed_user)["AuthenticationResult"]["AccessToken"]
    result = idp.delete_user(AccessToken=access)
    assert result["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert set(result) == {"ResponseMetadata"}
    assert_user_gone(idp, confirmed_user)
    assert idp.list_users(UserPoolId=pool_id)["Users"] == []


def test_every_token_of_the_deleted_user_stops_working(idp, confirmed_user):
    first = user_auth(idp, confirmed_user)["AuthenticationResult"]
    second = user_auth(idp, confirmed_user)["AuthenticationResult"]
    idp.delete_user(AccessToken=first["AccessToken"])
    for access in (first["AccessToken"], second["AccessToken"]):
        with pytest.raises(ClientError) as exc:
            idp.get_user(AccessToken=access)
        assert error_of(exc) == INVALID_ACCESS
    with pytest.raises(ClientError) as exc:
        idp.delete_user(AccessToken=first["AccessToken"])
    assert error_of(exc) == INVALID_ACCESS
    for tokens in (first, second):
        with pytest.raises(ClientError) as exc:
            refresh_auth(idp, confirmed_user["client_id"], tokens["RefreshToken"])
        assert error_of(exc)[0] == "NotAuthorizedException"
        assert error_of(exc)[1] in REVOKED_REFRESH_MESSAGES


def test_tokens_are_not_inherited_by_a_new_user_of_that_name(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    tokens = user_auth(idp, confirmed_user)["AuthenticationResult"]
    idp.delete_user(AccessToken=tokens["AccessToken"])
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    assert_tokens_dead(idp, confirmed_user, tokens)
    assert "AccessToken" in user_auth(idp, confirmed_user)["AuthenticationResult"]


def test_revoked_access_token(idp, confirmed_user):
    access = user_auth(idp, confirmed_user)["AuthenticationResult"]["AccessToken"]
    idp.global_sign_out(AccessToken=access)
    with pytest.raises(ClientError) as exc:
        idp.delete_user(AccessToken=access)
    assert error_of(exc) == ("NotAuthorizedException", "Access Token has been revoked")
    assert idp.admin_get_user(UserPoolId=confirmed_user["pool_id"],
                              Username=confirmed_user["username"])["Username"] == confirmed_user["username"]


def test_invalid_access_token(idp):
    with pytest.raises(ClientError) as exc:
        idp.delete_user(AccessToken="a.b.c")
    assert error_of(exc) == INVALID_ACCESS

"""AdminDisableUser: the user can no longer sign in ("User is disabled."), their tokens are revoked, and
they still appear in ListUsers."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of, unique
from tests.helpers import REVOKED_REFRESH_MESSAGES, user_auth


def test_disabled_user_cannot_sign_in(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    idp.admin_disable_user(UserPoolId=pool_id, Username=username)
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["Enabled"] is False
    with pytest.raises(ClientError) as exc:
        user_auth(idp, confirmed_user)
    assert error_of(exc) == ("NotAuthorizedException", "User is disabled.")
    with pytest.raises(ClientError) as exc:
        idp.admin_initiate_auth(UserPoolId=pool_id, ClientId=confirmed_user["client_id"],
                                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                AuthParameters={"USERNAME": username, "PASSWORD": confirmed_user["password"]})
    assert error_of(exc) == ("NotAuthorizedException", "User is disabled.")


def test_disabling_revokes_access_and_refresh_tokens(idp, confirmed_user):
    tokens = user_auth(idp, confirmed_user)["AuthenticationResult"]
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == confirmed_user["username"]
    idp.admin_disable_user(UserPoolId=confirmed_user["pool_id"], Username=confirmed_user["username"])
    with pytest.raises(ClientError) as exc:
        idp.get_user(AccessToken=tokens["AccessToken"])
    assert error_of(exc) == ("NotAuthorizedException", "Access Token has been revoked")
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=confirmed_user["client_id"], AuthFlow="REFRESH_TOKEN_AUTH",
                          AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    assert error_of(exc)[0] == "NotAuthorizedException"
    assert error_of(exc)[1] in REVOKED_REFRESH_MESSAGES


def test_disabled_user_is_still_listed(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    idp.admin_disable_user(UserPoolId=pool_id, Username=username)
    [listed] = idp.list_users(UserPoolId=pool_id)["Users"]
    assert (listed["Username"], listed["Enabled"]) == (username, False)


def test_disabling_twice_is_not_an_error(idp, confirmed_user):
    for _ in range(2):
        idp.admin_disable_user(UserPoolId=confirmed_user["pool_id"], Username=confirmed_user["username"])
    assert idp.admin_get_user(UserPoolId=confirmed_user["pool_id"],
                              Username=confirmed_user["username"])["Enabled"] is False


def test_unknown_user(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.admin_disable_user(UserPoolId=confirmed_user["pool_id"], Username="nobody-" + unique())
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.admin_disable_user(UserPoolId="us-east-1_nopool000", Username="anyone")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")

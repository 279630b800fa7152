"""AdminEnableUser: a disabled user signs in again; tokens revoked while disabled stay revoked."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of, unique
from tests.helpers import REVOKED_REFRESH_MESSAGES, user_auth


def test_enabled_user_signs_in_again(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    idp.admin_disable_user(UserPoolId=pool_id, Username=username)
    idp.admin_enable_user(UserPoolId=pool_id, Username=username)
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["Enabled"] is True
    tokens = user_auth(idp, confirmed_user)["AuthenticationResult"]
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == username


def test_tokens_revoked_by_disabling_stay_revoked(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    old = user_auth(idp, confirmed_user)["AuthenticationResult"]
    idp.admin_disable_user(UserPoolId=pool_id, Username=username)
    idp.admin_enable_user(UserPoolId=pool_id, Username=username)
    with pytest.raises(ClientError) as exc:
        idp.get_user(AccessToken=old["AccessToken"])
    assert error_of(exc) == ("NotAuthorizedException", "Access Token has been revoked")
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=confirmed_user["client_id"], AuthFlow="REFRESH_TOKEN_AUTH",
                          AuthParameters={"REFRESH_TOKEN": old["RefreshToken"]})
    assert error_of(exc)[0] == "NotAuthorizedException"
    assert error_of(exc)[1] in REVOKED_REFRESH_MESSAGES


def test_enabling_an_enabled_user_is_not_an_error(idp, confirmed_user):
    idp.admin_enable_user(UserPoolId=confirmed_user["pool_id"], Username=confirmed_user["username"])
    assert "AuthenticationResult" in user_auth(idp, confirmed_user)


def test_unknown_user(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.admin_enable_user(UserPoolId=confirmed_user["pool_id"], Username="nobody-" + unique())
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.admin_enable_user(UserPoolId="us-east-1_nopool000", Username="anyone")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")

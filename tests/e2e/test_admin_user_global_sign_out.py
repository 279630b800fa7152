"""AdminUserGlobalSignOut: every session of the user ends (access tokens answer "Access Token has been
revoked", refresh tokens "Refresh Token has been revoked") across app clients, while a sign-in afterwards
gets working tokens; other users keep theirs."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of, unique
from tests.helpers import (
    admin_user,
    assert_every_session_ended,
    refreshed_tokens,
    user_tokens,
)


def test_signs_out_every_session_of_the_user(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    other_client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="second",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    first = user_tokens(idp, confirmed_user)
    second = user_tokens(idp, confirmed_user, other_client)
    refreshed = refreshed_tokens(idp, confirmed_user["client_id"], first["RefreshToken"])
    result = idp.admin_user_global_sign_out(UserPoolId=pool_id, Username=username)
    assert set(result) == {"ResponseMetadata"}
    assert_every_session_ended(idp, confirmed_user, other_client, (first, second, refreshed))


def test_other_users_stay_signed_in(idp, confirmed_user):
    other = admin_user(idp, confirmed_user["pool_id"])
    other_user = {**confirmed_user, "username": other["username"], "password": PASSWORD}
    kept = user_tokens(idp, other_user)
    user_tokens(idp, confirmed_user)
    idp.admin_user_global_sign_out(UserPoolId=confirmed_user["pool_id"], Username=confirmed_user["username"])
    assert idp.get_user(AccessToken=kept["AccessToken"])["Username"] == other["username"]
    assert "AccessToken" in refreshed_tokens(idp, confirmed_user["client_id"], kept["RefreshToken"])


def test_user_without_sessions(idp, confirmed_user):
    idp.admin_user_global_sign_out(UserPoolId=confirmed_user["pool_id"], Username=confirmed_user["username"])
    assert "AccessToken" in user_tokens(idp, confirmed_user)


def test_unknown_user(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.admin_user_global_sign_out(UserPoolId=confirmed_user["pool_id"], Username="nobody-" + unique())
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.admin_user_global_sign_out(UserPoolId="us-east-1_nopool000", Username="anyone")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")

"""GlobalSignOut: every session of the user ends (access tokens answer "Access Token has been revoked",
refresh tokens stop working), while a sign-in afterwards gets working tokens."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of
from tests.helpers import REVOKED_ACCESS, assert_every_session_ended, refreshed_tokens, user_tokens


def test_signs_out_every_session_of_the_user(idp, confirmed_user):
    other_client = idp.create_user_pool_client(
        UserPoolId=confirmed_user["pool_id"], ClientName="second",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    first = user_tokens(idp, confirmed_user)
    second = user_tokens(idp, confirmed_user, other_client)
    refreshed = refreshed_tokens(idp, confirmed_user["client_id"], first["RefreshToken"])
    idp.global_sign_out(AccessToken=first["AccessToken"])
    assert_every_session_ended(idp, confirmed_user, other_client, (first, second, refreshed))


def test_signed_out_token_cannot_sign_out_again(idp, confirmed_user):
    access = user_tokens(idp, confirmed_user)["AccessToken"]
    idp.global_sign_out(AccessToken=access)
    with pytest.raises(ClientError) as exc:
        idp.global_sign_out(AccessToken=access)
    assert error_of(exc) == REVOKED_ACCESS


def test_invalid_access_token(idp):
    with pytest.raises(ClientError) as exc:
        idp.global_sign_out(AccessToken="a.b.c")
    assert error_of(exc) == ("NotAuthorizedException", "Invalid Access Token")

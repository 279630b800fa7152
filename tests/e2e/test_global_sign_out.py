"""GlobalSignOut: every session of the user ends (access tokens answer "Access Token has been revoked",
refresh tokens stop working), while a sign-in afterwards gets working tokens."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of
from tests.helpers import REVOKED_ACCESS, REVOKED_REFRESH, refreshed_tokens, user_tokens


def test_signs_out_every_session_of_the_user(idp, confirmed_user):
    other_client = idp.create_user_pool_client(
        UserPoolId=confirmed_user["pool_id"], ClientName="second",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    first = user_tokens(idp, confirmed_user)
    second = user_tokens(idp, confirmed_user, other_client)
    refreshed = refreshed_tokens(idp, confirmed_user["client_id"], first["RefreshToken"])
    idp.global_sign_out(AccessToken=first["AccessToken"])
    for access in (first["AccessToken"], second["AccessToken"], refreshed["AccessToken"]):
        with pytest.raises(ClientError) as exc:
            idp.get_user(AccessToken=access)
        assert error_of(exc) == REVOKED_ACCESS
    for client_id, token in ((confirmed_user["client_id"], first["RefreshToken"]),
                             (other_client, second["RefreshToken"])):
        with pytest.raises(ClientError) as exc:
            refreshed_tokens(idp, client_id, token)
        assert error_of(exc) == REVOKED_REFRESH
    fresh = user_tokens(idp, confirmed_user)
    assert idp.get_user(AccessToken=fresh["AccessToken"])["Username"] == confirmed_user["username"]
    assert "AccessToken" in refreshed_tokens(idp, confirmed_user["client_id"], fresh["RefreshToken"])


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

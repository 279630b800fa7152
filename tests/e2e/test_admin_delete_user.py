"""AdminDeleteUser: the user is gone, can no longer sign in, and their tokens die with them, even if a new
user later takes the same name."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of, unique
from tests.helpers import assert_tokens_dead, assert_user_gone, user_auth


def test_deleted_user_is_gone_and_cannot_sign_in(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    assert idp.admin_delete_user(UserPoolId=pool_id, Username=username)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert_user_gone(idp, confirmed_user)


def test_tokens_of_a_deleted_user_are_not_inherited_by_a_new_user_of_that_name(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    tokens = user_auth(idp, confirmed_user)["AuthenticationResult"]
    idp.admin_delete_user(UserPoolId=pool_id, Username=username)
    idp.admin_create_user(UserPoolId=pool_id, Username=username, TemporaryPassword=PASSWORD,
                          MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    assert_tokens_dead(idp, confirmed_user, tokens)
    assert "AccessToken" in user_auth(idp, confirmed_user)["AuthenticationResult"]


def test_pending_challenge_of_a_deleted_user_cannot_be_answered(idp, make_pool):
    pool_id, client_id = make_pool()
    username = unique()
    idp.admin_create_user(UserPoolId=pool_id, Username=username, TemporaryPassword="Temp-Pass-123",
                          MessageAction="SUPPRESS")
    challenge = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": username, "PASSWORD": "Temp-Pass-123"})
    idp.admin_delete_user(UserPoolId=pool_id, Username=username)
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    with pytest.raises(ClientError) as exc:
        idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
                                      Session=challenge["Session"],
                                      ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": PASSWORD})
    assert error_of(exc) == ("NotAuthorizedException", "Invalid session for the user.")


def test_unknown_user(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.admin_delete_user(UserPoolId=confirmed_user["pool_id"], Username="nobody-" + unique())
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.admin_delete_user(UserPoolId="us-east-1_nopool000", Username="anyone")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")

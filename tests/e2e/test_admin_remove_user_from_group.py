"""AdminRemoveUserFromGroup: membership ends, the next tokens (refreshed ones included) drop the group."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of, unique
from tests.helpers import claims_of


def test_removed_user_is_no_longer_a_member_and_refreshed_tokens_drop_the_group(idp, confirmed_user):
    pool_id, client_id, username = confirmed_user["pool_id"], confirmed_user["client_id"], confirmed_user["username"]
    for name in ("editors", "viewers"):
        idp.create_group(UserPoolId=pool_id, GroupName=name)
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=name)
    tokens = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": username, "PASSWORD": confirmed_user["password"]})
    refresh_token = tokens["AuthenticationResult"]["RefreshToken"]
    idp.admin_remove_user_from_group(UserPoolId=pool_id, Username=username, GroupName="editors")
    listed = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username=username)["Groups"]
    assert [g["GroupName"] for g in listed] == ["viewers"]
    refreshed = idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                  AuthParameters={"REFRESH_TOKEN": refresh_token})["AuthenticationResult"]
    claims = claims_of(refreshed["IdToken"])
    assert claims["cognito:groups"] == ["viewers"]


def test_last_group_removed_means_no_groups_claim(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    idp.create_group(UserPoolId=pool_id, GroupName="editors")
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName="editors")
    idp.admin_remove_user_from_group(UserPoolId=pool_id, Username=username, GroupName="editors")
    tokens = idp.initiate_auth(ClientId=confirmed_user["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": username, "PASSWORD": confirmed_user["password"]})
    for kind in ("IdToken", "AccessToken"):
        claims = claims_of(tokens["AuthenticationResult"][kind])
        assert "cognito:groups" not in claims


def test_removing_a_non_member_is_not_an_error(idp, confirmed_user):
    idp.create_group(UserPoolId=confirmed_user["pool_id"], GroupName="editors")
    idp.admin_remove_user_from_group(UserPoolId=confirmed_user["pool_id"], Username=confirmed_user["username"],
                                     GroupName="editors")
    assert idp.admin_list_groups_for_user(UserPoolId=confirmed_user["pool_id"],
                                          Username=confirmed_user["username"])["Groups"] == []


def test_unknown_group(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.admin_remove_user_from_group(UserPoolId=confirmed_user["pool_id"], Username=confirmed_user["username"],
                                         GroupName="no-such-group")
    assert error_of(exc) == ("ResourceNotFoundException", "Group not found.")


def test_unknown_user(idp, confirmed_user):
    idp.create_group(UserPoolId=confirmed_user["pool_id"], GroupName="editors")
    with pytest.raises(ClientError) as exc:
        idp.admin_remove_user_from_group(UserPoolId=confirmed_user["pool_id"], Username="nobody-" + unique(),
                                         GroupName="editors")
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")

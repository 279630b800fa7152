"""AdminSetUserPassword: permanent (CONFIRMED, signs in at once) or temporary (FORCE_CHANGE_PASSWORD,
NEW_PASSWORD_REQUIRED at the next sign-in), checked against the pool's policy."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of, unique
from tests.helpers import password_auth

NEW = "Brand-New-Pass-7"


def test_permanent_password_replaces_the_old_one(idp, confirmed_user):
    pool_id, client_id, username = confirmed_user["pool_id"], confirmed_user["client_id"], confirmed_user["username"]
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=NEW, Permanent=True)
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "CONFIRMED"
    assert "AccessToken" in password_auth(idp, client_id, username, NEW)["AuthenticationResult"]
    with pytest.raises(ClientError) as exc:
        password_auth(idp, client_id, username, PASSWORD)
    assert error_of(exc) == ("NotAuthorizedException", "Incorrect username or password.")


def test_permanent_password_confirms_an_admin_created_user(idp, make_pool):
    pool_id, client_id = make_pool()
    username = unique()
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=NEW, Permanent=True)
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "CONFIRMED"
    assert "IdToken" in password_auth(idp, client_id, username, NEW)["AuthenticationResult"]


def test_permanent_password_confirms_an_unconfirmed_user(idp, make_pool):
    pool_id, client_id = make_pool()
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=NEW, Permanent=True)
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "CONFIRMED"
    assert "IdToken" in password_auth(idp, client_id, username, NEW)["AuthenticationResult"]


def test_temporary_password_requires_a_new_password_at_sign_in(idp, confirmed_user):
    pool_id, client_id, username = confirmed_user["pool_id"], confirmed_user["client_id"], confirmed_user["username"]
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=NEW)
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    challenge = password_auth(idp, client_id, username, NEW)
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    result = idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
                                           Session=challenge["Session"],
                                           ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": PASSWORD})
    assert "AccessToken" in result["AuthenticationResult"]


def test_password_policy_is_enforced(idp, confirmed_user):
    pool_id, username = confirmed_user["pool_id"], confirmed_user["username"]
    cases = {"Sh0rt!": "Password not long enough", "NOLOWERCASE1!": "Password must have lowercase characters",
             "no-uppercase-1": "Password must have uppercase characters",
             "No-Numbers-Here": "Password must have numeric characters",
             "NoSymbols123": "Password must have symbol characters"}
    for password, reason in cases.items():
        with pytest.raises(ClientError) as exc:
            idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)
        assert error_of(exc) == ("InvalidPasswordException", f"Password did not conform with policy: {reason}")
    assert "AccessToken" in password_auth(idp, confirmed_user["client_id"], username, PASSWORD)["AuthenticationResult"]


def test_unknown_user(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.admin_set_user_password(UserPoolId=confirmed_user["pool_id"], Username="nobody-" + unique(),
                                    Password=NEW, Permanent=True)
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.admin_set_user_password(UserPoolId="us-east-1_nopool000", Username="anyone", Password=NEW)
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")

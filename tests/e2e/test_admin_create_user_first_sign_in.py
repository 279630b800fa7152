"""The admin-created user's first sign-in: the temporary password gets NEW_PASSWORD_REQUIRED, answering it
gives tokens through PreTokenGeneration TokenGeneration_NewPasswordChallenge, the user becomes CONFIRMED,
and PostConfirmation never runs (DG-POSTCONF: "not for user accounts that you create with your
administrator credentials")."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of, unique
from tests.helpers import claims_of

TEMP = "Temp-Pass-123"


def create(idp, pool_id: str) -> tuple[str, str]:
    username = unique()
    email = f"{username}@example.com"
    idp.admin_create_user(UserPoolId=pool_id, Username=username, DesiredDeliveryMediums=["EMAIL"],
                          UserAttributes=[{"Name": "email", "Value": email}])
    return username, email


def triggers_for(stack, username: str) -> list[tuple[str, str]]:
    """(trigger, triggerSource) sent for `username`, oldest first."""
    return [(i["trigger"], i["event"]["triggerSource"]) for i in reversed(stack.invocations())
            if i["event"]["userName"] == username]


def test_user_password_auth_then_new_password_gives_tokens(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    username, email = create(idp, pool_id)
    temporary = stack.latest_code(email)
    challenge = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": username, "PASSWORD": temporary})
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert challenge["ChallengeParameters"]["USER_ID_FOR_SRP"] == username
    assert json.loads(challenge["ChallengeParameters"]["userAttributes"])["email"] == email
    result = idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
                                           Session=challenge["Session"],
                                           ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": PASSWORD})
    tokens = result["AuthenticationResult"]
    claims = claims_of(tokens["IdToken"])
    assert claims["cognito:username"] == username
    assert claims["token_use"] == "id"
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "CONFIRMED"
    sent = triggers_for(stack, username)
    assert ("PreTokenGeneration", "TokenGeneration_NewPasswordChallenge") in sent
    assert not [s for s in sent if s[0] == "PostConfirmation"]
    assert sent[:2] == [("PreSignUp", "PreSignUp_AdminCreateUser"), ("CustomMessage", "CustomMessage_AdminCreateUser")]
    assert sent.index(("PreAuthentication", "PreAuthentication_Authentication")) < sent.index(
        ("PreTokenGeneration", "TokenGeneration_NewPasswordChallenge"))


def test_after_the_change_only_the_new_password_signs_in(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    username, email = create(idp, pool_id)
    temporary = stack.latest_code(email)
    challenge = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": username, "PASSWORD": temporary})
    idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
                                  Session=challenge["Session"],
                                  ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": PASSWORD})
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": username, "PASSWORD": temporary})
    assert error_of(exc) == ("NotAuthorizedException", "Incorrect username or password.")
    signed_in = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})
    assert "AccessToken" in signed_in["AuthenticationResult"]
    assert ("PreTokenGeneration", "TokenGeneration_Authentication") in triggers_for(stack, username)


def test_admin_user_password_auth_then_admin_respond(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    username, email = create(idp, pool_id)
    challenge = idp.admin_initiate_auth(UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                        AuthParameters={"USERNAME": username, "PASSWORD": stack.latest_code(email)})
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    result = idp.admin_respond_to_auth_challenge(
        UserPoolId=pool_id, ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": PASSWORD, "userAttributes.name": "Grace"})
    claims = claims_of(result["AuthenticationResult"]["IdToken"])
    assert claims["name"] == "Grace"
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "CONFIRMED"
    sent = triggers_for(stack, username)
    assert ("PreTokenGeneration", "TokenGeneration_NewPasswordChallenge") in sent
    assert not [s for s in sent if s[0] == "PostConfirmation"]


def test_new_password_must_satisfy_the_policy(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    username, email = create(idp, pool_id)
    challenge = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": username, "PASSWORD": stack.latest_code(email)})
    with pytest.raises(ClientError) as exc:
        idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
                                      Session=challenge["Session"],
                                      ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": "short"})
    assert error_of(exc) == ("InvalidPasswordException",
                             "Password did not conform with policy: Password not long enough")
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "FORCE_CHANGE_PASSWORD"

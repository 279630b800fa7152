"""CreateUserPool, DescribeUserPool, UpdateUserPool and DeleteUserPool: ids in Cognito's format, defaults,
Cognito's validation and messages, and that an update replaces the settings the pool then runs with."""

from __future__ import annotations

import re
import uuid

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, TRIGGER_ARN, error_of, unique


def _unvalidated(stack):
    import boto3

    return boto3.client("cognito-idp", endpoint_url=stack.idp_url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(retries={"max_attempts": 1}, parameter_validation=False))


POOL_ID = re.compile(r"^us-east-1_[A-Za-z0-9]{9}$")
MISSING_POOL = "us-east-1_AAAAAAAAA"


def test_create_user_pool_ids_and_defaults(idp):
    name = unique("pool")
    pool = idp.create_user_pool(PoolName=name)["UserPool"]
    assert POOL_ID.match(pool["Id"])
    assert pool["Name"] == name
    assert pool["Arn"] == f"arn:aws:cognito-idp:us-east-1:123456789012:userpool/{pool['Id']}"
    assert pool["MfaConfiguration"] == "OFF"
    assert pool["DeletionProtection"] == "INACTIVE"
    assert pool["LambdaConfig"] == {}
    assert pool["EstimatedNumberOfUsers"] == 0
    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True, "RequireNumbers": True,
        "RequireSymbols": True, "TemporaryPasswordValidityDays": 7}
    assert "PoolName" not in pool
    assert {a["Name"] for a in pool["SchemaAttributes"]} >= {"sub", "email", "email_verified", "phone_number"}
    assert idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"] == pool


def test_pool_ids_are_unique(idp):
    ids = {idp.create_user_pool(PoolName=unique("pool"))["UserPool"]["Id"] for _ in range(5)}
    assert len(ids) == 5
    assert all(POOL_ID.match(pool_id) for pool_id in ids)


def test_user_sub_is_a_uuid(idp, make_pool):
    _pool_id, client_id = make_pool(triggers={})
    sub = idp.sign_up(ClientId=client_id, Username=unique(), Password=PASSWORD)["UserSub"]
    assert str(uuid.UUID(sub)) == sub


@pytest.mark.parametrize(("minimum", "constraint"), [
    (5, "Member must have value greater than or equal to 6"),
    (100, "Member must have value less than or equal to 99"),
])
def test_password_minimum_length_out_of_range(stack, minimum, constraint):
    client = _unvalidated(stack)  # botocore itself refuses MinimumLength 5 before sending
    with pytest.raises(client.exceptions.InvalidParameterException) as exc:
        client.create_user_pool(PoolName=unique("pool"), Policies={"PasswordPolicy": {"MinimumLength": minimum}})
    assert error_of(exc) == ("InvalidParameterException",
                             f"1 validation error detected: Value '{minimum}' at 'policies.passwordPolicy."
                             f"minimumLength' failed to satisfy constraint: {constraint}")


@pytest.mark.parametrize("minimum", [6, 99])
def test_password_minimum_length_bounds_are_accepted(idp, minimum):
    pool = idp.create_user_pool(PoolName=unique("pool"), Policies={"PasswordPolicy": {"MinimumLength": minimum}})
    assert pool["UserPool"]["Policies"]["PasswordPolicy"]["MinimumLength"] == minimum


def test_username_and_alias_attributes_are_exclusive(idp):
    with pytest.raises(ClientError) as exc:
        idp.create_user_pool(PoolName=unique("pool"), UsernameAttributes=["email"], AliasAttributes=["email"])
    assert error_of(exc) == ("InvalidParameterException", "Only one of the following properties can be set at a "
                             "time: AliasAttributes, UsernameAttributes.")


@pytest.mark.parametrize("call", ["describe_user_pool", "delete_user_pool"])
def test_unknown_pool(idp, call):
    with pytest.raises(idp.exceptions.ResourceNotFoundException) as exc:
        getattr(idp, call)(UserPoolId=MISSING_POOL)
    assert error_of(exc) == ("ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


def test_update_unknown_pool(idp):
    with pytest.raises(idp.exceptions.ResourceNotFoundException) as exc:
        idp.update_user_pool(UserPoolId=MISSING_POOL, MfaConfiguration="OFF")
    assert error_of(exc) == ("ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


def test_update_replaces_lambda_config_policies_and_mfa(stack, idp, make_pool):
    pool_id, client_id = make_pool(pool={"Policies": {"PasswordPolicy": {"MinimumLength": 8}}})
    before = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert "PreSignUp" in before["LambdaConfig"]
    pre_sign_up_only = {"PreSignUp": TRIGGER_ARN.format("pre_sign_up")}
    idp.update_user_pool(UserPoolId=pool_id, LambdaConfig=pre_sign_up_only, MfaConfiguration="OPTIONAL",
                         Policies={"PasswordPolicy": {"MinimumLength": 12, "RequireSymbols": False}},
                         AutoVerifiedAttributes=["email"])
    after = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert after["LambdaConfig"] == pre_sign_up_only
    assert after["MfaConfiguration"] == "OPTIONAL"
    assert after["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 12, "RequireUppercase": True, "RequireLowercase": True, "RequireNumbers": True,
        "RequireSymbols": False, "TemporaryPasswordValidityDays": 7}
    assert after["Name"] == before["Name"]
    assert after["LastModifiedDate"] >= before["LastModifiedDate"]

    # The pool now runs with the new policy ...
    with pytest.raises(idp.exceptions.InvalidPasswordException) as exc:
        idp.sign_up(ClientId=client_id, Username=unique(), Password="Short-Pass1")
    assert error_of(exc) == ("InvalidPasswordException", "Password did not conform with policy: Password not "
                             "long enough")
    # ... and only the triggers now configured: PreSignUp runs, CustomMessage no longer does.
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password="Long-Enough-Pass1",
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    mine = [i["trigger"] for i in stack.invocations() if i["event"].get("userName") == username]
    assert mine == ["PreSignUp"]


def test_update_resets_omitted_settings_to_defaults(idp, make_pool):
    pool_id, _client_id = make_pool(pool={"MfaConfiguration": "OPTIONAL",
                                          "Policies": {"PasswordPolicy": {"MinimumLength": 20}}})
    idp.update_user_pool(UserPoolId=pool_id)
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["LambdaConfig"] == {}
    assert pool["MfaConfiguration"] == "OFF"
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 8


def test_update_validates_like_create(idp, make_pool):
    pool_id, _client_id = make_pool(triggers={})
    with pytest.raises(idp.exceptions.InvalidParameterException) as exc:
        idp.update_user_pool(UserPoolId=pool_id, Policies={"PasswordPolicy": {"MinimumLength": 100}})
    assert error_of(exc) == ("InvalidParameterException", "1 validation error detected: Value '100' at "
                             "'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must "
                             "have value less than or equal to 99")
    with pytest.raises(idp.exceptions.InvalidParameterException) as exc:
        idp.update_user_pool(UserPoolId=pool_id, MfaConfiguration="MAYBE")
    assert error_of(exc)[1].startswith("1 validation error detected: Value 'MAYBE' at 'mfaConfiguration' failed "
                                       "to satisfy constraint: Member must satisfy enum value set: [")


def test_deletion_protection_refuses_delete_until_inactive(idp):
    pool_id = idp.create_user_pool(PoolName=unique("pool"), DeletionProtection="ACTIVE")["UserPool"]["Id"]
    with pytest.raises(idp.exceptions.InvalidParameterException) as exc:
        idp.delete_user_pool(UserPoolId=pool_id)
    assert error_of(exc) == ("InvalidParameterException", "The user pool cannot be deleted because deletion "
                             "protection is activated. Deletion protection must be inactivated first.")
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["DeletionProtection"] == "ACTIVE"
    idp.update_user_pool(UserPoolId=pool_id, DeletionProtection="INACTIVE")
    idp.delete_user_pool(UserPoolId=pool_id)
    with pytest.raises(idp.exceptions.ResourceNotFoundException) as exc:
        idp.describe_user_pool(UserPoolId=pool_id)
    assert error_of(exc) == ("ResourceNotFoundException", f"User pool {pool_id} does not exist.")


def test_deleting_a_pool_ends_its_clients_and_tokens(idp, confirmed_user):
    tokens = idp.initiate_auth(ClientId=confirmed_user["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": confirmed_user["username"],
                                               "PASSWORD": confirmed_user["password"]})["AuthenticationResult"]
    idp.delete_user_pool(UserPoolId=confirmed_user["pool_id"])
    with pytest.raises(idp.exceptions.ResourceNotFoundException) as exc:
        idp.initiate_auth(ClientId=confirmed_user["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": confirmed_user["username"],
                                          "PASSWORD": confirmed_user["password"]})
    assert error_of(exc) == ("ResourceNotFoundException",
                             f"User pool client {confirmed_user['client_id']} does not exist.")
    with pytest.raises(idp.exceptions.NotAuthorizedException) as exc:
        idp.get_user(AccessToken=tokens["AccessToken"])
    assert error_of(exc) == ("NotAuthorizedException", "Invalid Access Token")


def test_unknown_request_members_are_ignored_not_stored(stack, idp):
    import json

    import requests

    response = requests.post(stack.idp_url, timeout=10, data=json.dumps({"PoolName": unique("pool"), "Bogus": 1}),
                             headers={"Content-Type": "application/x-amz-json-1.1",
                                      "X-Amz-Target": "AWSCognitoIdentityProviderService.CreateUserPool"})
    assert response.status_code == 200
    pool = response.json()["UserPool"]
    assert "Bogus" not in pool
    assert "Bogus" not in idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]

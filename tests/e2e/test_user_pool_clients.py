"""CreateUserPoolClient and DescribeUserPoolClient: the id format, Cognito's defaults, token-validity ranges,
and a client secret that SignUp and InitiateAuth then require as SECRET_HASH."""

from __future__ import annotations

import re

import pytest

from chalicelib.services.cognito import secret_hash
from tests.e2e.conftest import PASSWORD, error_of, unique

CLIENT_ID = re.compile(r"^[a-z0-9]{26}$")


@pytest.fixture()
def pool_id(idp):
    return idp.create_user_pool(PoolName=unique("pool"), Policies={"PasswordPolicy": {"MinimumLength": 8}},
                                LambdaConfig={})["UserPool"]["Id"]


def test_create_client_id_format_and_defaults(idp, pool_id):
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web")["UserPoolClient"]
    assert CLIENT_ID.match(client["ClientId"])
    assert client["UserPoolId"] == pool_id
    assert client["ClientName"] == "web"
    assert client["ExplicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"]
    assert client["PreventUserExistenceErrors"] == "LEGACY"
    assert client["AuthSessionValidity"] == 3
    assert client["EnableTokenRevocation"] is True
    assert client["RefreshTokenValidity"] == 30
    assert "ClientSecret" not in client
    assert "GenerateSecret" not in client
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])["UserPoolClient"]
    assert described == client


def test_create_client_keeps_what_was_asked(idp, pool_id):
    client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="api",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED", AuthSessionValidity=15, AccessTokenValidity=30, IdTokenValidity=2,
        RefreshTokenValidity=90, TokenValidityUnits={"AccessToken": "minutes", "IdToken": "hours",
                                                     "RefreshToken": "minutes"})["UserPoolClient"]
    assert client["ExplicitAuthFlows"] == ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["AuthSessionValidity"] == 15
    assert (client["AccessTokenValidity"], client["IdTokenValidity"], client["RefreshTokenValidity"]) == (30, 2, 90)
    assert client["TokenValidityUnits"] == {"AccessToken": "minutes", "IdToken": "hours", "RefreshToken": "minutes"}


def test_client_ids_are_unique(idp, pool_id):
    ids = {idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"]["ClientId"]
           for _ in range(5)}
    assert len(ids) == 5


def test_create_client_in_unknown_pool(idp):
    with pytest.raises(idp.exceptions.ResourceNotFoundException) as exc:
        idp.create_user_pool_client(UserPoolId="us-east-1_AAAAAAAAA", ClientName="web")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_AAAAAAAAA does not exist.")


def test_describe_unknown_client(idp, pool_id):
    with pytest.raises(idp.exceptions.ResourceNotFoundException) as exc:
        idp.describe_user_pool_client(UserPoolId=pool_id, ClientId="a" * 26)
    assert error_of(exc) == ("ResourceNotFoundException", f"User pool client {'a' * 26} does not exist.")


def test_describe_client_through_another_pool(idp, pool_id, seeded):
    with pytest.raises(idp.exceptions.ResourceNotFoundException) as exc:
        idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=seeded["clientId"])
    assert error_of(exc) == ("ResourceNotFoundException", f"User pool client {seeded['clientId']} does not exist.")


def test_describe_client_of_unknown_pool(idp, seeded):
    with pytest.raises(idp.exceptions.ResourceNotFoundException) as exc:
        idp.describe_user_pool_client(UserPoolId="us-east-1_AAAAAAAAA", ClientId=seeded["clientId"])
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_AAAAAAAAA does not exist.")


@pytest.mark.parametrize("settings", [
    {"AccessTokenValidity": 4, "TokenValidityUnits": {"AccessToken": "minutes"}},
    {"AccessTokenValidity": 25},
    {"IdTokenValidity": 2, "TokenValidityUnits": {"IdToken": "days"}},
    {"IdTokenValidity": 299, "TokenValidityUnits": {"IdToken": "seconds"}},
    {"RefreshTokenValidity": 59, "TokenValidityUnits": {"RefreshToken": "minutes"}},
    {"RefreshTokenValidity": 3651},
])
def test_token_validity_out_of_range(idp, pool_id, settings):
    with pytest.raises(idp.exceptions.InvalidParameterException) as exc:
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web", **settings)
    assert error_of(exc) == ("InvalidParameterException", "Invalid range for token validity.")


@pytest.mark.parametrize("settings", [
    {"AccessTokenValidity": 5, "IdTokenValidity": 5, "TokenValidityUnits": {"AccessToken": "minutes",
                                                                            "IdToken": "minutes"}},
    {"AccessTokenValidity": 24, "IdTokenValidity": 1, "TokenValidityUnits": {"IdToken": "days"}},
    {"RefreshTokenValidity": 60, "TokenValidityUnits": {"RefreshToken": "minutes"}},
    {"RefreshTokenValidity": 3650},
    {"RefreshTokenValidity": 0},
])
def test_token_validity_bounds_are_accepted(idp, pool_id, settings):
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web", **settings)["UserPoolClient"]
    assert CLIENT_ID.match(client["ClientId"])


@pytest.mark.parametrize("validity", [2, 16])
def test_auth_session_validity_out_of_range(stack, pool_id, validity):
    import boto3
    from botocore.config import Config

    client = boto3.client("cognito-idp", endpoint_url=stack.idp_url, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing",
                          config=Config(retries={"max_attempts": 1}, parameter_validation=False))
    with pytest.raises(client.exceptions.InvalidParameterException) as exc:
        client.create_user_pool_client(UserPoolId=pool_id, ClientName="web", AuthSessionValidity=validity)
    bound = "greater than or equal to 3" if validity < 3 else "less than or equal to 15"
    assert error_of(exc) == ("InvalidParameterException", f"1 validation error detected: Value '{validity}' at "
                             f"'authSessionValidity' failed to satisfy constraint: Member must have value {bound}")


def test_mixing_legacy_and_allow_auth_flows_is_refused(idp, pool_id):
    with pytest.raises(idp.exceptions.InvalidParameterException) as exc:
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web",
                                    ExplicitAuthFlows=["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"])
    assert error_of(exc) == ("InvalidParameterException",
                             "ExplicitAuthFlows can not have both ALLOW_XXX and non ALLOW_XXX values.")


@pytest.fixture()
def secret_client(idp, pool_id):
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="server", GenerateSecret=True,
                                         ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                                         )["UserPoolClient"]
    return pool_id, client["ClientId"], client["ClientSecret"]


def test_generated_secret_is_returned_and_described(idp, secret_client):
    pool_id, client_id, secret = secret_client
    assert re.match(r"^[a-z0-9]{51}$", secret)
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
    assert described["ClientSecret"] == secret


def test_sign_up_with_a_secret_client_needs_the_secret_hash(idp, secret_client):
    pool_id, client_id, secret = secret_client
    username = unique()
    with pytest.raises(idp.exceptions.NotAuthorizedException) as exc:
        idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD)
    assert error_of(exc) == ("NotAuthorizedException",
                             f"Client {client_id} is configured with secret but SECRET_HASH was not received")
    with pytest.raises(idp.exceptions.NotAuthorizedException) as exc:
        idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                    SecretHash=secret_hash(secret, "someone-else", client_id))
    assert error_of(exc) == ("NotAuthorizedException", f"Unable to verify secret hash for client {client_id}")
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pool_id, Username=username)
    result = idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                         SecretHash=secret_hash(secret, username, client_id))
    assert result["UserConfirmed"] is False


def test_initiate_auth_with_a_secret_client_needs_the_secret_hash(idp, secret_client):
    pool_id, client_id, secret = secret_client
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                SecretHash=secret_hash(secret, username, client_id))
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
    parameters = {"USERNAME": username, "PASSWORD": PASSWORD}
    with pytest.raises(idp.exceptions.NotAuthorizedException) as exc:
        idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=parameters)
    assert error_of(exc) == ("NotAuthorizedException",
                             f"Client {client_id} is configured with secret but SECRET_HASH was not received")
    with pytest.raises(idp.exceptions.NotAuthorizedException) as exc:
        idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={**parameters, "SECRET_HASH": secret_hash("wrong", username, client_id)})
    assert error_of(exc) == ("NotAuthorizedException", f"Unable to verify secret hash for client {client_id}")
    result = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={**parameters, "SECRET_HASH": secret_hash(secret, username, client_id)})
    assert set(result["AuthenticationResult"]) >= {"AccessToken", "IdToken", "RefreshToken"}

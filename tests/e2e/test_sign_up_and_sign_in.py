"""The new user's path: sign up, read the code from the outbox, confirm, sign in by password and SRP."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from pycognito import Cognito

from tests.e2e.conftest import PASSWORD, error_of, unique


def test_sign_up_confirm_with_outbox_code_and_sign_in(stack, idp, seeded):
    username = unique()
    email = f"{username}@example.com"
    result = idp.sign_up(ClientId=seeded["clientId"], Username=username, Password=PASSWORD,
                         UserAttributes=[{"Name": "email", "Value": email}])
    assert result["UserConfirmed"] is False
    assert result["CodeDeliveryDetails"] == {"Destination": f"{username[0]}***@e***", "DeliveryMedium": "EMAIL",
                                             "AttributeName": "email"}
    idp.confirm_sign_up(ClientId=seeded["clientId"], Username=username, ConfirmationCode=stack.latest_code(email))
    tokens = idp.initiate_auth(ClientId=seeded["clientId"], AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})["AuthenticationResult"]
    assert set(tokens) >= {"AccessToken", "IdToken", "RefreshToken", "ExpiresIn", "TokenType"}
    attributes = {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=tokens["AccessToken"])["UserAttributes"]}
    assert attributes["email"] == email
    assert attributes["email_verified"] == "true"


def test_pycognito_srp_right_and_wrong_password(stack, confirmed_user):
    kwargs = {"endpoint_url": stack.idp_url, "aws_access_key_id": "x", "aws_secret_access_key": "x"}
    user = Cognito(confirmed_user["pool_id"], confirmed_user["client_id"], username=confirmed_user["username"],
                   user_pool_region="us-east-1", boto3_client_kwargs=kwargs)
    user.authenticate(password=confirmed_user["password"])
    assert user.id_claims["cognito:username"] == confirmed_user["username"]
    assert user.access_claims["token_use"] == "access"
    wrong = Cognito(confirmed_user["pool_id"], confirmed_user["client_id"], username=confirmed_user["username"],
                    user_pool_region="us-east-1", boto3_client_kwargs=kwargs)
    with pytest.raises(ClientError) as exc:
        wrong.authenticate(password="Not-The-Password-1")
    assert error_of(exc) == ("NotAuthorizedException", "Incorrect username or password.")


def test_wrong_confirmation_code_is_refused(stack, idp, seeded):
    username = unique()
    idp.sign_up(ClientId=seeded["clientId"], Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    with pytest.raises(ClientError) as exc:
        idp.confirm_sign_up(ClientId=seeded["clientId"], Username=username, ConfirmationCode="000000x")
    assert error_of(exc) == ("CodeMismatchException", "Invalid verification code provided, please try again.")

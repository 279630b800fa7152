"""ResendConfirmationCode: a fresh code through CustomMessage_ResendCode replaces the sign-up code; the
errors under PreventUserExistenceErrors LEGACY, and the simulated answers under ENABLED."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of, unique


def sign_up(idp, client_id: str) -> tuple[str, str]:
    username = unique()
    email = f"{username}@example.com"
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": email}])
    return username, email


def events_for(stack, username: str, trigger: str) -> list[dict]:
    """Trigger events sent for `username`, oldest first."""
    return [i for i in reversed(stack.invocations()) if i["event"]["userName"] == username and i["trigger"] == trigger]


def test_resend_sends_a_new_code_that_replaces_the_first(stack, idp, make_pool):
    _, client_id = make_pool()
    username, email = sign_up(idp, client_id)
    first = stack.latest_code(email)
    result = idp.resend_confirmation_code(ClientId=client_id, Username=username, ClientMetadata={"app": "web"})
    assert result["CodeDeliveryDetails"] == {"Destination": f"{username[0]}***@e***", "DeliveryMedium": "EMAIL",
                                             "AttributeName": "email"}
    second = stack.latest_code(email)
    event = events_for(stack, username, "CustomMessage")[-1]["event"]
    assert event["triggerSource"] == "CustomMessage_ResendCode"
    assert event["callerContext"]["clientId"] == client_id
    assert event["request"]["clientMetadata"] == {"app": "web"}
    assert event["request"]["codeParameter"] == "{####}"
    if first != second:
        with pytest.raises(ClientError) as exc:
            idp.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=first)
        assert error_of(exc) == ("CodeMismatchException", "Invalid verification code provided, please try again.")
    idp.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=second)
    tokens = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})["AuthenticationResult"]
    assert "AccessToken" in tokens


def test_unknown_user_with_legacy_errors(idp, make_pool):
    _, client_id = make_pool()
    with pytest.raises(ClientError) as exc:
        idp.resend_confirmation_code(ClientId=client_id, Username=unique("nobody"))
    assert error_of(exc) == ("UserNotFoundException", "Username/client id combination not found.")


def test_confirmed_user_with_legacy_errors(stack, idp, make_pool):
    _, client_id = make_pool()
    username, email = sign_up(idp, client_id)
    idp.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=stack.latest_code(email))
    with pytest.raises(ClientError) as exc:
        idp.resend_confirmation_code(ClientId=client_id, Username=username)
    assert error_of(exc) == ("InvalidParameterException", "User is already confirmed.")


def test_prevent_user_existence_errors_simulates_delivery(stack, idp, make_pool):
    _, client_id = make_pool(client={"PreventUserExistenceErrors": "ENABLED"})
    ghost = unique("ghost")
    first = idp.resend_confirmation_code(ClientId=client_id, Username=ghost)["CodeDeliveryDetails"]
    again = idp.resend_confirmation_code(ClientId=client_id, Username=ghost)["CodeDeliveryDetails"]
    assert first == again
    assert first["DeliveryMedium"] == "EMAIL"
    assert first["AttributeName"] == "email"
    assert first["Destination"].count("***") == 2
    assert events_for(stack, ghost, "CustomMessage") == []

    username, email = sign_up(idp, client_id)
    idp.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=stack.latest_code(email))
    sent_before = len([m for m in stack.outbox() if m["to"] == email])
    details = idp.resend_confirmation_code(ClientId=client_id, Username=username)["CodeDeliveryDetails"]
    assert details == {"Destination": f"{username[0]}***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    assert len([m for m in stack.outbox() if m["to"] == email]) == sent_before


def test_pool_without_auto_verification_cannot_resend(idp, make_pool):
    _, client_id = make_pool(pool={"AutoVerifiedAttributes": []})
    username, _ = sign_up(idp, client_id)
    with pytest.raises(ClientError) as exc:
        idp.resend_confirmation_code(ClientId=client_id, Username=username)
    assert error_of(exc) == ("InvalidParameterException", "Cannot resend codes. Auto verification not turned on.")


def test_client_with_secret_needs_the_secret_hash(idp, make_pool):
    _, client_id = make_pool(client={"GenerateSecret": True})
    with pytest.raises(ClientError) as exc:
        idp.resend_confirmation_code(ClientId=client_id, Username=unique())
    assert error_of(exc) == ("NotAuthorizedException",
                             f"Client {client_id} is configured with secret but SECRET_HASH was not received")

"""ForgotPassword: a reset code to the verified email through CustomMessage_ForgotPassword; UserMigration
(UserMigration_ForgotPassword) for a user the pool does not know; the errors under PreventUserExistenceErrors
LEGACY and the simulated answers under ENABLED."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, TRIGGER_ARN, error_of, unique

NO_VERIFIED_MEDIUM = "Cannot reset password for the user as there is no registered/verified email or phone_number"


def verified_user(stack, idp, client_id: str) -> tuple[str, str]:
    """A user confirmed with the emailed code, so their email is verified."""
    username = unique()
    email = f"{username}@example.com"
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": email}])
    idp.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=stack.latest_code(email))
    return username, email


def events_for(stack, username: str, trigger: str) -> list[dict]:
    """Trigger events sent for `username`, oldest first."""
    return [i for i in reversed(stack.invocations()) if i["event"]["userName"] == username and i["trigger"] == trigger]


def codes_to(stack, to: str) -> list[str]:
    return [m["code"] for m in stack.outbox() if m["to"] == to and m.get("code")]


def test_sends_a_reset_code_to_the_verified_email(stack, idp, make_pool):
    _, client_id = make_pool()
    username, email = verified_user(stack, idp, client_id)
    sent_before = len(codes_to(stack, email))
    result = idp.forgot_password(ClientId=client_id, Username=username, ClientMetadata={"origin": "app"})
    assert result["CodeDeliveryDetails"] == {"Destination": f"{username[0]}***@e***", "DeliveryMedium": "EMAIL",
                                             "AttributeName": "email"}
    assert len(codes_to(stack, email)) == sent_before + 1
    event = events_for(stack, username, "CustomMessage")[-1]["event"]
    assert event["triggerSource"] == "CustomMessage_ForgotPassword"
    assert event["request"]["clientMetadata"] == {"origin": "app"}
    assert event["request"]["userAttributes"]["email_verified"] == "true"


def test_unknown_user_runs_user_migration_then_legacy_error(stack, idp, make_pool):
    _, client_id = make_pool()
    ghost = unique("ghost")
    with pytest.raises(ClientError) as exc:
        idp.forgot_password(ClientId=client_id, Username=ghost, ClientMetadata={"k": "v"})
    assert error_of(exc) == ("UserNotFoundException", "Username/client id combination not found.")
    [migration] = events_for(stack, ghost, "UserMigration")
    assert migration["event"]["triggerSource"] == "UserMigration_ForgotPassword"
    assert "password" not in migration["event"]["request"]
    assert migration["event"]["request"]["clientMetadata"] == {"k": "v"}


def test_user_migration_creates_the_user_and_sends_the_code(stack, idp, make_pool, monkeypatch):
    def migrate_user(event: dict[str, Any], context: Any) -> dict[str, Any]:
        event["response"]["userAttributes"] = {"email": f"{event['userName']}@legacy.example",
                                               "email_verified": "true"}
        event["response"]["messageAction"] = "SUPPRESS"
        return event

    monkeypatch.setitem(stack.app.handler_map, "legacy_migrate_user", migrate_user)
    pool_id, client_id = make_pool(triggers={"UserMigration": TRIGGER_ARN.format("legacy_migrate_user")})
    legacy = unique("legacy")
    email = f"{legacy}@legacy.example"
    result = idp.forgot_password(ClientId=client_id, Username=legacy)
    assert result["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert idp.admin_get_user(UserPoolId=pool_id, Username=legacy)["UserStatus"] == "RESET_REQUIRED"
    idp.confirm_forgot_password(ClientId=client_id, Username=legacy, ConfirmationCode=stack.latest_code(email),
                                Password="Migrated-Pass-1")
    assert idp.admin_get_user(UserPoolId=pool_id, Username=legacy)["UserStatus"] == "CONFIRMED"
    tokens = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": legacy, "PASSWORD": "Migrated-Pass-1"})
    assert "AccessToken" in tokens["AuthenticationResult"]


def test_unknown_user_gets_a_simulated_delivery_when_existence_errors_are_prevented(stack, idp, make_pool):
    _, client_id = make_pool(client={"PreventUserExistenceErrors": "ENABLED"})
    ghost = f"{unique('ghost')}@example.com"
    first = idp.forgot_password(ClientId=client_id, Username=ghost)["CodeDeliveryDetails"]
    assert first == {"Destination": f"{ghost[0]}***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    assert idp.forgot_password(ClientId=client_id, Username=ghost)["CodeDeliveryDetails"] == first
    assert codes_to(stack, ghost) == []


def test_user_without_a_verified_email(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    username = unique()
    email = f"{username}@example.com"
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": email}])
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
    with pytest.raises(ClientError) as exc:
        idp.forgot_password(ClientId=client_id, Username=username)
    assert error_of(exc) == ("InvalidParameterException", NO_VERIFIED_MEDIUM)


def test_user_without_a_verified_email_is_not_told_apart_when_errors_are_prevented(stack, idp, make_pool):
    pool_id, client_id = make_pool(client={"PreventUserExistenceErrors": "ENABLED"})
    username = unique()
    email = f"{username}@example.com"
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": email}])
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
    sent_before = len(codes_to(stack, email))
    details = idp.forgot_password(ClientId=client_id, Username=username)["CodeDeliveryDetails"]
    assert details == {"Destination": f"{username[0]}***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    assert len(codes_to(stack, email)) == sent_before


def test_admin_only_recovery(stack, idp, make_pool):
    _, client_id = make_pool(pool={"AccountRecoverySetting": {
        "RecoveryMechanisms": [{"Priority": 1, "Name": "admin_only"}]}})
    username, _ = verified_user(stack, idp, client_id)
    with pytest.raises(ClientError) as exc:
        idp.forgot_password(ClientId=client_id, Username=username)
    assert error_of(exc) == ("NotAuthorizedException", "Contact administrator to reset password.")


def test_disabled_user(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    username, _ = verified_user(stack, idp, client_id)
    idp.admin_disable_user(UserPoolId=pool_id, Username=username)
    with pytest.raises(ClientError) as exc:
        idp.forgot_password(ClientId=client_id, Username=username)
    assert error_of(exc) == ("NotAuthorizedException", "User is disabled.")

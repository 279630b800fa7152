"""The local pool's own compromised-credentials detection (Cognito Plus tier, AdvancedSecurityMode ENFORCED):
a breached password is refused at SignUp and ChangePassword, a USER_PASSWORD_AUTH / ADMIN_USER_PASSWORD_AUTH
sign-in with one puts the user in RESET_REQUIRED, and, as in Cognito, an SRP sign-in is not checked."""

from __future__ import annotations

import pytest
from pycognito import Cognito

from tests.e2e.conftest import PASSWORD, error_of, unique
from tests.integration.breach_support import add_breached, seeded

PLUS = {"UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}, "UserPoolTier": "PLUS",
        "Policies": {"PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": False, "RequireLowercase": False,
                                        "RequireNumbers": False, "RequireSymbols": False}}}
BLOCK_ALL = {"Actions": {"EventAction": "BLOCK"}}
COMPROMISED = ("InvalidPasswordException", "Provided password cannot be used for security reasons.")


@pytest.fixture(autouse=True)
def _seeded_store(stack):
    return seeded(stack)


@pytest.fixture()
def guarded_pool(idp, make_pool):
    pool_id, client_id = make_pool(pool=PLUS, client={"PreventUserExistenceErrors": "LEGACY"})
    idp.set_risk_configuration(UserPoolId=pool_id, CompromisedCredentialsRiskConfiguration=BLOCK_ALL)
    return pool_id, client_id


def new_user(idp, client_id, stack, password=PASSWORD):
    """A confirmed user with a verified email (confirmed with the code, so a reset code can reach them)."""
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=password,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    idp.confirm_sign_up(ClientId=client_id, Username=username,
                        ConfirmationCode=stack.latest_code(f"{username}@example.com"))
    return username


def password_auth(idp, client_id, username, password):
    return idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": username, "PASSWORD": password})


def test_sign_up_with_a_breached_password_is_refused(idp, guarded_pool):
    _pool_id, client_id = guarded_pool
    with pytest.raises(idp.exceptions.InvalidPasswordException) as exc:
        idp.sign_up(ClientId=client_id, Username=unique(), Password="password")
    assert error_of(exc) == COMPROMISED


def test_change_to_a_breached_password_is_refused(idp, guarded_pool, stack):
    _pool_id, client_id = guarded_pool
    username = new_user(idp, client_id, stack)
    token = password_auth(idp, client_id, username, PASSWORD)["AuthenticationResult"]["AccessToken"]
    with pytest.raises(idp.exceptions.InvalidPasswordException) as exc:
        idp.change_password(AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword="iloveyou")
    assert error_of(exc) == COMPROMISED


def test_a_password_sign_in_with_a_breached_password_requires_a_reset(idp, guarded_pool, stack):
    pool_id, client_id = guarded_pool
    password = f"later-breached-{unique()}"
    username = new_user(idp, client_id, stack, password)
    add_breached(password)
    for _attempt in range(2):  # the first detects it, the second finds the user in RESET_REQUIRED
        with pytest.raises(idp.exceptions.PasswordResetRequiredException) as exc:
            password_auth(idp, client_id, username, password)
        assert error_of(exc) == ("PasswordResetRequiredException", "Password reset required for the user")
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "RESET_REQUIRED"
    idp.forgot_password(ClientId=client_id, Username=username)
    idp.confirm_forgot_password(ClientId=client_id, Username=username, Password=PASSWORD,
                                ConfirmationCode=stack.latest_code(f"{username}@example.com"))
    assert password_auth(idp, client_id, username, PASSWORD)["AuthenticationResult"]["AccessToken"]


def test_admin_password_auth_is_checked_too(idp, guarded_pool, stack):
    pool_id, client_id = guarded_pool
    password = f"admin-breached-{unique()}"
    username = new_user(idp, client_id, stack, password)
    add_breached(password)
    with pytest.raises(idp.exceptions.PasswordResetRequiredException):
        idp.admin_initiate_auth(UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                AuthParameters={"USERNAME": username, "PASSWORD": password})


def test_a_wrong_password_is_not_checked_and_marks_nobody(idp, guarded_pool, stack):
    pool_id, client_id = guarded_pool
    username = new_user(idp, client_id, stack)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        password_auth(idp, client_id, username, "password")
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "CONFIRMED"


def test_an_srp_sign_in_cannot_be_checked(idp, guarded_pool, stack):
    pool_id, client_id = guarded_pool
    password = f"srp-breached-{unique()}"
    username = new_user(idp, client_id, stack, password)
    add_breached(password)
    user = Cognito(pool_id, client_id, username=username, user_pool_region="us-east-1",
                   boto3_client_kwargs={"endpoint_url": stack.idp_url, "aws_access_key_id": "testing",
                                        "aws_secret_access_key": "testing"})
    user.authenticate(password=password)
    assert user.access_token


def signed_up(idp, pool_id: str, client_id: str, password: str) -> str:
    """The status of a user signed up with ``password`` (UNCONFIRMED: the sign-up was not refused)."""
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=password)
    return idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"]


def test_the_event_filter_and_no_action(idp, make_pool):
    pool_id, client_id = make_pool(pool=PLUS)
    idp.set_risk_configuration(UserPoolId=pool_id, CompromisedCredentialsRiskConfiguration={
        "EventFilter": ["SIGN_IN"], "Actions": {"EventAction": "BLOCK"}})
    assert signed_up(idp, pool_id, client_id, "password") == "UNCONFIRMED"  # SIGN_UP is not filtered
    idp.set_risk_configuration(UserPoolId=pool_id, CompromisedCredentialsRiskConfiguration={
        "Actions": {"EventAction": "NO_ACTION"}})
    assert signed_up(idp, pool_id, client_id, "iloveyou") == "UNCONFIRMED"


def test_a_client_configuration_overrides_the_pools(idp, guarded_pool):
    pool_id, client_id = guarded_pool
    idp.set_risk_configuration(UserPoolId=pool_id, ClientId=client_id,
                               CompromisedCredentialsRiskConfiguration={"Actions": {"EventAction": "NO_ACTION"}})
    assert signed_up(idp, pool_id, client_id, "password") == "UNCONFIRMED"


def test_audit_mode_detects_but_does_not_block(idp, make_pool):
    pool_id, client_id = make_pool(pool={**PLUS, "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}})
    idp.set_risk_configuration(UserPoolId=pool_id, CompromisedCredentialsRiskConfiguration=BLOCK_ALL)
    assert signed_up(idp, pool_id, client_id, "password") == "UNCONFIRMED"

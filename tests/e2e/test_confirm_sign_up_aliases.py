"""ConfirmSignUp in a pool with email as an alias: an email another user holds verified answers
AliasExistsException and leaves the user unconfirmed with their code still good; ForceAliasCreation moves the
alias, and the previous holder keeps the email unverified and can no longer sign in with it."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of, unique
from tests.helpers import password_auth

TAKEN = ("AliasExistsException", "An account with the email already exists.")


@pytest.fixture()
def alias_pool(make_pool) -> tuple[str, str]:
    return make_pool(pool={"AliasAttributes": ["email"]})


def signed_up(idp, client_id: str, email: str) -> str:
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": email}])
    return username


def attributes(idp, pool_id: str, username: str) -> dict[str, str]:
    user = idp.admin_get_user(UserPoolId=pool_id, Username=username)
    return {"status": user["UserStatus"], **{a["Name"]: a["Value"] for a in user["UserAttributes"]}}


def owner_and_newcomer(stack, idp, alias_pool) -> tuple[str, str, str, str]:
    """A confirmed user holding ``email`` as a verified alias, and a second user signed up with it."""
    _pool_id, client_id = alias_pool
    email = f"{unique('shared')}@example.com"
    owner = signed_up(idp, client_id, email)
    idp.confirm_sign_up(ClientId=client_id, Username=owner, ConfirmationCode=stack.latest_code(email))
    newcomer = signed_up(idp, client_id, email)
    return email, owner, newcomer, stack.latest_code(email)


def test_a_verified_alias_of_another_user_is_refused_and_nothing_changes(stack, idp, alias_pool):
    pool_id, client_id = alias_pool
    email, owner, newcomer, code = owner_and_newcomer(stack, idp, alias_pool)
    with pytest.raises(ClientError) as exc:
        idp.confirm_sign_up(ClientId=client_id, Username=newcomer, ConfirmationCode=code)
    assert error_of(exc) == TAKEN
    assert attributes(idp, pool_id, newcomer)["status"] == "UNCONFIRMED"
    assert attributes(idp, pool_id, owner)["email_verified"] == "true"
    assert password_auth(idp, client_id, email)["AuthenticationResult"]["AccessToken"]
    with pytest.raises(ClientError) as exc:
        idp.confirm_sign_up(ClientId=client_id, Username=newcomer, ConfirmationCode=code, ForceAliasCreation=False)
    assert error_of(exc) == TAKEN


def test_force_alias_creation_moves_the_alias(stack, idp, alias_pool):
    pool_id, client_id = alias_pool
    email, owner, newcomer, code = owner_and_newcomer(stack, idp, alias_pool)
    idp.confirm_sign_up(ClientId=client_id, Username=newcomer, ConfirmationCode=code, ForceAliasCreation=True)
    assert (attributes(idp, pool_id, newcomer)["status"], attributes(idp, pool_id, newcomer)["email_verified"]) == (
        "CONFIRMED", "true")
    assert attributes(idp, pool_id, owner)["email"] == email
    assert attributes(idp, pool_id, owner)["email_verified"] == "false"
    assert idp.admin_get_user(UserPoolId=pool_id, Username=email)["Username"] == newcomer
    assert password_auth(idp, client_id, owner)["AuthenticationResult"]["AccessToken"]


def test_an_unverified_holder_does_not_block_confirmation(stack, idp, alias_pool):
    pool_id, client_id = alias_pool
    email = f"{unique('shared')}@example.com"
    first = signed_up(idp, client_id, email)
    second = signed_up(idp, client_id, email)
    idp.confirm_sign_up(ClientId=client_id, Username=second, ConfirmationCode=stack.latest_code(email))
    assert attributes(idp, pool_id, second)["email_verified"] == "true"
    assert attributes(idp, pool_id, first)["status"] == "UNCONFIRMED"


def test_without_alias_attributes_two_users_may_share_a_verified_email(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    email = f"{unique('shared')}@example.com"
    confirmed = []
    for _ in range(2):
        username = signed_up(idp, client_id, email)
        idp.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=stack.latest_code(email))
        confirmed.append(username)
    assert [attributes(idp, pool_id, username)["email_verified"] for username in confirmed] == ["true", "true"]

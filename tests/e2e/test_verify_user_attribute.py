"""VerifyUserAttribute: the right code marks the attribute verified, once; wrong, missing, reused and
day-old codes are refused; an email alias verified by another user cannot be verified again."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of, unique
from tests.helpers import access_token, clock_moved_by

MISMATCH = ("CodeMismatchException", "Invalid verification code provided, please try again.")
EXPIRED = ("ExpiredCodeException", "Invalid code provided, please request a code again.")


def email_verified(idp, access: str) -> str | None:
    return {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=access)["UserAttributes"]}.get("email_verified")


def test_right_code_verifies_once(stack, idp, confirmed_user):
    access = access_token(idp, confirmed_user)
    assert email_verified(idp, access) != "true"
    idp.get_user_attribute_verification_code(AccessToken=access, AttributeName="email")
    code = stack.latest_code(confirmed_user["email"])
    with pytest.raises(ClientError) as exc:
        idp.verify_user_attribute(AccessToken=access, AttributeName="email",
                                  Code="000000" if code != "000000" else "111111")
    assert error_of(exc) == MISMATCH
    idp.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)
    assert email_verified(idp, access) == "true"
    with pytest.raises(ClientError) as exc:
        idp.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)
    assert error_of(exc) == EXPIRED


def test_no_code_was_sent(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.verify_user_attribute(AccessToken=access_token(idp, confirmed_user), AttributeName="email", Code="123456")
    assert error_of(exc) == EXPIRED


def test_code_expires_after_a_day(stack, idp, confirmed_user):
    idp.get_user_attribute_verification_code(AccessToken=access_token(idp, confirmed_user), AttributeName="email")
    code = stack.latest_code(confirmed_user["email"])
    with clock_moved_by(24 * 3600 + 1):
        later = access_token(idp, confirmed_user)
        with pytest.raises(ClientError) as exc:
            idp.verify_user_attribute(AccessToken=later, AttributeName="email", Code=code)
        assert error_of(exc) == EXPIRED
        assert email_verified(idp, later) != "true"


def test_only_email_and_phone_number(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.verify_user_attribute(AccessToken=access_token(idp, confirmed_user), AttributeName="locale",
                                  Code="123456")
    assert error_of(exc) == ("InvalidParameterException",
                             "Invalid attribute name. Only phone_number and email can be verified.")


def test_alias_already_verified_by_another_user(stack, idp, make_pool):
    _pool_id, client_id = make_pool(pool={"AliasAttributes": ["email"]})
    taken = f"{unique('taken')}@example.com"
    owner = unique()
    idp.sign_up(ClientId=client_id, Username=owner, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": taken}])
    idp.confirm_sign_up(ClientId=client_id, Username=owner, ConfirmationCode=stack.latest_code(taken))
    other = {"client_id": client_id, "username": unique(), "password": PASSWORD}
    own_email = f"{other['username']}@example.com"
    idp.sign_up(ClientId=client_id, Username=other["username"], Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": own_email}])
    idp.confirm_sign_up(ClientId=client_id, Username=other["username"], ConfirmationCode=stack.latest_code(own_email))
    access = access_token(idp, other)
    idp.update_user_attributes(AccessToken=access, UserAttributes=[{"Name": "email", "Value": taken}])
    with pytest.raises(ClientError) as exc:
        idp.verify_user_attribute(AccessToken=access, AttributeName="email", Code=stack.latest_code(taken))
    assert error_of(exc) == ("AliasExistsException", "An account with the email already exists.")
    assert email_verified(idp, access) == "false"

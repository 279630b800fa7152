"""ChangePassword: the signed-in user's previous password must be right (and wrong ones count toward the
temporary lockout); the new one must meet the pool's policy; a bad access token is refused."""

from __future__ import annotations

import contextlib
import time

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of
from tests.helpers import emulator_clock

NEW_PASSWORD = "Changed-Pass-42"


def sign_in(idp, user: dict[str, str], password: str | None = None) -> dict:
    return idp.initiate_auth(ClientId=user["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": user["username"],
                                             "PASSWORD": password or user["password"]})["AuthenticationResult"]


def clock_frozen() -> contextlib.AbstractContextManager[None]:
    """Stop the local Cognito's clock (the stack runs in this process), so a 1-second lockout cannot lapse."""
    at = time.time()
    return emulator_clock(lambda: at)


def test_changes_the_password(idp, confirmed_user):
    access = sign_in(idp, confirmed_user)["AccessToken"]
    idp.change_password(AccessToken=access, PreviousPassword=confirmed_user["password"], ProposedPassword=NEW_PASSWORD)
    assert "AccessToken" in sign_in(idp, confirmed_user, NEW_PASSWORD)
    with pytest.raises(ClientError) as exc:
        sign_in(idp, confirmed_user)
    assert error_of(exc) == ("NotAuthorizedException", "Incorrect username or password.")


def test_wrong_previous_password(idp, confirmed_user):
    access = sign_in(idp, confirmed_user)["AccessToken"]
    with pytest.raises(ClientError) as exc:
        idp.change_password(AccessToken=access, PreviousPassword="Not-The-Password-1", ProposedPassword=NEW_PASSWORD)
    assert error_of(exc) == ("NotAuthorizedException", "Incorrect username or password.")
    assert "AccessToken" in sign_in(idp, confirmed_user)


def test_wrong_previous_passwords_start_the_lockout(idp, confirmed_user):
    access = sign_in(idp, confirmed_user)["AccessToken"]
    with clock_frozen():
        for _ in range(5):
            with pytest.raises(ClientError) as exc:
                idp.change_password(AccessToken=access, PreviousPassword="Not-The-Password-1",
                                    ProposedPassword=NEW_PASSWORD)
            assert error_of(exc) == ("NotAuthorizedException", "Incorrect username or password.")
        with pytest.raises(ClientError) as exc:
            idp.change_password(AccessToken=access, PreviousPassword=confirmed_user["password"],
                                ProposedPassword=NEW_PASSWORD)
        assert error_of(exc) == ("NotAuthorizedException", "Password attempts exceeded")
        with pytest.raises(ClientError) as exc:
            sign_in(idp, confirmed_user)
        assert error_of(exc) == ("NotAuthorizedException", "Password attempts exceeded")


def test_proposed_password_must_meet_the_policy(idp, confirmed_user):
    access = sign_in(idp, confirmed_user)["AccessToken"]
    with pytest.raises(ClientError) as exc:
        idp.change_password(AccessToken=access, PreviousPassword=confirmed_user["password"],
                            ProposedPassword="nouppercase-1!")
    assert error_of(exc) == ("InvalidPasswordException",
                             "Password did not conform with policy: Password must have uppercase characters")
    assert "AccessToken" in sign_in(idp, confirmed_user)


def test_missing_previous_password(idp, confirmed_user):
    access = sign_in(idp, confirmed_user)["AccessToken"]
    with pytest.raises(ClientError) as exc:
        idp.change_password(AccessToken=access, ProposedPassword=NEW_PASSWORD)
    assert error_of(exc) == ("InvalidParameterException", "Missing required parameter PreviousPassword")


def test_invalid_access_token(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.change_password(AccessToken="not.a.token", PreviousPassword=confirmed_user["password"],
                            ProposedPassword=NEW_PASSWORD)
    assert error_of(exc) == ("NotAuthorizedException", "Invalid Access Token")

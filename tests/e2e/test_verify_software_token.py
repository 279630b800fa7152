"""VerifySoftwareToken: a TOTP code from the associated secret makes it the user's software token; a wrong
code, or no associated secret, is refused and leaves the user without one."""

from __future__ import annotations

import time

import pyotp
import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of
from tests.helpers import access_token

MISMATCH = ("EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")


def wrong_code(secret: str) -> str:
    """A six-digit code no step near now accepts."""
    totp = pyotp.TOTP(secret)
    near = {totp.at(time.time() + drift) for drift in (-60, -30, 0, 30, 60)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in near)


def test_right_code_verifies_the_token(idp, confirmed_user):
    access = access_token(idp, confirmed_user)
    secret = idp.associate_software_token(AccessToken=access)["SecretCode"]
    assert "UserMFASettingList" not in idp.get_user(AccessToken=access)
    result = idp.verify_software_token(AccessToken=access, UserCode=pyotp.TOTP(secret).now(),
                                       FriendlyDeviceName="phone")
    assert result["Status"] == "SUCCESS"
    assert "Session" not in result
    assert idp.get_user(AccessToken=access)["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]


def test_wrong_code_is_refused(idp, confirmed_user):
    access = access_token(idp, confirmed_user)
    secret = idp.associate_software_token(AccessToken=access)["SecretCode"]
    with pytest.raises(ClientError) as exc:
        idp.verify_software_token(AccessToken=access, UserCode=wrong_code(secret))
    assert error_of(exc) == MISMATCH
    assert "UserMFASettingList" not in idp.get_user(AccessToken=access)
    assert idp.verify_software_token(AccessToken=access, UserCode=pyotp.TOTP(secret).now())["Status"] == "SUCCESS"


def test_code_of_an_older_secret_is_refused(idp, confirmed_user):
    access = access_token(idp, confirmed_user)
    old = idp.associate_software_token(AccessToken=access)["SecretCode"]
    new = idp.associate_software_token(AccessToken=access)["SecretCode"]
    code = pyotp.TOTP(old).now()
    if code not in {pyotp.TOTP(new).at(time.time() + drift) for drift in (-30, 0, 30)}:
        with pytest.raises(ClientError) as exc:
            idp.verify_software_token(AccessToken=access, UserCode=code)
        assert error_of(exc) == MISMATCH


def test_nothing_associated(idp, confirmed_user):
    with pytest.raises(ClientError) as exc:
        idp.verify_software_token(AccessToken=access_token(idp, confirmed_user), UserCode="123456")
    assert error_of(exc) == ("SoftwareTokenMFANotFoundException",
                             "No software token has been associated with the user.")

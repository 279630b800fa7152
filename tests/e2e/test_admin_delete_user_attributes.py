"""AdminDeleteUserAttributes: the named attributes go (an email with its verified flag), names the user has no
value for change nothing, and existing tokens keep working; `sub`, immutable, required and unknown attributes
are refused."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of, unique
from tests.helpers import GUARDED_REFUSALS, GUARDED_SCHEMA, access_token, admin_user


def attributes(idp, pool_id: str, username: str) -> dict[str, str]:
    return {a["Name"]: a["Value"]
            for a in idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserAttributes"]}


def delete(idp, pool_id: str, username: str, *names: str) -> dict:
    return idp.admin_delete_user_attributes(UserPoolId=pool_id, Username=username, UserAttributeNames=list(names))


def test_named_attributes_are_removed(idp, make_pool):
    pool_id, client_id = make_pool()
    user = admin_user(idp, pool_id, name="Ada", locale="en")
    access = access_token(idp, {"client_id": client_id, "username": user["username"], "password": PASSWORD})
    result = delete(idp, pool_id, user["username"], "name", "email", "nickname")
    assert {k: v for k, v in result.items() if k != "ResponseMetadata"} == {}
    current = attributes(idp, pool_id, user["username"])
    assert "name" not in current
    assert "email" not in current
    assert "email_verified" not in current
    assert current["locale"] == "en"
    profile = idp.get_user(AccessToken=access)
    assert {a["Name"] for a in profile["UserAttributes"]} == {"sub", "locale"}


def test_the_verified_flag_alone_can_be_removed(idp, make_pool):
    pool_id, _ = make_pool()
    user = admin_user(idp, pool_id)
    delete(idp, pool_id, user["username"], "email_verified")
    current = attributes(idp, pool_id, user["username"])
    assert current["email"] == user["email"]
    assert "email_verified" not in current


def test_sub_cannot_be_deleted(idp, make_pool):
    pool_id, _ = make_pool()
    user = admin_user(idp, pool_id)
    with pytest.raises(ClientError) as exc:
        delete(idp, pool_id, user["username"], "name", "sub")
    assert error_of(exc) == ("InvalidParameterException", "Cannot modify the non-mutable attribute sub")


def test_immutable_required_and_unknown_attributes_are_refused(idp, make_pool):
    pool_id, _ = make_pool(pool={"Schema": GUARDED_SCHEMA})
    user = admin_user(idp, pool_id, name="Ada", **{"custom:tenant": "acme"})
    for name, message in GUARDED_REFUSALS:
        with pytest.raises(ClientError) as exc:
            delete(idp, pool_id, user["username"], "locale", name)
        assert error_of(exc) == ("InvalidParameterException", message)
    current = attributes(idp, pool_id, user["username"])
    assert (current["name"], current["custom:tenant"]) == ("Ada", "acme")


def test_unknown_user(idp, make_pool):
    pool_id, _ = make_pool()
    with pytest.raises(ClientError) as exc:
        delete(idp, pool_id, "nobody-" + unique(), "name")
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        delete(idp, "us-east-1_nopool000", "anyone", "name")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")

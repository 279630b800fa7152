"""DeleteUserAttributes: the signed-in user removes attributes (an email with its verified flag); names they
have no value for change nothing; `sub`, the verified flags, attributes outside the client's WriteAttributes,
immutable, required and unknown attributes are refused, as UpdateUserAttributes refuses them."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of
from tests.helpers import GUARDED_REFUSALS, GUARDED_SCHEMA, access_token, admin_user

UNAUTHORIZED_ATTRIBUTE = ("NotAuthorizedException", "A client attempted to write unauthorized attribute")


def signed_in(idp, pool_id: str, client_id: str, **attributes: str) -> str:
    """The access token of a new user with a verified email and `attributes`."""
    user = admin_user(idp, pool_id, **attributes)
    return access_token(idp, {"client_id": client_id, "username": user["username"], "password": PASSWORD})


def attributes(idp, access: str) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=access)["UserAttributes"]}


def delete(idp, access: str, *names: str) -> dict:
    return idp.delete_user_attributes(AccessToken=access, UserAttributeNames=list(names))


def test_named_attributes_are_removed(idp, make_pool):
    pool_id, client_id = make_pool()
    access = signed_in(idp, pool_id, client_id, name="Ada", locale="en")
    result = delete(idp, access, "name", "email", "nickname")
    assert {k: v for k, v in result.items() if k != "ResponseMetadata"} == {}
    current = attributes(idp, access)
    assert set(current) == {"sub", "locale"}


def test_sub_cannot_be_deleted(idp, make_pool):
    pool_id, client_id = make_pool()
    access = signed_in(idp, pool_id, client_id)
    with pytest.raises(ClientError) as exc:
        delete(idp, access, "sub")
    assert error_of(exc) == ("InvalidParameterException", "Cannot modify the non-mutable attribute sub")


def test_verified_flags_are_not_writable(idp, make_pool):
    pool_id, client_id = make_pool()
    access = signed_in(idp, pool_id, client_id)
    with pytest.raises(ClientError) as exc:
        delete(idp, access, "email_verified")
    assert error_of(exc) == UNAUTHORIZED_ATTRIBUTE
    assert attributes(idp, access)["email_verified"] == "true"


def test_client_write_attributes_are_enforced(idp, make_pool):
    pool_id, client_id = make_pool(client={"WriteAttributes": ["name", "email"]})
    access = signed_in(idp, pool_id, client_id, name="Ada", locale="en")
    with pytest.raises(ClientError) as exc:
        delete(idp, access, "locale")
    assert error_of(exc) == UNAUTHORIZED_ATTRIBUTE
    delete(idp, access, "name")
    assert "name" not in attributes(idp, access)


def test_immutable_required_and_unknown_attributes_are_refused(idp, make_pool):
    pool_id, client_id = make_pool(pool={"Schema": GUARDED_SCHEMA})
    access = signed_in(idp, pool_id, client_id, name="Ada", **{"custom:tenant": "acme"})
    for name, message in GUARDED_REFUSALS:
        with pytest.raises(ClientError) as exc:
            delete(idp, access, name)
        assert error_of(exc) == ("InvalidParameterException", message)
    current = attributes(idp, access)
    assert (current["name"], current["custom:tenant"]) == ("Ada", "acme")


def test_invalid_access_token(idp):
    with pytest.raises(ClientError) as exc:
        delete(idp, "a.b.c", "name")
    assert error_of(exc) == ("NotAuthorizedException", "Invalid Access Token")


def test_revoked_access_token(idp, make_pool):
    pool_id, client_id = make_pool()
    access = signed_in(idp, pool_id, client_id, name="Ada")
    idp.global_sign_out(AccessToken=access)
    with pytest.raises(ClientError) as exc:
        delete(idp, access, "name")
    assert error_of(exc) == ("NotAuthorizedException", "Access Token has been revoked")

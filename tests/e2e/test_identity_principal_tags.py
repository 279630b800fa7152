"""SetPrincipalTagAttributeMap / GetPrincipalTagAttributeMap, and the principal tags they put into the
identity's OpenID token (the session tags STS receives): the defaults (username = sub, client = aud), a
custom map, a missing claim, and the map turned off."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.identity_support import (
    UserPool,
    claims_of,
    create_identity_pool,
    error_message,
    identity_client,
)

TAGS = "https://aws.amazon.com/tags"


@pytest.fixture(scope="module")
def ci(stack: Any) -> Any:
    return identity_client(stack)


@pytest.fixture()
def world(ci: Any, idp: Any, make_pool: Any) -> dict[str, Any]:
    pool_id, client_id = make_pool(pool={"Schema": [{"Name": "dept", "AttributeDataType": "String",
                                                     "Mutable": True}]})
    users = UserPool(idp=idp, pool_id=pool_id, client_id=client_id)
    return {"users": users, "pool": create_identity_pool(ci, users, classic=True)}


def token_tags(ci: Any, world: dict[str, Any], user: dict[str, str]) -> Any:
    logins = world["users"].logins(user)
    identity_id = ci.get_id(IdentityPoolId=world["pool"], Logins=logins)["IdentityId"]
    return claims_of(ci.get_open_id_token(IdentityId=identity_id, Logins=logins)["Token"]).get(TAGS)


def answer(ci: Any, **args: Any) -> dict[str, Any]:
    result = ci.get_principal_tag_attribute_map(**args)
    result.pop("ResponseMetadata")
    return result


def test_no_map_no_tags(ci: Any, world: dict[str, Any]) -> None:
    users = world["users"]
    assert answer(ci, IdentityPoolId=world["pool"], IdentityProviderName=users.provider) == {
        "IdentityPoolId": world["pool"], "IdentityProviderName": users.provider, "UseDefaults": False}
    assert token_tags(ci, world, users.user()) is None


def test_default_tags_are_the_user_and_the_client(ci: Any, world: dict[str, Any]) -> None:
    users = world["users"]
    set_answer = ci.set_principal_tag_attribute_map(IdentityPoolId=world["pool"],
                                                    IdentityProviderName=users.provider, UseDefaults=True)
    expected = {"IdentityPoolId": world["pool"], "IdentityProviderName": users.provider, "UseDefaults": True,
                "PrincipalTags": {"username": "sub", "client": "aud"}}
    set_answer.pop("ResponseMetadata")
    assert set_answer == expected
    assert answer(ci, IdentityPoolId=world["pool"], IdentityProviderName=users.provider) == expected
    user = users.user()
    assert token_tags(ci, world, user) == {"principal_tags": {"username": [user["sub"]],
                                                              "client": [users.client_id]}}


def test_a_custom_map_tags_the_claims_it_names(ci: Any, world: dict[str, Any]) -> None:
    users = world["users"]
    ci.set_principal_tag_attribute_map(IdentityPoolId=world["pool"], IdentityProviderName=users.provider,
                                       UseDefaults=False, PrincipalTags={"department": "custom:dept",
                                                                         "mail": "email", "phone": "phone_number"})
    user = users.user(attributes={"custom:dept": "ops"})
    assert token_tags(ci, world, user) == {"principal_tags": {"department": ["ops"],
                                                              "mail": [f"{user['username']}@example.com"]}}
    ci.set_principal_tag_attribute_map(IdentityPoolId=world["pool"], IdentityProviderName=users.provider,
                                       UseDefaults=False)
    assert token_tags(ci, world, user) is None


def test_only_a_provider_of_the_pool_has_a_map(ci: Any, world: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as exc:
        ci.set_principal_tag_attribute_map(IdentityPoolId=world["pool"], IdentityProviderName="accounts.google.com",
                                           UseDefaults=True)
    assert error_message(exc) == ("InvalidParameterException",
                                  "The identity provider accounts.google.com is not configured for this identity pool.")
    with pytest.raises(ClientError) as exc:
        ci.set_principal_tag_attribute_map(IdentityPoolId=world["pool"], IdentityProviderName="p",
                                           PrincipalTags={f"t{i}": "sub" for i in range(51)})
    assert error_message(exc) == (
        "InvalidParameterException",
        "1 validation error detected: Value at 'principalTags' failed to satisfy constraint: "
        "Member must have length less than or equal to 50")

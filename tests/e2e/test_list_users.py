"""ListUsers: Cognito's Filter syntax (`=` exact, `^=` prefix) on the searchable attributes,
AttributesToGet, Limit and PaginationToken, and the errors."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of


@pytest.fixture()
def people(idp, make_pool) -> dict:
    """A pool with: ada (confirmed, enabled), alan (FORCE_CHANGE_PASSWORD), grace (confirmed, disabled),
    and linus (UNCONFIRMED, signed up)."""
    pool_id, client_id = make_pool()
    profiles = {
        "ada": {"email": "ada@math.example", "given_name": "Ada", "family_name": "Lovelace", "name": "Ada Lovelace",
                "phone_number": "+441234567890", "preferred_username": "countess"},
        "alan": {"email": "alan@math.example", "given_name": "Alan", "family_name": "Turing"},
        "grace": {"email": "grace@navy.example", "given_name": "Grace", "family_name": "Hopper \"Amazing\""},
    }
    for username, attributes in profiles.items():
        idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()])
    idp.admin_set_user_password(UserPoolId=pool_id, Username="ada", Password=PASSWORD, Permanent=True)
    idp.admin_set_user_password(UserPoolId=pool_id, Username="grace", Password=PASSWORD, Permanent=True)
    idp.admin_disable_user(UserPoolId=pool_id, Username="grace")
    idp.sign_up(ClientId=client_id, Username="linus", Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": "linus@kernel.example"}])
    subs = {u["Username"]: {a["Name"]: a["Value"] for a in u["Attributes"]}["sub"]
            for u in idp.list_users(UserPoolId=pool_id)["Users"]}
    return {"pool_id": pool_id, "subs": subs}


def names(idp, pool_id: str, expression: str) -> list[str]:
    return sorted(u["Username"] for u in idp.list_users(UserPoolId=pool_id, Filter=expression)["Users"])


def test_lists_every_user_as_user_type(idp, people):
    users = idp.list_users(UserPoolId=people["pool_id"])["Users"]
    assert sorted(u["Username"] for u in users) == ["ada", "alan", "grace", "linus"]
    ada = next(u for u in users if u["Username"] == "ada")
    assert (ada["UserStatus"], ada["Enabled"]) == ("CONFIRMED", True)
    assert {a["Name"]: a["Value"] for a in ada["Attributes"]}["preferred_username"] == "countess"
    assert {"UserCreateDate", "UserLastModifiedDate"} <= set(ada)
    assert names(idp, people["pool_id"], "") == ["ada", "alan", "grace", "linus"]


@pytest.mark.parametrize(("expression", "expected"), [
    ('username = "ada"', ["ada"]),
    ('username = "Ada"', []),
    ('username ^= "a"', ["ada", "alan"]),
    ('email = "alan@math.example"', ["alan"]),
    ('email ^= "a"', ["ada", "alan"]),
    ('email^="grace"', ["grace"]),
    ('phone_number = "+441234567890"', ["ada"]),
    ('name = "Ada Lovelace"', ["ada"]),
    ('given_name ^= "Gr"', ["grace"]),
    ('family_name = "Turing"', ["alan"]),
    ('family_name = "Hopper \\"Amazing\\""', ["grace"]),
    ('preferred_username = "countess"', ["ada"]),
    ('cognito:user_status = "CONFIRMED"', ["ada", "grace"]),
    ('cognito:user_status = "force_change_password"', ["alan"]),
    ('cognito:user_status = "UNCONFIRMED"', ["linus"]),
    ('status = "Enabled"', ["ada", "alan", "linus"]),
    ('status = "Disabled"', ["grace"]),
    ('status = "disabled"', []),
    ('  email   =   "nobody@example.com"  ', []),
])
def test_filter(idp, people, expression, expected):
    assert names(idp, people["pool_id"], expression) == expected


def test_filter_by_sub(idp, people):
    assert names(idp, people["pool_id"], f'sub = "{people["subs"]["alan"]}"') == ["alan"]


@pytest.mark.parametrize("expression", [
    "email = ada@math.example", 'email == "x"', 'email "x"', 'email = "x" and name = "y"', '= "x"', 'email ~= "x"',
    'email = "unterminated',
])
def test_malformed_filter(idp, people, expression):
    with pytest.raises(ClientError) as exc:
        idp.list_users(UserPoolId=people["pool_id"], Filter=expression)
    assert error_of(exc) == ("InvalidParameterException", "Error while parsing filter.")


def test_custom_attributes_are_not_searchable(idp, people):
    with pytest.raises(ClientError) as exc:
        idp.list_users(UserPoolId=people["pool_id"], Filter='custom:tier = "gold"')
    assert error_of(exc) == ("InvalidParameterException", "Invalid search attribute: custom:tier")


def test_attributes_to_get(idp, people):
    users = idp.list_users(UserPoolId=people["pool_id"], Filter='username = "ada"',
                           AttributesToGet=["email", "given_name"])["Users"]
    assert users[0]["Attributes"] == [{"Name": "email", "Value": "ada@math.example"},
                                      {"Name": "given_name", "Value": "Ada"}]
    assert users[0]["Username"] == "ada"
    assert idp.list_users(UserPoolId=people["pool_id"], Filter='username = "ada"',
                          AttributesToGet=[])["Users"][0]["Attributes"] == []


def test_attributes_to_get_must_exist_in_the_schema(idp, people):
    with pytest.raises(ClientError) as exc:
        idp.list_users(UserPoolId=people["pool_id"], AttributesToGet=["email", "shoe_size"])
    assert error_of(exc) == ("InvalidParameterException", "One or more requested attributes do not exist.")


def test_limit_and_pagination_token(idp, people):
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"PaginationToken": token} if token else {}
        page = idp.list_users(UserPoolId=people["pool_id"], Limit=3, **kwargs)
        assert len(page["Users"]) <= 3
        seen += [u["Username"] for u in page["Users"]]
        pages += 1
        token = page.get("PaginationToken")
        if not token:
            break
    assert (sorted(seen), len(seen), pages) == (["ada", "alan", "grace", "linus"], 4, 2)
    paginator = idp.get_paginator("list_users")
    filtered = [u["Username"] for p in paginator.paginate(UserPoolId=people["pool_id"], Filter='email ^= "a"',
                                                          PaginationConfig={"PageSize": 1}) for u in p["Users"]]
    assert sorted(filtered) == ["ada", "alan"]


def test_limit_above_60_is_refused(idp, people):
    with pytest.raises(ClientError) as exc:
        idp.list_users(UserPoolId=people["pool_id"], Limit=61)
    assert error_of(exc) == ("InvalidParameterException",
                             "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: "
                             "Member must have value less than or equal to 60")


def test_garbage_pagination_token(idp, people):
    with pytest.raises(ClientError) as exc:
        idp.list_users(UserPoolId=people["pool_id"], PaginationToken="garbage")
    assert error_of(exc) == ("InvalidParameterException", "Invalid pagination token.")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.list_users(UserPoolId="us-east-1_nopool000")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")

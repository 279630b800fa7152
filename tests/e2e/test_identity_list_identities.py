"""ListIdentities and DescribeIdentity: every identity of a pool, oldest first, in pages of MaxResults, with
their linked providers."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.identity_support import create_identity_pool, error_message, identity_client, new_user_pool


@pytest.fixture(scope="module")
def ci(stack: Any) -> Any:
    return identity_client(stack)


def test_identities_are_listed_in_pages(ci: Any, idp: Any, make_pool: Any) -> None:
    users = new_user_pool(idp, make_pool)
    pool_id = create_identity_pool(ci, users, unauthenticated=True)
    guests = [ci.get_id(IdentityPoolId=pool_id)["IdentityId"] for _ in range(4)]
    member = ci.get_id(IdentityPoolId=pool_id, Logins=users.logins(users.user()))["IdentityId"]
    seen: list[dict[str, Any]] = []
    token: str | None = None
    pages = 0
    while True:
        args: dict[str, Any] = {"IdentityPoolId": pool_id, "MaxResults": 2}
        if token:
            args["NextToken"] = token
        page = ci.list_identities(**args)
        assert page["IdentityPoolId"] == pool_id and len(page["Identities"]) <= 2
        seen += page["Identities"]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert pages == 3
    assert [i["IdentityId"] for i in seen] == [*guests, member]
    assert seen[-1]["Logins"] == [users.provider] and "Logins" not in seen[0]
    assert ci.describe_identity(IdentityId=member)["Logins"] == [users.provider]


def test_an_empty_pool_lists_nothing(ci: Any) -> None:
    pool_id = create_identity_pool(ci)
    page = ci.list_identities(IdentityPoolId=pool_id, MaxResults=60, HideDisabled=True)
    assert page["Identities"] == [] and "NextToken" not in page


def test_list_limits_and_tokens_are_checked(ci: Any) -> None:
    pool_id = create_identity_pool(ci)
    with pytest.raises(ClientError) as exc:
        ci.list_identities(IdentityPoolId=pool_id, MaxResults=61)
    assert error_message(exc) == (
        "InvalidParameterException",
        "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 60")
    with pytest.raises(ClientError) as exc:
        ci.list_identities(IdentityPoolId=pool_id, MaxResults=1, NextToken="bm90LWFuLWlkZW50aXR5")
    assert error_message(exc) == ("InvalidParameterException", "Invalid pagination token.")


def test_an_unknown_identity_is_not_found(ci: Any) -> None:
    missing = "us-east-1:11111111-2222-3333-4444-555555555555"
    with pytest.raises(ClientError) as exc:
        ci.describe_identity(IdentityId=missing)
    assert error_message(exc) == ("ResourceNotFoundException", f"Identity '{missing}' not found.")

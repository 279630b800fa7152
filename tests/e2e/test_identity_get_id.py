"""GetId: REGION:GUID identity ids, the same one for the same user every time, guests only where allowed,
and logins of two providers linked to (or merging into) one identity; seen through DescribeIdentity."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.identity_support import create_identity_pool, error_message, identity_client, new_user_pool

IDENTITY_ID = re.compile(r"us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def ci(stack: Any) -> Any:
    return identity_client(stack)


def test_a_user_gets_the_same_identity_every_time(ci: Any, idp: Any, make_pool: Any) -> None:
    users = new_user_pool(idp, make_pool)
    pool_id = create_identity_pool(ci, users)
    ann, bob = users.user(), users.user()
    first = ci.get_id(IdentityPoolId=pool_id, Logins=users.logins(ann))["IdentityId"]
    assert IDENTITY_ID.fullmatch(first)
    again = users.sign_in(ann["username"])  # a new token of the same user
    assert ci.get_id(IdentityPoolId=pool_id, Logins=users.logins(again))["IdentityId"] == first
    other = ci.get_id(IdentityPoolId=pool_id, Logins=users.logins(bob))["IdentityId"]
    assert other != first
    described = ci.describe_identity(IdentityId=first)
    assert described["Logins"] == [users.provider]
    assert described["CreationDate"] <= described["LastModifiedDate"]


def test_the_same_user_has_different_identities_in_different_pools(ci: Any, idp: Any, make_pool: Any) -> None:
    users = new_user_pool(idp, make_pool)
    ann = users.user()
    one, two = create_identity_pool(ci, users), create_identity_pool(ci, users)
    assert (ci.get_id(IdentityPoolId=one, Logins=users.logins(ann))["IdentityId"]
            != ci.get_id(IdentityPoolId=two, Logins=users.logins(ann))["IdentityId"])


def test_guests_get_a_new_identity_where_the_pool_allows_them(ci: Any) -> None:
    pool_id = create_identity_pool(ci, unauthenticated=True)
    first = ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    second = ci.get_id(IdentityPoolId=pool_id, Logins={})["IdentityId"]
    assert IDENTITY_ID.fullmatch(first) and first != second
    assert "Logins" not in ci.describe_identity(IdentityId=first)


def test_guests_are_refused_where_the_pool_does_not_allow_them(ci: Any) -> None:
    pool_id = create_identity_pool(ci, unauthenticated=False)
    with pytest.raises(ClientError) as exc:
        ci.get_id(IdentityPoolId=pool_id)
    assert error_message(exc) == ("NotAuthorizedException",
                                  "Unauthenticated access is not supported for this identity pool.")


def test_logins_of_two_providers_share_one_identity(ci: Any, idp: Any, make_pool: Any) -> None:
    first, second = new_user_pool(idp, make_pool), new_user_pool(idp, make_pool)
    pool_id = create_identity_pool(ci, [first, second])
    ann_first, ann_second = first.user(), second.user()
    alone = ci.get_id(IdentityPoolId=pool_id, Logins=first.logins(ann_first))["IdentityId"]
    both = ci.get_id(IdentityPoolId=pool_id, Logins={**first.logins(ann_first), **second.logins(ann_second)})
    assert both["IdentityId"] == alone
    assert ci.get_id(IdentityPoolId=pool_id, Logins=second.logins(ann_second))["IdentityId"] == alone
    assert ci.describe_identity(IdentityId=alone)["Logins"] == sorted([first.provider, second.provider])


def test_two_identities_merge_into_the_first_when_their_logins_meet(ci: Any, idp: Any, make_pool: Any) -> None:
    first, second = new_user_pool(idp, make_pool), new_user_pool(idp, make_pool)
    pool_id = create_identity_pool(ci, [first, second])
    ann_first, ann_second = first.user(), second.user()
    one = ci.get_id(IdentityPoolId=pool_id, Logins=first.logins(ann_first))["IdentityId"]
    two = ci.get_id(IdentityPoolId=pool_id, Logins=second.logins(ann_second))["IdentityId"]
    merged = ci.get_id(IdentityPoolId=pool_id, Logins={**first.logins(ann_first), **second.logins(ann_second)})
    assert merged["IdentityId"] == one
    with pytest.raises(ClientError) as exc:
        ci.describe_identity(IdentityId=two)
    assert error_message(exc) == ("ResourceNotFoundException", f"Identity '{two}' not found.")
    assert ci.get_id(IdentityPoolId=pool_id, Logins=second.logins(ann_second))["IdentityId"] == one


def test_an_identity_linked_to_one_user_cannot_take_another_users_login(ci: Any, idp: Any, make_pool: Any) -> None:
    first, second = new_user_pool(idp, make_pool), new_user_pool(idp, make_pool)
    pool_id = create_identity_pool(ci, [first, second])
    ann, bob = first.user(), first.user()
    ann_second = second.user()
    ci.get_id(IdentityPoolId=pool_id, Logins={**first.logins(ann), **second.logins(ann_second)})
    ci.get_id(IdentityPoolId=pool_id, Logins=first.logins(bob))
    with pytest.raises(ClientError) as exc:
        ci.get_id(IdentityPoolId=pool_id, Logins={**first.logins(bob), **second.logins(ann_second)})
    assert error_message(exc) == ("ResourceConflictException",
                                  f"The identity is already linked to another login of {first.provider}.")

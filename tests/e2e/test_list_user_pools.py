"""ListUserPools: every pool as {Id, Name, LambdaConfig, CreationDate, LastModifiedDate}, by creation time then
id, MaxResults (1-60, required) per page with NextToken. Other tests' pools share the stack, so each test looks
at its own pools within the whole listing."""

from __future__ import annotations

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.e2e.conftest import TRIGGER_ARN, error_of, unique

DESCRIPTION = {"Id", "Name", "LambdaConfig", "CreationDate", "LastModifiedDate"}


def create(idp, count: int, **settings) -> list[str]:
    return [idp.create_user_pool(PoolName=unique("pool"), **settings)["UserPool"]["Id"] for _ in range(count)]


def walk(idp, max_results: int = 60) -> list[list[dict]]:
    """Every page of the listing, in order, following NextToken."""
    pages, token = [], None
    while True:
        result = idp.list_user_pools(MaxResults=max_results, **({"NextToken": token} if token else {}))
        pages.append(result["UserPools"])
        token = result.get("NextToken")
        if not token:
            return pages


def everything(idp) -> list[dict]:
    return [pool for listed in walk(idp) for pool in listed]


def token_after(idp, pool_id: str) -> str:
    """The NextToken of pages that end exactly at ``pool_id``: the listing is read first to learn its place,
    then consumed up to it with MaxResults sized to stop there."""
    ids = [pool["Id"] for pool in everything(idp)]
    remaining, token = ids.index(pool_id) + 1, None
    while remaining:
        size = min(60, remaining)
        result = idp.list_user_pools(MaxResults=size, **({"NextToken": token} if token else {}))
        assert len(result["UserPools"]) == size
        remaining -= size
        token = result["NextToken"]
    assert result["UserPools"][-1]["Id"] == pool_id
    return token


def test_a_pool_is_described_as_describe_user_pool_describes_it(idp):
    lambda_config = {"PreSignUp": TRIGGER_ARN.format("pre_sign_up")}
    pool_id, bare_id = create(idp, 1, LambdaConfig=lambda_config) + create(idp, 1)
    listed = {pool["Id"]: pool for pool in everything(idp)}
    for one in (pool_id, bare_id):
        described = idp.describe_user_pool(UserPoolId=one)["UserPool"]
        assert listed[one] == {key: described[key] for key in DESCRIPTION}
    assert listed[pool_id]["LambdaConfig"] == lambda_config
    assert listed[bare_id]["LambdaConfig"] == {}


def test_items_carry_only_the_description_members_on_the_wire(stack, idp):
    """botocore drops members its model lacks, so the raw answer is read to see that no more is sent."""
    pool_id = create(idp, 1)[0]
    token, items = None, []
    while True:
        body = {"MaxResults": 60, **({"NextToken": token} if token else {})}
        answer = requests.post(stack.idp_url, json=body, timeout=10, headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools"})
        assert answer.status_code == 200
        items += answer.json()["UserPools"]
        token = answer.json().get("NextToken")
        if not token:
            break
    mine = next(item for item in items if item["Id"] == pool_id)
    assert set(mine) == DESCRIPTION
    assert all(set(item) == DESCRIPTION for item in items)


def test_lists_every_pool_by_creation_then_id(idp, seeded):
    mine = create(idp, 3)
    listed = everything(idp)
    ids = [pool["Id"] for pool in listed]
    assert len(ids) == len(set(ids))
    assert seeded["userPoolId"] in ids
    assert ids[-3:] == mine
    keys = [(pool["CreationDate"], pool["Id"]) for pool in listed]
    assert keys == sorted(keys)


def test_pages_lose_and_repeat_nothing(idp):
    mine = create(idp, 5)
    whole = [pool["Id"] for pool in everything(idp)]
    pages = walk(idp, max_results=2)
    assert all(len(listed) == 2 for listed in pages[:-1])
    assert 1 <= len(pages[-1]) <= 2
    paged = [pool["Id"] for listed in pages for pool in listed]
    assert paged == whole
    assert paged[-5:] == mine
    paginator = idp.get_paginator("list_user_pools")
    by_paginator = [pool["Id"] for listed in paginator.paginate(PaginationConfig={"PageSize": 3})
                    for pool in listed["UserPools"]]
    assert by_paginator == whole


def test_changes_between_pages_neither_repeat_nor_skip(idp):
    first, second, third, fourth = create(idp, 4)
    token = token_after(idp, first)
    idp.delete_user_pool(UserPoolId=second)
    idp.update_user_pool(UserPoolId=third, LambdaConfig={"PostConfirmation": TRIGGER_ARN.format("post_confirmation")})
    rest = idp.list_user_pools(MaxResults=60, NextToken=token)
    assert [pool["Id"] for pool in rest["UserPools"]] == [third, fourth]
    assert "NextToken" not in rest
    updated = rest["UserPools"][0]
    assert updated["LambdaConfig"] == {"PostConfirmation": TRIGGER_ARN.format("post_confirmation")}
    assert updated["LastModifiedDate"] > updated["CreationDate"]


def test_last_page_has_no_next_token(idp):
    mine = create(idp, 2)
    last = idp.list_user_pools(MaxResults=60, NextToken=token_after(idp, mine[0]))
    assert [pool["Id"] for pool in last["UserPools"]] == [mine[1]]
    assert "NextToken" not in last


def test_garbage_next_token(idp):
    with pytest.raises(ClientError) as exc:
        idp.list_user_pools(MaxResults=10, NextToken="not-a-token")
    assert error_of(exc) == ("InvalidParameterException", "Invalid pagination token.")


@pytest.fixture()
def unchecked(stack):
    """A client that sends what it is given, so the local Cognito's own validation answers."""
    return boto3.client("cognito-idp", endpoint_url=stack.idp_url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(retries={"max_attempts": 1}, parameter_validation=False))


@pytest.mark.parametrize(("value", "bound"), [(0, "greater than or equal to 1"), (61, "less than or equal to 60")])
def test_max_results_out_of_range(unchecked, value, bound):
    with pytest.raises(ClientError) as exc:
        unchecked.list_user_pools(MaxResults=value)
    assert error_of(exc) == ("InvalidParameterException", f"1 validation error detected: Value '{value}' at "
                             f"'maxResults' failed to satisfy constraint: Member must have value {bound}")


def test_max_results_is_required(unchecked):
    with pytest.raises(ClientError) as exc:
        unchecked.list_user_pools()
    assert error_of(exc) == ("InvalidParameterException", "1 validation error detected: Value null at "
                             "'maxResults' failed to satisfy constraint: Member must not be null")

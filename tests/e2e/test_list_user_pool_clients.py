"""ListUserPoolClients: {ClientId, UserPoolId, ClientName} of each app client in order of creation, paginated
with MaxResults and NextToken."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of, unique


@pytest.fixture()
def pool_id(idp):
    return idp.create_user_pool(PoolName=unique("pool"), LambdaConfig={})["UserPool"]["Id"]


def create(idp, pool_id: str, count: int) -> list[str]:
    return [idp.create_user_pool_client(UserPoolId=pool_id, ClientName=f"client-{i}")["UserPoolClient"]["ClientId"]
            for i in range(count)]


def test_lists_client_descriptions(idp, pool_id):
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web", GenerateSecret=True,
                                            )["UserPoolClient"]["ClientId"]
    result = idp.list_user_pool_clients(UserPoolId=pool_id)
    assert result["UserPoolClients"] == [{"ClientId": client_id, "UserPoolId": pool_id, "ClientName": "web"}]
    assert "NextToken" not in result


def test_no_clients(idp, pool_id):
    result = idp.list_user_pool_clients(UserPoolId=pool_id)
    assert result["UserPoolClients"] == []
    assert "NextToken" not in result


def test_only_this_pools_clients(idp, pool_id, seeded):
    mine = create(idp, pool_id, 2)
    listed = [c["ClientId"] for c in idp.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"]]
    assert listed == mine
    assert seeded["clientId"] not in listed


def test_pagination_with_max_results_and_next_token(idp, pool_id):
    created = create(idp, pool_id, 5)
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=2, **kwargs)
        assert len(page["UserPoolClients"]) <= 2
        seen += [c["ClientId"] for c in page["UserPoolClients"]]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert (seen, pages) == (created, 3)
    paginator = idp.get_paginator("list_user_pool_clients")
    everything = [c["ClientId"] for p in paginator.paginate(UserPoolId=pool_id, PaginationConfig={"PageSize": 3})
                  for c in p["UserPoolClients"]]
    assert everything == created


def test_updated_and_deleted_clients(idp, pool_id):
    first, second, third = create(idp, pool_id, 3)
    idp.update_user_pool_client(UserPoolId=pool_id, ClientId=first, ClientName="renamed")
    idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=second)
    assert idp.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"] == [
        {"ClientId": first, "UserPoolId": pool_id, "ClientName": "renamed"},
        {"ClientId": third, "UserPoolId": pool_id, "ClientName": "client-2"}]


def test_client_type_filter(idp, pool_id):
    created = create(idp, pool_id, 2)
    regular = idp.list_user_pool_clients(UserPoolId=pool_id, ClientType="REGULAR")["UserPoolClients"]
    assert [c["ClientId"] for c in regular] == created
    assert idp.list_user_pool_clients(UserPoolId=pool_id, ClientType="DCR")["UserPoolClients"] == []


def test_garbage_next_token(idp, pool_id):
    with pytest.raises(ClientError) as exc:
        idp.list_user_pool_clients(UserPoolId=pool_id, NextToken="not-a-token")
    assert error_of(exc) == ("InvalidParameterException", "Invalid pagination token.")


@pytest.mark.parametrize(("value", "bound"), [(0, "greater than or equal to 1"), (61, "less than or equal to 60")])
def test_max_results_out_of_range(stack, pool_id, value, bound):
    client = boto3.client("cognito-idp", endpoint_url=stack.idp_url, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing",
                          config=Config(retries={"max_attempts": 1}, parameter_validation=False))
    with pytest.raises(ClientError) as exc:
        client.list_user_pool_clients(UserPoolId=pool_id, MaxResults=value)
    assert error_of(exc) == ("InvalidParameterException", f"1 validation error detected: Value '{value}' at "
                             f"'maxResults' failed to satisfy constraint: Member must have value {bound}")


def test_unknown_pool(idp):
    with pytest.raises(ClientError) as exc:
        idp.list_user_pool_clients(UserPoolId="us-east-1_nopool000")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nopool000 does not exist.")

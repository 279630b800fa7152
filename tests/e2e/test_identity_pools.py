"""CreateIdentityPool, DescribeIdentityPool, UpdateIdentityPool, DeleteIdentityPool through boto3: the
IdentityPool shape, REGION:GUID ids, Cognito's validation and not-found messages, and what an update
replaces."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

from tests.e2e.identity_support import create_identity_pool, error_message, identity_client, new_user_pool


@pytest.fixture(scope="module")
def ci(stack: Any) -> Any:
    return identity_client(stack)


def test_a_pool_is_created_and_described_as_given(ci: Any, idp: Any, make_pool: Any) -> None:
    users = new_user_pool(idp, make_pool)
    created = ci.create_identity_pool(
        IdentityPoolName="my pool+1", AllowUnauthenticatedIdentities=True, AllowClassicFlow=False,
        CognitoIdentityProviders=[{"ProviderName": users.provider, "ClientId": users.client_id,
                                   "ServerSideTokenCheck": True}],
        IdentityPoolTags={"team": "auth"})
    pool_id = created["IdentityPoolId"]
    assert re.fullmatch(r"us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", pool_id)
    described = ci.describe_identity_pool(IdentityPoolId=pool_id)
    for answer in (created, described):
        answer.pop("ResponseMetadata")
        assert answer == {
            "IdentityPoolId": pool_id, "IdentityPoolName": "my pool+1", "AllowUnauthenticatedIdentities": True,
            "AllowClassicFlow": False, "IdentityPoolTags": {"team": "auth"},
            "CognitoIdentityProviders": [{"ProviderName": users.provider, "ClientId": users.client_id,
                                          "ServerSideTokenCheck": True}]}


def test_an_update_replaces_the_settings(ci: Any, idp: Any, make_pool: Any) -> None:
    users = new_user_pool(idp, make_pool)
    pool_id = create_identity_pool(ci, users, IdentityPoolTags={"a": "b"})
    updated = ci.update_identity_pool(IdentityPoolId=pool_id, IdentityPoolName="renamed",
                                      AllowUnauthenticatedIdentities=True)
    updated.pop("ResponseMetadata")
    assert updated == {"IdentityPoolId": pool_id, "IdentityPoolName": "renamed",
                       "AllowUnauthenticatedIdentities": True}
    described = ci.describe_identity_pool(IdentityPoolId=pool_id)
    assert "CognitoIdentityProviders" not in described and "IdentityPoolTags" not in described


def test_a_deleted_pool_is_gone_with_its_identities(ci: Any) -> None:
    pool_id = create_identity_pool(ci, unauthenticated=True)
    identity_id = ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    ci.delete_identity_pool(IdentityPoolId=pool_id)
    for call in (lambda: ci.describe_identity_pool(IdentityPoolId=pool_id),
                 lambda: ci.delete_identity_pool(IdentityPoolId=pool_id),
                 lambda: ci.get_id(IdentityPoolId=pool_id)):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_message(exc) == ("ResourceNotFoundException", f"IdentityPool '{pool_id}' not found.")
    with pytest.raises(ClientError) as exc:
        ci.describe_identity(IdentityId=identity_id)
    assert error_message(exc) == ("ResourceNotFoundException", f"Identity '{identity_id}' not found.")


def test_an_unknown_pool_is_not_found(ci: Any) -> None:
    missing = "us-east-1:00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError) as exc:
        ci.update_identity_pool(IdentityPoolId=missing, IdentityPoolName="x", AllowUnauthenticatedIdentities=False)
    assert error_message(exc) == ("ResourceNotFoundException", f"IdentityPool '{missing}' not found.")


@pytest.mark.parametrize(("args", "message"), [
    ({"IdentityPoolName": "bad/name", "AllowUnauthenticatedIdentities": False},
     "1 validation error detected: Value 'bad/name' at 'identityPoolName' failed to satisfy constraint: "
     "Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+"),
    ({"IdentityPoolName": "p", "AllowUnauthenticatedIdentities": False,
      "CognitoIdentityProviders": [{"ProviderName": "accounts.google.com", "ClientId": "abc"}]},
     "Invalid Cognito Identity Provider name: accounts.google.com"),
    ({"IdentityPoolName": "p", "AllowUnauthenticatedIdentities": False,
      "CognitoIdentityProviders": [{"ProviderName": "cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab1"}]},
     "CognitoIdentityProvider must have a ProviderName and a ClientId."),
    ({"IdentityPoolName": "p", "AllowUnauthenticatedIdentities": False, "CognitoIdentityProviders": [
        {"ProviderName": "cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab1", "ClientId": "c"},
        {"ProviderName": "cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab1", "ClientId": "c"}]},
     "Duplicate Cognito identity provider: cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab1 with client c"),
])
def test_invalid_pools_are_refused(ci: Any, args: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as exc:
        ci.create_identity_pool(**args)
    assert error_message(exc) == ("InvalidParameterException", message)


def test_a_malformed_pool_id_fails_validation(ci: Any) -> None:
    with pytest.raises(ClientError) as exc:
        ci.describe_identity_pool(IdentityPoolId="not-a-pool-id")
    assert error_message(exc) == (
        "InvalidParameterException",
        "1 validation error detected: Value 'not-a-pool-id' at 'identityPoolId' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+")


def test_browsers_may_call_the_endpoint_like_cognito_idp(stack: Any) -> None:
    preflight = {"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type,x-amz-target,x-amz-user-agent"}
    answers = [requests.options(f"{stack.base_url}/{path}", headers=preflight, timeout=10)
               for path in ("cognito-identity", "cognito-idp")]
    assert [a.status_code for a in answers] == [200, 200]
    for name in ("Access-Control-Allow-Origin", "Access-Control-Allow-Headers", "Access-Control-Expose-Headers"):
        assert answers[0].headers[name] == answers[1].headers[name]
    assert answers[0].headers["Access-Control-Allow-Origin"] == "*"

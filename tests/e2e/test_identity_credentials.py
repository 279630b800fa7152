"""GetCredentialsForIdentity (enhanced flow): credentials from moto's STS for the resolved role, one hour,
that moto accepts for what the role allows and refuses for the rest; guests scoped down as Cognito scopes
them; logins that must belong to the identity; and roles whose trust policy refuses the pool."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import unique
from tests.e2e.identity_support import (
    admin_client,
    assumed,
    aws_client,
    caller_arn,
    create_identity_pool,
    create_role,
    error_message,
    identity_client,
    new_user_pool,
)

NO_ROLE = ("InvalidIdentityPoolConfigurationException",
           "Invalid identity pool configuration. Check assigned IAM roles for this pool.")
LOGINS_DONT_MATCH = ("NotAuthorizedException",
                     "Logins don't match. Please include at least one valid login for this identity or identity pool.")


@pytest.fixture(scope="module")
def ci(stack: Any) -> Any:
    return identity_client(stack)


@pytest.fixture(scope="module")
def bucket(stack: Any) -> str:
    name = unique("bucket")
    s3 = admin_client(stack, "s3")
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="readme.txt", Body=b"hello")
    return name


def read_only(bucket: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"arn:aws:s3:::{bucket}/*"}]}


@pytest.fixture()
def setup(stack: Any, ci: Any, idp: Any, make_pool: Any, bucket: str) -> dict[str, Any]:
    users = new_user_pool(idp, make_pool)
    pool_id = create_identity_pool(ci, users, unauthenticated=True)
    everything = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    roles = {"authenticated": create_role(stack, pool_id, "authenticated", read_only(bucket)),
             "unauthenticated": create_role(stack, pool_id, "unauthenticated", everything)}
    ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles=roles)
    return {"users": users, "pool_id": pool_id, "roles": roles}


def test_a_user_gets_one_hour_of_the_authenticated_role(stack: Any, ci: Any, setup: dict[str, Any],
                                                          bucket: str) -> None:
    users = setup["users"]
    logins = users.logins(users.user())
    identity_id = ci.get_id(IdentityPoolId=setup["pool_id"], Logins=logins)["IdentityId"]
    answer = ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    assert answer["IdentityId"] == identity_id
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA") and credentials["SessionToken"]
    assert abs(credentials["Expiration"].timestamp() - (time.time() + 3600)) < 120
    assert caller_arn(stack, credentials) == assumed(setup["roles"]["authenticated"])
    s3 = aws_client(stack, credentials, "s3")
    assert s3.get_object(Bucket=bucket, Key="readme.txt")["Body"].read() == b"hello"
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="new.txt", Body=b"x")
    assert exc.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError) as exc:
        aws_client(stack, credentials, "dynamodb").list_tables()
    assert exc.value.response["Error"]["Code"] == "AccessDeniedException"


def test_a_guest_gets_the_unauthenticated_role_scoped_down(stack: Any, ci: Any, setup: dict[str, Any],
                                                           bucket: str) -> None:
    identity_id = ci.get_id(IdentityPoolId=setup["pool_id"])["IdentityId"]
    credentials = ci.get_credentials_for_identity(IdentityId=identity_id)["Credentials"]
    assert caller_arn(stack, credentials) == assumed(setup["roles"]["unauthenticated"])
    # The role allows s3:*, but Cognito's session policy for guests has no S3 in it.
    with pytest.raises(ClientError) as exc:
        aws_client(stack, credentials, "s3").get_object(Bucket=bucket, Key="readme.txt")
    assert exc.value.response["Error"]["Code"] == "AccessDenied"


def test_an_authenticated_identity_needs_one_of_its_logins(ci: Any, setup: dict[str, Any]) -> None:
    users = setup["users"]
    ann, bob = users.user(), users.user()
    identity_id = ci.get_id(IdentityPoolId=setup["pool_id"], Logins=users.logins(ann))["IdentityId"]
    for logins in ({}, users.logins(bob)):
        with pytest.raises(ClientError) as exc:
            ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
        assert error_message(exc) == LOGINS_DONT_MATCH


def test_a_guest_identity_becomes_authenticated_with_a_login(stack: Any, ci: Any, setup: dict[str, Any]) -> None:
    users = setup["users"]
    identity_id = ci.get_id(IdentityPoolId=setup["pool_id"])["IdentityId"]
    logins = users.logins(users.user())
    credentials = ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    assert caller_arn(stack, credentials) == assumed(setup["roles"]["authenticated"])
    assert ci.describe_identity(IdentityId=identity_id)["Logins"] == [users.provider]
    assert ci.get_id(IdentityPoolId=setup["pool_id"], Logins=logins)["IdentityId"] == identity_id
    with pytest.raises(ClientError) as exc:
        ci.get_credentials_for_identity(IdentityId=identity_id)
    assert error_message(exc) == LOGINS_DONT_MATCH


def test_guests_are_refused_once_the_pool_stops_allowing_them(ci: Any, setup: dict[str, Any]) -> None:
    identity_id = ci.get_id(IdentityPoolId=setup["pool_id"])["IdentityId"]
    users = setup["users"]
    ci.update_identity_pool(IdentityPoolId=setup["pool_id"], IdentityPoolName="closed",
                            AllowUnauthenticatedIdentities=False,
                            CognitoIdentityProviders=[{"ProviderName": users.provider, "ClientId": users.client_id}])
    with pytest.raises(ClientError) as exc:
        ci.get_credentials_for_identity(IdentityId=identity_id)
    assert error_message(exc) == ("NotAuthorizedException",
                                  "Unauthenticated access is not supported for this identity pool.")


def test_a_pool_without_the_needed_role_is_misconfigured(ci: Any, setup: dict[str, Any]) -> None:
    users = setup["users"]
    ci.set_identity_pool_roles(IdentityPoolId=setup["pool_id"], Roles={})
    guest = ci.get_id(IdentityPoolId=setup["pool_id"])["IdentityId"]
    logins = users.logins(users.user())
    member = ci.get_id(IdentityPoolId=setup["pool_id"], Logins=logins)["IdentityId"]
    for call in (lambda: ci.get_credentials_for_identity(IdentityId=guest),
                 lambda: ci.get_credentials_for_identity(IdentityId=member, Logins=logins)):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_message(exc) == NO_ROLE


@pytest.mark.parametrize("trust", ["another pool", "unauthenticated amr", "another principal", "missing role"])
def test_a_role_that_does_not_trust_the_pool_is_refused_by_sts(stack: Any, ci: Any, setup: dict[str, Any],
                                                               trust: str) -> None:
    pool_id = setup["pool_id"]
    if trust == "another pool":
        role = create_role(stack, "us-east-1:00000000-0000-0000-0000-000000000000")
    elif trust == "unauthenticated amr":
        role = create_role(stack, pool_id, "unauthenticated")
    elif trust == "another principal":
        role = create_role(stack, pool_id, trust={"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Federated": "accounts.google.com"},
            "Action": "sts:AssumeRoleWithWebIdentity"}]})
    else:
        role = "arn:aws:iam::123456789012:role/does-not-exist"
    ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": role})
    users = setup["users"]
    logins = users.logins(users.user())
    identity_id = ci.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    with pytest.raises(ClientError) as exc:
        ci.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    assert error_message(exc) == NO_ROLE


def test_an_unknown_identity_is_not_found(ci: Any) -> None:
    missing = "us-east-1:11111111-2222-3333-4444-555555555555"
    with pytest.raises(ClientError) as exc:
        ci.get_credentials_for_identity(IdentityId=missing)
    assert error_message(exc) == ("ResourceNotFoundException", f"Identity '{missing}' not found.")

"""GetOpenIdToken (basic flow): Cognito Identity's OpenID token, refused when AllowClassicFlow is false or
the pool has role mappings; then STS AssumeRoleWithWebIdentity in moto, where the role's trust policy
decides (aud, amr) and no scope-down policy applies."""

from __future__ import annotations

import time
from typing import Any

import boto3
import jwt
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.e2e.conftest import unique
from tests.e2e.identity_support import (
    admin_client,
    caller_arn,
    claims_of,
    create_identity_pool,
    create_role,
    error_message,
    identity_client,
    new_user_pool,
)


@pytest.fixture(scope="module")
def ci(stack: Any) -> Any:
    return identity_client(stack)


@pytest.fixture(scope="module")
def sts(stack: Any) -> Any:
    return boto3.client("sts", endpoint_url=stack.moto_url, region_name="us-east-1",
                        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))


def assume(sts: Any, role: str, token: str) -> dict[str, Any]:
    return sts.assume_role_with_web_identity(RoleArn=role, RoleSessionName="app", WebIdentityToken=token)["Credentials"]


def as_identity_credentials(credentials: dict[str, Any]) -> dict[str, Any]:
    return {"AccessKeyId": credentials["AccessKeyId"], "SecretKey": credentials["SecretAccessKey"],
            "SessionToken": credentials["SessionToken"]}


def test_a_user_s_token_opens_a_role_that_trusts_authenticated_identities(stack: Any, ci: Any, sts: Any,
                                                                          idp: Any, make_pool: Any) -> None:
    users = new_user_pool(idp, make_pool)
    pool_id = create_identity_pool(ci, users, classic=True)
    user = users.user()
    logins = users.logins(user)
    identity_id = ci.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    answer = ci.get_open_id_token(IdentityId=identity_id, Logins=logins)
    token = answer["Token"]
    assert answer["IdentityId"] == identity_id
    jwks = requests.get(f"{stack.base_url}/cognito-identity/.well-known/jwks.json", timeout=10).json()
    key = jwt.PyJWK(jwks["keys"][0]).key
    claims = jwt.decode(token, key, algorithms=["RS256"], audience=pool_id,
                        issuer="https://cognito-identity.amazonaws.com")
    assert claims["sub"] == identity_id
    assert claims["amr"] == ["authenticated", users.provider,
                             f"{users.provider}:{users.client_id}:CognitoSignIn:{user['sub']}"]
    assert claims["exp"] - claims["iat"] == 600 and abs(claims["iat"] - time.time()) < 60
    role = create_role(stack, pool_id, "authenticated")
    credentials = assume(sts, role, token)
    assert caller_arn(stack, as_identity_credentials(credentials)).endswith(f":assumed-role/{role.split('/')[-1]}/app")
    for refused_role in (create_role(stack, pool_id, "unauthenticated"), create_role(stack, "us-east-1:" + "0" * 36)):
        with pytest.raises(ClientError) as exc:
            assume(sts, refused_role, token)
        assert error_message(exc) == ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")


def test_a_guest_token_in_the_basic_flow_is_not_scoped_down(stack: Any, ci: Any, sts: Any) -> None:
    pool_id = create_identity_pool(ci, unauthenticated=True)
    identity_id = ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    token = ci.get_open_id_token(IdentityId=identity_id)["Token"]
    assert claims_of(token)["amr"] == ["unauthenticated"]
    bucket = unique("bucket")
    admin_client(stack, "s3").create_bucket(Bucket=bucket)
    role = create_role(stack, pool_id, "unauthenticated", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]})
    credentials = as_identity_credentials(assume(sts, role, token))
    s3 = boto3.session.Session(aws_access_key_id=credentials["AccessKeyId"],
                               aws_secret_access_key=credentials["SecretKey"],
                               aws_session_token=credentials["SessionToken"]).client(
        "s3", endpoint_url=stack.moto_url, region_name="us-east-1")
    s3.put_object(Bucket=bucket, Key="from-guest.txt", Body=b"hi")
    assert admin_client(stack, "s3").get_object(Bucket=bucket, Key="from-guest.txt")["Body"].read() == b"hi"


def test_a_token_sts_cannot_verify_is_refused(stack: Any, ci: Any, sts: Any) -> None:
    pool_id = create_identity_pool(ci, unauthenticated=True)
    identity_id = ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    genuine = claims_of(ci.get_open_id_token(IdentityId=identity_id)["Token"])
    role = create_role(stack, pool_id, "unauthenticated")
    forged_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = jwt.get_unverified_header(ci.get_open_id_token(IdentityId=identity_id)["Token"])["kid"]
    forged = jwt.encode(genuine, forged_key, algorithm="RS256", headers={"kid": kid})
    with pytest.raises(ClientError) as exc:
        assume(sts, role, forged)
    assert error_message(exc) == ("InvalidIdentityToken",
                                  "The web identity token that was passed could not be validated by AWS.")


def test_the_basic_flow_is_refused_when_the_pool_turned_it_off(ci: Any) -> None:
    pool_id = create_identity_pool(ci, unauthenticated=True, classic=False)
    identity_id = ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    with pytest.raises(ClientError) as exc:
        ci.get_open_id_token(IdentityId=identity_id)
    assert error_message(exc) == ("InvalidParameterException",
                                  "Basic (classic) flow is not enabled, please use enhanced flow.")


def test_the_basic_flow_is_refused_with_role_mappings(ci: Any, idp: Any, make_pool: Any) -> None:
    users = new_user_pool(idp, make_pool)
    pool_id = create_identity_pool(ci, users, unauthenticated=True, classic=True)
    ci.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={}, RoleMappings={
        f"{users.provider}:{users.client_id}": {"Type": "Token", "AmbiguousRoleResolution": "Deny"}})
    identity_id = ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    with pytest.raises(ClientError) as exc:
        ci.get_open_id_token(IdentityId=identity_id)
    assert error_message(exc) == ("InvalidParameterException",
                                  "Basic (classic) flow is not supported with RoleMappings, please use enhanced flow.")


def test_an_authenticated_identity_needs_its_login_for_a_token(ci: Any, idp: Any, make_pool: Any) -> None:
    users = new_user_pool(idp, make_pool)
    pool_id = create_identity_pool(ci, users)
    identity_id = ci.get_id(IdentityPoolId=pool_id, Logins=users.logins(users.user()))["IdentityId"]
    with pytest.raises(ClientError) as exc:
        ci.get_open_id_token(IdentityId=identity_id, Logins=users.logins(users.user()))
    assert error_message(exc) == (
        "NotAuthorizedException",
        "Logins don't match. Please include at least one valid login for this identity or identity pool.")

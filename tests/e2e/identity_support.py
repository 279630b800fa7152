"""What the identity-pool tests share: a cognito-identity client on the running stack, users signed in to a
fresh user pool, identity pools tied to it, IAM roles (in moto, with Cognito's trust policy) and AWS clients
built from the credentials the pool hands out."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.config import Config

from emulator.identity.provision import trust_policy
from tests.e2e.conftest import PASSWORD, RunningStack, unique
from tests.helpers import claims_of

REGION = "us-east-1"
NO_RETRY = Config(retries={"max_attempts": 1})


def provider_of(pool_id: str) -> str:
    return f"cognito-idp.{REGION}.amazonaws.com/{pool_id}"


def identity_client(stack: RunningStack) -> Any:
    return boto3.client("cognito-identity", endpoint_url=f"{stack.base_url}/cognito-identity", region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing", config=NO_RETRY)


def admin_client(stack: RunningStack, service: str) -> Any:
    keys = stack.config["adminCredentials"]
    return boto3.client(service, endpoint_url=stack.moto_url, region_name=REGION, config=NO_RETRY,
                        aws_access_key_id=keys["AccessKeyId"], aws_secret_access_key=keys["SecretAccessKey"])


def session_of(credentials: dict[str, Any]) -> boto3.session.Session:
    return boto3.session.Session(aws_access_key_id=credentials["AccessKeyId"],
                                 aws_secret_access_key=credentials["SecretKey"],
                                 aws_session_token=credentials["SessionToken"], region_name=REGION)


def aws_client(stack: RunningStack, credentials: dict[str, Any], service: str) -> Any:
    return session_of(credentials).client(service, endpoint_url=stack.moto_url, config=NO_RETRY)


def caller_arn(stack: RunningStack, credentials: dict[str, Any]) -> str:
    return aws_client(stack, credentials, "sts").get_caller_identity()["Arn"]


def assumed(role_arn: str) -> str:
    """The caller ARN of credentials for ``role_arn`` obtained through an identity pool."""
    return f"arn:aws:sts::123456789012:assumed-role/{role_arn.rsplit('/', 1)[1]}/CognitoIdentityCredentials"


@dataclass
class UserPool:
    """A fresh user pool with one app client, and helpers to make signed-in users."""

    idp: Any
    pool_id: str
    client_id: str
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def provider(self) -> str:
        return provider_of(self.pool_id)

    def group(self, name: str, role_arn: str | None = None, precedence: int | None = None) -> None:
        args: dict[str, Any] = {"UserPoolId": self.pool_id, "GroupName": name}
        if role_arn:
            args["RoleArn"] = role_arn
        if precedence is not None:
            args["Precedence"] = precedence
        self.idp.create_group(**args)

    def user(self, groups: tuple[str, ...] = (), attributes: dict[str, str] | None = None) -> dict[str, str]:
        """A confirmed user in ``groups``, signed in: username, sub and the three tokens."""
        username = unique()
        attrs = {"email": f"{username}@example.com", **(attributes or {})}
        self.idp.sign_up(ClientId=self.client_id, Username=username, Password=PASSWORD,
                         UserAttributes=[{"Name": k, "Value": v} for k, v in attrs.items()])
        self.idp.admin_confirm_sign_up(UserPoolId=self.pool_id, Username=username)
        for group in groups:
            self.idp.admin_add_user_to_group(UserPoolId=self.pool_id, Username=username, GroupName=group)
        return self.sign_in(username)

    def sign_in(self, username: str) -> dict[str, str]:
        result = self.idp.initiate_auth(ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                                        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})
        tokens = result["AuthenticationResult"]
        user = {"username": username, "sub": claims_of(tokens["IdToken"])["sub"], "id": tokens["IdToken"],
                "access": tokens["AccessToken"]}
        self.tokens[username] = user
        return user

    def logins(self, user: dict[str, str]) -> dict[str, str]:
        return {self.provider: user["id"]}


def new_user_pool(idp: Any, make_pool: Any, **client: Any) -> UserPool:
    pool_id, client_id = make_pool(client=client or None)
    return UserPool(idp=idp, pool_id=pool_id, client_id=client_id)


def create_identity_pool(ci: Any, user_pools: list[UserPool] | UserPool | None = None, *,
                         unauthenticated: bool = False, classic: bool | None = None,
                         server_side_check: bool = False, **extra: Any) -> str:
    pools = [user_pools] if isinstance(user_pools, UserPool) else list(user_pools or [])
    args: dict[str, Any] = {"IdentityPoolName": unique("ip").replace("-", "_"),
                            "AllowUnauthenticatedIdentities": unauthenticated, **extra}
    if classic is not None:
        args["AllowClassicFlow"] = classic
    if pools:
        args["CognitoIdentityProviders"] = [{"ProviderName": p.provider, "ClientId": p.client_id,
                                             "ServerSideTokenCheck": server_side_check} for p in pools]
    return ci.create_identity_pool(**args)["IdentityPoolId"]


def create_role(stack: RunningStack, identity_pool_id: str, amr: str = "authenticated",
                policy: dict[str, Any] | None = None, trust: dict[str, Any] | None = None) -> str:
    """An IAM role in moto that the identity pool may assume (Cognito's trust policy, unless ``trust``)."""
    iam = admin_client(stack, "iam")
    name = unique("role")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(
        trust if trust is not None else trust_policy(identity_pool_id, amr)))["Role"]["Arn"]
    if policy is not None:
        iam.put_role_policy(RoleName=name, PolicyName="access", PolicyDocument=json.dumps(policy))
    return arn


def error_message(exc_info: pytest.ExceptionInfo[Any]) -> tuple[str, str]:
    err = exc_info.value.response["Error"]
    return err["Code"], err["Message"]

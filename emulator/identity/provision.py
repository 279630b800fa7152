"""The AWS side of the local stack's demo: an administrator for local tooling, and the identity pool's roles,
bucket and table, with IAM policies that moto enforces (emulator/identity/moto_iam.py).

- :func:`create_admin` / :func:`restore_admin`: the IAM user ``cogworks-local-admin`` with an inline
  ``Allow * on *`` policy and one access key, made in moto's IAM backend in this process (before any
  request has to be signed). Its keys are what this process's SDK calls and the CLI use; the stack exports
  them and ``/local/config`` gives them as ``adminCredentials``. :func:`restore_admin` puts the same user
  and key back if something reset moto meanwhile (``mock_aws`` in a test resets every backend).
- :func:`provision_demo`: through moto's API with the admin's keys, idempotently: the roles of the demo
  identity pool (each with Cognito's trust policy, DG-IAMROLES: principal
  ``Federated: cognito-identity.amazonaws.com``, ``aud`` = the pool, ``amr`` = authenticated or
  unauthenticated) and their inline policies, the demo bucket and the demo table, each with one welcome item.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

PARTITION = "aws"
_CONFIG = Config(retries={"max_attempts": 2}, connect_timeout=3, read_timeout=10)
_lock = threading.Lock()


@dataclass(frozen=True)
class AdminKey:
    user_name: str
    access_key_id: str
    secret_access_key: str

    def as_config(self) -> dict[str, str]:
        return {"AccessKeyId": self.access_key_id, "SecretAccessKey": self.secret_access_key}


ADMIN_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def _iam_backend(account_id: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account_id][PARTITION]


def create_admin(account_id: str, region: str, user_name: str) -> AdminKey:
    backend = _iam_backend(account_id)
    with _lock:
        if user_name not in backend.users:
            backend.create_user(region, user_name)
            backend.put_user_policy(user_name, "administrator", json.dumps(ADMIN_POLICY))
        key = backend.create_access_key(user_name)
    return AdminKey(user_name=user_name, access_key_id=key.access_key_id, secret_access_key=key.secret_access_key)


def restore_admin(account_id: str, region: str, admin: AdminKey) -> None:
    """Put the admin user and its key (same id and secret) back, if moto lost them."""
    backend = _iam_backend(account_id)
    if admin.access_key_id in backend.access_keys:
        return
    with _lock:
        if admin.access_key_id in backend.access_keys:
            return
        if admin.user_name not in backend.users:
            backend.create_user(region, admin.user_name)
            backend.put_user_policy(admin.user_name, "administrator", json.dumps(ADMIN_POLICY))
        user = backend.users[admin.user_name]
        user.access_keys = [k for k in user.access_keys if k.access_key_id != admin.access_key_id]
        key = backend.create_access_key(admin.user_name)
        backend.access_keys.pop(key.access_key_id, None)
        key.access_key_id, key.secret_access_key = admin.access_key_id, admin.secret_access_key
        backend.access_keys[key.access_key_id] = key


def trust_policy(identity_pool_id: str, amr: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {"cognito-identity.amazonaws.com:aud": identity_pool_id},
            "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr},
        },
    }]}


def _clients(moto_url: str, region: str, admin: AdminKey) -> dict[str, Any]:
    session = boto3.session.Session(aws_access_key_id=admin.access_key_id,
                                    aws_secret_access_key=admin.secret_access_key, region_name=region)
    return {name: session.client(name, endpoint_url=moto_url, config=_CONFIG) for name in ("iam", "s3", "dynamodb")}


def ensure_role(iam: Any, name: str, trust: dict[str, Any], policy: dict[str, Any], description: str) -> str:
    try:
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust),
                              Description=description)["Role"]["Arn"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "EntityAlreadyExists":
            raise
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
        arn = iam.get_role(RoleName=name)["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="demo-access", PolicyDocument=json.dumps(policy))
    return arn


def _ensure_bucket(s3: Any, bucket: str, objects: dict[str, str]) -> None:
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError:
        s3.create_bucket(Bucket=bucket)
    for key, body in objects.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body.encode())


def _ensure_table(dynamodb: Any, table: str, items: list[dict[str, Any]]) -> None:
    try:
        dynamodb.describe_table(TableName=table)
    except ClientError:
        dynamodb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                              KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    for item in items:
        dynamodb.put_item(TableName=table, Item={k: {"S": str(v)} for k, v in item.items()})


def provision_demo(moto_url: str, region: str, admin: AdminKey, identity_pool_id: str,
                   demo: dict[str, Any]) -> dict[str, str]:
    """Roles (kind -> ARN), bucket and table of the demo, as ``demo`` (seed.json's "aws") describes them."""
    clients = _clients(moto_url, region, admin)
    roles: dict[str, str] = {}
    for kind, spec in demo["roles"].items():
        roles[kind] = ensure_role(clients["iam"], spec["RoleName"], trust_policy(identity_pool_id, spec["Amr"]),
                                  spec["Policy"], spec.get("Description", ""))
    _ensure_bucket(clients["s3"], demo["bucket"], demo.get("objects") or {})
    _ensure_table(clients["dynamodb"], demo["table"], demo.get("items") or [])
    return roles

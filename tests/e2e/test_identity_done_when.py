"""Issue 6's "Done when", as a new user would try it against `make run`: from /local/config alone, a user in
group `admins` and a user outside it sign in to the demo pool, exchange their ID tokens with boto3 for
credentials, and each reads or writes exactly what their role allows in the demo bucket and table (moto
enforces IAM); an anonymous guest gets the unauthenticated role; the explain route says why."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from chalice import Chalice
from chalice.test import Client

from chalicelib.api import rolemap_routes
from tests.conftest import ROOT
from tests.e2e.conftest import PASSWORD, unique
from tests.helpers import claims_of


@pytest.fixture(scope="module")
def config(stack: Any) -> dict[str, Any]:
    return requests.get(f"{stack.base_url}/local/config", timeout=10).json()


def sign_in(config: dict[str, Any], groups: tuple[str, ...] = ()) -> dict[str, str]:
    # The administrator's keys from /local/config; cognito-idp itself needs none for these calls.
    keys = config["adminCredentials"]
    idp = boto3.client("cognito-idp", endpoint_url=config["endpoints"]["cognito-idp"], region_name=config["region"],
                       aws_access_key_id=keys["AccessKeyId"], aws_secret_access_key=keys["SecretAccessKey"])
    username = unique("demo")
    idp.sign_up(ClientId=config["clientId"], Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    idp.admin_confirm_sign_up(UserPoolId=config["userPoolId"], Username=username)
    for group in groups:
        idp.admin_add_user_to_group(UserPoolId=config["userPoolId"], Username=username, GroupName=group)
    result = idp.initiate_auth(ClientId=config["clientId"], AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})["AuthenticationResult"]
    return {"id": result["IdToken"], "access": result["AccessToken"]}


def credentials_for(config: dict[str, Any], id_token: str | None) -> boto3.session.Session:
    identity = boto3.client("cognito-identity", endpoint_url=config["endpoints"]["cognito-identity"],
                            region_name=config["region"])
    logins = {f"cognito-idp.{config['region']}.amazonaws.com/{config['userPoolId']}": id_token} if id_token else {}
    identity_id = identity.get_id(IdentityPoolId=config["identityPoolId"], Logins=logins)["IdentityId"]
    credentials = identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    return boto3.session.Session(aws_access_key_id=credentials["AccessKeyId"],
                                 aws_secret_access_key=credentials["SecretKey"],
                                 aws_session_token=credentials["SessionToken"], region_name=config["region"])


def clients(config: dict[str, Any], session: boto3.session.Session) -> tuple[Any, Any, Any]:
    endpoint = config["endpoints"]["aws"]
    return (session.client("sts", endpoint_url=endpoint), session.client("s3", endpoint_url=endpoint),
            session.client("dynamodb", endpoint_url=endpoint))


def refused(call: Any, code: str) -> None:
    with pytest.raises(ClientError) as exc:
        call()
    assert exc.value.response["Error"]["Code"] == code


def can_read(config: dict[str, Any], s3: Any, dynamodb: Any) -> None:
    assert s3.get_object(Bucket=config["bucket"], Key="welcome.txt")["Body"].read().startswith(b"Welcome")
    item = dynamodb.get_item(TableName=config["table"], Key={"pk": {"S": "welcome"}})["Item"]
    assert item["message"]["S"] == "Welcome to the cogworks demo table."


def test_admins_write_members_read_guests_get_the_unauthenticated_role(config: dict[str, Any]) -> None:
    assert config["identityPoolId"] and config["bucket"] and config["table"]
    roles = config["roles"]

    admin = sign_in(config, ("admins",))
    sts, s3, dynamodb = clients(config, credentials_for(config, admin["id"]))
    assert sts.get_caller_identity()["Arn"].endswith(
        f":assumed-role/{roles['editor'].rsplit('/', 1)[1]}/CognitoIdentityCredentials")
    can_read(config, s3, dynamodb)
    s3.put_object(Bucket=config["bucket"], Key="notes/admin.txt", Body=b"written by an admin")
    dynamodb.put_item(TableName=config["table"], Item={"pk": {"S": "admin-note"}})
    dynamodb.delete_item(TableName=config["table"], Key={"pk": {"S": "admin-note"}})

    member = sign_in(config)
    sts, s3, dynamodb = clients(config, credentials_for(config, member["id"]))
    assert sts.get_caller_identity()["Arn"].endswith(
        f":assumed-role/{roles['authenticated'].rsplit('/', 1)[1]}/CognitoIdentityCredentials")
    can_read(config, s3, dynamodb)
    assert s3.get_object(Bucket=config["bucket"], Key="notes/admin.txt")["Body"].read() == b"written by an admin"
    refused(lambda: s3.put_object(Bucket=config["bucket"], Key="notes/member.txt", Body=b"x"), "AccessDenied")
    refused(lambda: s3.delete_object(Bucket=config["bucket"], Key="welcome.txt"), "AccessDenied")
    refused(lambda: dynamodb.put_item(TableName=config["table"], Item={"pk": {"S": "member"}}),
            "AccessDeniedException")

    sts, s3, dynamodb = clients(config, credentials_for(config, None))
    assert sts.get_caller_identity()["Arn"].endswith(
        f":assumed-role/{roles['unauthenticated'].rsplit('/', 1)[1]}/CognitoIdentityCredentials")
    # The guest role names public/*, but Cognito's scope-down policy for guests has no S3 or DynamoDB.
    refused(lambda: s3.get_object(Bucket=config["bucket"], Key="public/guest.txt"), "AccessDenied")
    refused(lambda: dynamodb.get_item(TableName=config["table"], Key={"pk": {"S": "welcome"}}),
            "AccessDeniedException")

    explain = Client(_admin_app(), stage_name="local", project_dir=str(ROOT))
    headers = {"Authorization": f"Bearer {admin['access']}", "Content-Type": "application/json"}
    for token, expected in ((admin["id"], "Rule 1 'admins write' matched (every condition holds): preferred role "
                                          f"{roles['editor']}."),
                            (member["id"], "No rule matched: the token gets no role, and the identity pool's "
                                           "AmbiguousRoleResolution decides. Rule 1 'admins write' did not match "
                                           "(not in group 'admins': cognito:groups is absent).")):
        reply = explain.http.post("/rolemap/explain", headers=headers, body=json.dumps({
            "userPoolId": config["userPoolId"], "clientId": config["clientId"], "claims": claims_of(token)}))
        assert reply.status_code == 200, reply.body
        assert json.loads(reply.body)["decision"]["summary"] == expected


def _admin_app() -> Chalice:
    app = Chalice(app_name="done-when-explain")
    app.register_blueprint(rolemap_routes.make_blueprint())
    return app

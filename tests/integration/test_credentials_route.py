"""POST /auth/credentials through chalice.test.Client, against the running local stack: the signed-in user's
credentials from the demo identity pool (enhanced flow, over boto3's cognito-identity client at
AWS_ENDPOINT_URL_COGNITO_IDENTITY), for the role the rules give them, that moto then honours; the ID token
from the body or the cookie; and the refusals."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib.api import credentials_routes
from tests.integration.conftest import Api, api_with, register, sign_in, signed_in


@pytest.fixture(scope="module")
def creds_api(stack: Any) -> Api:
    return api_with("credentials-under-test", credentials_routes)


def aws(stack: Any, credentials: dict[str, str], service: str) -> Any:
    return boto3.client(service, endpoint_url=stack.moto_url, region_name="us-east-1",
                        aws_access_key_id=credentials["accessKeyId"],
                        aws_secret_access_key=credentials["secretAccessKey"],
                        aws_session_token=credentials["sessionToken"])


def role_name(stack: Any, kind: str) -> str:
    return stack.config["roles"][kind].rsplit("/", 1)[1]


def test_a_member_gets_read_credentials_and_an_admin_write_credentials(creds_api: Api, stack: Any,
                                                                       idp: Any) -> None:
    bucket = stack.config["bucket"]
    for groups, kind in (((), "authenticated"), (("admins",), "editor")):
        tokens = signed_in(creds_api, stack, idp, groups)
        reply = creds_api.post("/auth/credentials", {"idToken": tokens["idToken"]},
                               headers=creds_api.bearer(tokens["accessToken"]))
        assert reply.status == 200, reply
        assert reply.headers["Cache-Control"] == "no-store"
        assert set(reply.json) == {"identityId", "credentials"}
        assert set(reply.json["credentials"]) == {"accessKeyId", "secretAccessKey", "sessionToken", "expiration"}
        credentials = reply.json["credentials"]
        arn = aws(stack, credentials, "sts").get_caller_identity()["Arn"]
        assert arn.endswith(f":assumed-role/{role_name(stack, kind)}/CognitoIdentityCredentials")
        s3 = aws(stack, credentials, "s3")
        assert s3.get_object(Bucket=bucket, Key="welcome.txt")["Body"].read().startswith(b"Welcome")
        if kind == "editor":
            s3.put_object(Bucket=bucket, Key="from-admin.txt", Body=b"x")
        else:
            with pytest.raises(ClientError) as exc:
                s3.put_object(Bucket=bucket, Key="from-member.txt", Body=b"x")
            assert exc.value.response["Error"]["Code"] == "AccessDenied"
        again = creds_api.post("/auth/credentials", {"idToken": tokens["idToken"]},
                               headers=creds_api.bearer(tokens["accessToken"]))
        assert again.json["identityId"] == reply.json["identityId"]


def test_cookie_mode_sends_both_tokens_as_cookies(creds_api: Api, stack: Any) -> None:
    user = register(creds_api, stack)
    reply = sign_in(creds_api, user, headers={"X-Auth-Mode": "cookie"})
    assert reply.status == 200
    jar = "; ".join(cookie.split(";", 1)[0] for cookie in reply.cookies() if cookie.startswith("__Host-"))
    credentials = creds_api.post("/auth/credentials", headers={"Cookie": jar})
    assert credentials.status == 200, credentials
    assert credentials.json["credentials"]["accessKeyId"].startswith("ASIA")


def test_a_role_the_user_does_not_have_is_refused(creds_api: Api, stack: Any, idp: Any) -> None:
    tokens = signed_in(creds_api, stack, idp, ("admins",))
    reply = creds_api.post("/auth/credentials", {"idToken": tokens["idToken"],
                                                 "customRoleArn": stack.config["roles"]["unauthenticated"]},
                           headers=creds_api.bearer(tokens["accessToken"]))
    assert reply.status == 403
    assert reply.error[0] == "NotAuthorizedException"
    assert "CustomRoleArn is not one of the token's cognito:roles" in reply.error[1]


def test_refusals(creds_api: Api, stack: Any, idp: Any) -> None:
    ann, bob = signed_in(creds_api, stack, idp), signed_in(creds_api, stack, idp)
    no_token = creds_api.post("/auth/credentials", {"idToken": ann["idToken"]})
    assert (no_token.status, no_token.error) == (401, ("NotAuthorizedException", "Access Token is required."))
    as_ann = creds_api.bearer(ann["accessToken"])
    cases = [
        ({"idToken": bob["idToken"]}, 401, ("NotAuthorizedException",
                                            "The ID token and the access token are not the same user's.")),
        ({"idToken": ann["accessToken"]}, 401, ("NotAuthorizedException", "Invalid ID Token")),
        ({"idToken": "a.b.c"}, 401, ("NotAuthorizedException", "Invalid ID Token")),
        ({"idToken": "not a token"}, 400, ("ValidationError", "idToken: contains characters that are not allowed")),
        ({}, 400, ("ValidationError", "idToken: is required (in the body, or as the ID-token cookie)")),
        ({"idToken": ann["idToken"], "customRoleArn": "admin"}, 400,
         ("ValidationError", "customRoleArn: String should have at least 20 characters")),
        ({"idToken": ann["idToken"], "extra": 1}, 400, ("ValidationError", "extra: is not a known field")),
    ]
    for body, status, error in cases:
        reply = creds_api.post("/auth/credentials", body, headers=as_ann)
        assert (reply.status, reply.error) == (status, error), body


def test_a_missing_identity_pool_is_an_internal_error(creds_api: Api, stack: Any, idp: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = signed_in(creds_api, stack, idp)
    monkeypatch.setenv("IDENTITY_POOL_ID", "us-east-1:00000000-0000-0000-0000-000000000000")
    reply = creds_api.post("/auth/credentials", {"idToken": tokens["idToken"]},
                           headers=creds_api.bearer(tokens["accessToken"]))
    assert (reply.status, reply.error) == (500, ("InternalError",
                                                 "An internal error occurred. Please try again later."))

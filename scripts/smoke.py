"""Smoke-test a deployed cogworks stack: sign a throwaway user up and in, verify its tokens, exchange the ID
token for AWS credentials at the identity pool, then delete the user.

    make smoke STAGE=dev                          # = python -m scripts.smoke --stage dev
    python -m scripts.smoke --stack-name cogworks-dev --region eu-west-1

Needs AWS credentials that may read the stack (cloudformation:DescribeStacks) and call AdminCreateUser,
AdminSetUserPassword and AdminDeleteUser on its user pool (and DescribeUserPoolClient when the stack has no
API: the API's client has a secret). Never run in CI. The user is created with
MessageAction SUPPRESS (no email is sent) and deleted even when a step fails.

Steps and the stack parts they prove: AdminCreateUser (the PreSignUp trigger and its invoke permission),
sign-in by USER_PASSWORD_AUTH through the API's POST /auth/sign-in when the stack has an API, else
InitiateAuth on the API's app client (PreAuthentication, PostAuthentication, PreTokenGeneration V2_0),
token verification with chalicelib/auth/jwt_verifier.py (the pool's issuer and JWKS, the client id), and
GetId + GetCredentialsForIdentity (the identity pool's provider and Token role mapping).
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import boto3

from chalicelib.auth.jwt_verifier import CognitoJwtVerifier
from chalicelib.services.cognito import secret_hash

T = TypeVar("T")
JwksFetcher = Callable[[str], Any]
HTTP_TIMEOUT_SECONDS = 15


class SmokeError(RuntimeError):
    """A step of the smoke test failed."""


def step(name: str, action: Callable[[], T]) -> T:
    started = time.perf_counter()
    try:
        result = action()
    except Exception as exc:
        print(f"FAIL  {name}: {type(exc).__name__}: {exc}")
        raise
    print(f"ok    {name} ({(time.perf_counter() - started) * 1000:.0f} ms)")
    return result


def stack_outputs(cloudformation: Any, stack_name: str) -> dict[str, str]:
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    missing = {"UserPoolId", "UserPoolClientId", "IdentityPoolId"} - set(outputs)
    if missing:
        raise SmokeError(f"stack {stack_name} has no output {', '.join(sorted(missing))}")
    return outputs


def throwaway_password() -> str:
    # Upper, lower, digit and symbol whatever the random part holds: passes any Cognito password policy
    # up to 40 characters.
    return "Sm0ke-" + secrets.token_urlsafe(24)


def create_user(idp: Any, pool_id: str, username: str, password: str) -> None:
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"},
                                          {"Name": "email_verified", "Value": "true"}])
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)


def sign_in_through_api(api_url: str, username: str, password: str) -> dict[str, str] | None:
    """POST /auth/sign-in; None when the deployed API has no such route."""
    url = urljoin(api_url, "auth/sign-in")
    if urlsplit(url).scheme != "https":
        raise SmokeError(f"refusing a non-https API URL: {url}")
    body = json.dumps({"username": username, "password": password}).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310 (https checked)
            tokens = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        if exc.code in (403, 404) and b"Missing Authentication Token" in exc.read():
            return None  # API Gateway's answer for a route that does not exist
        raise
    if "idToken" not in tokens or "accessToken" not in tokens:
        raise SmokeError(f"POST /auth/sign-in returned no tokens: keys {sorted(tokens)}")
    return {"id": tokens["idToken"], "access": tokens["accessToken"]}


def sign_in_directly(idp: Any, pool_id: str, client_id: str, username: str, password: str) -> dict[str, str]:
    parameters = {"USERNAME": username, "PASSWORD": password}
    client = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
    if client.get("ClientSecret"):
        parameters["SECRET_HASH"] = secret_hash(client["ClientSecret"], username, client_id)
    response = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=parameters)
    if "AuthenticationResult" not in response:
        raise SmokeError(f"sign-in stopped at challenge {response.get('ChallengeName')}")
    result = response["AuthenticationResult"]
    return {"id": result["IdToken"], "access": result["AccessToken"]}


def verify_tokens(region: str, pool_id: str, client_id: str, tokens: dict[str, str], username: str,
                  jwks_fetcher: JwksFetcher | None = None) -> None:
    options: dict[str, Any] = {"client_id": client_id, "jwks_fetcher": jwks_fetcher}
    id_claims = CognitoJwtVerifier.for_user_pool(region, pool_id, token_use="id", **options).verify(tokens["id"])
    access_claims = CognitoJwtVerifier.for_user_pool(region, pool_id, token_use="access", **options) \
        .verify(tokens["access"])
    if id_claims.get("cognito:username") != username or access_claims.get("username") != username:
        raise SmokeError("the tokens are not the throwaway user's")
    if id_claims["sub"] != access_claims["sub"]:
        raise SmokeError("ID and access token name different users")


def exchange_for_credentials(identity: Any, identity_pool_id: str, region: str, pool_id: str, id_token: str) -> None:
    logins = {f"cognito-idp.{region}.amazonaws.com/{pool_id}": id_token}
    identity_id = identity.get_id(IdentityPoolId=identity_pool_id, Logins=logins)["IdentityId"]
    credentials = identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    if not credentials.get("AccessKeyId"):
        raise SmokeError("the identity pool returned no credentials")


def run(stack_name: str, region: str | None, *, jwks_fetcher: JwksFetcher | None = None) -> None:
    """Every step; raises on the first failure (the user is deleted all the same). ``jwks_fetcher`` replaces
    the download of the pool's JWKS (for a test against a local stand-in)."""
    session = boto3.session.Session(region_name=region)
    outputs = step(f"read outputs of stack {stack_name}",
                   lambda: stack_outputs(session.client("cloudformation"), stack_name))
    pool_id, client_id = outputs["UserPoolId"], outputs["UserPoolClientId"]
    region = pool_id.split("_", 1)[0]
    idp = session.client("cognito-idp", region_name=region)
    username, password = f"smoke-{uuid.uuid4().hex[:12]}", throwaway_password()
    try:
        step(f"create user {username}", lambda: create_user(idp, pool_id, username, password))
        tokens = None
        if outputs.get("ApiUrl"):
            tokens = step("sign in through POST /auth/sign-in",
                          lambda: sign_in_through_api(outputs["ApiUrl"], username, password))
        if tokens is None:
            tokens = step("sign in with InitiateAuth USER_PASSWORD_AUTH",
                          lambda: sign_in_directly(idp, pool_id, client_id, username, password))
        signed_in = tokens
        step("verify ID and access tokens",
             lambda: verify_tokens(region, pool_id, client_id, signed_in, username, jwks_fetcher))
        step("exchange the ID token at the identity pool",
             lambda: exchange_for_credentials(session.client("cognito-identity", region_name=region),
                                              outputs["IdentityPoolId"], region, pool_id, signed_in["id"]))
    finally:
        step(f"delete user {username}", lambda: idp.admin_delete_user(UserPoolId=pool_id, Username=username))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="dev", help="stage the stack was deployed from (default: dev)")
    parser.add_argument("--stack-name", default=None, help="CloudFormation stack (default: cogworks-<stage>)")
    parser.add_argument("--region", default=None, help="region of the stack (default: the AWS config's)")
    args = parser.parse_args(argv)
    try:
        run(args.stack_name or f"cogworks-{args.stage}", args.region)
    except Exception:  # each step printed its own failure
        return 1
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

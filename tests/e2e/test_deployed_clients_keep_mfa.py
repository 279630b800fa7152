"""The deployed stack's two app clients (infra/cognito.py) leave no way around the second factor of a user with
an enrolled authenticator, tried against the local pool with clients of the same shape: the web client has no
password-only flow, the API client's password flows need the secret only the API holds, and the API, given
that secret, still signs the user in with the password and then the authenticator code. A user without an
authenticator signs in from the web client with the password alone, as SRP inside CUSTOM_AUTH."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from chalicelib.auth.challenges import totp
from chalicelib.auth.policy import ENROLLED_ATTRIBUTE, enrolled_value
from chalicelib.services.cognito import secret_hash
from infra.cognito import API_CLIENT_FLOWS, CLIENTS, WEB_CLIENT_FLOWS
from tests.e2e.test_passwordless_helpers import (
    Http,
    challenge,
    error,
    password_first,
    passwordless_user,
    respond,
    sub_of,
    tokens,
)
from tests.helpers import error_of


@pytest.fixture(autouse=True)
def default_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AUTH_FIRST_FACTORS", "AUTH_SECOND_FACTORS", "AUTH_STEP_UP_AFTER", "AUTH_MFA_STEP_UP_AFTER"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture()
def deployed(idp: Any, make_pool: Any, use_pool: Any) -> dict[str, Any]:
    """A user in a pool whose API client and web client are shaped as the stack's; the API uses the API client
    with its secret, as the deployed API function does."""
    assert CLIENTS["ApiClient"][2] is True and CLIENTS["WebClient"][2] is False
    user = passwordless_user(idp, make_pool, client={"ExplicitAuthFlows": API_CLIENT_FLOWS, "GenerateSecret": True})
    described = idp.describe_user_pool_client(UserPoolId=user["pool_id"], ClientId=user["client_id"])
    secret = described["UserPoolClient"]["ClientSecret"]
    web = idp.create_user_pool_client(UserPoolId=user["pool_id"], ClientName="web", ExplicitAuthFlows=WEB_CLIENT_FLOWS,
                                      PreventUserExistenceErrors="ENABLED")["UserPoolClient"]["ClientId"]
    use_pool(user["pool_id"], user["client_id"], secret)
    return {**user, "web": web, "secret": secret}


def enroll_totp(idp: Any, user: dict[str, str]) -> str:
    """An authenticator app activated with the previous step's code (as the API's enrollment does) and recorded
    in ``custom:authenticators``, which turns on the pool's MFA rule for this user (the password alone still
    signs in here, before that)."""
    key = totp.owner_of(user["pool_id"], sub_of(idp, user))
    secret = totp.begin_enrollment(key, time.time())
    assert totp.activate(key, pyotp.TOTP(secret).at(time.time() - 30), time.time(), "Phone")
    signed_in = idp.initiate_auth(ClientId=user["client_id"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": user["username"], "PASSWORD": user["password"],
        "SECRET_HASH": secret_hash(user["secret"], user["username"], user["client_id"])})["AuthenticationResult"]
    idp.update_user_attributes(AccessToken=signed_in["AccessToken"], UserAttributes=[
        {"Name": ENROLLED_ATTRIBUTE, "Value": enrolled_value({"TOTP"})}])
    return secret


def refused(call: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as exc:
        call()
    return error_of(exc)


def test_the_web_client_has_no_password_only_flow(idp, deployed):
    enroll_totp(idp, deployed)
    name, password = deployed["username"], deployed["password"]
    assert refused(lambda: idp.initiate_auth(
        ClientId=deployed["web"], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": password})) == (
        "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")
    srp = AWSSRP(username=name, password=password, pool_id=deployed["pool_id"], client_id=deployed["web"], client=idp)
    assert refused(lambda: idp.initiate_auth(ClientId=deployed["web"], AuthFlow="USER_SRP_AUTH",
                                             AuthParameters=srp.get_auth_params())) == (
        "InvalidParameterException", "USER_SRP_AUTH flow not enabled for this client")


def test_the_password_from_the_web_client_is_followed_by_the_second_factor(idp, deployed):
    secret = enroll_totp(idp, deployed)
    web_user = {**deployed, "client_id": deployed["web"]}
    selection = password_first(idp, web_user, deployed["password"])
    assert "AuthenticationResult" not in selection
    assert selection["ChallengeParameters"]["factor"] == "2"
    asked = respond(idp, web_user, selection["Session"], "__select__", {"signInMethod": "TOTP"})
    assert asked["ChallengeParameters"]["challenge"] == "TOTP"
    done = respond(idp, web_user, asked["Session"], pyotp.TOTP(secret).now())
    assert done["AuthenticationResult"]["AccessToken"]


def test_a_user_without_an_authenticator_signs_in_from_the_web_client_with_the_password(idp, deployed):
    web_user = {**deployed, "client_id": deployed["web"]}
    assert password_first(idp, web_user, deployed["password"])["AuthenticationResult"]["IdToken"]


def test_the_api_clients_password_flows_need_its_secret(idp, deployed):
    enroll_totp(idp, deployed)
    client_id = deployed["client_id"]
    assert refused(lambda: idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": deployed["username"], "PASSWORD": deployed["password"]})) == (
        "NotAuthorizedException", f"Client {client_id} is configured with secret but SECRET_HASH was not received")
    assert refused(lambda: idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": deployed["username"], "PASSWORD": deployed["password"],
                        "SECRET_HASH": "Zm9yZ2Vk"})) == (
        "NotAuthorizedException", f"Unable to verify secret hash for client {client_id}")


def test_the_api_with_the_secret_asks_for_the_authenticator_then_signs_in(stack, idp, deployed):
    secret = enroll_totp(idp, deployed)
    api, name = Http(stack.base_url), deployed["username"]
    asked = challenge(api.post("/auth/sign-in", {"username": name, "password": deployed["password"]}), "TOTP")
    assert "accessToken" not in asked
    signed_in = tokens(api.post("/auth/challenge", {"username": name, "session": asked["session"],
                                                    "challenge": "CUSTOM_CHALLENGE",
                                                    "responses": {"ANSWER": pyotp.TOTP(secret).now()}}))
    assert idp.get_user(AccessToken=signed_in["accessToken"])["Username"] == name
    wrong = api.post("/auth/sign-in", {"username": name, "password": "Wrong-Horse-9"})
    assert error(wrong) == (401, "NotAuthorizedException", "Incorrect username or password.")

"""Helpers of the passwordless end-to-end tests (no tests here): a pool wired to the bundle's triggers with a
user whose email and phone are verified, the CUSTOM_AUTH calls a client makes (select a method, answer, the
password first), a counter of the authentication tables' DynamoDB requests, and JSON calls to the running
stack's auth API with the checks of its replies.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import requests
from pycognito.aws_srp import AWSSRP
from pynamodb.connection.base import Connection

from tests.e2e.conftest import PASSWORD, unique
from tests.helpers import INCORRECT

POLICY_SCHEMA = [{"Name": "auth_policy", "AttributeDataType": "String", "Mutable": True,
                  "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"}},
                 {"Name": "authenticators", "AttributeDataType": "String", "Mutable": True,
                  "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "64"}}]


def phone_number() -> str:
    return "+1555" + "".join(secrets.choice("0123456789") for _ in range(7))


def passwordless_user(idp: Any, make_pool: Callable[..., tuple[str, str]], *, policy: dict[str, Any] | None = None,
                      client: dict[str, Any] | None = None, verified: bool = True) -> dict[str, str]:
    """A fresh pool (PreventUserExistenceErrors ENABLED) and a confirmed user with a verified email and phone."""
    pool_id, client_id = make_pool(pool={"Schema": POLICY_SCHEMA},
                                   client={"PreventUserExistenceErrors": "ENABLED", **(client or {})})
    username = unique()
    email, phone = f"{username}@example.com", phone_number()
    attributes = [{"Name": "email", "Value": email}, {"Name": "phone_number", "Value": phone},
                  {"Name": "email_verified", "Value": str(verified).lower()},
                  {"Name": "phone_number_verified", "Value": str(verified).lower()}]
    if policy is not None:
        attributes.append({"Name": "custom:auth_policy", "Value": json.dumps(policy)})
    idp.admin_create_user(UserPoolId=pool_id, Username=username, UserAttributes=attributes, MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    return {"pool_id": pool_id, "client_id": client_id, "username": username, "email": email, "phone": phone,
            "password": PASSWORD}


def mark_enrolled(idp: Any, user: dict[str, str], method: str) -> None:
    """Record ``method`` (TOTP, PASSKEY) in the user's ``custom:authenticators``, as the API's authenticator
    routes do when they activate or store one (tests that enroll through the modules call this)."""
    from chalicelib.auth.policy import ENROLLED_ATTRIBUTE, enrolled, enrolled_value

    tokens = idp.initiate_auth(ClientId=user["client_id"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": user["username"], "PASSWORD": user["password"]})["AuthenticationResult"]
    attributes = {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=tokens["AccessToken"])["UserAttributes"]}
    idp.update_user_attributes(AccessToken=tokens["AccessToken"], UserAttributes=[
        {"Name": ENROLLED_ATTRIBUTE, "Value": enrolled_value(enrolled(attributes) | {method})}])


def initiate(idp: Any, user: dict[str, str]) -> dict[str, Any]:
    return idp.initiate_auth(ClientId=user["client_id"], AuthFlow="CUSTOM_AUTH",
                             AuthParameters={"USERNAME": user["username"]})


def respond(idp: Any, user: dict[str, str], session: str, answer: str,
            metadata: dict[str, str] | None = None) -> dict[str, Any]:
    args: dict[str, Any] = {"ClientId": user["client_id"], "ChallengeName": "CUSTOM_CHALLENGE", "Session": session,
                            "ChallengeResponses": {"USERNAME": user["username"], "ANSWER": answer}}
    if metadata:
        args["ClientMetadata"] = metadata
    return idp.respond_to_auth_challenge(**args)


def choose(idp: Any, user: dict[str, str], method: str, started: dict[str, Any] | None = None,
           **metadata: str) -> dict[str, Any]:
    """Start a CUSTOM_AUTH sign-in (unless ``started``) and choose ``method`` in the selection round."""
    started = started or initiate(idp, user)
    assert started["ChallengeParameters"]["challenge"] == "PROVIDE_AUTH_PARAMETERS", started
    return respond(idp, user, started["Session"], "__select__", {"signInMethod": method, **metadata})


ALL_FIRST_FACTORS = "EMAIL_OTP,SMS_OTP,MAGIC_LINK,TOTP,PASSKEY"


def decoy_round(idp: Any, user: dict[str, str], method: str, answer: str,
                started: dict[str, Any] | None = None) -> dict[str, Any]:
    """Choose ``method`` (one the user cannot use, or an unknown user): a round of that method is asked like a
    real one, and three answers end the sign-in with Cognito's error. The first round's parameters."""
    round_ = choose(idp, user, method, started)
    first = round_["ChallengeParameters"]
    assert first["challenge"] == method, round_
    three_answers_end_it(idp, user, round_, answer)
    return dict(first)


def three_answers_end_it(idp: Any, user: dict[str, str], round_: dict[str, Any], answer: str) -> None:
    """Answer ``round_`` with ``answer`` three times: the same method is asked again twice, and the third
    answer ends the sign-in with Cognito's error."""
    from botocore.exceptions import ClientError

    method = round_["ChallengeParameters"]["challenge"]
    for _ in range(2):
        round_ = respond(idp, user, round_["Session"], answer)
        assert round_["ChallengeParameters"]["challenge"] == method, round_
    try:
        respond(idp, user, round_["Session"], answer)
    except ClientError as exc:
        assert (exc.response["Error"]["Code"], exc.response["Error"]["Message"]) == INCORRECT
    else:
        raise AssertionError("a wrong answer signed the user in")


def message_to(stack: Any, to: str, *, after: set[str] | None = None) -> dict[str, Any]:
    """The newest message sent to ``to`` (skipping the ids in ``after``)."""
    for message in stack.outbox():
        if message["to"] == to and message["id"] not in (after or set()):
            return message
    raise AssertionError(f"nothing sent to {to}")


def sent_to(stack: Any, to: str) -> list[dict[str, Any]]:
    return [m for m in stack.outbox() if m["to"] == to]


def link_token(link: str) -> str:
    assert "#" in link, link
    return link.split("#", 1)[1]


FIRST = "EMAIL_OTP,SMS_OTP,MAGIC_LINK,TOTP,PASSKEY,PASSWORD"
SECOND = "EMAIL_OTP,SMS_OTP,TOTP,PASSKEY"
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})


class DynamoCounter:
    """Counts the DynamoDB requests pynamodb makes to the authentication tables while it is active."""

    TABLES = ("CHALLENGE_TABLE", "TOTP_TABLE", "PASSKEY_TABLE")

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import os

        self.calls: Counter[str] = Counter()
        tables = {os.environ[var] for var in self.TABLES}
        real = Connection.dispatch

        def counting(connection: Connection, operation: str, kwargs: dict[str, Any]) -> dict[str, Any]:
            if kwargs.get("TableName") in tables or tables & set(kwargs.get("RequestItems") or ()):
                self.calls[operation] += 1
            return real(connection, operation, kwargs)

        monkeypatch.setattr(Connection, "dispatch", counting)

    @property
    def requests(self) -> int:
        return sum(self.calls.values())

    @property
    def writes(self) -> int:
        return sum(n for op, n in self.calls.items() if op in WRITES)


def sub_of(idp: Any, user: dict[str, str]) -> str:
    attributes = idp.admin_get_user(UserPoolId=user["pool_id"], Username=user["username"])["UserAttributes"]
    return next(a["Value"] for a in attributes if a["Name"] == "sub")


def password_first(idp: Any, user: dict[str, str], password: str) -> dict[str, Any]:
    helper = AWSSRP(username=user["username"], password=password, pool_id=user["pool_id"],
                    client_id=user["client_id"], client=idp)
    params = {**helper.get_auth_params(), "CHALLENGE_NAME": "SRP_A"}
    started = idp.initiate_auth(ClientId=user["client_id"], AuthFlow="CUSTOM_AUTH", AuthParameters=params)
    assert started["ChallengeName"] == "PASSWORD_VERIFIER"
    assert set(started["ChallengeParameters"]) >= {"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"}
    return idp.respond_to_auth_challenge(
        ClientId=user["client_id"], ChallengeName="PASSWORD_VERIFIER", Session=started["Session"],
        ChallengeResponses=helper.process_challenge(started["ChallengeParameters"], params))


class Http:
    """JSON calls to the auth API the running stack serves."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def post(self, path: str, body: dict[str, Any] | None = None, token: str | None = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.post(self.base_url + path, json=body or {}, headers=headers, timeout=30)


def error(reply: requests.Response) -> tuple[int, str, str]:
    details = reply.json()["error"]
    return reply.status_code, details["code"], details["message"]


def tokens(reply: requests.Response) -> dict[str, Any]:
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["accessToken"] and body["idToken"], body
    return body


def challenge(reply: requests.Response, method: str) -> dict[str, Any]:
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["challenge"] == "CUSTOM_CHALLENGE" and body["parameters"]["challenge"] == method, body
    return body

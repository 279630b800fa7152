"""Helpers for tests that drive the running local stack (the fixtures live in tests/conftest.py)."""

from __future__ import annotations

import contextlib
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import jwt
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningStack:
    base_url: str
    moto_url: str
    config: dict[str, Any]
    app: Any

    @property
    def idp_url(self) -> str:
        return f"{self.base_url}/cognito-idp"

    def client(self, service: str = "cognito-idp") -> Any:
        endpoint = self.idp_url if service == "cognito-idp" else self.moto_url
        return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing",
                            config=Config(retries={"max_attempts": 1}))

    def outbox(self) -> list[dict[str, Any]]:
        return requests.get(f"{self.base_url}/local/outbox", timeout=10).json()

    def latest_code(self, to: str) -> str:
        for message in self.outbox():
            if message["to"] == to and message.get("code"):
                return message["code"]
        raise AssertionError(f"no code sent to {to}")

    def invocations(self) -> list[dict[str, Any]]:
        return requests.get(f"{self.base_url}/local/invocations", timeout=10).json()


def unique(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


TRIGGER_ARN = "arn:aws:lambda:us-east-1:123456789012:function:cogworks-local-{}"
ALL_TRIGGERS = {
    "PreSignUp": "pre_sign_up", "CustomMessage": "custom_message", "PostConfirmation": "post_confirmation",
    "PreAuthentication": "pre_authentication", "PostAuthentication": "post_authentication",
    "DefineAuthChallenge": "define_auth_challenge", "CreateAuthChallenge": "create_auth_challenge",
    "VerifyAuthChallengeResponse": "verify_auth_challenge_response", "UserMigration": "user_migration",
}


def register_trigger(stack: Any, func: Callable[[dict[str, Any], Any], Any]) -> str:
    """A Lambda of one test, registered on the running stack's Chalice app under a fresh name; its ARN."""
    name = f"t_{func.__name__}_{uuid.uuid4().hex[:12]}"
    stack.app.lambda_function(name=name)(func)
    return TRIGGER_ARN.format(name)


PASSWORD = "Correct-Horse-9"
INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")


def error_of(exc_info: Any) -> tuple[str, str]:
    err = exc_info.value.response["Error"]
    return err["Code"], err["Message"]


@contextlib.contextmanager
def shared_moto() -> Iterator[None]:
    """moto's in-process mock without resetting moto on start or wiping it on stop: its backends are
    process-wide, and the local stack (served from them) must keep its tables for the tests that follow."""
    from moto import mock_aws

    mock = mock_aws()
    mock.start(reset=False)
    try:
        yield
    finally:
        mock.stop(remove_data=False)


@contextlib.contextmanager
def emulator_clock(now: Callable[[], float]) -> Iterator[None]:
    """Run the local Cognito (in this process) on another clock: ``now()`` answers its time."""
    import emulator

    class Clock:
        def now(self) -> float:
            return now()

    saved = emulator.EMULATOR.clock
    emulator.EMULATOR.clock = Clock()
    try:
        yield
    finally:
        emulator.EMULATOR.clock = saved


def clock_moved_by(seconds: float) -> contextlib.AbstractContextManager[None]:
    """Run the local Cognito ``seconds`` in the future."""
    return emulator_clock(lambda: time.time() + seconds)


def password_auth(idp: Any, client_id: str, username: str, password: str = PASSWORD) -> dict[str, Any]:
    """InitiateAuth USER_PASSWORD_AUTH: Cognito's whole answer (tokens or a challenge)."""
    return idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": username, "PASSWORD": password})


def user_auth(idp: Any, user: dict[str, str], password: str | None = None) -> dict[str, Any]:
    """:func:`password_auth` for a user of the ``confirmed_user`` fixture's shape."""
    return password_auth(idp, user["client_id"], user["username"], password or user["password"])


def access_token(idp: Any, user: dict[str, str]) -> str:
    return str(user_auth(idp, user)["AuthenticationResult"]["AccessToken"])


def verified_software_token(idp: Any, access: str) -> str:
    """Associate a software token with the signed-in user and prove it (VerifySoftwareToken); its secret."""
    import pyotp

    secret = str(idp.associate_software_token(AccessToken=access)["SecretCode"])
    idp.verify_software_token(AccessToken=access, UserCode=pyotp.TOTP(secret).now())
    return secret


def claims_of(token: str) -> dict[str, Any]:
    """A token's claims, unverified (the tests that check signatures do so themselves)."""
    return jwt.decode(token, options={"verify_signature": False})


def signed_in_claims(idp: Any, user: dict[str, str], token: str = "IdToken") -> dict[str, Any]:
    """The claims of the ID (or access) token of a fresh password sign-in of the user."""
    return claims_of(user_auth(idp, user)["AuthenticationResult"][token])


REVOKED_ACCESS = ("NotAuthorizedException", "Access Token has been revoked")
REVOKED_REFRESH = ("NotAuthorizedException", "Refresh Token has been revoked")
# Cognito answers "Refresh Token has been revoked"; the refresh flow here may still say "Invalid Refresh Token".
REVOKED_REFRESH_MESSAGES = {REVOKED_REFRESH[1], "Invalid Refresh Token"}


def refresh_auth(idp: Any, client_id: str, refresh_token: str) -> dict[str, Any]:
    """InitiateAuth REFRESH_TOKEN_AUTH: Cognito's whole answer."""
    return idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                             AuthParameters={"REFRESH_TOKEN": refresh_token})


def user_tokens(idp: Any, user: dict[str, str], client_id: str | None = None) -> dict[str, Any]:
    """The tokens of a password sign-in of the user (through another client of the pool if given)."""
    return password_auth(idp, client_id or user["client_id"], user["username"], user["password"])[
        "AuthenticationResult"]


def refreshed_tokens(idp: Any, client_id: str, refresh_token: str) -> dict[str, Any]:
    return refresh_auth(idp, client_id, refresh_token)["AuthenticationResult"]


def assert_every_session_ended(idp: Any, user: dict[str, str], other_client: str,
                               sessions: tuple[dict[str, Any], dict[str, Any], dict[str, Any]]) -> None:
    """After a global sign-out: the access tokens of ``sessions`` (signed in with the user's client, with
    ``other_client``, and refreshed from the first) and both refresh tokens are revoked; a new sign-in works."""
    first, second, refreshed = sessions
    for access in (first["AccessToken"], second["AccessToken"], refreshed["AccessToken"]):
        with pytest.raises(ClientError) as exc:
            idp.get_user(AccessToken=access)
        assert error_of(exc) == REVOKED_ACCESS
    for client_id, token in ((user["client_id"], first["RefreshToken"]), (other_client, second["RefreshToken"])):
        with pytest.raises(ClientError) as exc:
            refreshed_tokens(idp, client_id, token)
        assert error_of(exc) == REVOKED_REFRESH
    fresh = user_tokens(idp, user)
    assert idp.get_user(AccessToken=fresh["AccessToken"])["Username"] == user["username"]
    assert "AccessToken" in refreshed_tokens(idp, user["client_id"], fresh["RefreshToken"])


def assert_user_gone(idp: Any, user: dict[str, str]) -> None:
    """The user no longer exists: AdminGetUser and a password sign-in say so."""
    for call in (lambda: idp.admin_get_user(UserPoolId=user["pool_id"], Username=user["username"]),
                 lambda: user_auth(idp, user)):
        with pytest.raises(ClientError) as exc:
            call()
        assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


# A schema with a required and an immutable attribute, and what deleting each (or an unknown one) answers.
GUARDED_SCHEMA = [{"Name": "name", "AttributeDataType": "String", "Mutable": True, "Required": True},
                  {"Name": "tenant", "AttributeDataType": "String", "Mutable": False}]
GUARDED_REFUSALS = [
    ("custom:tenant", "Cannot modify the non-mutable attribute custom:tenant"),
    ("name", "Attributes did not conform to the schema: name: The attribute name is required"),
    ("custom:nope",
     "Attributes did not conform to the schema: Type for attribute {custom:nope} could not be determined"),
]


def assert_tokens_dead(idp: Any, user: dict[str, str], tokens: dict[str, Any]) -> None:
    """The user's refresh token and access token from before are refused, whatever user now has the name."""
    with pytest.raises(ClientError) as exc:
        refresh_auth(idp, user["client_id"], tokens["RefreshToken"])
    assert error_of(exc)[0] == "NotAuthorizedException"
    assert error_of(exc)[1] in REVOKED_REFRESH_MESSAGES
    with pytest.raises(ClientError) as exc:
        idp.get_user(AccessToken=tokens["AccessToken"])
    assert error_of(exc)[0] == "NotAuthorizedException"
    assert error_of(exc)[1] in ("Invalid Access Token", REVOKED_ACCESS[1])


def admin_user(idp: Any, pool_id: str, *, verified: bool = True, **attributes: str) -> dict[str, str]:
    """A user created by an administrator with the permanent password PASSWORD and an email (verified unless
    ``verified`` is False), plus ``attributes``: {username, email}."""
    username = unique()
    email = f"{username}@example.com"
    values = {"email": email, "email_verified": str(verified).lower(), **attributes}
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": k, "Value": v} for k, v in values.items()])
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
    return {"username": username, "email": email}


@contextlib.contextmanager
def capture_logs() -> Iterator[Any]:
    """Every record of the bundle's logger, at DEBUG, as Lambda would write it (the triggers run in-process)."""
    import io
    import logging

    from chalicelib.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    std = logging.getLogger("cogworks")
    level = std.level
    std.addHandler(handler)
    std.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        std.removeHandler(handler)
        std.setLevel(level)

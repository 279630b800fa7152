"""A thin wrapper over a boto3 cognito-idp client: the public (client-side) user-pool operations the auth
API uses, with the app client id, SECRET_HASH and UserContextData filled in, and botocore errors turned into
the API's errors (:func:`chalicelib.services.errors.from_client_error`). No policy lives here: what to hide
from whom is :mod:`chalicelib.services.auth`'s business.

SECRET_HASH = Base64(HMAC-SHA256(client secret, username + client id)), sent only when a client secret is
configured (https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash).

UserContextData goes to exactly the operations whose botocore input shape has it: SignUp, ConfirmSignUp,
ResendConfirmationCode, InitiateAuth, RespondToAuthChallenge, ForgotPassword, ConfirmForgotPassword
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserContextDataType.html).
Cognito honours IpAddress only for an app client with a secret and EnablePropagateAdditionalUserContextData.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib import aws
from chalicelib.observability import logger
from chalicelib.services.errors import InternalError, from_client_error
from chalicelib.settings import require

USER_AGENT_MAX = 1024


@dataclass(frozen=True)
class CognitoConfig:
    """Which pool and app client the API talks to (stage environment: .chalice/config.json, or the local
    stack's exports in stage local)."""

    region: str
    user_pool_id: str
    client_id: str
    client_secret: str | None
    issuer: str

    @classmethod
    def from_env(cls) -> CognitoConfig:
        region = aws.region()
        pool_id = require("USER_POOL_ID")
        issuer = os.environ.get("COGNITO_ISSUER") or f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"
        return cls(region=region, user_pool_id=pool_id, client_id=require("USER_POOL_CLIENT_ID"),
                   client_secret=os.environ.get("USER_POOL_CLIENT_SECRET") or None, issuer=issuer)


@dataclass(frozen=True)
class UserContext:
    """Who is calling: the source IP as the API gateway saw it, and the caller's User-Agent."""

    ip_address: str | None = None
    user_agent: str | None = None

    def as_user_context_data(self) -> dict[str, str]:
        data: dict[str, str] = {}
        if self.ip_address:
            data["IpAddress"] = self.ip_address
        if self.user_agent:
            data["EncodedData"] = self.user_agent[:USER_AGENT_MAX]
        return data


def secret_hash(client_secret: str, username: str, client_id: str) -> str:
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class CognitoIdp:
    """The public cognito-idp operations of one app client."""

    def __init__(self, client: Any, config: CognitoConfig) -> None:
        self._client = client
        self.config = config

    def secret_hash(self, username: str) -> str | None:
        if not self.config.client_secret:
            return None
        return secret_hash(self.config.client_secret, username, self.config.client_id)

    # ------------------------------------------------------------ sign-up

    def sign_up(self, username: str, password: str, attributes: Mapping[str, str],
                context: UserContext) -> dict[str, Any]:
        return self._call("sign_up", Username=username, Password=password,
                          UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
                          **self._public(username, context))

    def confirm_sign_up(self, username: str, code: str, context: UserContext) -> dict[str, Any]:
        return self._call("confirm_sign_up", Username=username, ConfirmationCode=code,
                          **self._public(username, context))

    def resend_confirmation_code(self, username: str, context: UserContext) -> dict[str, Any]:
        return self._call("resend_confirmation_code", Username=username, **self._public(username, context))

    # ------------------------------------------------------------ sign-in

    def initiate_password_auth(self, username: str, password: str, context: UserContext) -> dict[str, Any]:
        parameters = {"USERNAME": username, "PASSWORD": password}
        self._add_secret_hash(parameters, username)
        return self._call("initiate_auth", ClientId=self.config.client_id, AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters=parameters, **self._context(context))

    def respond_to_auth_challenge(self, username: str, challenge: str, session: str,
                                  responses: Mapping[str, str], context: UserContext) -> dict[str, Any]:
        answers = {**responses, "USERNAME": username}
        answers.pop("SECRET_HASH", None)
        self._add_secret_hash(answers, username)
        return self._call("respond_to_auth_challenge", ClientId=self.config.client_id, ChallengeName=challenge,
                          Session=session, ChallengeResponses=answers, **self._context(context))

    def refresh(self, refresh_token: str, username: str | None, context: UserContext) -> dict[str, Any]:
        parameters = {"REFRESH_TOKEN": refresh_token}
        if username:
            parameters["USERNAME"] = username
            self._add_secret_hash(parameters, username)
        return self._call("initiate_auth", ClientId=self.config.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                          AuthParameters=parameters, **self._context(context))

    # ------------------------------------------------------------ signed-in user

    def revoke_refresh_token(self, refresh_token: str) -> dict[str, Any]:
        params: dict[str, Any] = {"Token": refresh_token, "ClientId": self.config.client_id}
        if self.config.client_secret:
            params["ClientSecret"] = self.config.client_secret
        return self._call("revoke_token", **params)

    def global_sign_out(self, access_token: str) -> dict[str, Any]:
        return self._call("global_sign_out", AccessToken=access_token)

    def get_user(self, access_token: str) -> dict[str, Any]:
        return self._call("get_user", AccessToken=access_token)

    def change_password(self, access_token: str, previous: str, proposed: str) -> dict[str, Any]:
        return self._call("change_password", AccessToken=access_token, PreviousPassword=previous,
                          ProposedPassword=proposed)

    # ------------------------------------------------------------ password reset

    def forgot_password(self, username: str, context: UserContext) -> dict[str, Any]:
        return self._call("forgot_password", Username=username, **self._public(username, context))

    def confirm_forgot_password(self, username: str, code: str, password: str,
                                context: UserContext) -> dict[str, Any]:
        return self._call("confirm_forgot_password", Username=username, ConfirmationCode=code, Password=password,
                          **self._public(username, context))

    # ------------------------------------------------------------ plumbing

    def _public(self, username: str, context: UserContext) -> dict[str, Any]:
        """ClientId, SecretHash and UserContextData of the operations that take a SecretHash parameter."""
        params: dict[str, Any] = {"ClientId": self.config.client_id, **self._context(context)}
        secret_hash = self.secret_hash(username)
        if secret_hash:
            params["SecretHash"] = secret_hash
        return params

    def _add_secret_hash(self, parameters: dict[str, str], username: str) -> None:
        secret_hash = self.secret_hash(username)
        if secret_hash:
            parameters["SECRET_HASH"] = secret_hash

    @staticmethod
    def _context(context: UserContext) -> dict[str, Any]:
        data = context.as_user_context_data()
        return {"UserContextData": data} if data else {}

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        try:
            response = getattr(self._client, operation)(**params)
        except ClientError as err:
            error = from_client_error(err)
            if error.status_code >= 500:
                details = err.response.get("Error") or {}
                logger.error("cognito call failed", extra={"operation": operation, "code": details.get("Code"),
                                                           "cognito_message": details.get("Message")})
            raise error from None
        except BotoCoreError:
            logger.exception("cognito call failed", extra={"operation": operation})
            raise InternalError() from None
        response.pop("ResponseMetadata", None)
        return response

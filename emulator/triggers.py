"""Invoking the bundle's trigger Lambdas exactly as Cognito does: event shape, order, timeouts, errors.

https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
A pool's LambdaConfig names a function by ARN (`arn:aws:lambda:REGION:ACCOUNT:function:APP-STAGE-NAME`)
or bare name; the function runs in-process through the Chalice app's handler map.
"""

from __future__ import annotations

import collections
import concurrent.futures
import copy
import threading
import uuid
from typing import Any, Protocol

from emulator.errors import (
    InvalidLambdaResponseException,
    UnexpectedLambdaException,
    UserLambdaValidationException,
)
from emulator.state import UserPool

TIMEOUT_SECONDS = 5.0
ADMIN_CLIENT_ID = "CLIENT_ID_NOT_APPLICABLE"

# The keys a trigger may set in `response` (anything else is an unrecognizable output, as in Cognito).
RESPONSE_KEYS: dict[str, set[str]] = {
    "PreSignUp": {"autoConfirmUser", "autoVerifyEmail", "autoVerifyPhone"},
    "PostConfirmation": set(),
    "PreAuthentication": set(),
    "PostAuthentication": set(),
    "DefineAuthChallenge": {"challengeName", "issueTokens", "failAuthentication"},
    "CreateAuthChallenge": {"publicChallengeParameters", "privateChallengeParameters", "challengeMetadata"},
    "VerifyAuthChallengeResponse": {"answerCorrect"},
    "PreTokenGeneration": {"claimsOverrideDetails", "claimsAndScopeOverrideDetails"},
    "CustomMessage": {"smsMessage", "emailMessage", "emailSubject"},
    "UserMigration": {"userAttributes", "finalUserStatus", "messageAction", "desiredDeliveryMediums",
                      "forceAliasCreation", "enableSMSMFA"},
}

DEFAULT_RESPONSES: dict[str, dict[str, Any]] = {
    "PreSignUp": {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    "CustomMessage": {"smsMessage": None, "emailMessage": None, "emailSubject": None},
    "DefineAuthChallenge": {"challengeName": None, "issueTokens": None, "failAuthentication": None},
    "CreateAuthChallenge": {"publicChallengeParameters": None, "privateChallengeParameters": None,
                            "challengeMetadata": None},
    "VerifyAuthChallengeResponse": {"answerCorrect": None},
    "UserMigration": {"userAttributes": None, "finalUserStatus": None, "messageAction": None,
                      "desiredDeliveryMediums": None, "forceAliasCreation": None},
}


class LambdaFunctionError(Exception):
    """The function raised: Lambda reports FunctionError with this errorMessage."""


class FunctionNotFoundError(Exception):
    """No function of the app answers to the configured name: Lambda's ResourceNotFoundException."""


class TriggerInvoker(Protocol):
    def invoke(self, function_name: str, event: dict[str, Any]) -> Any: ...


def function_name_from_ref(ref: str) -> str:
    """`pre_sign_up` from `arn:aws:lambda:us-east-1:123456789012:function:cogworks-local-pre_sign_up`."""
    name = ref.split(":function:", 1)[1].split(":", 1)[0] if ":function:" in ref else ref
    return name


class ChaliceInvoker:
    """Runs a function of the Chalice app in-process, as Lambda would, with a 5-second limit."""

    def __init__(self, app: Any, app_prefix: str | None = None) -> None:
        self._app = app
        self._prefixes = [p for p in (app_prefix,) if p]
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=16, thread_name_prefix="lambda")

    def resolve(self, ref: str) -> Any:
        name = function_name_from_ref(ref)
        handlers = self._app.handler_map
        if name in handlers:
            return name, handlers[name]
        for known in handlers:
            if name.endswith("-" + known):
                return known, handlers[known]
        raise FunctionNotFoundError(name)

    def invoke(self, function_name: str, event: dict[str, Any]) -> Any:
        from chalice.local import LambdaContext

        name, handler = self.resolve(function_name)
        context = LambdaContext(function_name=name, memory_size=512, max_runtime_ms=int(TIMEOUT_SECONDS * 1000))
        context.invoked_function_arn = function_name if function_name.startswith("arn:") else ""
        future = self._pool.submit(handler, event, context)
        try:
            return future.result(timeout=TIMEOUT_SECONDS)
        except concurrent.futures.TimeoutError:
            raise
        except Exception as exc:
            raise LambdaFunctionError(str(exc)) from exc


class InvocationLog:
    """The last invocations (event sent, response received), for tests and for a developer's curiosity."""

    def __init__(self, size: int = 500) -> None:
        self._entries: collections.deque[dict[str, Any]] = collections.deque(maxlen=size)
        self._lock = threading.Lock()

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class Triggers:
    """Builds each trigger's event, invokes the configured function, and checks what comes back."""

    def __init__(self, invoker: TriggerInvoker | None, log: InvocationLog | None = None) -> None:
        self.invoker = invoker
        self.log = log or InvocationLog()

    @staticmethod
    def configured(pool: UserPool, trigger: str) -> str | None:
        config = pool.lambda_config
        if trigger == "PreTokenGeneration":
            v2 = config.get("PreTokenGenerationConfig") or {}
            return v2.get("LambdaArn") or config.get("PreTokenGeneration")
        return config.get(trigger)

    @staticmethod
    def pre_token_version(pool: UserPool) -> str:
        return (pool.lambda_config.get("PreTokenGenerationConfig") or {}).get("LambdaVersion") or "V1_0"

    def run(self, pool: UserPool, trigger: str, source: str, user_name: str, request: dict[str, Any], *,
            client_id: str | None, sdk_version: str = "aws-sdk-unknown-unknown", version: str = "1",
            ) -> dict[str, Any] | None:
        """Invoke `trigger` if configured; return its `response` object, or None when not configured."""
        ref = self.configured(pool, trigger)
        if not ref:
            return None
        if self.invoker is None:
            raise UnexpectedLambdaException(f"{trigger} invocation failed due to error AccessDeniedException.")
        event = {
            "version": version,
            "triggerSource": source,
            "region": pool.region,
            "userPoolId": pool.pool_id,
            "userName": user_name,
            "callerContext": {"awsSdkVersion": sdk_version, "clientId": client_id or ADMIN_CLIENT_ID},
            "request": request,
            "response": copy.deepcopy(DEFAULT_RESPONSES.get(trigger, {})),
        }
        sent = copy.deepcopy(event)
        entry: dict[str, Any] = {"id": str(uuid.uuid4()), "trigger": trigger, "function": ref, "event": sent}
        try:
            result = self.invoker.invoke(ref, event)
        except FunctionNotFoundError:
            entry["error"] = "ResourceNotFoundException"
            self.log.add(entry)
            raise UnexpectedLambdaException(
                f"{trigger} invocation failed due to error ResourceNotFoundException.") from None
        except concurrent.futures.TimeoutError:
            entry["error"] = "timeout"
            self.log.add(entry)
            raise UnexpectedLambdaException(
                f"{trigger} invocation failed due to error Socket timeout while invoking Lambda function."
            ) from None
        except LambdaFunctionError as exc:
            entry["error"] = str(exc)
            self.log.add(entry)
            raise UserLambdaValidationException(f"{trigger} failed with error {exc}.") from None
        entry["result"] = copy.deepcopy(result) if isinstance(result, dict) else repr(result)
        self.log.add(entry)
        return validate_response(trigger, result)


def validate_response(trigger: str, result: Any) -> dict[str, Any]:
    if not isinstance(result, dict) or not isinstance(result.get("response"), dict):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    response = result["response"]
    unknown = {k for k, v in response.items() if v is not None} - RESPONSE_KEYS[trigger]
    if unknown:
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    return response

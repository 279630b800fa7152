"""AWS JSON 1.1 for cognito-idp: `X-Amz-Target: AWSCognitoIdentityProviderService.<Action>`, JSON in and
out, errors as `{"__type": <ExceptionName>, "message": ...}` so botocore raises `client.exceptions.<Name>`."""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from emulator import validation
from emulator.context import Context, Emulator
from emulator.errors import (
    CognitoError,
    InternalErrorException,
    SerializationException,
    UnknownOperationException,
    UnsupportedOperationException,
)

log = logging.getLogger("emulator")

MAX_BODY_BYTES = 1024 * 1024
JSON_CONTENT_TYPES = ("application/x-amz-json-1.1", "application/x-amz-json-1.0", "application/json")

Handler = Callable[[Context, dict[str, Any]], dict[str, Any]]


class Service:
    """One AWS JSON 1.1 service: a target prefix, a botocore model name, and its operation handlers."""

    def __init__(self, *, target_prefix: str, model: str, operations: Mapping[str, Handler]) -> None:
        self.target_prefix = target_prefix
        self.model = model
        self.operations = operations

    def dispatch(self, emulator: Emulator, headers: Mapping[str, str], body: bytes | None,
                 source_ip: str = "127.0.0.1") -> tuple[int, dict[str, Any], dict[str, str]]:
        request_id = str(uuid.uuid4())
        try:
            action, params = self._parse(headers, body)
            handler = self.operations.get(action)
            if handler is None:
                raise UnsupportedOperationException(
                    f"{action} is not supported by this local Cognito (cogworks emulator).")
            validation.validate(self.model, action, params)
            ctx = Context(emulator=emulator, source_ip=source_ip, user_agent=headers.get("user-agent", ""))
            result = handler(ctx, params)
            return 200, result, {"x-amzn-RequestId": request_id}
        except CognitoError as err:
            return err.status, err.to_wire(), {"x-amzn-RequestId": request_id, "x-amzn-ErrorType": err.code}
        except Exception:
            log.exception("internal error in %s", self.target_prefix)
            err = InternalErrorException()
            return err.status, err.to_wire(), {"x-amzn-RequestId": request_id, "x-amzn-ErrorType": err.code}

    def _parse(self, headers: Mapping[str, str], body: bytes | None) -> tuple[str, dict[str, Any]]:
        content_type = (headers.get("content-type") or "").split(";", 1)[0].strip().lower()
        if content_type not in JSON_CONTENT_TYPES:
            raise SerializationException(
                f"Unsupported content type '{content_type or 'none'}': use application/x-amz-json-1.1.")
        target = headers.get("x-amz-target") or ""
        prefix, _, action = target.partition(".")
        if prefix != self.target_prefix or not action:
            raise UnknownOperationException(f"Unknown operation: '{target}'.")
        if not validation.operation_exists(self.model, action):
            raise UnknownOperationException(f"Unknown operation: '{target}'.")
        raw = body or b"{}"
        if len(raw) > MAX_BODY_BYTES:
            raise SerializationException(f"Request body is larger than {MAX_BODY_BYTES} bytes.")
        return action, parse_json_object(raw)


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object: strict UTF-8 (json.loads alone would also guess UTF-16/32), and no
    unpaired surrogate escape that would fail later, deep inside an operation, as a 500."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SerializationException("The request body is not valid UTF-8.") from None
    try:
        params = json.loads(text)
        if _ESCAPED_SURROGATE.search(text):
            json.dumps(params, ensure_ascii=False).encode("utf-8")
    # ValueError: bad JSON, an integer over Python's digit limit, an unpaired surrogate;
    # RecursionError: nesting deeper than the interpreter's stack.
    except (ValueError, RecursionError):
        raise SerializationException("The request body is not valid JSON.") from None
    if not isinstance(params, dict):
        raise SerializationException("The request body must be a JSON object.")
    return params

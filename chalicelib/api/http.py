"""The HTTP edge of the auth API: reading a request (body, caller, stage prefix) and writing a JSON reply.

Bodies are parsed here, not by chalice: chalice answers a wrong content type with its own 415 body and a
malformed JSON body with its own 400, and this API answers both as ``ValidationError``. Input is refused
before it reaches pydantic when it is over 16 KiB, not ``application/json``, not UTF-8, not one JSON object,
nested too deep, or has a repeated key (two ``username`` members must not mean the last one).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final, TypeVar

from chalice import Response
from chalice.app import Request
from pydantic import BaseModel, ValidationError

from chalicelib.api.models import MAX_BODY_BYTES, EmptyRequest, RequestBody
from chalicelib.services.cognito import UserContext
from chalicelib.services.errors import RequestValidationError

Model = TypeVar("Model", bound=RequestBody)

BASE_HEADERS: Final = {"Content-Type": "application/json", "Cache-Control": "no-store"}
MAX_ERRORS_REPORTED: Final = 5
MAX_LOCATION_CHARS: Final = 80
_STAGE_PREFIX = re.compile(r"(/[A-Za-z0-9._~-]+)*")
_MESSAGES: Final = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "string_pattern_mismatch": "contains characters that are not allowed",
}


def json_response(body: BaseModel | Mapping[str, Any], status: int = 200, *,
                  headers: Mapping[str, str] | None = None, set_cookies: list[str] | None = None) -> Response:
    payload = body.model_dump(mode="json", exclude_none=True) if isinstance(body, BaseModel) else dict(body)
    all_headers: dict[str, Any] = {**BASE_HEADERS, **(headers or {})}
    if set_cookies:
        all_headers["Set-Cookie"] = list(set_cookies)
    return Response(body=json.dumps(payload, separators=(",", ":")), status_code=status, headers=all_headers)


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError("repeated member")
        obj[key] = value
    return obj


def _reject_constant(_name: str) -> None:
    raise ValueError("NaN and Infinity are not JSON")


def describe(error: ValidationError) -> str:
    """Which fields are wrong and why, without echoing their values."""
    parts = []
    for item in error.errors(include_url=False, include_input=False, include_context=False)[:MAX_ERRORS_REPORTED]:
        location = ".".join(str(p) for p in item["loc"])[:MAX_LOCATION_CHARS] or "body"
        parts.append(f"{location}: {_MESSAGES.get(item['type'], item['msg'])}")
    return "; ".join(parts)


def read_json_object(request: Request, max_bytes: int = MAX_BODY_BYTES) -> dict[str, Any]:
    """The request body as a JSON object (strict: no repeated members, no NaN), or RequestValidationError."""
    raw = request.raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > max_bytes:
        raise RequestValidationError(f"body: must be at most {max_bytes} bytes")
    content_type = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    if content_type != "application/json":
        raise RequestValidationError("Content-Type: must be application/json")
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_unique_object, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RequestValidationError("body: must be valid JSON") from None
    if not isinstance(data, dict):
        raise RequestValidationError("body: must be a JSON object")
    return data


def parse_body(request: Request, model: type[Model], max_bytes: int = MAX_BODY_BYTES) -> Model:
    """The request body validated as ``model``, or RequestValidationError (400) saying what is wrong."""
    raw = request.raw_body or b""
    if model is EmptyRequest and len(raw) <= max_bytes and not raw.strip():
        return model()
    data = read_json_object(request, max_bytes)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise RequestValidationError(describe(err)) from None


def user_context(request: Request) -> UserContext:
    """The caller as API Gateway saw it. The source IP is the gateway's requestContext.identity.sourceIp;
    X-Forwarded-For is written by the client and is never read."""
    identity = request.context.get("identity") or {}
    ip = identity.get("sourceIp")
    return UserContext(ip_address=ip if isinstance(ip, str) and ip else None,
                       user_agent=request.headers.get("user-agent") or None)


def stage_prefix(request: Request) -> str:
    """What precedes the route in the browser's URL: ``/api`` on an execute-api URL (the stage), a base path
    on a custom domain, nothing under `chalice local`. requestContext.path minus resourcePath."""
    path = str(request.context.get("path") or "")
    resource = str(request.context.get("resourcePath") or "")
    if not resource or not path.endswith(resource):
        return ""
    prefix = path[: len(path) - len(resource)]
    return prefix if _STAGE_PREFIX.fullmatch(prefix) else ""

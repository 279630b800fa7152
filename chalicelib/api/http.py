"""The HTTP edge of the auth API: reading a request (body, caller, stage prefix) and writing a JSON reply.

Bodies are parsed here, not by chalice: chalice answers a wrong content type with its own 415 body and a
malformed JSON body with its own 400, and this API answers both as ``ValidationError``. Input is refused
before it reaches pydantic when it is over 16 KiB, not ``application/json``, not UTF-8, not one JSON object,
nested too deep, or has a repeated key (two ``username`` members must not mean the last one). A route that
also takes an HTML form (the risk email's landing) reads any other content type as
``application/x-www-form-urlencoded``. Path and query parameters are validated the same way, by a
:class:`chalicelib.api.models.Params` model.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Any, Final, TypeVar
from urllib.parse import parse_qs

from chalice import Response
from chalice.app import Request
from pydantic import BaseModel, ValidationError

from chalicelib.api.models import MAX_BODY_BYTES, Params, RequestBody
from chalicelib.services.cognito import UserContext
from chalicelib.services.errors import RequestValidationError

Model = TypeVar("Model", bound=RequestBody)
ParamsModel = TypeVar("ParamsModel", bound=Params)

BASE_HEADERS: Final = {"Content-Type": "application/json", "Cache-Control": "no-store"}
MAX_ERRORS_REPORTED: Final = 5
MAX_LOCATION_CHARS: Final = 80
MAX_FORM_FIELDS: Final = 4
JSON: Final = "application/json"
FORM: Final = "application/x-www-form-urlencoded"
UNKNOWN_QUERY: Final = "is not a known query parameter"
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


def describe(error: ValidationError, *, unknown: str = _MESSAGES["extra_forbidden"]) -> str:
    """Which fields are wrong and why, without echoing their values."""
    messages = {**_MESSAGES, "extra_forbidden": unknown}
    parts = []
    for item in error.errors(include_url=False, include_input=False, include_context=False)[:MAX_ERRORS_REPORTED]:
        location = ".".join(str(p) for p in item["loc"])[:MAX_LOCATION_CHARS] or "body"
        parts.append(f"{location}: {messages.get(item['type'], item['msg'])}")
    return "; ".join(parts)


def media_type(request: Request) -> str:
    return (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()


def _raw_body(request: Request, max_bytes: int) -> bytes:
    raw = request.raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > max_bytes:
        raise RequestValidationError(f"body: must be at most {max_bytes} bytes")
    return raw


def read_json_object(request: Request, max_bytes: int = MAX_BODY_BYTES) -> dict[str, Any]:
    """The request body as a JSON object (strict: no repeated members, no NaN), or RequestValidationError."""
    raw = _raw_body(request, max_bytes)
    if media_type(request) != JSON:
        raise RequestValidationError("Content-Type: must be application/json")
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_unique_object, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RequestValidationError("body: must be valid JSON") from None
    if not isinstance(data, dict):
        raise RequestValidationError("body: must be a JSON object")
    return data


def read_form(request: Request, max_bytes: int) -> dict[str, str]:
    """An HTML form's fields (the first value of each; a blank one is left out), at most MAX_FORM_FIELDS."""
    raw = _raw_body(request, max_bytes)
    try:
        fields = parse_qs(raw.decode("utf-8", "replace"), max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        raise RequestValidationError(f"body: must be a form of at most {MAX_FORM_FIELDS} fields") from None
    return {name: values[0] for name, values in fields.items()}


def parse_body(request: Request, model: type[Model], max_bytes: int = MAX_BODY_BYTES, *,
               forms: bool = False) -> Model:
    """The request body validated as ``model``, or RequestValidationError (400) saying what is wrong. With
    ``forms``, a body that is not ``application/json`` is read as a form."""
    raw = request.raw_body or b""
    if model.accepts_empty and len(raw) <= max_bytes and not raw.strip():
        return model()
    data: dict[str, Any] = read_form(request, max_bytes) if forms and media_type(request) != JSON \
        else read_json_object(request, max_bytes)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise RequestValidationError(describe(err)) from None


def parse_params(values: Mapping[str, str] | None, model: type[ParamsModel]) -> ParamsModel:
    """Path or query parameters validated as ``model``, or RequestValidationError (400)."""
    try:
        return model.model_validate(dict(values or {}))
    except ValidationError as err:
        raise RequestValidationError(describe(err, unknown=UNKNOWN_QUERY)) from None


LOCAL_SOURCE_IP_HEADER: Final = "x-cogworks-source-ip"


def user_context(request: Request) -> UserContext:
    """The caller as API Gateway saw it. The source IP is the gateway's requestContext.identity.sourceIp;
    X-Forwarded-For is written by the client and is never read.

    Under `chalice local` every caller is 127.0.0.1, so the account-takeover checks could never see a new
    network there: in stage ``local`` only, a request from the loopback address may name the address it
    plays with ``X-Cogworks-Source-Ip`` (a valid IP address; anything else is ignored)."""
    identity = request.context.get("identity") or {}
    ip = identity.get("sourceIp")
    ip = ip if isinstance(ip, str) and ip else None
    if ip is not None and os.environ.get("COGWORKS_STAGE") == "local":
        ip = _played_address(ip, request.headers.get(LOCAL_SOURCE_IP_HEADER))
    return UserContext(ip_address=ip, user_agent=request.headers.get("user-agent") or None)


def _played_address(source: str, played: str | None) -> str:
    import ipaddress

    try:
        if not played or len(played) > 45 or not ipaddress.ip_address(source).is_loopback:
            return source
        return str(ipaddress.ip_address(played.strip()))
    except ValueError:
        return source


def stage_prefix(request: Request) -> str:
    """What precedes the route in the browser's URL: ``/api`` on an execute-api URL (the stage), a base path
    on a custom domain, nothing under `chalice local`. requestContext.path minus resourcePath."""
    path = str(request.context.get("path") or "")
    resource = str(request.context.get("resourcePath") or "")
    if not resource or not path.endswith(resource):
        return ""
    prefix = path[: len(path) - len(resource)]
    return prefix if _STAGE_PREFIX.fullmatch(prefix) else ""

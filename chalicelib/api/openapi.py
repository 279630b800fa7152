"""The API's OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0), generated, never hand-written: paths
and methods from the route table (:class:`RouteSpec`, the same table the blueprint registers its routes
from), schemas from the pydantic models (JSON Schema 2020-12, which OpenAPI 3.1 uses as is): request bodies,
responses, and the path and query parameters (:class:`chalicelib.api.models.Params`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.api.cookies import ACCESS_COOKIE, MODE_HEADER
from chalicelib.api.models import MAX_BODY_BYTES, ErrorResponse, Params, RequestBody, ResponseBody

OPENAPI_VERSION: Final = "3.1.0"
REF_TEMPLATE: Final = "#/components/schemas/{model}"
ERROR_DESCRIPTIONS: Final = {
    400: "Invalid request (ValidationError), or refused by Cognito",
    401: "Not signed in, or wrong credentials (NotAuthorizedException)",
    403: "Not allowed: not a member of the admin group, user not confirmed, or password reset required",
    404: "Not found",
    409: "Conflict",
    429: "Too many requests (LimitExceededException, TooManyRequestsException)",
    500: "Internal error (InternalError)",
    502: "A Cognito trigger or message delivery failed",
    503: "A store the request needs is unavailable (ServiceUnavailable)",
}
HTML: Final = "text/html"
JSON: Final = "application/json"
FORM: Final = "application/x-www-form-urlencoded"
TAGS: Final = frozenset({"auth", "admin", "rolemap"})
_TEMPLATE_NAME = re.compile(r"\{([^}]+)\}")
SECURITY_SCHEMES: Final = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                   "description": "A Cognito access token of this app client."},
    "cookieAuth": {"type": "apiKey", "in": "cookie", "name": ACCESS_COOKIE,
                   "description": "The access-token cookie set in cookie mode."},
}


@dataclass(frozen=True)
class AdminOnly:
    """The route needs an access token whose ``cognito:groups`` holds the admin group (ADMIN_GROUP); a caller
    outside it gets 403 with ``code`` and ``message`` (``{group}`` in it is the group's name)."""

    code: str
    message: str


@dataclass(frozen=True)
class RouteSpec:
    """One route of the API: what it takes, what it answers, and how the edge treats it.

    ``protected``: an access token is needed; ``admin``: and the admin group. ``path_params`` and ``query``
    validate the path template's parameters and the query string. ``status``: the success status.
    ``max_body``: the body's size limit; ``forms``: a body that is not JSON is read as an HTML form.
    ``pages``: the statuses answered with an HTML page (for a person's browser) instead of, or besides, JSON.
    """

    path: str
    method: str
    handler: Callable[..., Any]
    summary: str
    responses: tuple[type[ResponseBody], ...]
    body: type[RequestBody] | None = None
    errors: tuple[int, ...] = (400, 500)
    protected: bool = False
    cookie_mode: bool = False
    clears_cookies: bool = False
    admin: AdminOnly | None = None
    path_params: type[Params] | None = None
    query: type[Params] | None = None
    status: int = 200
    max_body: int = MAX_BODY_BYTES
    forms: bool = False
    pages: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        named = set(_TEMPLATE_NAME.findall(self.path))
        declared = {f.alias or name for name, f in self.path_params.model_fields.items()} if self.path_params else set()
        if named != declared:
            raise ValueError(f"{self.method} {self.path}: path parameters {sorted(named)}, model {sorted(declared)}")

    @property
    def operation_id(self) -> str:
        return self.handler.__name__

    @property
    def needs_token(self) -> bool:
        return self.protected or self.admin is not None


def _schemas(routes: Sequence[RouteSpec]) -> dict[str, Any]:
    requests = {r.body for r in routes if r.body is not None}
    responses = {m for r in routes for m in r.responses} | {ErrorResponse}
    pairs: list[tuple[type[BaseModel], Any]] = [(m, "validation") for m in sorted(requests, key=lambda m: m.__name__)]
    pairs += [(m, "serialization") for m in sorted(responses, key=lambda m: m.__name__)]
    _, top = models_json_schema(pairs, ref_template=REF_TEMPLATE)
    return top.get("$defs", {})


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF_TEMPLATE.format(model=model.__name__)}


def _parameters(model: type[Params], where: str) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=REF_TEMPLATE)
    required = set(schema.get("required", []))
    return [{"name": name, "in": where, "required": where == "path" or name in required, "schema": prop}
            for name, prop in schema.get("properties", {}).items()]


def _responses(route: RouteSpec) -> dict[str, Any]:
    success = [_ref(m) for m in route.responses]
    answers: dict[str, Any] = {}
    for status in sorted({route.status, *route.errors, *route.pages}):
        content: dict[str, Any] = {}
        if status == route.status and success:
            content[JSON] = {"schema": success[0] if len(success) == 1 else {"oneOf": success}}
        elif status in route.errors:
            content[JSON] = {"schema": _ref(ErrorResponse)}
        if status in route.pages:
            content[HTML] = {"schema": {"type": "string"}}
        description = "Success" if status == route.status else ERROR_DESCRIPTIONS.get(status, "An HTML page")
        answers[str(status)] = {"description": description, "content": content}
    return answers


def _operation(route: RouteSpec) -> dict[str, Any]:
    segment = route.path.split("/")[1]
    operation: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": route.summary,
        "tags": [segment if segment in TAGS else "meta"],
        "responses": _responses(route),
    }
    if route.body is not None:
        media = (JSON, FORM) if route.forms else (JSON,)
        operation["requestBody"] = {"required": not route.body.accepts_empty,
                                    "content": {m: {"schema": _ref(route.body)} for m in media}}
    parameters = _parameters(route.path_params, "path") if route.path_params else []
    parameters += _parameters(route.query, "query") if route.query else []
    if route.cookie_mode:
        parameters.append({
            "name": MODE_HEADER, "in": "header", "required": False,
            "description": "`cookie`: tokens in HttpOnly cookies instead of the body.",
            "schema": {"type": "string", "enum": ["cookie", "bearer"]},
        })
    if parameters:
        operation["parameters"] = parameters
    if route.needs_token:
        operation["security"] = [{"bearerAuth": []}, {"cookieAuth": []}]
    return operation


def build_document(routes: Sequence[RouteSpec], *, title: str, version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        methods = paths.setdefault(route.path, {})
        if route.method.lower() in methods:
            raise ValueError(f"{route.method} {route.path} is declared twice")
        methods[route.method.lower()] = _operation(route)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": version,
                 "description": "Sign-up, sign-in and account management over Amazon Cognito, and the "
                                "administration of sign-up rules, invite codes, role mappings and auth events "
                                "(members of the admin group only). Errors are "
                                "`{\"error\": {\"code\", \"message\"}}`; codes are Cognito's exception names, "
                                "or ValidationError / InternalError."},
        "paths": paths,
        "components": {"schemas": _schemas(routes), "securitySchemes": SECURITY_SCHEMES},
    }

"""The API's OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0), generated, never hand-written: paths
and methods from the route table (:class:`RouteSpec`, the same table the blueprint registers its routes
from), schemas from the pydantic models (JSON Schema 2020-12, which OpenAPI 3.1 uses as is).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.api.cookies import ACCESS_COOKIE, MODE_HEADER
from chalicelib.api.models import EmptyRequest, ErrorResponse, RequestBody, ResponseBody

OPENAPI_VERSION: Final = "3.1.0"
REF_TEMPLATE: Final = "#/components/schemas/{model}"
ERROR_DESCRIPTIONS: Final = {
    400: "Invalid request (ValidationError), or refused by Cognito",
    401: "Not signed in, or wrong credentials (NotAuthorizedException)",
    403: "User not confirmed, or password reset required",
    409: "Conflict",
    429: "Too many requests (LimitExceededException, TooManyRequestsException)",
    500: "Internal error (InternalError)",
    502: "A Cognito trigger or message delivery failed",
}
SECURITY_SCHEMES: Final = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                   "description": "A Cognito access token of this app client."},
    "cookieAuth": {"type": "apiKey", "in": "cookie", "name": ACCESS_COOKIE,
                   "description": "The access-token cookie set in cookie mode."},
}


@dataclass(frozen=True)
class RouteSpec:
    """One route of the API: what it takes, what it answers, and how the edge treats it."""

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

    @property
    def operation_id(self) -> str:
        return self.handler.__name__


def _schemas(routes: Sequence[RouteSpec]) -> dict[str, Any]:
    requests = {r.body for r in routes if r.body is not None}
    responses = {m for r in routes for m in r.responses} | {ErrorResponse}
    pairs: list[tuple[type[BaseModel], Any]] = [(m, "validation") for m in sorted(requests, key=lambda m: m.__name__)]
    pairs += [(m, "serialization") for m in sorted(responses, key=lambda m: m.__name__)]
    _, top = models_json_schema(pairs, ref_template=REF_TEMPLATE)
    return top.get("$defs", {})


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF_TEMPLATE.format(model=model.__name__)}


def _operation(route: RouteSpec) -> dict[str, Any]:
    success = [_ref(m) for m in route.responses]
    operation: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": route.summary,
        "tags": ["auth"] if route.path.startswith("/auth/") else ["meta"],
        "responses": {
            "200": {"description": "Success",
                    "content": {"application/json": {"schema": success[0] if len(success) == 1
                                                     else {"oneOf": success}}}},
            **{str(status): {"description": ERROR_DESCRIPTIONS[status],
                             "content": {"application/json": {"schema": _ref(ErrorResponse)}}}
               for status in route.errors},
        },
    }
    if route.body is not None:
        operation["requestBody"] = {"required": route.body is not EmptyRequest,
                                    "content": {"application/json": {"schema": _ref(route.body)}}}
    if route.cookie_mode:
        operation["parameters"] = [{
            "name": MODE_HEADER, "in": "header", "required": False,
            "description": "`cookie`: tokens in HttpOnly cookies instead of the body.",
            "schema": {"type": "string", "enum": ["cookie", "bearer"]},
        }]
    if route.protected:
        operation["security"] = [{"bearerAuth": []}, {"cookieAuth": []}]
    return operation


def build_document(routes: Sequence[RouteSpec], *, title: str, version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": version,
                 "description": "Sign-up, sign-in and account management over Amazon Cognito. Errors are "
                                "`{\"error\": {\"code\", \"message\"}}`; codes are Cognito's exception names, "
                                "or ValidationError / InternalError."},
        "paths": paths,
        "components": {"schemas": _schemas(routes), "securitySchemes": SECURITY_SCHEMES},
    }

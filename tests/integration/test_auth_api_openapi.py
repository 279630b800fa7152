"""GET /openapi.json stays true: every registered route is documented with its method and every documented
route exists; each documented request body is its pydantic model's schema, with the fields the API promises
clients; every $ref resolves."""

from __future__ import annotations

from typing import Any

import pytest
from chalice import Chalice

from chalicelib.api import models
from chalicelib.api.openapi import REF_TEMPLATE

# The request bodies clients and docs rely on (issue 3): route -> (model, required fields, optional fields).
CONTRACT = {
    ("POST", "/auth/sign-up"): (models.SignUpRequest, {"username", "password"}, {"attributes"}),
    ("POST", "/auth/confirm"): (models.ConfirmRequest, {"username", "code"}, set()),
    ("POST", "/auth/resend"): (models.UsernameRequest, {"username"}, set()),
    ("POST", "/auth/sign-in"): (models.SignInRequest, {"username", "password"}, set()),
    ("POST", "/auth/challenge"): (models.ChallengeRequest, {"username", "session", "challenge"}, {"responses"}),
    ("POST", "/auth/refresh"): (models.RefreshRequest, set(), {"refreshToken", "username"}),
    ("POST", "/auth/sign-out"): (models.EmptyRequest, set(), set()),
    ("GET", "/auth/me"): (None, set(), set()),
    ("POST", "/auth/password/forgot"): (models.UsernameRequest, {"username"}, set()),
    ("POST", "/auth/password/confirm"): (models.ConfirmPasswordRequest, {"username", "code", "password"}, set()),
    ("POST", "/auth/password/change"): (models.ChangePasswordRequest, {"previousPassword", "proposedPassword"}, set()),
    ("GET", "/openapi.json"): (None, set(), set()),
}
PROTECTED = {("POST", "/auth/sign-out"), ("GET", "/auth/me"), ("POST", "/auth/password/change")}


@pytest.fixture(scope="module")
def document(api: Any) -> dict[str, Any]:
    reply = api.get("/openapi.json")
    assert reply.status == 200
    return reply.json


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(method.upper(), path): op for path, item in document["paths"].items() for method, op in item.items()}


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    prefix = REF_TEMPLATE.format(model="")
    assert schema["$ref"].startswith(prefix)
    return document["components"]["schemas"][schema["$ref"][len(prefix):]]


def registered(app: Any) -> set[tuple[str, str]]:
    return {(method, path) for path, methods in app.routes.items() for method in methods}


def test_it_is_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"]


def test_every_registered_route_is_documented_and_every_documented_route_exists(document, api_app):
    from chalicelib.api import authenticator_routes, passwordless_routes

    extra = Chalice(app_name="openapi-extra")
    extra.register_blueprint(passwordless_routes.make_blueprint())
    extra.register_blueprint(authenticator_routes.make_blueprint())
    served = registered(api_app) | registered(extra)
    # The magic-link landing is an HTML page for a person, not a JSON operation.
    assert served - set(operations(document)) == {("GET", "/auth/passwordless/magic-link")}
    assert set(operations(document)) <= served
    assert set(CONTRACT) <= set(operations(document))


def test_request_bodies_are_the_models_with_the_promised_fields(document):
    ops = operations(document)
    for key, (model, required, optional) in CONTRACT.items():
        op = ops[key]
        if model is None:
            assert "requestBody" not in op, key
            continue
        schema = resolve(document, op["requestBody"]["content"]["application/json"]["schema"])
        assert schema == model.model_json_schema(ref_template=REF_TEMPLATE), key
        assert set(schema.get("required", [])) == required, key
        assert set(schema["properties"]) == required | optional, key
        assert schema["additionalProperties"] is False, key


def test_protected_routes_declare_bearer_and_cookie_security(document):
    from chalicelib.api import auth_routes, authenticator_routes, passwordless_routes

    protected = PROTECTED | {(spec.method, spec.path) for module in (auth_routes, passwordless_routes,
                                                                      authenticator_routes)
                             for spec in module.ROUTES if spec.protected}
    for key, op in operations(document).items():
        expected = [{"bearerAuth": []}, {"cookieAuth": []}] if key in protected else None
        assert op.get("security") == expected, key
        if key in protected:
            assert "401" in op["responses"], key


def test_sign_in_documents_tokens_cookie_session_and_challenge_answers(document):
    schema = operations(document)[("POST", "/auth/sign-in")]["responses"]["200"]["content"]["application/json"]
    answers = {resolve(document, option)["title"] for option in schema["schema"]["oneOf"]}
    assert answers == {"TokensResponse", "CookieSessionResponse", "ChallengeResponse"}
    tokens = document["components"]["schemas"]["TokensResponse"]
    assert set(tokens["properties"]) == {"idToken", "accessToken", "refreshToken", "expiresIn"}


def test_every_ref_resolves(document):
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                resolve(document, node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)


def test_app_py_serves_every_documented_route_and_documents_every_route_spec(document, stack):
    from app import app
    from chalicelib.api import auth_routes, authenticator_routes, passwordless_routes

    declared = {(spec.method, spec.path) for module in (auth_routes, passwordless_routes, authenticator_routes)
                for spec in module.ROUTES}
    assert set(operations(document)) == declared
    assert declared <= registered(app)

"""GET /openapi.json stays true (issue 3): every route app.py registers is documented with the same methods and
every documented route is registered; the document is valid OpenAPI 3.1 (openapi-spec-validator); each
documented request body, path parameter and query parameter is its pydantic model's schema, with the fields the
API promises clients; every $ref resolves; routes that need a token say so, and the one admin check of the edge
answers each admin route's own 401 and 403."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from chalice import Chalice
from chalice.test import Client
from openapi_spec_validator import OpenAPIV31SpecValidator

from chalicelib.api import (
    admin_routes,
    auth_routes,
    authenticator_routes,
    credentials_routes,
    models,
    models_admin,
    models_risk,
    models_rolemap,
    passwordless_routes,
    risk_routes,
    rolemap_routes,
)
from chalicelib.api.authorizer import MISSING_TOKEN
from chalicelib.api.openapi import FORM, JSON, REF_TEMPLATE, RouteSpec
from tests.conftest import ROOT
from tests.integration.conftest import Api

MODULES = (auth_routes, passwordless_routes, authenticator_routes, credentials_routes, admin_routes, rolemap_routes,
           risk_routes)
SPECS: dict[tuple[str, str], RouteSpec] = {(s.method, s.path): s for m in MODULES for s in m.ROUTES}
RULE_SET = "/rolemap/rule-sets/{userPoolId}/{clientId}"
EVENT_FEEDBACK = "/admin/users/{username}/auth-events/{eventId}/feedback"

# The request bodies clients and docs rely on (issue 3):
# route -> (model, required fields, optional fields, unknown fields refused).
CONTRACT = {
    ("POST", "/auth/sign-up"): (models.SignUpRequest, {"username", "password"}, {"attributes"}, True),
    ("POST", "/auth/confirm"): (models.ConfirmRequest, {"username", "code"}, set(), True),
    ("POST", "/auth/resend"): (models.UsernameRequest, {"username"}, set(), True),
    ("POST", "/auth/sign-in"): (models.SignInRequest, {"username", "password"}, {"secondFactor"}, True),
    ("POST", "/auth/challenge"): (models.ChallengeRequest, {"username", "session", "challenge"}, {"responses"}, True),
    ("POST", "/auth/refresh"): (models.RefreshRequest, set(), {"refreshToken", "username"}, True),
    ("POST", "/auth/sign-out"): (models.EmptyRequest, set(), set(), True),
    ("GET", "/auth/me"): (None, set(), set(), True),
    ("POST", "/auth/password/forgot"): (models.UsernameRequest, {"username"}, set(), True),
    ("POST", "/auth/password/confirm"): (models.ConfirmPasswordRequest, {"username", "code", "password"}, set(),
                                         True),
    ("POST", "/auth/password/change"): (models.ChangePasswordRequest, {"previousPassword", "proposedPassword"},
                                        set(), True),
    ("GET", "/openapi.json"): (None, set(), set(), True),
    ("POST", "/auth/credentials"): (credentials_routes.CredentialsRequest, set(), {"idToken", "customRoleArn"}, True),
    ("GET", "/admin/signup-rules"): (None, set(), set(), True),
    ("PUT", "/admin/signup-rules"): (models_admin.PutRulesRequest, {"rules"}, {"expectedVersion"}, True),
    ("POST", "/admin/invite-codes"): (models_admin.CreateInviteRequest, set(),
                                      {"expiresInDays", "emailDomain", "note"}, True),
    ("GET", "/admin/invite-codes"): (None, set(), set(), True),
    ("DELETE", "/admin/invite-codes/{inviteId}"): (None, set(), set(), True),
    ("GET", "/rolemap/rule-sets"): (None, set(), set(), True),
    ("GET", RULE_SET): (None, set(), set(), True),
    ("PUT", RULE_SET): (models_rolemap.PutRuleSetRequest, {"rules"},
                        {"userPoolId", "clientId", "description", "expectedVersion"}, True),
    ("DELETE", RULE_SET): (None, set(), set(), True),
    ("POST", "/rolemap/test"): (models_rolemap.TryRuleSetRequest, {"ruleSet", "claims"}, set(), True),
    ("POST", "/rolemap/explain"): (models_rolemap.ExplainRequest, {"userPoolId", "clientId", "claims"}, set(), True),
    ("GET", "/admin/users/{username}/auth-events"): (None, set(), set(), True),
    ("POST", EVENT_FEEDBACK): (models_risk.AdminFeedbackRequest, {"feedbackValue"}, set(), False),
    ("GET", "/auth/risk/feedback"): (None, set(), set(), True),
    ("POST", "/auth/risk/feedback"): (models_risk.LinkFeedbackRequest, {"token", "value"}, set(), False),
}
# route -> (path parameters, query parameters) that clients rely on.
PARAMETERS = {
    ("GET", "/admin/invite-codes"): (set(), {"limit", "nextToken"}),
    ("DELETE", "/admin/invite-codes/{inviteId}"): ({"inviteId"}, set()),
    ("GET", "/rolemap/rule-sets"): (set(), {"userPoolId"}),
    ("GET", RULE_SET): ({"userPoolId", "clientId"}, set()),
    ("PUT", RULE_SET): ({"userPoolId", "clientId"}, set()),
    ("DELETE", RULE_SET): ({"userPoolId", "clientId"}, {"expectedVersion"}),
    ("GET", "/admin/users/{username}/auth-events"): ({"username"}, {"limit", "nextToken"}),
    ("POST", EVENT_FEEDBACK): ({"username", "eventId"}, set()),
    ("GET", "/auth/risk/feedback"): (set(), {"token", "value"}),
}
PAGES = {("GET", "/auth/risk/feedback"), ("POST", "/auth/risk/feedback"), ("GET", passwordless_routes.LANDING)}


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


def bundle_routes(app: Chalice) -> set[tuple[str, str]]:
    """The routes app.py registers for the bundle; the embedded local Cognito's (stage local only, never
    packaged) are not the API's."""
    return {(method, path) for path, entries in app.routes.items() for method, entry in entries.items()
            if not entry.view_function.__module__.startswith("emulator")}


def test_it_is_openapi_3_1_and_valid(document):
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"]
    # ECMA-262 (u flag) has Unicode property escapes; Python's re, the validator's "regex" format check, has not.
    errors = [e for e in OpenAPIV31SpecValidator(document).iter_errors()
              if not (e.validator == "format" and isinstance(e.instance, str) and "\\p{" in e.instance)]
    assert errors == []


def test_the_served_document_is_the_generated_one(document):
    assert document == json.loads(json.dumps(auth_routes.document()))


def test_every_route_of_the_app_is_documented_with_its_methods_and_nothing_else(document, stack):
    from app import app

    served = bundle_routes(app)
    assert {path for _, path in served} >= {"/admin/signup-rules", "/rolemap/test", "/auth/credentials",
                                             "/auth/risk/feedback", "/openapi.json"}
    assert set(operations(document)) == served
    assert set(CONTRACT) | PAGES <= served
    assert any(path.startswith("/cognito-idp") for path in app.routes), "the emulator's routes are excluded"


def test_every_route_table_row_is_registered_by_its_module_and_documented(document):
    documented = set(operations(document))
    for module in MODULES:
        app = Chalice(app_name=f"openapi-{module.__name__.rsplit('.', 1)[1]}")
        app.register_blueprint(module.make_blueprint())
        rows = {(s.method, s.path) for s in module.ROUTES}
        assert rows <= bundle_routes(app), module.__name__
        assert rows <= documented, module.__name__


def test_request_bodies_are_the_models_with_the_promised_fields(document):
    ops = operations(document)
    for key, (model, required, optional, closed) in CONTRACT.items():
        op = ops[key]
        if model is None:
            assert "requestBody" not in op, key
            continue
        assert SPECS[key].body is model, key
        content = op["requestBody"]["content"]
        assert set(content) == ({JSON, FORM} if SPECS[key].forms else {JSON}), key
        for media in content.values():
            schema = resolve(document, media["schema"])
            expected = model.model_json_schema(ref_template=REF_TEMPLATE)
            for name, nested in expected.pop("$defs", {}).items():
                assert document["components"]["schemas"][name] == nested, (key, name)
            assert schema == expected, key
            assert set(schema.get("required", [])) == required, key
            assert set(schema["properties"]) == required | optional, key
            assert (schema.get("additionalProperties") is False) is closed, key
        assert op["requestBody"]["required"] is not model.accepts_empty, key


def test_every_documented_body_is_its_route_models_schema(document):
    for key, op in operations(document).items():
        spec = SPECS.get(key)
        if spec is None or spec.body is None:
            assert "requestBody" not in op, key
            continue
        expected = spec.body.model_json_schema(ref_template=REF_TEMPLATE)
        expected.pop("$defs", None)
        for media in op["requestBody"]["content"].values():
            assert resolve(document, media["schema"]) == expected, key


def test_path_and_query_parameters_are_the_models(document):
    ops = operations(document)
    for key, op in ops.items():
        spec = SPECS.get(key)
        params = op.get("parameters", [])
        path = {p["name"]: p for p in params if p["in"] == "path"}
        query = {p["name"]: p for p in params if p["in"] == "query"}
        assert set(path) == set(re.findall(r"\{([^}]+)\}", key[1])), key
        assert all(p["required"] for p in path.values()), key
        if key in PARAMETERS:
            assert (set(path), set(query)) == PARAMETERS[key], key
        for found, model in ((path, spec and spec.path_params), (query, spec and spec.query)):
            if model is None:
                assert not found, key
                continue
            schema = model.model_json_schema(ref_template=REF_TEMPLATE)
            assert {name: p["schema"] for name, p in found.items()} == schema["properties"], key
            assert {name for name, p in found.items() if p["required"]} == set(schema.get("required", [])), key


def test_routes_that_need_a_token_declare_bearer_and_cookie_security(document):
    for key, op in operations(document).items():
        spec = SPECS.get(key)
        needs_token = spec is not None and spec.needs_token
        assert op.get("security") == ([{"bearerAuth": []}, {"cookieAuth": []}] if needs_token else None), key
        if needs_token:
            assert "401" in op["responses"], key
        if spec is not None and spec.admin is not None:
            assert "403" in op["responses"], key
    admin = {key for key, spec in SPECS.items() if spec.admin is not None}
    assert {path.split("/")[1] for _, path in admin} == {"admin", "rolemap"}
    assert ("POST", "/auth/credentials") in {key for key, spec in SPECS.items() if spec.needs_token}


def test_html_pages_and_success_statuses_are_documented(document):
    ops = operations(document)
    for key in PAGES:
        assert "text/html" in ops[key]["responses"]["200"]["content"], key
    assert "text/html" in ops[("GET", "/auth/risk/feedback")]["responses"]["400"]["content"]
    assert set(ops[("POST", "/auth/risk/feedback")]["responses"]["200"]["content"]) == {JSON, "text/html"}
    assert set(ops[("POST", "/admin/invite-codes")]["responses"]) >= {"201"}
    assert "200" not in ops[("POST", "/admin/invite-codes")]["responses"]


def test_sign_in_documents_tokens_cookie_session_and_challenge_answers(document):
    schema = operations(document)[("POST", "/auth/sign-in")]["responses"]["200"]["content"]["application/json"]
    answers = {resolve(document, option)["title"] for option in schema["schema"]["oneOf"]}
    assert answers == {"TokensResponse", "CookieSessionResponse", "ChallengeResponse"}
    tokens = document["components"]["schemas"]["TokensResponse"]
    assert set(tokens["properties"]) == {"idToken", "accessToken", "refreshToken", "expiresIn"}


def test_every_ref_resolves_and_operation_ids_are_unique(document):
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
    ids = [op["operationId"] for op in operations(document).values()]
    assert len(ids) == len(set(ids))


@pytest.fixture(scope="module")
def bundle_api(stack: Any) -> Api:
    app = Chalice(app_name="openapi-admin-edge")
    for module in MODULES:
        app.register_blueprint(module.make_blueprint())
    return Api(Client(app, stage_name="local", project_dir=str(ROOT)))


def concrete(path: str) -> str:
    return path.format(inviteId="0123456789abcdef", userPoolId="us-east-1_Abc123", clientId="default",
                       username="alice", eventId="0123456789abcdef")


def test_one_admin_check_answers_every_admin_route_with_its_own_401_and_403(bundle_api, tokens, monkeypatch):
    monkeypatch.delenv("ADMIN_GROUP", raising=False)
    member = bundle_api.bearer(tokens["accessToken"])
    admin_specs = [spec for spec in SPECS.values() if spec.admin is not None]
    assert len(admin_specs) == 13
    for spec in admin_specs:
        path = concrete(spec.path)
        nobody = bundle_api.call(spec.method, path, {})
        assert (nobody.status, nobody.error) == (401, ("NotAuthorizedException", MISSING_TOKEN)), spec.path
        refused = bundle_api.call(spec.method, path, {}, headers=member)
        assert (refused.status, refused.error) == (
            403, (spec.admin.code, spec.admin.message.format(group="admins"))), (spec.method, spec.path)

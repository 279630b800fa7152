"""Admin routes of the role-mapping rules (:mod:`chalicelib.rolemap`, stored by
:mod:`chalicelib.models.role_rule`): manage rule sets, try one on sample claims before saving it, and
explain a decision.

=========  =============================================  ==================================================
GET        /rolemap/rule-sets[?userPoolId=]                every rule set (of one pool)
GET        /rolemap/rule-sets/{userPoolId}/{clientId}      one rule set (``default``: the pool's default)
PUT        /rolemap/rule-sets/{userPoolId}/{clientId}      create or replace it (``expectedVersion``: 0 =
                                                           must not exist, N = must still be version N)
DELETE     /rolemap/rule-sets/{userPoolId}/{clientId}      remove it (``?expectedVersion=N``)
POST       /rolemap/test                                   ``{"ruleSet", "claims"}``: the decision, unsaved
POST       /rolemap/explain                                ``{"userPoolId", "clientId", "claims"}``: the
                                                           stored rule set's decision, and why
=========  =============================================  ==================================================

Every route is an admin route of :mod:`chalicelib.api.edge`: a valid access token of the API's app client
whose ``cognito:groups`` holds ADMIN_GROUP (default ``admins``); else 401, or 403 ``Forbidden``. An explained
decision lists every rule in order with whether it matched and why, condition by condition; the first match
is the decision (``cognito:preferred_role``) and every match is in ``roles`` (``cognito:roles``).

Bodies are strict JSON objects of at most MAX_BODY_BYTES (a rule set may be large, under DynamoDB's item
size); a rule-set document is judged by :func:`chalicelib.rolemap.rules.parse_rule_set`, which names every
problem (:mod:`chalicelib.api.models_rolemap`).

Register with ``app.register_blueprint(rolemap_routes.bp)``; tests build their own with :func:`make_blueprint`.
"""

from __future__ import annotations

from typing import Final

from chalice import Blueprint, Response

from chalicelib.api.edge import Call, add_routes
from chalicelib.api.errors import ConflictError, NotFoundError, Translations
from chalicelib.api.http import json_response
from chalicelib.api.models_rolemap import (
    MAX_BODY_BYTES,
    DeleteRuleSetQuery,
    ExplainRequest,
    ExplainResponse,
    PutRuleSetRequest,
    RuleSetDeletedResponse,
    RuleSetListQuery,
    RuleSetListResponse,
    RuleSetPath,
    StoredRuleSetResponse,
    TryRuleSetRequest,
    TryRuleSetResponse,
    parsed_rule_set,
)
from chalicelib.api.openapi import AdminOnly, RouteSpec
from chalicelib.models import role_rule
from chalicelib.rolemap.engine import decide
from chalicelib.rolemap.explain import decision_json
from chalicelib.services.errors import RequestValidationError

ADMIN: Final = AdminOnly("Forbidden", "Only members of group {group} may manage role mappings.")
NOT_FOUND: Final = "NotFound"
TRANSLATIONS: Final[Translations] = {
    role_rule.VersionConflictError: lambda exc: ConflictError(str(exc), code="Conflict"),
}


def _no_rule_set(path: RuleSetPath) -> NotFoundError:
    return NotFoundError(f"No rule set for user pool {path.user_pool_id} and client {path.client_id}.",
                         code=NOT_FOUND)


# ---------------------------------------------------------------- handlers


def list_rule_sets(call: Call) -> Response:
    query: RuleSetListQuery = call.query
    return json_response({"ruleSets": [item.to_json() for item in role_rule.list_all(query.user_pool_id)]})


def get_rule_set(call: Call) -> Response:
    path: RuleSetPath = call.path
    item = role_rule.get(path.user_pool_id, path.client_id)
    if item is None:
        raise _no_rule_set(path)
    return json_response(item.to_json())


def put_rule_set(call: Call) -> Response:
    path: RuleSetPath = call.path
    body: PutRuleSetRequest = call.body
    document = body.document()
    for name, value in (("userPoolId", path.user_pool_id), ("clientId", path.client_id)):
        if document.setdefault(name, value) != value:
            raise RequestValidationError(f"{name}: must be the one of the path ({value})")
    rule_set = parsed_rule_set(document, require_owner=True)
    claims = call.principal.claims if call.principal else {}
    item = role_rule.save(rule_set, expected_version=body.expected_version,
                          updated_by=str(claims.get("username") or claims.get("sub")))
    return json_response(item.to_json())


def delete_rule_set(call: Call) -> Response:
    path: RuleSetPath = call.path
    query: DeleteRuleSetQuery = call.query
    if not role_rule.delete(path.user_pool_id, path.client_id, expected_version=query.expected_version):
        raise _no_rule_set(path)
    return json_response({"deleted": True})


def try_rule_set(call: Call) -> Response:
    body: TryRuleSetRequest = call.body
    return json_response({"valid": True, "ruleCount": len(body.rule_set.rules),
                          "decision": decision_json(decide(body.rule_set, body.claims, explain=True))})


def explain(call: Call) -> Response:
    body: ExplainRequest = call.body
    item = role_rule.find(body.user_pool_id, body.client_id)
    if item is None:
        raise NotFoundError(f"No rule set applies to user pool {body.user_pool_id} and client {body.client_id}: "
                            "the token keeps the roles of the user's groups.", code=NOT_FOUND)
    decision = decide(item.rule_set(), body.claims, explain=True)
    return json_response({"ruleSet": {"userPoolId": item.user_pool_id, "clientId": item.client_id,
                                      "version": item.version},
                          "decision": decision_json(decision)})


# ---------------------------------------------------------------- the route table

_RULE_SET: Final = "/rolemap/rule-sets/{userPoolId}/{clientId}"
_ERRORS: Final = (400, 401, 403, 500)

ROUTES: Final[tuple[RouteSpec, ...]] = (
    RouteSpec("/rolemap/rule-sets", "GET", list_rule_sets, "Every rule set (of one pool)", (RuleSetListResponse,),
              errors=_ERRORS, admin=ADMIN, query=RuleSetListQuery),
    RouteSpec(_RULE_SET, "GET", get_rule_set, "One rule set", (StoredRuleSetResponse,),
              errors=(400, 401, 403, 404, 500), admin=ADMIN, path_params=RuleSetPath),
    RouteSpec(_RULE_SET, "PUT", put_rule_set, "Create or replace a rule set", (StoredRuleSetResponse,),
              PutRuleSetRequest, (400, 401, 403, 409, 500), admin=ADMIN, path_params=RuleSetPath,
              max_body=MAX_BODY_BYTES),
    RouteSpec(_RULE_SET, "DELETE", delete_rule_set, "Remove a rule set", (RuleSetDeletedResponse,),
              errors=(400, 401, 403, 404, 409, 500), admin=ADMIN, path_params=RuleSetPath,
              query=DeleteRuleSetQuery),
    RouteSpec("/rolemap/test", "POST", try_rule_set, "Try a rule set on an ID token's claims, unsaved",
              (TryRuleSetResponse,), TryRuleSetRequest, _ERRORS, admin=ADMIN, max_body=MAX_BODY_BYTES),
    RouteSpec("/rolemap/explain", "POST", explain, "The stored rule set's decision for these claims, and why",
              (ExplainResponse,), ExplainRequest, (400, 401, 403, 404, 500), admin=ADMIN, max_body=MAX_BODY_BYTES),
)


def make_blueprint() -> Blueprint:
    return add_routes(Blueprint(__name__), ROUTES, "rolemap", TRANSLATIONS)


bp = make_blueprint()

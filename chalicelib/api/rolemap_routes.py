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

Every route is protected: a valid access token of the API's app client (:mod:`chalicelib.api.authorizer`)
whose ``cognito:groups`` holds ADMIN_GROUP (default ``admins``); else 401, or 403 ``Forbidden``. An explained
decision lists every rule in order with whether it matched and why, condition by condition; the first match
is the decision (``cognito:preferred_role``) and every match is in ``roles`` (``cognito:roles``).

Bodies are read here rather than by :func:`chalicelib.api.http.parse_body`, whose 16 KiB cap fits the auth
routes but not a rule set (MAX_BODY_BYTES, under DynamoDB's item size); the same strictness applies:
``application/json``, UTF-8, one object, no repeated member, no NaN.

Register with ``app.register_blueprint(rolemap_routes.bp)``; tests build their own with :func:`make_blueprint`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any, Final

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api import http
from chalicelib.api.authorizer import Principal, authorize
from chalicelib.api.errors import error_response
from chalicelib.api.http import json_response
from chalicelib.models import role_rule
from chalicelib.rolemap.engine import decide
from chalicelib.rolemap.explain import decision_json
from chalicelib.rolemap.rules import CLIENT_ID, USER_POOL_ID, RuleSetError, parse_rule_set
from chalicelib.services.cognito import CognitoConfig
from chalicelib.services.errors import ApiError, RequestValidationError

ADMIN_GROUP_ENV: Final = "ADMIN_GROUP"
DEFAULT_ADMIN_GROUP: Final = "admins"
MAX_BODY_BYTES: Final = 512 * 1024
MAX_CLAIMS: Final = 200
MAX_CLAIMS_BYTES: Final = 64 * 1024


class ForbiddenError(ApiError):
    """Signed in, but not a member of the admin group."""

    STATUS_CODE = 403
    CODE = "Forbidden"


class NotFoundError(ApiError):
    STATUS_CODE = 404
    CODE = "NotFound"


class ConflictError(ApiError):
    STATUS_CODE = 409
    CODE = "Conflict"


def admin_group() -> str:
    return os.environ.get(ADMIN_GROUP_ENV) or DEFAULT_ADMIN_GROUP


def require_admin(request: Request) -> Principal:
    config = CognitoConfig.from_env()
    principal = authorize(request.headers, issuer=config.issuer, client_id=config.client_id)
    groups = principal.claims.get("cognito:groups")
    group = admin_group()
    if not isinstance(groups, list) or group not in groups:
        raise ForbiddenError(f"Only members of group {group} may manage role mappings.")
    return principal


# ---------------------------------------------------------------- request bodies


def read_body(request: Request) -> dict[str, Any]:
    return http.read_json_object(request, MAX_BODY_BYTES)


def _only(body: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise RequestValidationError("; ".join(f"{name[:64]}: is not a known field" for name in unknown[:5]))


def _claims(body: dict[str, Any]) -> dict[str, Any]:
    claims = body.get("claims")
    if not isinstance(claims, dict):
        raise RequestValidationError("claims: must be a JSON object (the ID token's claims)")
    if len(claims) > MAX_CLAIMS or len(json.dumps(claims)) > MAX_CLAIMS_BYTES:
        raise RequestValidationError(f"claims: at most {MAX_CLAIMS} claims and {MAX_CLAIMS_BYTES} bytes")
    return claims


def _owner(user_pool_id: Any, client_id: Any) -> tuple[str, str]:
    if not isinstance(user_pool_id, str) or not USER_POOL_ID.fullmatch(user_pool_id) or len(user_pool_id) > 55:
        raise RequestValidationError("userPoolId: is not a user pool id")
    if not isinstance(client_id, str) or not CLIENT_ID.fullmatch(client_id) or len(client_id) > 128:
        raise RequestValidationError("clientId: is not an app client id (or 'default')")
    return user_pool_id, client_id


def _version(value: Any, name: str = "expectedVersion") -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit() and len(value) < 10:
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 10**9:
        raise RequestValidationError(f"{name}: must be a non-negative integer")
    return value


def _parse(document: Any, *, require_owner: bool) -> Any:
    try:
        return parse_rule_set(document, require_owner=require_owner)
    except RuleSetError as err:
        raise RequestValidationError(str(err)) from None


# ---------------------------------------------------------------- handlers


def list_rule_sets(request: Request, _params: dict[str, str]) -> Response:
    pool = (request.query_params or {}).get("userPoolId")
    if pool is not None:
        _owner(pool, "default")
    return json_response({"ruleSets": [item.to_json() for item in role_rule.list_all(pool)]})


def get_rule_set(_request: Request, params: dict[str, str]) -> Response:
    pool, client = _owner(params.get("user_pool_id"), params.get("client_id"))
    item = role_rule.get(pool, client)
    if item is None:
        raise NotFoundError(f"No rule set for user pool {pool} and client {client}.")
    return json_response(item.to_json())


def put_rule_set(request: Request, params: dict[str, str], principal: Principal) -> Response:
    pool, client = _owner(params.get("user_pool_id"), params.get("client_id"))
    body = read_body(request)
    expected = _version(body.pop("expectedVersion", None))
    for name, value in (("userPoolId", pool), ("clientId", client)):
        if body.setdefault(name, value) != value:
            raise RequestValidationError(f"{name}: must be the one of the path ({value})")
    rule_set = _parse(body, require_owner=True)
    try:
        item = role_rule.save(rule_set, expected_version=expected,
                              updated_by=str(principal.claims.get("username") or principal.claims.get("sub")))
    except role_rule.VersionConflictError as err:
        raise ConflictError(str(err)) from None
    return json_response(item.to_json())


def delete_rule_set(request: Request, params: dict[str, str]) -> Response:
    pool, client = _owner(params.get("user_pool_id"), params.get("client_id"))
    expected = _version((request.query_params or {}).get("expectedVersion"))
    try:
        deleted = role_rule.delete(pool, client, expected_version=expected)
    except role_rule.VersionConflictError as err:
        raise ConflictError(str(err)) from None
    if not deleted:
        raise NotFoundError(f"No rule set for user pool {pool} and client {client}.")
    return json_response({"deleted": True})


def try_rule_set(request: Request, _params: dict[str, str]) -> Response:
    body = read_body(request)
    _only(body, {"ruleSet", "claims"})
    rule_set = _parse(body.get("ruleSet"), require_owner=False)
    return json_response({"valid": True, "ruleCount": len(rule_set.rules),
                          "decision": decision_json(decide(rule_set, _claims(body), explain=True))})


def explain(request: Request, _params: dict[str, str]) -> Response:
    body = read_body(request)
    _only(body, {"userPoolId", "clientId", "claims"})
    pool, client = _owner(body.get("userPoolId"), body.get("clientId"))
    claims = _claims(body)
    item = role_rule.find(pool, client)
    if item is None:
        raise NotFoundError(f"No rule set applies to user pool {pool} and client {client}: "
                            "the token keeps the roles of the user's groups.")
    decision = decide(item.rule_set(), claims, explain=True)
    return json_response({"ruleSet": {"userPoolId": item.user_pool_id, "clientId": item.client_id,
                                      "version": item.version},
                          "decision": decision_json(decision)})


Handler = Callable[..., Response]
ROUTES: Final[tuple[tuple[str, str, Handler, bool], ...]] = (
    ("/rolemap/rule-sets", "GET", list_rule_sets, False),
    ("/rolemap/rule-sets/{user_pool_id}/{client_id}", "GET", get_rule_set, False),
    ("/rolemap/rule-sets/{user_pool_id}/{client_id}", "PUT", put_rule_set, True),
    ("/rolemap/rule-sets/{user_pool_id}/{client_id}", "DELETE", delete_rule_set, False),
    ("/rolemap/test", "POST", try_rule_set, False),
    ("/rolemap/explain", "POST", explain, False),
)


def _view(bp: Blueprint, handler: Handler, wants_principal: bool) -> Any:
    def view(**params: str) -> Response:
        request = bp.current_request
        try:
            principal = require_admin(request)
            if wants_principal:
                return handler(request, params, principal)
            return handler(request, params)
        except Exception as exc:  # the edge: every failure becomes the JSON error body
            return error_response(exc)

    view.__name__ = f"rolemap_{handler.__name__}"
    return view


def make_blueprint() -> Blueprint:
    blueprint = Blueprint(__name__)
    for path, method, handler, wants_principal in ROUTES:
        blueprint.route(path, methods=[method], content_types=["*/*"])(_view(blueprint, handler, wants_principal))
    return blueprint


bp = make_blueprint()

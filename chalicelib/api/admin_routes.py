"""The admin API of sign-up validation: a Chalice blueprint under /admin that manages the PreSignUp rules and
the invite codes of this stage's user pool (USER_POOL_ID).

    GET    /admin/signup-rules               the rules (defaults, version 0, when none are stored)
    PUT    /admin/signup-rules               {"rules": {...}, "expectedVersion": n?} replace them
    POST   /admin/invite-codes               {"expiresInDays"?, "emailDomain"?, "note"?} -> 201, the code, once
    GET    /admin/invite-codes               ?limit=1..100&nextToken=... the codes' records, never the codes
    DELETE /admin/invite-codes/{inviteId}    revoke one

Every route needs ``Authorization: Bearer <access token>`` (or the auth API's access cookie), checked by
:func:`chalicelib.api.authorizer.authorize`, whose ``cognito:groups`` claim contains ADMIN_GROUP (default
``admins``): 401 without a valid token, 403 outside the group. Bodies are strict JSON objects (an unknown
member, a wrong type, a repeated key, over 256 KiB are 400s); errors are ``{"error": {"code", "message"}}`` as
in the auth API (:mod:`chalicelib.api.errors`). DynamoDB being unavailable is 503; a PUT whose
``expectedVersion`` is stale is 409.

Register with ``app.register_blueprint(admin_routes.bp)``; tests build their own with :func:`make_blueprint`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, TypeVar

from chalice import Blueprint, Response
from chalice.app import Request
from pydantic import Field

from chalicelib.api import http
from chalicelib.api.authorizer import Principal, authorize
from chalicelib.api.errors import error_response
from chalicelib.api.http import json_response
from chalicelib.api.models import RequestBody
from chalicelib.services.cognito import CognitoConfig
from chalicelib.services.errors import GENERIC_UPSTREAM_MESSAGE, ApiError, RequestValidationError
from chalicelib.signup import invites, store
from chalicelib.signup.rules import RuleSet, UserText, normalize_domain

ADMIN_GROUP_ENV: Final = "ADMIN_GROUP"
DEFAULT_ADMIN_GROUP: Final = "admins"
MAX_BODY_BYTES: Final = 256 * 1024
MAX_QUERY_CHARS: Final = 256
DEFAULT_INVITE_DAYS: Final = 7
FORBIDDEN: Final = "You are not allowed to manage sign-up rules."

Model = TypeVar("Model", bound=RequestBody)


class PutRulesRequest(RequestBody):
    rules: RuleSet
    expected_version: int | None = Field(default=None, ge=0)


class CreateInviteRequest(RequestBody):
    expires_in_days: int = Field(default=DEFAULT_INVITE_DAYS, ge=1, le=365)
    email_domain: str | None = Field(default=None, min_length=1, max_length=253)
    note: UserText | None = None


class ForbiddenError(ApiError):
    STATUS_CODE = 403
    CODE = "AccessDeniedException"


class NotFoundError(ApiError):
    STATUS_CODE = 404
    CODE = "ResourceNotFoundException"


class ConflictError(ApiError):
    STATUS_CODE = 409
    CODE = "ConflictException"


class UnavailableError(ApiError):
    STATUS_CODE = 503
    CODE = "ServiceUnavailable"


@dataclass(frozen=True)
class Call:
    request: Request
    principal: Principal
    pool_id: str
    params: dict[str, str]

    @property
    def actor(self) -> str:
        claims = self.principal.claims
        return str(claims.get("username") or claims.get("sub") or "unknown")[:128]


def admin_group() -> str:
    return (os.environ.get(ADMIN_GROUP_ENV) or "").strip() or DEFAULT_ADMIN_GROUP


# ---------------------------------------------------------------- the edge


def parse_body(request: Request, model: type[Model], max_bytes: int = MAX_BODY_BYTES) -> Model:
    """As :func:`chalicelib.api.http.parse_body`, with a larger limit: a rule set may list many domains."""
    return http.parse_body(request, model, max_bytes)


def _query(request: Request, allowed: set[str]) -> dict[str, str]:
    params = dict(request.query_params or {})
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise RequestValidationError(f"{unknown[0][:40]}: is not a known query parameter")
    for name, value in params.items():
        if len(value) > MAX_QUERY_CHARS:
            raise RequestValidationError(f"{name}: must be at most {MAX_QUERY_CHARS} characters")
    return params


def _as_api_error(exc: Exception) -> Exception:
    if isinstance(exc, store.StoreUnavailableError):
        return UnavailableError(GENERIC_UPSTREAM_MESSAGE)
    if isinstance(exc, store.VersionConflictError):
        return ConflictError("The sign-up rules were changed by someone else; read them again and retry.")
    if isinstance(exc, store.RulesTooLargeError):
        return RequestValidationError(str(exc))
    return exc


def _authorize(request: Request) -> tuple[Principal, str]:
    config = CognitoConfig.from_env()
    principal = authorize(request.headers, issuer=config.issuer, client_id=config.client_id)
    groups = principal.claims.get("cognito:groups")
    if not isinstance(groups, list) or admin_group() not in groups:
        raise ForbiddenError(FORBIDDEN)
    return principal, config.user_pool_id


def _view(handler: Callable[[Call], Response], bp: Blueprint, query: set[str]) -> Callable[..., Response]:
    def view(**path: str) -> Response:
        request = bp.current_request
        try:
            principal, pool_id = _authorize(request)
            return handler(Call(request, principal, pool_id, {**_query(request, query), **path}))
        except Exception as exc:  # the edge: every failure becomes the JSON error body
            return error_response(_as_api_error(exc))

    view.__name__ = f"admin_{handler.__name__}"
    view.__qualname__ = view.__name__
    return view


# ---------------------------------------------------------------- handlers


def get_rules(call: Call) -> Response:
    return json_response(store.load_rules(call.pool_id).to_json())


def put_rules(call: Call) -> Response:
    body = parse_body(call.request, PutRulesRequest)
    saved = store.save_rules(call.pool_id, body.rules, expected_version=body.expected_version, actor=call.actor,
                             now=time.time())
    return json_response(saved.to_json())


def create_invite(call: Call) -> Response:
    body = parse_body(call.request, CreateInviteRequest)
    domain = None
    if body.email_domain is not None:
        domain = normalize_domain(body.email_domain)
        if domain is None:
            raise RequestValidationError("emailDomain: is not a domain name")
    now = time.time()
    created = store.create_invite(call.pool_id, expires_in=body.expires_in_days * 86400, email_domain=domain,
                                  note=body.note, actor=call.actor, now=now)
    return json_response(created.to_json(now), 201)


def list_invites(call: Call) -> Response:
    limit_text = call.params.get("limit", str(store.MAX_LIST))
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= store.MAX_LIST:
        raise RequestValidationError(f"limit: must be a whole number from 1 to {store.MAX_LIST}")
    after = call.params.get("nextToken")
    if after is not None and not invites.is_code_hash(after):
        raise RequestValidationError("nextToken: is not a token this API gave")
    records, following = store.list_invites(call.pool_id, limit=int(limit_text), after=after)
    now = time.time()
    return json_response({"inviteCodes": [r.to_json(now) for r in records], "nextToken": following})


def delete_invite(call: Call) -> Response:
    invite_id = call.params["invite_id"]
    if not invites.is_public_id(invite_id):
        raise RequestValidationError(f"inviteId: must be {invites.ID_CHARS} lower-case hexadecimal characters")
    if not store.revoke_invite(call.pool_id, invite_id):
        raise NotFoundError("Invite code not found.")
    return json_response({"deleted": True, "id": invite_id})


ROUTES: Final = (
    ("/admin/signup-rules", "GET", get_rules, set()),
    ("/admin/signup-rules", "PUT", put_rules, set()),
    ("/admin/invite-codes", "POST", create_invite, set()),
    ("/admin/invite-codes", "GET", list_invites, {"limit", "nextToken"}),
    ("/admin/invite-codes/{invite_id}", "DELETE", delete_invite, set()),
)


def make_blueprint() -> Blueprint:
    """A blueprint with every admin route."""
    blueprint = Blueprint(__name__)
    for path, method, handler, query in ROUTES:
        blueprint.route(path, methods=[method], content_types=["*/*"])(_view(handler, blueprint, query))
    return blueprint


bp = make_blueprint()

"""The admin API of sign-up validation: a Chalice blueprint under /admin that manages the PreSignUp rules and
the invite codes of this stage's user pool (USER_POOL_ID).

    GET    /admin/signup-rules               the rules (defaults, version 0, when none are stored)
    PUT    /admin/signup-rules               {"rules": {...}, "expectedVersion": n?} replace them
    POST   /admin/invite-codes               {"expiresInDays"?, "emailDomain"?, "note"?} -> 201, the code, once
    GET    /admin/invite-codes               ?limit=1..100&nextToken=... the codes' records, never the codes
    DELETE /admin/invite-codes/{inviteId}    revoke one

Every route is an admin route of :mod:`chalicelib.api.edge`: an access token (``Authorization: Bearer`` or the
auth API's access cookie) whose ``cognito:groups`` contains ADMIN_GROUP (default ``admins``): 401 without a
valid token, 403 outside the group. Bodies are strict JSON objects (an unknown member, a wrong type, a repeated
key, over 256 KiB are 400s); so is a query parameter a route does not take. DynamoDB being unavailable is 503; a PUT
whose ``expectedVersion`` is stale is 409.

Register with ``app.register_blueprint(admin_routes.bp)``; tests build their own with :func:`make_blueprint`.
"""

from __future__ import annotations

import time
from typing import Final

from chalice import Blueprint, Response

from chalicelib.api.edge import Call, add_routes
from chalicelib.api.errors import ConflictError, NotFoundError, Translations, unavailable
from chalicelib.api.http import json_response
from chalicelib.api.models_admin import (
    MAX_BODY_BYTES,
    CreateInviteRequest,
    InviteDeletedResponse,
    InviteListQuery,
    InviteListResponse,
    InvitePath,
    NewInviteResponse,
    NoQuery,
    PutRulesRequest,
    SignupRulesResponse,
)
from chalicelib.api.openapi import AdminOnly, RouteSpec
from chalicelib.services.errors import RequestValidationError
from chalicelib.signup import store
from chalicelib.signup.rules import normalize_domain

ADMIN: Final = AdminOnly("AccessDeniedException", "You are not allowed to manage sign-up rules.")
TRANSLATIONS: Final[Translations] = {
    store.StoreUnavailableError: unavailable,
    store.VersionConflictError: lambda _exc: ConflictError(
        "The sign-up rules were changed by someone else; read them again and retry."),
    store.RulesTooLargeError: lambda exc: RequestValidationError(str(exc)),
}


def _actor(call: Call) -> str:
    claims = call.principal.claims if call.principal else {}
    return str(claims.get("username") or claims.get("sub") or "unknown")[:128]


# ---------------------------------------------------------------- handlers


def get_rules(call: Call) -> Response:
    return json_response(store.load_rules(call.pool_id).to_json())


def put_rules(call: Call) -> Response:
    body: PutRulesRequest = call.body
    saved = store.save_rules(call.pool_id, body.rules, expected_version=body.expected_version, actor=_actor(call),
                             now=time.time())
    return json_response(saved.to_json())


def create_invite(call: Call) -> Response:
    body: CreateInviteRequest = call.body
    domain = None
    if body.email_domain is not None:
        domain = normalize_domain(body.email_domain)
        if domain is None:
            raise RequestValidationError("emailDomain: is not a domain name")
    now = time.time()
    created = store.create_invite(call.pool_id, expires_in=body.expires_in_days * 86400, email_domain=domain,
                                  note=body.note, actor=_actor(call), now=now)
    return json_response(created.to_json(now), 201)


def list_invites(call: Call) -> Response:
    query: InviteListQuery = call.query
    records, following = store.list_invites(call.pool_id, limit=query.limit, after=query.next_token)
    now = time.time()
    return json_response({"inviteCodes": [r.to_json(now) for r in records], "nextToken": following})


def delete_invite(call: Call) -> Response:
    invite_id = call.path.invite_id
    if not store.revoke_invite(call.pool_id, invite_id):
        raise NotFoundError("Invite code not found.")
    return json_response({"deleted": True, "id": invite_id})


# ---------------------------------------------------------------- the route table

_ERRORS: Final = (400, 401, 403, 500, 503)

ROUTES: Final[tuple[RouteSpec, ...]] = (
    RouteSpec("/admin/signup-rules", "GET", get_rules, "The pool's sign-up rules", (SignupRulesResponse,),
              errors=(400, 401, 403, 500, 503), admin=ADMIN, query=NoQuery),
    RouteSpec("/admin/signup-rules", "PUT", put_rules, "Replace the pool's sign-up rules", (SignupRulesResponse,),
              PutRulesRequest, (400, 401, 403, 409, 500, 503), admin=ADMIN, query=NoQuery, max_body=MAX_BODY_BYTES),
    RouteSpec("/admin/invite-codes", "POST", create_invite, "Create an invite code (shown once)",
              (NewInviteResponse,), CreateInviteRequest, _ERRORS, admin=ADMIN, query=NoQuery, status=201,
              max_body=MAX_BODY_BYTES),
    RouteSpec("/admin/invite-codes", "GET", list_invites, "The invite codes' records, a page at a time",
              (InviteListResponse,), errors=_ERRORS, admin=ADMIN, query=InviteListQuery),
    RouteSpec("/admin/invite-codes/{inviteId}", "DELETE", delete_invite, "Revoke an invite code",
              (InviteDeletedResponse,), errors=(400, 401, 403, 404, 500, 503), admin=ADMIN, path_params=InvitePath,
              query=NoQuery),
)


def make_blueprint() -> Blueprint:
    """A blueprint with every admin route."""
    return add_routes(Blueprint(__name__), ROUTES, "admin", TRANSLATIONS)


bp = make_blueprint()

"""The account-takeover routes: a Chalice blueprint with the admin view of a user's auth events and the landing
of the risk email's "this was me" / "this was not me" links.

    GET  /admin/users/{username}/auth-events                      ?limit=1..60&nextToken=  (Cognito's shapes)
    POST /admin/users/{username}/auth-events/{eventId}/feedback   {"feedbackValue": "Valid" | "Invalid"}
    GET  /auth/risk/feedback?token=...&value=Valid|Invalid        a confirm page: records nothing (a link
                                                                  scanner only GETs)
    POST /auth/risk/feedback                                      form or JSON {token, value}: records it

The admin routes need an access token whose ``cognito:groups`` contains ADMIN_GROUP (default ``admins``):
401 without one, 403 outside the group. The landing needs the signed token of the email (chalicelib.risk.links).
Errors are ``{"error": {"code", "message"}}`` (chalicelib.api.errors); the risk tables unavailable is 503.

Register with ``app.register_blueprint(risk_routes.bp)``; tests build their own with :func:`make_blueprint`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any, Final
from urllib.parse import parse_qs

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.admin_routes import ForbiddenError, NotFoundError, UnavailableError, admin_group
from chalicelib.api.authorizer import authorize
from chalicelib.api.errors import error_response
from chalicelib.api.http import json_response
from chalicelib.risk import history, links
from chalicelib.risk.store import MAX_PAGE, RiskStoreError
from chalicelib.services.cognito import CognitoConfig
from chalicelib.services.errors import GENERIC_UPSTREAM_MESSAGE, ApiError, RequestValidationError

FORBIDDEN: Final = "You are not allowed to read auth events."
MAX_BODY_BYTES: Final = 4096
_EVENT_ID = re.compile(r"[0-9a-f]{13,50}")
_USERNAME_MAX: Final = 128
HTML_HEADERS: Final = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
                       "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
                       "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


class InvalidLinkError(ApiError):
    STATUS_CODE = 400
    CODE = "NotAuthorizedException"


def _pool_of_admin(request: Request) -> str:
    config = CognitoConfig.from_env()
    principal = authorize(request.headers, issuer=config.issuer, client_id=config.client_id)
    groups = principal.claims.get("cognito:groups")
    if not isinstance(groups, list) or admin_group() not in groups:
        raise ForbiddenError(FORBIDDEN)
    return config.user_pool_id


def _username(params: dict[str, str]) -> str:
    username = params.get("username") or ""
    if not username or len(username) > _USERNAME_MAX:
        raise RequestValidationError(f"username: must be 1 to {_USERNAME_MAX} characters")
    return username


def _json_body(request: Request) -> dict[str, Any]:
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise RequestValidationError(f"body: must be at most {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RequestValidationError("body: must be valid JSON") from None
    if not isinstance(data, dict):
        raise RequestValidationError("body: must be a JSON object")
    return data


def _value(raw: object) -> str:
    if raw not in history.FEEDBACK_VALUES:
        raise RequestValidationError("feedbackValue: must be Valid or Invalid")
    return str(raw)


def list_events(request: Request, params: dict[str, str]) -> Response:
    pool_id = _pool_of_admin(request)
    query = dict(request.query_params or {})
    limit = query.get("limit", str(MAX_PAGE))
    if not limit.isdigit() or not 1 <= int(limit) <= MAX_PAGE:
        raise RequestValidationError(f"limit: must be a whole number from 1 to {MAX_PAGE}")
    after = query.get("nextToken")
    if after is not None and not _EVENT_ID.fullmatch(after):
        raise RequestValidationError("nextToken: is not a token this API gave")
    return json_response(history.list_events(pool_id, _username(params), int(limit), after))


def admin_feedback(request: Request, params: dict[str, str]) -> Response:
    pool_id = _pool_of_admin(request)
    event_id = params.get("event_id") or ""
    if not _EVENT_ID.fullmatch(event_id):
        raise RequestValidationError("eventId: is not an event id")
    value = _value(_json_body(request).get("feedbackValue"))
    try:
        history.admin_feedback(pool_id, _username(params), event_id, value)
    except LookupError:
        raise NotFoundError("Auth event not found.") from None
    return json_response({"eventId": event_id, "feedbackValue": value})


def _page(title: str, body: str, status: int = 200) -> Response:
    document = (f"<!doctype html><html><head><meta charset=utf-8><title>{html.escape(title)}</title></head>"
                f"<body style='font-family:sans-serif;max-width:32rem;margin:3rem auto'>{body}</body></html>")
    return Response(body=document, status_code=status, headers=HTML_HEADERS)


def landing(request: Request, _params: dict[str, str]) -> Response:
    query = dict(request.query_params or {})
    token, value = query.get("token", ""), query.get("value", "")
    try:
        links.verify(token)
        _value(value)
    except (links.InvalidTokenError, RequestValidationError):
        return _page("Link not valid", "<p>This link is not valid or has expired.</p>", 400)
    question = "Was this you?" if value == "Valid" else "This was not you?"
    label = "Yes, this was me" if value == "Valid" else "No, this was not me"
    form = (f"<h1>{question}</h1><form method=post><input type=hidden name=token value='{html.escape(token, True)}'>"
            f"<input type=hidden name=value value='{html.escape(value, True)}'>"
            f"<button type=submit>{html.escape(label)}</button></form>")
    return _page("Confirm", form)


def record_link(request: Request, _params: dict[str, str]) -> Response:
    content_type = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise RequestValidationError(f"body: must be at most {MAX_BODY_BYTES} bytes")
    if content_type == "application/json":
        data = _json_body(request)
        token, value, as_json = data.get("token"), data.get("value"), True
    else:
        form = parse_qs(raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw, max_num_fields=4)
        token, value, as_json = (form.get("token") or [""])[0], (form.get("value") or [""])[0], False
    try:
        history.token_feedback(str(token or ""), _value(value))
    except links.InvalidTokenError:
        if as_json:
            raise InvalidLinkError("Invalid feedback token.") from None
        return _page("Link not valid", "<p>This link is not valid or has expired.</p>", 400)
    except LookupError:
        raise NotFoundError("Auth event not found.") from None
    if as_json:
        return json_response({"recorded": True, "value": value})
    return _page("Thank you", "<p>Thank you: your answer was recorded.</p>")


def _view(handler: Callable[[Request, dict[str, str]], Response], bp: Blueprint) -> Callable[..., Response]:
    def view(**path: str) -> Response:
        try:
            return handler(bp.current_request, path)
        except Exception as exc:  # the edge: every failure becomes the JSON error body
            if isinstance(exc, RiskStoreError):
                exc = UnavailableError(GENERIC_UPSTREAM_MESSAGE)
            return error_response(exc)

    view.__name__ = f"risk_{handler.__name__}"
    view.__qualname__ = view.__name__
    return view


ROUTES: Final = (
    ("/admin/users/{username}/auth-events", "GET", list_events),
    ("/admin/users/{username}/auth-events/{event_id}/feedback", "POST", admin_feedback),
    (links.LANDING, "GET", landing),
    (links.LANDING, "POST", record_link),
)


def make_blueprint() -> Blueprint:
    blueprint = Blueprint(__name__)
    for path, method, handler in ROUTES:
        blueprint.route(path, methods=[method], content_types=["*/*"])(_view(handler, blueprint))
    return blueprint


bp = make_blueprint()

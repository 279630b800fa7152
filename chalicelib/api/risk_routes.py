"""The account-takeover routes: a Chalice blueprint with the admin view of a user's auth events and the landing
of the risk email's "this was me" / "this was not me" links.

    GET  /admin/users/{username}/auth-events                      ?limit=1..60&nextToken=  (Cognito's shapes)
    POST /admin/users/{username}/auth-events/{eventId}/feedback   {"feedbackValue": "Valid" | "Invalid"}
    GET  /auth/risk/feedback?token=...&value=Valid|Invalid        a confirm page: records nothing (a link
                                                                  scanner only GETs)
    POST /auth/risk/feedback                                      form or JSON {token, value}: records it

The admin routes are admin routes of :mod:`chalicelib.api.edge`: an access token whose ``cognito:groups``
contains ADMIN_GROUP (default ``admins``): 401 without one, 403 outside the group. The landing needs the signed
token of the email (chalicelib.risk.links); a person's browser gets HTML pages, a JSON client JSON. Errors are
``{"error": {"code", "message"}}`` (chalicelib.api.errors); the risk tables unavailable is 503.

Register with ``app.register_blueprint(risk_routes.bp)``; tests build their own with :func:`make_blueprint`.
"""

from __future__ import annotations

import html
from typing import Final

from chalice import Blueprint, Response

from chalicelib.api.edge import Call, add_routes
from chalicelib.api.errors import NotFoundError, Translations, unavailable
from chalicelib.api.http import JSON, json_response, media_type
from chalicelib.api.models_risk import (
    MAX_BODY_BYTES,
    AdminFeedbackRequest,
    AdminFeedbackResponse,
    AuthEventsPath,
    AuthEventsQuery,
    AuthEventsResponse,
    EventFeedbackPath,
    FeedbackRecordedResponse,
    LandingQuery,
    LinkFeedbackRequest,
)
from chalicelib.api.openapi import AdminOnly, RouteSpec
from chalicelib.risk import history, links
from chalicelib.risk.history import FEEDBACK_VALUES
from chalicelib.risk.store import RiskStoreError
from chalicelib.services.errors import ApiError

ADMIN: Final = AdminOnly("AccessDeniedException", "You are not allowed to read auth events.")
TRANSLATIONS: Final[Translations] = {
    RiskStoreError: unavailable,
}
INVALID_LINK: Final = "Invalid feedback token."
HTML_HEADERS: Final = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
                       "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
                       "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


def _page(title: str, body: str, status: int = 200) -> Response:
    document = (f"<!doctype html><html><head><meta charset=utf-8><title>{html.escape(title)}</title></head>"
                f"<body style='font-family:sans-serif;max-width:32rem;margin:3rem auto'>{body}</body></html>")
    return Response(body=document, status_code=status, headers=HTML_HEADERS)


def _invalid_link_page() -> Response:
    return _page("Link not valid", "<p>This link is not valid or has expired.</p>", 400)


# ---------------------------------------------------------------- handlers


def list_events(call: Call) -> Response:
    path: AuthEventsPath = call.path
    query: AuthEventsQuery = call.query
    return json_response(history.list_events(call.pool_id, path.username, query.limit, query.next_token))


def admin_feedback(call: Call) -> Response:
    path: EventFeedbackPath = call.path
    body: AdminFeedbackRequest = call.body
    try:
        history.admin_feedback(call.pool_id, path.username, path.event_id, body.feedback_value)
    except LookupError:
        raise NotFoundError("Auth event not found.") from None
    return json_response({"eventId": path.event_id, "feedbackValue": body.feedback_value})


def landing(call: Call) -> Response:
    query: LandingQuery = call.query
    try:
        links.verify(query.token)
    except links.InvalidTokenError:
        return _invalid_link_page()
    if query.value not in FEEDBACK_VALUES:
        return _invalid_link_page()
    question = "Was this you?" if query.value == "Valid" else "This was not you?"
    label = "Yes, this was me" if query.value == "Valid" else "No, this was not me"
    form = (f"<h1>{question}</h1><form method=post>"
            f"<input type=hidden name=token value='{html.escape(query.token, True)}'>"
            f"<input type=hidden name=value value='{html.escape(query.value, True)}'>"
            f"<button type=submit>{html.escape(label)}</button></form>")
    return _page("Confirm", form)


def record_link(call: Call) -> Response:
    body: LinkFeedbackRequest = call.body
    as_json = media_type(call.request) == JSON
    try:
        history.token_feedback(body.token, body.value)
    except links.InvalidTokenError:
        if as_json:
            raise ApiError(INVALID_LINK, code="NotAuthorizedException", status_code=400) from None
        return _invalid_link_page()
    except LookupError:
        raise NotFoundError("Auth event not found.") from None
    if as_json:
        return json_response({"recorded": True, "value": body.value})
    return _page("Thank you", "<p>Thank you: your answer was recorded.</p>")


# ---------------------------------------------------------------- the route table

ROUTES: Final[tuple[RouteSpec, ...]] = (
    RouteSpec("/admin/users/{username}/auth-events", "GET", list_events, "A user's auth events, newest first",
              (AuthEventsResponse,), errors=(400, 401, 403, 500, 503), admin=ADMIN, path_params=AuthEventsPath,
              query=AuthEventsQuery),
    RouteSpec("/admin/users/{username}/auth-events/{eventId}/feedback", "POST", admin_feedback,
              "An administrator's feedback on an auth event", (AdminFeedbackResponse,), AdminFeedbackRequest,
              (400, 401, 403, 404, 500, 503), admin=ADMIN, path_params=EventFeedbackPath, max_body=MAX_BODY_BYTES),
    RouteSpec(links.LANDING, "GET", landing, "The risk email's link: a page that asks to confirm (records nothing)",
              (), errors=(500,), query=LandingQuery, pages=(200, 400)),
    RouteSpec(links.LANDING, "POST", record_link, "Record the answer of the risk email's link (form or JSON)",
              (FeedbackRecordedResponse,), LinkFeedbackRequest, (400, 404, 500, 503), max_body=MAX_BODY_BYTES,
              forms=True, pages=(200, 400)),
)


def make_blueprint() -> Blueprint:
    return add_routes(Blueprint(__name__), ROUTES, "risk", TRANSLATIONS)


bp = make_blueprint()

"""The account-takeover routes of the auth API over HTTP (chalice test client, local pool, moto DynamoDB): a user's
auth events in Cognito's AuthEventType shapes for an administrator only, paged with nextToken; an administrator's
feedback; the email link's landing, which records nothing on GET and records on POST."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from chalice import Chalice
from chalice.test import Client

from chalicelib.api import auth_routes, risk_routes
from chalicelib.risk import config as risk_config
from chalicelib.risk import links
from chalicelib.risk.context import normalise_username
from tests.conftest import ROOT
from tests.helpers import PASSWORD, admin_user

PLUS = {"UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}, "UserPoolTier": "PLUS"}
TAKEOVER = {"Actions": {"LowAction": {"Notify": False, "EventAction": "NO_ACTION"},
                        "MediumAction": {"Notify": False, "EventAction": "NO_ACTION"},
                        "HighAction": {"Notify": False, "EventAction": "BLOCK"}}}
JSON = {"Content-Type": "application/json"}
EVENT_KEYS = {"EventId", "EventType", "CreationDate", "EventResponse", "EventRisk", "ChallengeResponses",
              "EventContextData"}


@pytest.fixture(scope="module")
def http(stack: Any) -> Any:
    """HTTP to the auth and risk routes: blueprints of their own, or the registered app if there are none."""
    if hasattr(risk_routes, "make_blueprint"):
        app = Chalice(app_name="risk-routes-under-test")
        app.register_blueprint(auth_routes.make_blueprint())
        app.register_blueprint(risk_routes.make_blueprint())
    else:
        app = stack.app
    return Client(app, stage_name="local", project_dir=str(ROOT)).http


class Reply:
    def __init__(self, response: Any) -> None:
        self.status = response.status_code
        self.body = response.body
        self.headers = dict(response.headers)

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def error(self) -> tuple[str, str]:
        return self.json["error"]["code"], self.json["error"]["message"]


@pytest.fixture()
def site(http: Any, idp: Any, make_pool: Callable[..., tuple[str, str]], use_pool: Callable[..., None]) -> Any:
    pool_id, client_id = make_pool(pool=PLUS, client={"PreventUserExistenceErrors": "ENABLED"})
    idp.set_risk_configuration(UserPoolId=pool_id, AccountTakeoverRiskConfiguration=TAKEOVER)
    use_pool(pool_id, client_id)
    risk_config.clear_cache()
    idp.create_group(UserPoolId=pool_id, GroupName="admins")

    class Site:
        pool = pool_id

        def user(self, admin: bool = False) -> str:
            username = admin_user(idp, pool_id)["username"]
            if admin:
                idp.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName="admins")
            return username

        def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                 raw: str | None = None) -> Reply:
            payload = raw if raw is not None else (json.dumps(body) if body is not None else "")
            sent = {**(JSON if body is not None else {}), **(headers or {})}
            return Reply(http.request(method, path, headers=sent, body=payload.encode()))

        def sign_in(self, username: str, password: str = PASSWORD) -> Reply:
            return self.call("POST", "/auth/sign-in", {"username": username, "password": password})

        def token(self, username: str) -> dict[str, str]:
            reply = self.sign_in(username)
            assert reply.status == 200, reply.body
            return {"Authorization": f"Bearer {reply.json['accessToken']}"}

    return Site()


def events_path(username: str, query: str = "") -> str:
    return f"/admin/users/{quote(username)}/auth-events" + (f"?{query}" if query else "")


def test_without_a_token_401_and_outside_the_admin_group_403(site: Any) -> None:
    target = site.user()
    unauthenticated = site.call("GET", events_path(target))
    assert (unauthenticated.status, unauthenticated.error) == (401, ("NotAuthorizedException",
                                                                     "Access Token is required."))
    forbidden = site.call("GET", events_path(target), headers=site.token(site.user()))
    assert (forbidden.status, forbidden.error) == (403, ("AccessDeniedException",
                                                         "You are not allowed to read auth events."))


def test_the_events_are_cognitos_auth_event_type_newest_first(site: Any, idp: Any) -> None:
    admin, target = site.token(site.user(admin=True)), site.user()
    assert site.sign_in(target, "Wrong-Password-1").status == 401
    assert site.sign_in(target).status == 200
    reply = site.call("GET", events_path(target), headers=admin)
    assert reply.status == 200 and reply.headers.get("Content-Type") == "application/json"
    events = reply.json["AuthEvents"]
    assert "NextToken" not in reply.json
    assert [e["EventResponse"] for e in events] == ["Pass", "Fail"]
    for event in events:
        assert set(event) == EVENT_KEYS
        assert event["EventType"] == "SignIn"
        assert set(event["EventRisk"]) == {"RiskDecision", "RiskLevel", "CompromisedCredentialsDetected"}
        assert event["EventContextData"]["IpAddress"] == "127.0.0.1"
    # The same events as the local pool's AdminListUserAuthEvents.
    pool_view = idp.admin_list_user_auth_events(UserPoolId=site.pool, Username=target)["AuthEvents"]
    assert [e["EventId"] for e in pool_view] == [e["EventId"] for e in events]
    assert [e["EventRisk"] for e in pool_view] == [e["EventRisk"] for e in events]


def test_paging_with_next_token(site: Any) -> None:
    admin, target = site.token(site.user(admin=True)), site.user()
    for _ in range(3):
        assert site.sign_in(target).status == 200
    first = site.call("GET", events_path(target, "limit=2"), headers=admin)
    assert first.status == 200 and len(first.json["AuthEvents"]) == 2
    token = first.json["NextToken"]
    second = site.call("GET", events_path(target, f"limit=2&nextToken={quote(token)}"), headers=admin)
    assert second.status == 200 and len(second.json["AuthEvents"]) == 1
    ids = [e["EventId"] for e in first.json["AuthEvents"] + second.json["AuthEvents"]]
    assert len(set(ids)) == 3 and ids == sorted(ids, reverse=True)


LIMIT = "limit: must be a whole number from 1 to 60"


@pytest.mark.parametrize(("query", "message"), [
    ("limit=0", LIMIT), ("limit=61", LIMIT), ("limit=abc", LIMIT), ("limit=-1", LIMIT),
    ("nextToken=not-a-token", "nextToken: is not a token this API gave")])
def test_a_bad_limit_or_token_is_400(site: Any, query: str, message: str) -> None:
    admin = site.token(site.user(admin=True))
    reply = site.call("GET", events_path(site.user(), query), headers=admin)
    assert (reply.status, reply.error) == (400, ("ValidationError", message))


@pytest.mark.parametrize("value", ["Valid", "Invalid"])
def test_admin_feedback_is_recorded_on_the_event(site: Any, value: str) -> None:
    admin, target = site.token(site.user(admin=True)), site.user()
    site.sign_in(target)
    event_id = site.call("GET", events_path(target), headers=admin).json["AuthEvents"][0]["EventId"]
    reply = site.call("POST", f"{events_path(target)}/{event_id}/feedback", {"feedbackValue": value},
                      headers=admin)
    assert (reply.status, reply.json) == (200, {"eventId": event_id, "feedbackValue": value})
    event = site.call("GET", events_path(target), headers=admin).json["AuthEvents"][0]
    assert event["EventFeedback"]["FeedbackValue"] == value and event["EventFeedback"]["Provider"] == "Admin"


def test_feedback_on_an_unknown_event_is_404_and_a_bad_value_400(site: Any) -> None:
    admin, target = site.token(site.user(admin=True)), site.user()
    site.sign_in(target)
    missing = site.call("POST", f"{events_path(target)}/{'0' * 13}{'a' * 16}/feedback", {"feedbackValue": "Valid"},
                        headers=admin)
    assert (missing.status, missing.error[1]) == (404, "Auth event not found.")
    event_id = site.call("GET", events_path(target), headers=admin).json["AuthEvents"][0]["EventId"]
    bad = site.call("POST", f"{events_path(target)}/{event_id}/feedback", {"feedbackValue": "Maybe"}, headers=admin)
    assert bad.status == 400 and bad.error[0] == "ValidationError" and bad.error[1].startswith("feedbackValue")
    outsider = site.call("POST", f"{events_path(target)}/{event_id}/feedback", {"feedbackValue": "Valid"},
                         headers=site.token(site.user()))
    assert outsider.status == 403
    assert "EventFeedback" not in site.call("GET", events_path(target), headers=admin).json["AuthEvents"][0]


def link_token(site: Any, target: str, admin: dict[str, str]) -> tuple[str, str]:
    site.sign_in(target)
    event_id = site.call("GET", events_path(target), headers=admin).json["AuthEvents"][0]["EventId"]
    token = links.sign(site.pool, normalise_username(target), event_id)
    assert token is not None
    return token, event_id


def test_the_link_page_records_nothing_and_its_post_records_the_answer(site: Any) -> None:
    admin, target = site.token(site.user(admin=True)), site.user()
    token, _event_id = link_token(site, target, admin)
    page = site.call("GET", f"{links.LANDING}?token={quote(token)}&value=Invalid")
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert b"This was not you?" in page.body
    assert "EventFeedback" not in site.call("GET", events_path(target), headers=admin).json["AuthEvents"][0]
    recorded = site.call("POST", links.LANDING, {"token": token, "value": "Invalid"})
    assert (recorded.status, recorded.json) == (200, {"recorded": True, "value": "Invalid"})
    feedback = site.call("GET", events_path(target), headers=admin).json["AuthEvents"][0]["EventFeedback"]
    assert (feedback["FeedbackValue"], feedback["Provider"]) == ("Invalid", "Cognito")


def test_the_form_post_answers_a_page(site: Any) -> None:
    admin, target = site.token(site.user(admin=True)), site.user()
    token, _event_id = link_token(site, target, admin)
    reply = site.call("POST", links.LANDING, headers={"Content-Type": "application/x-www-form-urlencoded"},
                      raw=f"token={quote(token)}&value=Valid")
    assert reply.status == 200 and b"your answer was recorded" in reply.body
    feedback = site.call("GET", events_path(target), headers=admin).json["AuthEvents"][0]["EventFeedback"]
    assert feedback["FeedbackValue"] == "Valid"


@pytest.mark.parametrize("case", ["forged", "expired", "garbage"])
def test_a_forged_or_expired_token_is_400_and_records_nothing(site: Any, case: str) -> None:
    admin, target = site.token(site.user(admin=True)), site.user()
    token, event_id = link_token(site, target, admin)
    payload, signature = token.split(".")
    bad = {"forged": payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:],
           "expired": links.sign(site.pool, normalise_username(target), event_id,
                                 time.time() - links.TOKEN_SECONDS - 5),
           "garbage": "not-a-token"}[case]
    reply = site.call("POST", links.LANDING, {"token": bad, "value": "Valid"})
    assert (reply.status, reply.error) == (400, ("NotAuthorizedException", "Invalid feedback token."))
    page = site.call("GET", f"{links.LANDING}?token={quote(str(bad))}&value=Valid")
    assert page.status == 400 and b"not valid" in page.body
    assert "EventFeedback" not in site.call("GET", events_path(target), headers=admin).json["AuthEvents"][0]

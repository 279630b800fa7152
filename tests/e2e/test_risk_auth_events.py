"""The local pool's AdminListUserAuthEvents / AdminUpdateAuthEventFeedback / UpdateAuthEventFeedback over the
event history the auth API's sign-ins write, with the risk configuration read from the pool itself
(SetRiskConfiguration), and the notification email's signed links."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from botocore.exceptions import ClientError

from chalicelib import aws
from chalicelib.risk import config as risk_config
from chalicelib.services.auth import AuthService, Tokens
from chalicelib.services.cognito import CognitoConfig, CognitoIdp, UserContext
from chalicelib.services.errors import CognitoError
from tests.e2e.conftest import error_of
from tests.helpers import PASSWORD, admin_user

PLUS = {"UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}, "UserPoolTier": "PLUS"}
NOTIFY = {"From": "security@example.com", "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
          "NoActionEmail": {"Subject": "New sign-in", "TextBody": "Was it you? {one-click-link-valid} or "
                                                                  "{one-click-link-invalid}"}}


def takeover(medium: str = "NO_ACTION", high: str = "BLOCK", notify: bool = False) -> dict[str, Any]:
    return {"Actions": {"LowAction": {"Notify": False, "EventAction": "NO_ACTION"},
                        "MediumAction": {"Notify": notify, "EventAction": medium},
                        "HighAction": {"Notify": notify, "EventAction": high}}, "NotifyConfiguration": NOTIFY}


@pytest.fixture()
def risky_pool(idp: Any, make_pool: Any, use_pool: Any) -> dict[str, Any]:
    pool_id, client_id = make_pool(pool=PLUS)
    idp.set_risk_configuration(UserPoolId=pool_id, AccountTakeoverRiskConfiguration=takeover(notify=True))
    use_pool(pool_id, client_id)
    risk_config.clear_cache()
    return {"pool_id": pool_id, "client_id": client_id, **admin_user(idp, pool_id)}


def sign_in(password: str, username: str, ip: str = "203.0.113.5", device: str | None = None) -> Any:
    service = AuthService(CognitoIdp(aws.cognito_idp(), CognitoConfig.from_env()))
    return service.sign_in(username, password, UserContext(ip_address=ip, user_agent="Mozilla/5.0 e2e"), device)


def test_sign_ins_are_listed_newest_first_with_their_risk(idp: Any, risky_pool: dict[str, Any]) -> None:
    user = risky_pool["username"]
    with pytest.raises(CognitoError):
        sign_in("wrong-password", user)
    assert isinstance(sign_in(PASSWORD, user), Tokens)
    events = idp.admin_list_user_auth_events(UserPoolId=risky_pool["pool_id"], Username=user)["AuthEvents"]
    assert [e["EventType"] for e in events] == ["SignIn", "SignIn"]
    assert [e["EventResponse"] for e in events] == ["Pass", "Fail"]
    assert events[0]["EventRisk"] == {"RiskDecision": "NoRisk", "RiskLevel": "Low",
                                      "CompromisedCredentialsDetected": False}
    assert events[0]["EventContextData"]["IpAddress"] == "203.0.113.5"
    assert events[1]["ChallengeResponses"] == [{"ChallengeName": "Password", "ChallengeResponse": "Failure"}]
    one = idp.admin_list_user_auth_events(UserPoolId=risky_pool["pool_id"], Username=user, MaxResults=1)
    assert len(one["AuthEvents"]) == 1 and one["NextToken"]


def test_admin_feedback_invalid_blocks_the_next_sign_in_from_that_device(idp: Any,
                                                                         risky_pool: dict[str, Any]) -> None:
    pool_id, user = risky_pool["pool_id"], risky_pool["username"]
    sign_in(PASSWORD, user)
    event_id = idp.admin_list_user_auth_events(UserPoolId=pool_id, Username=user)["AuthEvents"][0]["EventId"]
    idp.admin_update_auth_event_feedback(UserPoolId=pool_id, Username=user, EventId=event_id,
                                         FeedbackValue="Invalid")
    listed = idp.admin_list_user_auth_events(UserPoolId=pool_id, Username=user)["AuthEvents"][0]
    assert listed["EventFeedback"]["FeedbackValue"] == "Invalid" and listed["EventFeedback"]["Provider"] == "Admin"
    with pytest.raises(CognitoError) as exc:
        sign_in(PASSWORD, user)
    assert (exc.value.code, exc.value.message) == ("NotAuthorizedException",
                                                   "Unable to login because of security reasons.")


def test_unknown_event_and_pool_without_threat_protection(idp: Any, make_pool: Any,
                                                          risky_pool: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as exc:
        idp.admin_update_auth_event_feedback(UserPoolId=risky_pool["pool_id"], Username=risky_pool["username"],
                                             EventId="0" * 29, FeedbackValue="Valid")
    assert error_of(exc) == ("ResourceNotFoundException", "Auth event not found.")
    plain_pool, _ = make_pool()
    idp.admin_create_user(UserPoolId=plain_pool, Username="someone", MessageAction="SUPPRESS")
    with pytest.raises(ClientError) as exc:
        idp.admin_list_user_auth_events(UserPoolId=plain_pool, Username="someone")
    assert error_of(exc) == ("UserPoolAddOnNotEnabledException",
                             "Advanced security features are not enabled for this user pool.")


def test_risky_sign_in_email_links_record_feedback(idp: Any, stack: Any, risky_pool: dict[str, Any]) -> None:
    pool_id, user, email = risky_pool["pool_id"], risky_pool["username"], risky_pool["email"]
    sign_in(PASSWORD, user)
    # a new device on a new network: MEDIUM, notify on
    sign_in(PASSWORD, user, ip="198.51.100.77", device="a-new-laptop-cookie-123456")
    message = next(m for m in stack.outbox() if m["to"] == email and m.get("subject") == "New sign-in")
    link = message["link"]
    query = parse_qs(urlparse(link).query)
    event_id = idp.admin_list_user_auth_events(UserPoolId=pool_id, Username=user)["AuthEvents"][0]["EventId"]
    with pytest.raises(ClientError) as exc:
        idp.update_auth_event_feedback(UserPoolId=pool_id, Username=user, EventId=event_id,
                                       FeedbackToken=query["token"][0][:-2] + "xx", FeedbackValue="Valid")
    assert error_of(exc) == ("NotAuthorizedException", "Invalid feedback token.")
    idp.update_auth_event_feedback(UserPoolId=pool_id, Username=user, EventId=event_id,
                                   FeedbackToken=query["token"][0], FeedbackValue="Valid")
    listed = idp.admin_list_user_auth_events(UserPoolId=pool_id, Username=user)["AuthEvents"][0]
    assert listed["EventFeedback"]["FeedbackValue"] == "Valid"

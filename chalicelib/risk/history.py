"""The auth event history in Cognito's shapes (AuthEventType), for the local pool's AdminListUserAuthEvents and
the admin routes, and feedback by an administrator or by a signed email link.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminListUserAuthEvents.html
"""

from __future__ import annotations

from typing import Any, Final

from chalicelib.risk import links
from chalicelib.risk.context import normalise_username
from chalicelib.risk.service import RiskService
from chalicelib.risk.store import MAX_PAGE, EventRecord

FEEDBACK_VALUES: Final = ("Valid", "Invalid")
_RESPONSES: Final = {"Pass": "Pass", "Fail": "Fail", "InProgress": "InProgress"}


def auth_event(record: EventRecord) -> dict[str, Any]:
    """AuthEventType, exactly Cognito's members (the signals stay in the store and the log)."""
    event: dict[str, Any] = {
        "EventId": record.event_id, "EventType": record.event_type, "CreationDate": record.created,
        "EventResponse": _RESPONSES.get(record.response, "Fail"),
        "EventRisk": {"RiskDecision": record.decision, "RiskLevel": record.level,
                      "CompromisedCredentialsDetected": record.compromised},
        "ChallengeResponses": list(record.challenges),
        "EventContextData": {"IpAddress": record.ip or "", "DeviceName": record.device_name},
    }
    if record.feedback:
        event["EventFeedback"] = {"FeedbackValue": record.feedback.get("FeedbackValue"),
                                  "Provider": record.feedback.get("Provider"),
                                  "FeedbackDate": record.feedback.get("FeedbackDate")}
    return event


def list_events(pool_id: str, username: str, max_results: int | None, next_token: str | None,
                service: RiskService | None = None) -> dict[str, Any]:
    """{AuthEvents, NextToken?}: newest first, ``max_results`` 0 or absent meaning 60."""
    limit = max_results if max_results else MAX_PAGE
    records, following = (service or RiskService(pool_id)).events(username, min(limit, MAX_PAGE), next_token)
    result: dict[str, Any] = {"AuthEvents": [auth_event(r) for r in records]}
    if following:
        result["NextToken"] = following
    return result


def admin_feedback(pool_id: str, username: str, event_id: str, value: str,
                   service: RiskService | None = None) -> None:
    """Raises LookupError when the user has no such event."""
    (service or RiskService(pool_id)).feedback(normalise_username(username), event_id, value, "Admin")


def token_feedback(token: str, value: str, *, pool_id: str | None = None, username: str | None = None,
                   event_id: str | None = None, service: RiskService | None = None) -> None:
    """Feedback from an email link. Raises links.InvalidTokenError for a forged, expired or mismatched token."""
    claim = links.verify(token)
    if ((pool_id is not None and claim.pool_id != pool_id) or (event_id is not None and claim.event_id != event_id)
            or (username is not None and normalise_username(username) != claim.username_key)):
        raise links.InvalidTokenError()
    (service or RiskService(claim.pool_id)).feedback(claim.username_key, claim.event_id, value, "Cognito")

"""Request, parameter and response models of the account-takeover routes (:mod:`chalicelib.api.risk_routes`).
The auth events are Cognito's AuthEventType (PascalCase members, as AdminListUserAuthEvents answers them:
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AuthEventType.html)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Final, Literal

from pydantic import BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_pascal

from chalicelib.api.models import (
    QUERY_TEXT,
    Params,
    RequestBody,
    ResponseBody,
    refusal,
    required_fields,
    whole_number,
)
from chalicelib.risk.history import FEEDBACK_VALUES
from chalicelib.risk.store import MAX_PAGE
from chalicelib.services.errors import RequestValidationError

MAX_BODY_BYTES: Final = 4096
MAX_USERNAME_CHARS: Final = 128
EVENT_ID: Final = re.compile(r"[0-9a-f]{13,50}")
BAD_FEEDBACK: Final = "feedbackValue: must be Valid or Invalid"

FeedbackValue = Literal["Valid", "Invalid"]


def _username(value: Any) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_USERNAME_CHARS:
        raise refusal(f"must be 1 to {MAX_USERNAME_CHARS} characters")
    return value


def _event_id(value: Any, message: str) -> str:
    if not isinstance(value, str) or not EVENT_ID.fullmatch(value):
        raise refusal(message)
    return value


def _feedback_value(value: Any) -> str:
    # The same message for the admin's ``feedbackValue`` and the email link's ``value``.
    if value not in FEEDBACK_VALUES:
        raise RequestValidationError(BAD_FEEDBACK)
    return str(value)


def _text(value: Any) -> str:
    """The email link's token as the form or the JSON gave it (anything not a token is refused as invalid)."""
    return str(value or "")


Username = Annotated[str, Field(min_length=1, max_length=MAX_USERNAME_CHARS), BeforeValidator(_username)]
EventId = Annotated[str, Field(pattern=f"^{EVENT_ID.pattern}$"),
                    BeforeValidator(lambda v: _event_id(v, "is not an event id"))]
Feedback = Annotated[FeedbackValue, BeforeValidator(_feedback_value)]


# ---------------------------------------------------------------- requests


class AuthEventsPath(Params):
    username: Username


class EventFeedbackPath(Params):
    username: Username
    event_id: EventId


class AuthEventsQuery(Params):
    """Newest first; ``nextToken`` is the previous page's."""

    limit: Annotated[int, Field(ge=1, le=MAX_PAGE), BeforeValidator(whole_number(1, MAX_PAGE))] = MAX_PAGE
    next_token: Annotated[str | None, BeforeValidator(lambda v: _event_id(v, "is not a token this API gave")),
                          QUERY_TEXT] = None


class AdminFeedbackRequest(RequestBody):
    model_config = ConfigDict(extra="ignore", json_schema_extra=required_fields("feedbackValue"))
    feedback_value: Feedback = Field(default=None, validate_default=True)


class LandingQuery(Params):
    """The email link's query: its signed token and the answer it stands for."""

    token: str = ""
    value: str = ""


class LinkFeedbackRequest(RequestBody):
    """The confirm page's form (or the same as JSON): the link's token and its answer."""

    model_config = ConfigDict(extra="ignore", json_schema_extra=required_fields("token", "value"))
    token: Annotated[str, BeforeValidator(_text)] = ""
    value: Feedback = Field(default=None, validate_default=True)


# ---------------------------------------------------------------- responses


class CognitoShape(ResponseBody):
    model_config = ConfigDict(alias_generator=to_pascal)


class EventRiskBody(CognitoShape):
    risk_decision: str
    risk_level: str
    compromised_credentials_detected: bool


class EventContextBody(CognitoShape):
    ip_address: str
    device_name: str


class EventFeedbackBody(CognitoShape):
    feedback_value: FeedbackValue
    provider: Literal["Admin", "Cognito"]
    feedback_date: float = Field(description="Seconds since the epoch")


class AuthEventBody(CognitoShape):
    event_id: str
    event_type: str
    creation_date: float = Field(description="Seconds since the epoch")
    event_response: Literal["Pass", "Fail", "InProgress"]
    event_risk: EventRiskBody
    challenge_responses: list[dict[str, str]]
    event_context_data: EventContextBody
    event_feedback: EventFeedbackBody | None = None


class AuthEventsResponse(CognitoShape):
    auth_events: list[AuthEventBody]
    next_token: str | None = None


class AdminFeedbackResponse(ResponseBody):
    event_id: str
    feedback_value: FeedbackValue


class FeedbackRecordedResponse(ResponseBody):
    recorded: Literal[True] = True
    value: FeedbackValue

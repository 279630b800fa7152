"""The auth event history: one item per sign-in, sign-up, password change and forgot-password, with its risk
decision, level, signals, IP, device and outcome, as Cognito's AuthEventType shows them
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AuthEventType.html).

Key: ``user_key`` = ``<pool id>#<username key>`` (:func:`chalicelib.risk.context.normalise_username`), and
``event_id``, which starts with the creation time in milliseconds, so a Query newest-first is the history in
Cognito's order. ``ttl`` (DynamoDB TTL) removes an event after RISK_EVENT_DAYS (default 730: Cognito keeps
two years). Written and read only by :mod:`chalicelib.risk.store`.
"""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import EnvTableName


class AuthEvent(Model):
    """One auth event; the other attributes (type, outcome, risk, context, feedback) are written by the store."""

    class Meta:
        table_name = EnvTableName("AUTH_EVENT_TABLE")
        connect_timeout_seconds = 1
        read_timeout_seconds = 2
        max_retry_attempts = 2

    user_key = UnicodeAttribute(hash_key=True)
    event_id = UnicodeAttribute(range_key=True)
    ttl = TTLAttribute(null=True)

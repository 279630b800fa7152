"""The custom-auth challenge state of one user: the live delivered secret, the send throttle and the failure
counter, in ONE item per (pool, username) so that a sign-in costs few requests (see
:mod:`chalicelib.auth.challenges.store`, which owns every read and conditional write of this table).

Nothing secret is stored in clear: ``secret_hash`` is HMAC-SHA256(pepper, salt || secret) with a random
per-secret salt (the code or magic-link token never reaches the table), and ``user_key`` is a keyed hash of
the pool id and username, so a dump of the table lists neither users nor usable secrets.

Unknown usernames (Cognito's ``userNotFound``) get items too: their throttle and failure counter behave as a
real user's, which is what makes the two indistinguishable from outside. ``ttl`` (DynamoDB TTL, epoch
seconds) removes an item a day after its last use.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import EnvTableName


class ChallengeState(Model):
    """One user's delivered-secret state (EMAIL_OTP, SMS_OTP, MAGIC_LINK) and failure counter."""

    class Meta:
        table_name = EnvTableName("CHALLENGE_TABLE")
        # A Cognito trigger has 5 s in all: fail fast rather than retry past the budget.
        connect_timeout_seconds = 1
        read_timeout_seconds = 1
        max_retry_attempts = 1

    user_key = UnicodeAttribute(hash_key=True)
    # The sign-in the live secret belongs to (chalicelib.auth.flow.sign_in_key) and its method.
    challenge_key = UnicodeAttribute(null=True)
    method = UnicodeAttribute(null=True)
    secret_hash = UnicodeAttribute(null=True)
    secret_salt = UnicodeAttribute(null=True)
    sent_at = NumberAttribute(null=True)
    expires_at = NumberAttribute(null=True)
    # Consecutive wrong answers across sign-ins (a new code does not reset it; a success does).
    failures = NumberAttribute(null=True)
    locked_until = NumberAttribute(null=True)
    ttl = TTLAttribute(null=True)

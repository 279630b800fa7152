"""User profiles, one item per confirmed user, written by the PostConfirmation trigger
(:mod:`chalicelib.signup.profiles`).

Written with ONE UpdateItem whose every SET is ``if_not_exists``: Cognito retries a trigger that timed out, and
the second write changes nothing. ``group_added_at`` records that the default group was added, so a retry does
not call AdminAddUserToGroup again. Only what an app needs to address the user is kept (no tokens, no secrets).
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import EnvTableName


class UserProfile(Model):
    """The profile of one confirmed user of one pool."""

    class Meta:
        table_name = EnvTableName("USER_PROFILES_TABLE")
        # Written inside PostConfirmation (5 s in all): see chalicelib.models.signup_rules for the arithmetic.
        connect_timeout_seconds = 0.5
        read_timeout_seconds = 0.5
        max_retry_attempts = 1

    pool_id = UnicodeAttribute(hash_key=True)
    sub = UnicodeAttribute(range_key=True)
    username = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    phone_number = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    locale = UnicodeAttribute(null=True)
    confirmed_at = NumberAttribute()
    client_id = UnicodeAttribute(null=True)
    default_group = UnicodeAttribute(null=True)
    group_added_at = NumberAttribute(null=True)
    password_reset_at = NumberAttribute(null=True)

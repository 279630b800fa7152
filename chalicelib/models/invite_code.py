"""Invite codes (:mod:`chalicelib.signup.invites`), one item per code of a user pool.

The code itself is never stored: ``code_hash`` is SHA-256 of the normalised code (a code carries 100 random
bits, so a fast hash is enough: there is nothing to brute-force offline). A code is spent by ONE conditional
UpdateItem (:func:`chalicelib.signup.store.consume_invite`) that requires it unexpired, unused (or used by the
same username: Cognito retries triggers) and, when ``email_domain`` is set, the sign-up's domain; that write is
what makes a code single-use under concurrent sign-ups. ``ttl`` (DynamoDB TTL) removes an item 30 days after it
expires; the expiry check never relies on TTL, which deletes lazily.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import EnvTableName


class InviteCode(Model):
    """One invite code: who may use it, until when, and who used it."""

    class Meta:
        table_name = EnvTableName("INVITE_CODES_TABLE")
        # Spent inside PreSignUp (5 s in all): see chalicelib.models.signup_rules for the arithmetic.
        connect_timeout_seconds = 0.5
        read_timeout_seconds = 0.5
        max_retry_attempts = 1

    pool_id = UnicodeAttribute(hash_key=True)
    code_hash = UnicodeAttribute(range_key=True)
    created_at = NumberAttribute()
    expires_at = NumberAttribute()
    email_domain = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute(null=True)
    used_at = NumberAttribute(null=True)
    used_by = UnicodeAttribute(null=True)
    ttl = TTLAttribute(null=True)

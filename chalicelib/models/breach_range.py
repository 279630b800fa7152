"""The compromised-password store: one item per SHA-1 range, the k-anonymity layout of Pwned Passwords
(https://haveibeenpwned.com/API/v3#PwnedPasswords).

A range item is keyed by the first 5 hex digits of the SHA-1 (``prefix``, upper case) and holds every known
suffix of that range, packed (:mod:`chalicelib.breach.codec`): ``suffixes`` is the sorted run of 18-byte
suffixes (35 hex digits behind a zero nibble) and ``counts`` the 4-byte big-endian breach counts in the same
order. A real range (~2,000 suffixes) is ~44 KB, far from DynamoDB's 400 KB item limit, and one check is one
GetItem. The table holds SHA-1 hashes of breached passwords only, the same public data Have I Been Pwned
publishes: a dump reveals no user's password.

The same table keeps three kinds of control items, whose key starts with ``#`` (never a hex prefix):
``#policy/<pool id>`` (the compromised-credentials policy of a user pool, in ``policy``), ``#reset/<sha-256>``
(a user who must reset a breached password; the key is a hash of pool id and username, ``set_at`` the time)
and ``#import/<source>`` (the importer's checkpoint: ``last_prefix`` and running totals).
"""

from __future__ import annotations

from pynamodb.attributes import BinaryAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import EnvTableName


class BreachRange(Model):
    """A range of breached SHA-1 hashes, or a control item (policy, reset marker, import checkpoint)."""

    class Meta:
        table_name = EnvTableName("BREACH_TABLE")
        # A check runs inside a request (and a trigger's 5 s budget): fail fast and closed, never wait long.
        connect_timeout_seconds = 1
        read_timeout_seconds = 1
        max_retry_attempts = 1
        base_backoff_ms = 25

    prefix = UnicodeAttribute(hash_key=True)
    suffixes = BinaryAttribute(null=True, legacy_encoding=False)
    counts = BinaryAttribute(null=True, legacy_encoding=False)
    size = NumberAttribute(null=True)
    # Control items.
    policy = JSONAttribute(null=True)
    set_at = NumberAttribute(null=True)
    last_prefix = UnicodeAttribute(null=True)
    hashes = NumberAttribute(null=True)
    ranges = NumberAttribute(null=True)
    finished = NumberAttribute(null=True)

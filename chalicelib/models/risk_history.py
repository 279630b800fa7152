"""What the risk engine remembers between sign-ins, in two kinds of items of one table, so that a sign-in
costs one BatchGetItem to read both and one TransactWriteItems to update both (and put its event)
(:mod:`chalicelib.risk.store` owns every read and write):

- ``U#<pool>#<username key>``: one user's known devices, networks, IPs and countries (maps of key ->
  ``{"f": first, "l": last, "t": trust}``), the failure buckets of the lockout (``{"n", "l", "u"}``), the last
  sign-in time and place. Devices, networks and IPs are stored as keyed hashes, never in clear.
- ``S#<pool>#<network key>``: one source network's failures, in 5-minute buckets: ``f<bucket>`` counters
  (atomic ADD) and ``u<bucket>`` string sets of hashed usernames that failed (atomic ADD), so concurrent
  attempts of a credential-stuffing run never lose a count. ``ttl`` removes a quiet network after a day.

``ttl`` (DynamoDB TTL, epoch seconds): a user's item lives RISK_HISTORY_DAYS (default 730) after the last
sign-in.
"""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import EnvTableName


class RiskHistory(Model):
    """A user's or a source network's risk history; the other attributes are written by the store."""

    class Meta:
        table_name = EnvTableName("RISK_HISTORY_TABLE")
        # Read on every sign-in: fail fast inside the API's and a trigger's budget.
        connect_timeout_seconds = 1
        read_timeout_seconds = 2
        max_retry_attempts = 2

    pk = UnicodeAttribute(hash_key=True)
    ttl = TTLAttribute(null=True)

"""Sign-up rules (:mod:`chalicelib.signup.rules`), one item per user pool.

``document`` is the rule set as JSON (camelCase, exactly what ``GET /admin/signup-rules`` shows), validated by
:meth:`chalicelib.signup.rules.RuleSet.from_json` on every read and before every write; ``version``
(pynamodb's optimistic locking) makes a save that raced another fail instead of silently overwriting it. Read
by the PreSignUp trigger at every sign-up (one GetItem); written by the admin routes and the CLI through
:mod:`chalicelib.signup.store`, which owns every call on this table. No item for a pool means the default rules.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from chalicelib.models.base import EnvTableName


class SignupRules(Model):
    """The rules that decide who may register in one user pool."""

    class Meta:
        table_name = EnvTableName("SIGNUP_RULES_TABLE")
        # Read inside PreSignUp, which has 5 s in all (chalicelib.signup.budget): per call at most
        # 2 attempts x (0.5 s connect + 0.5 s read) + under 1 s of back-off, then the trigger denies.
        connect_timeout_seconds = 0.5
        read_timeout_seconds = 0.5
        max_retry_attempts = 1

    pool_id = UnicodeAttribute(hash_key=True)
    document = UnicodeAttribute()
    updated_at = NumberAttribute()
    updated_by = UnicodeAttribute(null=True)
    version = VersionAttribute()

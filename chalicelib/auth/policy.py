"""Which sign-in methods a user may use, and which combinations are required.

A :class:`Policy` has four parts:

- ``first``: the methods that may open a sign-in (``PASSWORD`` opens it with SRP_A at InitiateAuth, the
  others through the method-selection round);
- ``second``: the methods that may follow a first factor, and the methods of the step-up flow of a signed-in
  user;
- ``step_up_after``: the first factors that are not enough on their own: a second factor is then required;
- ``mfa_step_up_after``: the first factors that need a second factor once the user has enrolled an
  authenticator (an authenticator app or a passkey), as Cognito asks for MFA once a user has set it up.

The pool's defaults come from the stage's environment (comma-separated method names, read at call time):

- ``AUTH_FIRST_FACTORS`` (default ``EMAIL_OTP,SMS_OTP,MAGIC_LINK,TOTP,PASSKEY,PASSWORD``);
- ``AUTH_SECOND_FACTORS`` (default ``EMAIL_OTP,SMS_OTP,TOTP,PASSKEY``);
- ``AUTH_STEP_UP_AFTER`` (default empty: for every user);
- ``AUTH_MFA_STEP_UP_AFTER`` (default ``PASSWORD``; empty turns the rule off): for users who enrolled.

A method is offered only to a user who can use it (the plug-in's ``available``, from the user attributes in
the trigger event): EMAIL_OTP and MAGIC_LINK need a verified ``email``, SMS_OTP a verified ``phone_number``,
TOTP an activated authenticator app and PASSKEY at least one registered passkey. The last two are recorded in
the attribute ``custom:authenticators`` (:data:`ENROLLED_ATTRIBUTE`: ``TOTP``, ``PASSKEY`` or both,
comma-separated), which the auth API's authenticator routes keep in step with the authenticator tables. With
the defaults, then, a user who enrolled TOTP or a passkey signs in with a password followed by a second
factor (one of ``second`` this user can use), and still with a passwordless method alone.

A user's attribute ``custom:auth_policy`` (JSON: ``{"first": [...], "second": [...], "stepUpAfter": [...]}``,
every key optional) can only tighten the pool's policy: ``first`` and ``second`` are intersected with the
pool's, ``stepUpAfter`` is added to the pool's. A malformed override fails closed: the user may use no method.
Keep both attributes out of the app clients' WriteAttributes where you can, or a user could lift a
requirement an administrator set (or their own MFA).

Pure: no I/O; the environment is read by :meth:`Policy.pool_default` at call time.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

POLICY_ATTRIBUTE: Final = "custom:auth_policy"
ENROLLED_ATTRIBUTE: Final = "custom:authenticators"
# What ENROLLED_ATTRIBUTE may list: the methods whose enrollment is kept in the bundle's tables.
ENROLLABLE: Final = ("TOTP", "PASSKEY")
DEFAULT_FIRST: Final = "EMAIL_OTP,SMS_OTP,MAGIC_LINK,TOTP,PASSKEY,PASSWORD"
DEFAULT_SECOND: Final = "EMAIL_OTP,SMS_OTP,TOTP,PASSKEY"
DEFAULT_MFA_STEP_UP_AFTER: Final = "PASSWORD"
MAX_OVERRIDE_CHARS: Final = 2048


def _names(raw: str) -> tuple[str, ...]:
    seen: list[str] = []
    for part in raw.split(","):
        name = part.strip().upper()
        if name and name not in seen:
            seen.append(name)
    return tuple(seen)


def enrolled(attributes: Mapping[str, str]) -> frozenset[str]:
    """The authenticators the user enrolled, from ``custom:authenticators`` (unknown names ignored)."""
    raw = attributes.get(ENROLLED_ATTRIBUTE) or ""
    return frozenset(name for name in _names(raw[:256]) if name in ENROLLABLE)


def enrolled_value(methods: Iterable[str]) -> str:
    """The attribute's value for ``methods`` (empty: nothing enrolled)."""
    keep = set(methods)
    return ",".join(name for name in ENROLLABLE if name in keep)


@dataclass(frozen=True)
class Policy:
    first: tuple[str, ...]
    second: tuple[str, ...]
    step_up_after: frozenset[str]
    mfa_step_up_after: frozenset[str] = frozenset()

    @classmethod
    def pool_default(cls, env: Mapping[str, str] | None = None) -> Policy:
        env = os.environ if env is None else env
        raw = (env.get("AUTH_FIRST_FACTORS", DEFAULT_FIRST), env.get("AUTH_SECOND_FACTORS", DEFAULT_SECOND),
               env.get("AUTH_STEP_UP_AFTER", ""), env.get("AUTH_MFA_STEP_UP_AFTER", DEFAULT_MFA_STEP_UP_AFTER))
        return _parsed(raw)

    def allows_first(self, method: str) -> bool:
        return method in self.first

    def allows_second(self, first: str | None, method: str) -> bool:
        """``method`` after ``first`` (None: the step-up of a signed-in user). Never the same factor twice."""
        return method in self.second and method != first

    def requires_second(self, first: str) -> bool:
        return first in self.step_up_after


NO_METHODS: Final = Policy(first=(), second=(), step_up_after=frozenset())


@functools.lru_cache(maxsize=8)
def _parsed(raw: tuple[str, str, str, str]) -> Policy:
    """The pool's policy from the four settings' raw values (parsed once per distinct value)."""
    first, second, step_up_after, mfa_step_up_after = raw
    return Policy(first=_names(first), second=_names(second), step_up_after=frozenset(_names(step_up_after)),
                  mfa_step_up_after=frozenset(_names(mfa_step_up_after)))


def _restricted(pool: tuple[str, ...], override: object) -> tuple[str, ...] | None:
    if override is None:
        return pool
    if not isinstance(override, list) or not all(isinstance(m, str) for m in override):
        return None
    wanted = {m.upper() for m in override}
    return tuple(m for m in pool if m in wanted)


def _with_enrollment(rules: Policy, attributes: Mapping[str, str], pool: Policy) -> Policy:
    """``rules`` plus the pool's MFA requirement if the user enrolled an authenticator the pool takes as a
    second factor (the pool's list, so that an override can never lift the requirement)."""
    if not pool.mfa_step_up_after or not enrolled(attributes) & set(pool.second):
        return rules
    return Policy(first=rules.first, second=rules.second, step_up_after=rules.step_up_after | pool.mfa_step_up_after,
                  mfa_step_up_after=rules.mfa_step_up_after)


def for_user(attributes: Mapping[str, str], pool: Policy | None = None) -> Policy:
    """The pool's policy tightened by the user's ``custom:auth_policy`` attribute (if any), with the MFA
    requirement of a user who enrolled an authenticator."""
    pool = pool or Policy.pool_default()
    raw = attributes.get(POLICY_ATTRIBUTE)
    if not raw:
        return _with_enrollment(pool, attributes, pool)
    try:
        override = json.loads(raw) if len(raw) <= MAX_OVERRIDE_CHARS else None
    except ValueError:
        override = None
    if not isinstance(override, dict) or set(override) - {"first", "second", "stepUpAfter"}:
        return NO_METHODS
    first = _restricted(pool.first, override.get("first"))
    second = _restricted(pool.second, override.get("second"))
    extra = _restricted(tuple(m.upper() for m in override.get("stepUpAfter") or [] if isinstance(m, str)),
                        override.get("stepUpAfter"))
    if first is None or second is None or extra is None:
        return NO_METHODS
    rules = Policy(first=first, second=second, step_up_after=pool.step_up_after | frozenset(extra),
                   mfa_step_up_after=pool.mfa_step_up_after)
    return _with_enrollment(rules, attributes, pool)


def offered(names: Iterable[str], available: Iterable[str]) -> tuple[str, ...]:
    """``names`` in policy order, keeping those in ``available``."""
    keep = set(available)
    return tuple(n for n in names if n in keep)

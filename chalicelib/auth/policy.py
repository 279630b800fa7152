"""Which sign-in methods a user may use, and which combinations are required.

A :class:`Policy` has three parts:

- ``first``: the methods that may open a sign-in (``PASSWORD`` opens it with SRP_A at InitiateAuth, the
  others through the method-selection round);
- ``second``: the methods that may follow a first factor, and the methods of the step-up flow of a signed-in
  user;
- ``step_up_after``: the first factors that are not enough on their own: a second factor is then required.

The pool's defaults come from the stage's environment (comma-separated method names):
``AUTH_FIRST_FACTORS`` (default ``EMAIL_OTP,SMS_OTP,MAGIC_LINK,PASSWORD``), ``AUTH_SECOND_FACTORS`` (default
``EMAIL_OTP,SMS_OTP``) and ``AUTH_STEP_UP_AFTER`` (default empty). A user's attribute ``custom:auth_policy``
(JSON: ``{"first": [...], "second": [...], "stepUpAfter": [...]}``, every key optional) can only tighten them:
``first`` and ``second`` are intersected with the pool's, ``stepUpAfter`` is added to the pool's. A malformed
override fails closed: the user may use no method. Keep the attribute out of the app clients' WriteAttributes,
or a user could lift a requirement an administrator set.

Pure: no I/O; the environment is read by :meth:`Policy.pool_default` at call time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

POLICY_ATTRIBUTE: Final = "custom:auth_policy"
DEFAULT_FIRST: Final = "EMAIL_OTP,SMS_OTP,MAGIC_LINK,PASSWORD"
DEFAULT_SECOND: Final = "EMAIL_OTP,SMS_OTP"
MAX_OVERRIDE_CHARS: Final = 2048


def _names(raw: str) -> tuple[str, ...]:
    seen: list[str] = []
    for part in raw.split(","):
        name = part.strip().upper()
        if name and name not in seen:
            seen.append(name)
    return tuple(seen)


@dataclass(frozen=True)
class Policy:
    first: tuple[str, ...]
    second: tuple[str, ...]
    step_up_after: frozenset[str]

    @classmethod
    def pool_default(cls, env: Mapping[str, str] | None = None) -> Policy:
        env = os.environ if env is None else env
        return cls(first=_names(env.get("AUTH_FIRST_FACTORS", DEFAULT_FIRST)),
                   second=_names(env.get("AUTH_SECOND_FACTORS", DEFAULT_SECOND)),
                   step_up_after=frozenset(_names(env.get("AUTH_STEP_UP_AFTER", ""))))

    def allows_first(self, method: str) -> bool:
        return method in self.first

    def allows_second(self, first: str | None, method: str) -> bool:
        """``method`` after ``first`` (None: the step-up of a signed-in user). Never the same factor twice."""
        return method in self.second and method != first

    def requires_second(self, first: str) -> bool:
        return first in self.step_up_after


NO_METHODS: Final = Policy(first=(), second=(), step_up_after=frozenset())


def _restricted(pool: tuple[str, ...], override: object) -> tuple[str, ...] | None:
    if override is None:
        return pool
    if not isinstance(override, list) or not all(isinstance(m, str) for m in override):
        return None
    wanted = {m.upper() for m in override}
    return tuple(m for m in pool if m in wanted)


def for_user(attributes: Mapping[str, str], pool: Policy | None = None) -> Policy:
    """The pool's policy tightened by the user's ``custom:auth_policy`` attribute (if any)."""
    pool = pool or Policy.pool_default()
    raw = attributes.get(POLICY_ATTRIBUTE)
    if not raw:
        return pool
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
    return Policy(first=first, second=second, step_up_after=pool.step_up_after | frozenset(extra))


def offered(names: Iterable[str], available: Iterable[str]) -> tuple[str, ...]:
    """``names`` in policy order, keeping those in ``available``."""
    keep = set(available)
    return tuple(n for n in names if n in keep)

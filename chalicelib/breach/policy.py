"""The compromised-credentials policy of a user pool, shaped like Cognito's
CompromisedCredentialsRiskConfiguration
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompromisedCredentialsRiskConfigurationType.html)
plus a minimum breach count::

    {"EventFilter": ["SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP"],
     "Actions": {"EventAction": "BLOCK"},
     "MinimumBreachCount": 1}

EventFilter defaults to every event, as Cognito's does; a password reset (ConfirmForgotPassword) counts as
PASSWORD_CHANGE. With no policy stored for a pool the default applies: every event, BLOCK, count >= 1 (the
Cognito console's default for compromised credentials). The policy lives in the breach table
(``#policy/<pool id>``) and is cached per process for :data:`CACHE_SECONDS`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from chalicelib.breach import store
from chalicelib.models.breach_range import BreachRange

SIGN_IN: Final = "SIGN_IN"
PASSWORD_CHANGE: Final = "PASSWORD_CHANGE"
SIGN_UP: Final = "SIGN_UP"
EVENTS: Final = (SIGN_IN, PASSWORD_CHANGE, SIGN_UP)
BLOCK: Final = "BLOCK"
NO_ACTION: Final = "NO_ACTION"
ACTIONS: Final = (BLOCK, NO_ACTION)
MAX_MINIMUM_COUNT: Final = 2**32 - 1
CACHE_SECONDS: Final = 30.0


class PolicyError(ValueError):
    """A policy document that does not have the shape above."""


@dataclass(frozen=True)
class CompromisedCredentialsPolicy:
    events: frozenset[str] = frozenset(EVENTS)
    action: str = BLOCK
    minimum_count: int = 1

    @classmethod
    def from_config(cls, config: Any) -> CompromisedCredentialsPolicy:
        if not isinstance(config, Mapping):
            raise PolicyError("the policy must be an object")
        unknown = set(config) - {"EventFilter", "Actions", "MinimumBreachCount"}
        if unknown:
            raise PolicyError(f"unknown member(s): {', '.join(sorted(unknown))}")
        events = config.get("EventFilter", list(EVENTS))
        if not isinstance(events, list) or not all(isinstance(e, str) and e in EVENTS for e in events):
            raise PolicyError(f"EventFilter must be a list of {', '.join(EVENTS)}")
        actions = config.get("Actions")
        if not isinstance(actions, Mapping) or set(actions) != {"EventAction"} \
                or actions.get("EventAction") not in ACTIONS:
            raise PolicyError("Actions must be {\"EventAction\": \"BLOCK\" | \"NO_ACTION\"}")
        minimum = config.get("MinimumBreachCount", 1)
        if isinstance(minimum, bool) or not isinstance(minimum, int) or not 1 <= minimum <= MAX_MINIMUM_COUNT:
            raise PolicyError(f"MinimumBreachCount must be an integer from 1 to {MAX_MINIMUM_COUNT}")
        return cls(events=frozenset(events), action=actions["EventAction"], minimum_count=minimum)

    def to_config(self) -> dict[str, Any]:
        return {"EventFilter": [e for e in EVENTS if e in self.events], "Actions": {"EventAction": self.action},
                "MinimumBreachCount": self.minimum_count}

    def watches(self, event: str) -> bool:
        """Whether a check is worth running at ``event`` (NO_ACTION never refuses anything)."""
        return self.action == BLOCK and event in self.events

    def blocks(self, event: str, count: int) -> bool:
        return self.watches(event) and count >= self.minimum_count


DEFAULT: Final = CompromisedCredentialsPolicy()

_cache: dict[str, tuple[float, CompromisedCredentialsPolicy]] = {}
_lock = threading.Lock()


def _key(pool_id: str) -> str:
    return f"#policy/{pool_id}"


def for_pool(pool_id: str) -> CompromisedCredentialsPolicy:
    """The pool's policy (cached); raises :class:`chalicelib.breach.store.BreachStoreError` if unreadable."""
    now = time.monotonic()
    cached = _cache.get(pool_id)
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    item = store.get_control(_key(pool_id))
    policy = DEFAULT
    if item is not None and item.policy is not None:
        try:
            policy = CompromisedCredentialsPolicy.from_config(item.policy)
        except PolicyError:
            policy = DEFAULT  # a damaged item must not weaken the check
    with _lock:
        _cache[pool_id] = (now, policy)
    return policy


def put(pool_id: str, policy: CompromisedCredentialsPolicy) -> None:
    store.put_control(BreachRange(_key(pool_id), policy=policy.to_config(), set_at=int(time.time())))
    clear_cache()


def stored(pool_id: str) -> CompromisedCredentialsPolicy | None:
    item = store.get_control(_key(pool_id))
    if item is None or item.policy is None:
        return None
    return CompromisedCredentialsPolicy.from_config(item.policy)


def delete(pool_id: str) -> None:
    store.delete_control(_key(pool_id))
    clear_cache()


def clear_cache() -> None:
    with _lock:
        _cache.clear()

"""The challenge plug-in protocol: what a sign-in method implements, and what the framework does for it.

A plug-in is one module under ``chalicelib/auth/challenges/`` with one class, registered by name in
``chalicelib/auth/challenges/__init__.py`` (``REGISTRY``). It implements three things::

    class TotpChallenge(Challenge):
        NAME = "TOTP"                                   # SCREAMING_SNAKE; also the method clients choose

        def available(self, attributes) -> bool: ...    # may this (existing) user use it at all? no I/O
        def create(self, request: CreateRequest) -> Created: ...   # public/private parameters of one round
        def verify(self, request: VerifyRequest) -> bool: ...      # is request.answer right?

and, if ``verify`` reads one item of its own table, ``record_key(user, answer, private)`` naming it: the
framework then reads it with the user's state in one request and hands it over as ``request.record`` (None
when there is no such item).

What the FRAMEWORK does, so a plug-in must not (chalicelib/auth/challenges/engine.py, chalicelib/auth/flow.py):

- choosing the method (the selection round, the per-pool and per-user policy of chalicelib/auth/policy.py);
- at most 3 wrong answers per sign-in, then failAuthentication (DefineAuthChallenge);
- the per-user failure counter and its temporary lock: Verify reads the user's :class:`StateView` once
  (``request.state``), refuses every answer while the user is locked without calling the plug-in, counts
  each wrong answer (whatever the method; a new code or a new sign-in does not reset it), and clears the
  count after a right one;
- bad input: ``request.answer`` is a ``str`` of at most :data:`MAX_ANSWER_CHARS` printable characters
  (anything else is a wrong answer before a plug-in sees it);
- unknown users: ``request.user.not_found`` is True when Cognito says ``userNotFound``. ``create`` must then
  return parameters of the same keys and plausible values, and do the same storage work as for a real
  user, so that nothing tells the two apart; the framework answers False for them whatever ``verify`` says
  (``verify`` is still called, to keep the timing alike);
- the round bookkeeping: ``request.key`` identifies this sign-in's run of the method (the same in every
  round and in a retried CreateAuthChallenge; different for every sign-in); the framework adds
  ``challenge`` (= NAME) to the public and private parameters and ``key`` to the private ones.

What a PLUG-IN must do:

- secrets: never return a secret in ``public``; ``private`` reaches only VerifyAuthChallengeResponse, but
  keep secrets out of it too: store a salted hash (:func:`chalicelib.auth.challenges.crypto.hash_secret`) or
  keep the secret encrypted, and compare with :func:`hmac.compare_digest`;
- single use: consume what an answer proves with a conditional write, so that concurrent right answers
  give one success (:mod:`chalicelib.auth.challenges.delivered` does it for delivered codes and links);
- idempotence: Cognito may invoke CreateAuthChallenge again for the same round (timeouts); key any side
  effect (a message, a stored challenge) on ``request.key`` so that a retry repeats none of it;
- time only from ``request.services.clock()``; clients only through ``request.services``; heavy imports
  (webauthn, qrcode) inside the functions that need them: a trigger has 5 s, cold start included;
- logs: never log an answer, a code, a link, a token, a hash or a salt; log the method and the outcome.

Failure to the user: raise :class:`UserFacingError` (its message reaches the client as Cognito's
``UserLambdaValidationException "CreateAuthChallenge failed with error <message>."``); any other exception
becomes a generic "Internal Server Error" after being logged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Final, Protocol

if TYPE_CHECKING:
    from chalicelib.auth.challenges.settings import ChallengeSettings
    from chalicelib.models.base import RecordKey

MAX_ANSWER_CHARS: Final = 4096


class UserFacingError(Exception):
    """A refusal whose message may be shown to the user (throttled, locked); nothing internal in it."""


@dataclass(frozen=True)
class User:
    """Who signs in, as the trigger event says. ``attributes`` is empty when ``not_found``."""

    pool_id: str
    client_id: str
    username: str
    attributes: Mapping[str, str]
    not_found: bool


@dataclass(frozen=True)
class StateView:
    """The user's row of the challenge table (chalicelib.models.challenge.ChallengeState), read-only."""

    user_key: str
    challenge_key: str | None = None
    method: str | None = None
    secret_hash: str | None = None
    secret_salt: str | None = None
    sent_at: float | None = None
    expires_at: float | None = None
    failures: int = 0
    locked_until: float | None = None

    def locked(self, now: float) -> bool:
        return self.locked_until is not None and self.locked_until > now


class Store(Protocol):
    """The challenge table (chalicelib.auth.challenges.store.DynamoStore)."""

    def user_key(self, pool_id: str, username: str) -> str: ...
    def get(self, user_key: str) -> StateView | None: ...
    def issue(self, user_key: str, *, key: str, method: str, secret_hash: str, salt: str, now: float,
              expires_at: float, min_interval: float) -> IssueOutcome: ...
    def consume(self, user_key: str, *, key: str, secret_hash: str, now: float, sent_at: float | None) -> bool: ...
    def record_failure(self, user_key: str, *, failures_before: int, now: float) -> None: ...
    def clear_failures(self, user_key: str, *, now: float) -> None: ...
    def get_with(self, user_key: str, other: RecordKey | None) -> tuple[StateView | None, Any]: ...


@dataclass(frozen=True)
class IssueOutcome:
    """What :meth:`Store.issue` did: ``issued`` (deliver it), ``retry`` (this sign-in's secret is already
    live: deliver nothing), ``throttled`` (another secret was sent less than min_interval ago) or ``locked``."""

    status: str
    retry_after: float = 0


class Sender(Protocol):
    """Message delivery (chalicelib.messaging.Messenger; only CreateAuthChallenge gets a real one)."""

    def email(self, to: str, subject: str, body: str) -> None: ...
    def text(self, to: str, body: str) -> None: ...


class NoSender:
    """The sender of the triggers that send nothing (VerifyAuthChallengeResponse): any use is a bug."""

    def email(self, to: str, subject: str, body: str) -> None:
        raise RuntimeError("this trigger sends no message")

    def text(self, to: str, body: str) -> None:
        raise RuntimeError("this trigger sends no message")


@dataclass
class Services:
    """What plug-ins may use; the triggers build it, tests give fakes or moto-backed ones."""

    store: Store
    sender: Sender
    settings: ChallengeSettings
    clock: Callable[[], float]


@dataclass(frozen=True)
class CreateRequest:
    user: User
    key: str
    first_round: bool
    step_up: bool
    client_metadata: Mapping[str, str]
    services: Services


@dataclass(frozen=True)
class Created:
    """``public``: returned to the client as ChallengeParameters (no secrets). ``private``: passed to Verify."""

    public: dict[str, str]
    private: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class VerifyRequest:
    user: User
    key: str
    private: Mapping[str, str]
    answer: str
    client_metadata: Mapping[str, str]
    services: Services
    state: StateView | None
    # The item the plug-in's record_key named, read with the state (None: no such item, or none named).
    record: Any = None


class Challenge:
    """Base class of the plug-ins (see the module docstring)."""

    NAME: ClassVar[str] = ""
    # False for a factor Cognito runs itself (PASSWORD: SRP_A, PASSWORD_VERIFIER): it is never chosen in a
    # selection round, and create/verify are never called.
    CUSTOM: ClassVar[bool] = True
    # True if a successful verify already reset the user's failure counter in its own conditional write
    # (delivered.check does); otherwise the framework resets it with one more write when it is not zero.
    CLEARS_FAILURES: ClassVar[bool] = False

    def available(self, attributes: Mapping[str, str]) -> bool:
        return True

    def record_key(self, user: User, answer: str, private: Mapping[str, str]) -> RecordKey | None:
        """The item ``verify`` will need for this answer, read with the user's state (see the module docstring)."""
        return None

    def create(self, request: CreateRequest) -> Created:
        raise NotImplementedError

    def verify(self, request: VerifyRequest) -> bool:
        raise NotImplementedError

"""What the methods that deliver a secret (EMAIL_OTP, SMS_OTP, MAGIC_LINK) share: issuing it under the store's
rules, delivering it once, and checking an answer against it.

:func:`issue` stores the salted hash (never the secret), then delivers; a retried CreateAuthChallenge of the
same round delivers nothing (the store says ``retry``); a user who was sent a secret less than a minute ago
or who is locked gets a :class:`UserFacingError`. For an unknown user (or a user with nowhere to deliver) it
does the same storage work and, instead of sending, waits about as long as a send takes (a moving average),
so neither the answer nor its timing tells the two apart.

:func:`check` hashes the answer with the stored salt, compares in constant time, and consumes the secret with
a conditional write: a secret answers one sign-in once.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import ClassVar, Final

from chalicelib.auth.challenges import crypto
from chalicelib.auth.challenges.base import Challenge, Created, CreateRequest, UserFacingError, VerifyRequest

TOO_SOON: Final = "A code or link was sent less than a minute ago. Please wait before asking for another."
LOCKED: Final = "Too many wrong answers. Please try again later."
MAX_DECOY_WAIT: Final = 0.3
CODE_PATTERN: Final = re.compile(r"[0-9]{6}")


class _SendTime:
    """A moving average of how long a real delivery takes, for the decoy of an unknown user."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.average = 0.0

    def observe(self, seconds: float) -> None:
        with self._lock:
            self.average = seconds if not self.average else 0.8 * self.average + 0.2 * seconds


SEND_TIME = _SendTime()


def issue(request: CreateRequest, *, method: str, secret: str, ttl: int,
          deliver: Callable[[], None] | None) -> None:
    """Store ``secret``'s hash as the user's live secret for this sign-in and deliver it (``deliver`` None:
    nothing to deliver to, e.g. an unknown user)."""
    services, now = request.services, request.services.clock()
    store = services.store
    salt = crypto.new_salt()
    outcome = store.issue(store.user_key(request.user.pool_id, request.user.username), key=request.key,
                          method=method, secret_hash=crypto.hash_secret(services.settings.signing_key, salt, secret),
                          salt=salt, now=now, expires_at=now + ttl,
                          min_interval=services.settings.resend_interval)
    if outcome.status == "throttled":
        raise UserFacingError(TOO_SOON)
    if outcome.status == "locked":
        raise UserFacingError(LOCKED)
    if outcome.status != "issued":
        return
    if deliver is None:
        time.sleep(min(SEND_TIME.average, MAX_DECOY_WAIT))
        return
    started = time.perf_counter()
    deliver()
    SEND_TIME.observe(time.perf_counter() - started)


def check(request: VerifyRequest, *, method: str, secret: str, key: str | None = None) -> bool:
    """Is ``secret`` this sign-in's live, unexpired, unused secret of ``method``? Consumes it if so."""
    services, state = request.services, request.state
    now = services.clock()
    key = key or request.key
    salt = state.secret_salt if state and state.secret_salt else "0" * 32
    candidate = crypto.hash_secret(services.settings.signing_key, salt, secret)
    stored = state.secret_hash if state and state.secret_hash else ""
    matches = crypto.same(candidate, stored)  # always computed: the same work whatever failed before
    live = (state is not None and state.challenge_key == key and state.method == method
            and (state.expires_at or 0) > now)
    if not (matches and live and state is not None):
        return False
    return services.store.consume(state.user_key, key=key, secret_hash=stored, now=now, sent_at=state.sent_at)


# ---------------------------------------------------------------- a code sent to an attribute


class CodeChallenge(Challenge):
    """A 6-digit code sent to a verified attribute. Subclasses set NAME, MEDIUM, ATTRIBUTE and :meth:`send`."""

    MEDIUM: ClassVar[str] = ""
    ATTRIBUTE: ClassVar[str] = ""
    CLEARS_FAILURES = True

    def available(self, attributes: Mapping[str, str]) -> bool:
        return bool(attributes.get(self.ATTRIBUTE)) and attributes.get(f"{self.ATTRIBUTE}_verified") == "true"

    def mask(self, value: str) -> str:
        raise NotImplementedError

    def send(self, request: CreateRequest, to: str, code: str) -> None:
        raise NotImplementedError

    def create(self, request: CreateRequest) -> Created:
        user, settings = request.user, request.services.settings
        destination = None if user.not_found else user.attributes.get(self.ATTRIBUTE)
        if not user.not_found and not self.available(user.attributes):
            destination = None
        shown = (self.mask(destination) if destination else
                 crypto.fake_destination(settings.signing_key, user.pool_id, user.username, self.MEDIUM))
        if request.first_round:
            code = crypto.new_code()
            deliver = (lambda: self.send(request, destination, code)) if destination else None
            issue(request, method=self.NAME, secret=code, ttl=settings.code_ttl, deliver=deliver)
        return Created(public={"destination": shown, "deliveryMedium": self.MEDIUM})

    def verify(self, request: VerifyRequest) -> bool:
        answer = request.answer.strip()
        if not CODE_PATTERN.fullmatch(answer):
            answer = ""  # still checked, so a malformed answer costs what a wrong one does
        return check(request, method=self.NAME, secret=answer) and bool(answer)

"""The time a trigger may spend on network calls inside Cognito's 5-second limit.

Cognito waits 5 s for a trigger, then retries or answers UnexpectedLambdaException with no usable message
(https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html).
A trigger that must deny should deny with its own clean message well before that, so each network step runs
only if its worst case still fits in what remains of :data:`TRIGGER_BUDGET_SECONDS`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Final

# Of Cognito's 5 s: the rest is left for Lambda's own overhead and the answer's way back.
TRIGGER_BUDGET_SECONDS: Final = 4.0
# botocore's standard retry mode waits random() * 2 ** (attempt - 1) s before a retry: under 1 s before the 2nd.
FIRST_BACKOFF_SECONDS: Final = 1.0


def worst_case(connect_timeout: float, read_timeout: float, attempts: int) -> float:
    """The longest a call can take with these botocore settings before it gives up."""
    return attempts * (connect_timeout + read_timeout) + (attempts - 1) * FIRST_BACKOFF_SECONDS


def model_worst_case(model: Any) -> float:
    """:func:`worst_case` for a pynamodb model's Meta (max_retry_attempts counts retries, not attempts)."""
    meta = model.Meta
    return worst_case(meta.connect_timeout_seconds, meta.read_timeout_seconds, meta.max_retry_attempts + 1)


@dataclass
class Budget:
    """What is left of one invocation's time."""

    total: float = TRIGGER_BUDGET_SECONDS
    started: float = field(default_factory=time.monotonic)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self) -> float:
        return self.total - self.elapsed()

    def allows(self, seconds: float) -> bool:
        return self.remaining() >= seconds

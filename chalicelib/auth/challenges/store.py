"""Every read and write of the challenge table (chalicelib.models.challenge.ChallengeState), each one request.

The rules live in the conditions, so they hold under concurrency and Cognito's retries:

- :meth:`DynamoStore.issue` (CreateAuthChallenge) replaces the user's live secret only if no secret was sent
  in the last ``min_interval`` seconds and the user is not locked: one live code or link per user, 60 s
  between sends. On refusal one more read tells which rule refused, and whether the live secret is already
  this sign-in's (Cognito retrying the invocation: nothing is sent again, one message per round).
- :meth:`DynamoStore.consume` (VerifyAuthChallengeResponse) removes the secret's hash only if it is still
  there (the hash is unique to one issue, thanks to its random salt) and not expired: of 50 concurrent right
  answers, one wins.
- the failure counter is an atomic ADD; it is cleared by a success, never by a new secret.

A completed sign-in with a delivered secret costs one write in Create, one read and one write in Verify.
"""

from __future__ import annotations

import datetime
from typing import Any

from chalicelib.auth.challenges import crypto
from chalicelib.auth.challenges.base import IssueOutcome, StateView
from chalicelib.auth.challenges.settings import ChallengeSettings
from chalicelib.models.base import update_item

KEEP_SECONDS = 86400


def _ttl(now: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(now + KEEP_SECONDS, tz=datetime.UTC)


def _conditional_failure(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


class DynamoStore:
    def __init__(self, settings: ChallengeSettings) -> None:
        self._settings = settings

    @staticmethod
    def _model() -> Any:
        from chalicelib.models.challenge import ChallengeState

        return ChallengeState

    def user_key(self, pool_id: str, username: str) -> str:
        return crypto.user_key(self._settings.signing_key, pool_id, username)

    def get(self, user_key: str) -> StateView | None:
        model = self._model()
        try:
            item = model.get(user_key, consistent_read=True)
        except model.DoesNotExist:
            return None
        return StateView(user_key=user_key, challenge_key=item.challenge_key, method=item.method,
                         secret_hash=item.secret_hash, secret_salt=item.secret_salt, sent_at=item.sent_at,
                         expires_at=item.expires_at, consumed_at=item.consumed_at, failures=int(item.failures or 0),
                         locked_until=item.locked_until)

    def issue(self, user_key: str, *, key: str, method: str, secret_hash: str, salt: str, now: float,
              expires_at: float, min_interval: float) -> IssueOutcome:
        from pynamodb.exceptions import UpdateError

        model = self._model()
        # A retry of this round comes within seconds, so the interval refuses it too; the read below tells.
        condition = ((model.sent_at.does_not_exist() | (model.sent_at <= now - min_interval))
                     & (model.locked_until.does_not_exist() | (model.locked_until <= now)))
        actions = [model.challenge_key.set(key), model.method.set(method), model.secret_hash.set(secret_hash),
                   model.secret_salt.set(salt), model.sent_at.set(now), model.expires_at.set(expires_at),
                   model.consumed_at.remove(), model.ttl.set(_ttl(now))]
        try:
            update_item(model, user_key, actions, condition)
            return IssueOutcome("issued")
        except UpdateError as err:
            if not _conditional_failure(err):
                raise
        state = self.get(user_key)
        if state is None:  # deleted in between (TTL): nothing live any more, but do not loop
            return IssueOutcome("throttled", min_interval)
        if state.challenge_key == key:
            return IssueOutcome("retry")
        if state.locked(now):
            return IssueOutcome("locked", (state.locked_until or now) - now)
        return IssueOutcome("throttled", max((state.sent_at or now) + min_interval - now, 1))

    def consume(self, user_key: str, *, key: str, secret_hash: str, now: float) -> bool:
        from pynamodb.exceptions import UpdateError

        model = self._model()
        # The hash is unique to one issue (random salt) and removed on use: it stands for the key and "unused".
        condition = (model.secret_hash == secret_hash) & (model.expires_at > now)
        actions = [model.consumed_at.set(now), model.secret_hash.remove(), model.secret_salt.remove(),
                   model.failures.set(0), model.locked_until.remove(), model.ttl.set(_ttl(now))]
        try:
            update_item(model, user_key, actions, condition)
        except UpdateError as err:
            if _conditional_failure(err):
                return False
            raise
        return True

    def record_failure(self, user_key: str, *, failures_before: int, now: float) -> None:
        model = self._model()
        actions = [model.failures.add(1), model.ttl.set(_ttl(now))]
        lock = self._settings.lock_duration(failures_before + 1)
        if lock:
            actions.append(model.locked_until.set(now + lock))
        update_item(model, user_key, actions)

    def clear_failures(self, user_key: str, *, now: float) -> None:
        model = self._model()
        update_item(model, user_key, [model.failures.set(0), model.locked_until.remove(), model.ttl.set(_ttl(now))])

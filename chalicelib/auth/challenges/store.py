"""Every read and write of the challenge table (chalicelib.models.challenge.ChallengeState), each one request.

The rules live in the conditions, so they hold under concurrency and Cognito's retries:

- :meth:`DynamoStore.issue` (CreateAuthChallenge) replaces the user's live secret only if no secret was sent
  in the last ``min_interval`` seconds and the user is not locked: one live code or link per user, 60 s
  between sends. The usual case, a user with no wrong answer on record, is one conditional ``PutItem`` that
  also requires the item to hold no failure counter; a user with one is refused by it, and gets the
  counter-preserving ``UpdateItem`` after one read. That read also tells which rule refused, and whether the
  live secret is already this sign-in's (Cognito retrying the invocation: nothing is sent again).
- :meth:`DynamoStore.consume` (VerifyAuthChallengeResponse) replaces the item only if it still holds the
  secret's hash (unique to one issue, thanks to its random salt) and the secret has not expired: of 50
  concurrent right answers, one wins. The new item keeps the send time (60 s between sends holds across
  sign-ins) and nothing else: the secret is gone, and the failure counter and any lock are cleared, as a
  success must.
- the failure counter is an atomic ADD; it is cleared by a success, never by a new secret.

A completed sign-in with a delivered secret costs one write in Create, one read and one write in Verify.
Two ``PutItem``s rather than ``UpdateItem``s on that path: the same write units on DynamoDB, and
on moto (the local stack and the tests) 2 to 4 ms a call against 6 to 12 ms (docs/benchmarks-custom-auth.md).
"""

from __future__ import annotations

import datetime
from typing import Any

from chalicelib.auth.challenges import crypto
from chalicelib.auth.challenges.base import IssueOutcome, StateView
from chalicelib.auth.challenges.settings import ChallengeSettings
from chalicelib.models.base import RecordKey, get_many, update_item

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
            return self._view(user_key, model.get(user_key, consistent_read=True))
        except model.DoesNotExist:
            return None

    def get_with(self, user_key: str, other: RecordKey | None) -> tuple[StateView | None, Any]:
        """The user's state and another item (a plug-in's, :meth:`Challenge.record_key`; None: none) in one
        request."""
        if other is None:
            return self.get(user_key), None
        state, record = get_many([(self._model(), user_key, None), other])
        return (self._view(user_key, state) if state is not None else None), record

    @staticmethod
    def _view(user_key: str, item: Any) -> StateView:
        return StateView(user_key=user_key, challenge_key=item.challenge_key, method=item.method,
                         secret_hash=item.secret_hash, secret_salt=item.secret_salt, sent_at=item.sent_at,
                         expires_at=item.expires_at, failures=int(item.failures or 0),
                         locked_until=item.locked_until)

    def issue(self, user_key: str, *, key: str, method: str, secret_hash: str, salt: str, now: float,
              expires_at: float, min_interval: float) -> IssueOutcome:
        from pynamodb.exceptions import PutError, UpdateError

        model = self._model()
        # A retry of this round comes within seconds, so the interval refuses it too; the read below tells.
        interval = model.sent_at.does_not_exist() | (model.sent_at <= now - min_interval)
        fields = {"challenge_key": key, "method": method, "secret_hash": secret_hash, "secret_salt": salt,
                  "sent_at": now, "expires_at": expires_at, "ttl": _ttl(now)}
        try:
            model(user_key, **fields).save(condition=interval & model.failures.does_not_exist())
            return IssueOutcome("issued")
        except PutError as err:
            if not _conditional_failure(err):
                raise
        state = self.get(user_key)
        if state is not None and state.challenge_key == key:
            return IssueOutcome("retry")
        if state is not None and state.locked(now):
            return IssueOutcome("locked", (state.locked_until or now) - now)
        if state is not None and state.sent_at is not None and state.sent_at > now - min_interval:
            return IssueOutcome("throttled", max(state.sent_at + min_interval - now, 1))
        # Refused for the failure counter only (or the item changed in between): keep the counter.
        not_locked = model.locked_until.does_not_exist() | (model.locked_until <= now)
        try:
            update_item(model, user_key, [getattr(model, name).set(value) for name, value in fields.items()],
                        interval & not_locked)
            return IssueOutcome("issued")
        except UpdateError as err:
            if not _conditional_failure(err):
                raise
        return IssueOutcome("throttled", min_interval)  # a concurrent send won: do not loop

    def consume(self, user_key: str, *, key: str, secret_hash: str, now: float, sent_at: float | None) -> bool:
        from pynamodb.exceptions import PutError

        model = self._model()
        # The hash is unique to one issue (random salt): it stands for the key and "unused". What replaces the
        # item keeps only the send time of that issue (the interval between sends outlives the sign-in).
        condition = (model.secret_hash == secret_hash) & (model.expires_at > now)
        try:
            model(user_key, sent_at=sent_at, ttl=_ttl(now)).save(condition=condition)
        except PutError as err:
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
        update_item(model, user_key, [model.failures.remove(), model.locked_until.remove(), model.ttl.set(_ttl(now))])

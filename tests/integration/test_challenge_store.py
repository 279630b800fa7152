"""chalicelib.auth.challenges.store on moto DynamoDB: the conditional writes that enforce one live secret per
user, 60 s between sends, idempotent sends, single use under concurrency, and the failure counter."""

from __future__ import annotations

import concurrent.futures
import secrets
import threading
from typing import Any

import boto3
import pytest

from chalicelib.models.challenge import ChallengeState
from tests.integration.test_challenge_helpers import Harness


@pytest.fixture()
def harness(stack) -> Harness:
    return Harness()


@pytest.fixture()
def atomic_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB applies a conditional write atomically per item; moto evaluates the condition and applies the
    update in two steps that threads can interleave. Give moto's backend (the stack's, in this process) the
    guarantee DynamoDB makes, so the test judges the store's conditions, not moto's thread safety."""
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.Lock()
    for name in ("put_item", "update_item", "delete_item"):
        original = getattr(DynamoDBBackend, name)

        def atomic(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return __original(self, *args, **kwargs)

        monkeypatch.setattr(DynamoDBBackend, name, atomic)


def issue(harness: Harness, user_key: str, key: str, secret_hash: str = "h1") -> str:
    return harness.store.issue(user_key, key=key, method="EMAIL_OTP", secret_hash=secret_hash, salt="s",
                               now=harness.now, expires_at=harness.now + 600, min_interval=60).status


def test_a_second_send_within_60_seconds_is_throttled_and_after_it_replaces_the_live_secret(harness):
    user = secrets.token_hex(8)
    assert issue(harness, user, "sign-in-1", "h1") == "issued"
    harness.advance(59)
    assert issue(harness, user, "sign-in-2", "h2") == "throttled"
    harness.advance(1)
    assert issue(harness, user, "sign-in-2", "h2") == "issued"
    state = harness.store.get(user)
    assert (state.challenge_key, state.secret_hash) == ("sign-in-2", "h2")
    assert not harness.store.consume(user, key="sign-in-1", secret_hash="h1", now=harness.now)


def test_issuing_again_for_the_same_sign_in_is_a_retry_that_keeps_the_first_secret(harness):
    user = secrets.token_hex(8)
    assert issue(harness, user, "sign-in-1", "h1") == "issued"
    assert issue(harness, user, "sign-in-1", "h-other") == "retry"
    assert harness.store.get(user).secret_hash == "h1"


def test_a_locked_user_gets_no_new_secret(harness):
    user = secrets.token_hex(8)
    for failures in range(harness.settings.lock_after):
        harness.store.record_failure(user, failures_before=failures, now=harness.now)
    assert issue(harness, user, "sign-in-9") == "locked"
    harness.advance(harness.settings.lock_seconds)
    assert issue(harness, user, "sign-in-9") == "issued"


def concurrent_consumes(harness: Harness, user: str, consume: Any) -> list[bool]:
    barrier = threading.Barrier(50)

    def one(_: int) -> bool:
        barrier.wait()
        return consume(user, key="sign-in-1", secret_hash="h1", now=harness.now)

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        return list(pool.map(one, range(50)))


def test_fifty_concurrent_right_answers_consume_the_secret_once(harness, atomic_moto):
    for _ in range(5):
        user = secrets.token_hex(8)
        assert issue(harness, user, "sign-in-1") == "issued"
        assert concurrent_consumes(harness, user, harness.store.consume).count(True) == 1
        assert harness.store.get(user).consumed_at == harness.now


def test_without_its_condition_the_same_race_lets_every_answer_through(harness, atomic_moto):
    from chalicelib.models.challenge import ChallengeState as Model

    def unconditional(user_key: str, **_: Any) -> bool:
        Model(user_key).update(actions=[Model.consumed_at.set(harness.now), Model.secret_hash.remove()])
        return True

    user = secrets.token_hex(8)
    issue(harness, user, "sign-in-1")
    assert concurrent_consumes(harness, user, unconditional).count(True) == 50


def test_an_expired_or_replaced_secret_cannot_be_consumed(harness):
    user = secrets.token_hex(8)
    issue(harness, user, "sign-in-1")
    assert not harness.store.consume(user, key="sign-in-1", secret_hash="other", now=harness.now)
    assert not harness.store.consume(user, key="sign-in-1", secret_hash="h1", now=harness.now + 600)
    assert harness.store.consume(user, key="sign-in-1", secret_hash="h1", now=harness.now + 599)


def test_failures_add_up_lock_with_a_growing_delay_and_a_success_clears_them(harness):
    user = secrets.token_hex(8)
    issue(harness, user, "sign-in-1")
    for failures in range(4):
        harness.store.record_failure(user, failures_before=failures, now=harness.now)
    assert (harness.store.get(user).failures, harness.store.get(user).locked_until) == (4, None)
    harness.store.record_failure(user, failures_before=4, now=harness.now)
    assert harness.store.get(user).locked_until == harness.now + 60
    harness.store.record_failure(user, failures_before=5, now=harness.now)
    assert harness.store.get(user).locked_until == harness.now + 120
    assert harness.store.consume(user, key="sign-in-1", secret_hash="h1", now=harness.now)
    state = harness.store.get(user)
    assert (state.failures, state.locked_until) == (0, None)


def test_the_table_holds_no_username_and_expires_items(harness):
    harness.store.record_failure(harness.store.user_key("pool", "alice@example.com"), failures_before=0,
                                 now=harness.now)
    table = boto3.resource("dynamodb", region_name="us-east-1").Table(ChallengeState.Meta.table_name)
    items = table.scan()["Items"]
    assert not any("alice" in str(item) for item in items)
    item = table.get_item(Key={"user_key": harness.store.user_key("pool", "alice@example.com")})["Item"]
    assert int(item["ttl"]) == int(harness.now) + 86400

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
    assert not harness.store.consume(user, key="sign-in-1", secret_hash="h1", now=harness.now, sent_at=harness.now)


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
        return consume(user, key="sign-in-1", secret_hash="h1", now=harness.now, sent_at=harness.now)

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        return list(pool.map(one, range(50)))


def test_fifty_concurrent_right_answers_consume_the_secret_once(harness, atomic_moto):
    for _ in range(5):
        user = secrets.token_hex(8)
        assert issue(harness, user, "sign-in-1") == "issued"
        assert concurrent_consumes(harness, user, harness.store.consume).count(True) == 1
        state = harness.store.get(user)  # consumed: nothing of it is left to answer with
        assert (state.secret_hash, state.secret_salt, state.challenge_key, state.sent_at) == (
            None, None, None, harness.now)


def test_without_its_condition_the_same_race_lets_several_answers_through(harness, atomic_moto):
    """The race the condition closes is real: a consume that checks the secret by reading it, then writes
    without a condition, lets more than one of 50 concurrent right answers through."""
    from chalicelib.models.challenge import ChallengeState as Model

    def read_then_write(user_key: str, *, secret_hash: str, **_: Any) -> bool:
        state = harness.store.get(user_key)
        if state is None or state.secret_hash != secret_hash:
            return False
        Model(user_key, sent_at=harness.now).save()
        return True

    user = secrets.token_hex(8)
    issue(harness, user, "sign-in-1")
    assert concurrent_consumes(harness, user, read_then_write).count(True) > 1


def test_an_expired_or_replaced_secret_cannot_be_consumed(harness):
    user = secrets.token_hex(8)
    issue(harness, user, "sign-in-1")
    sent = harness.now
    assert not harness.store.consume(user, key="sign-in-1", secret_hash="other", now=sent, sent_at=sent)
    assert not harness.store.consume(user, key="sign-in-1", secret_hash="h1", now=sent + 600, sent_at=sent)
    assert harness.store.consume(user, key="sign-in-1", secret_hash="h1", now=sent + 599, sent_at=sent)


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
    assert harness.store.consume(user, key="sign-in-1", secret_hash="h1", now=harness.now, sent_at=harness.now)
    state = harness.store.get(user)
    assert (state.failures, state.locked_until, state.sent_at) == (0, None, harness.now)


def test_a_user_with_wrong_answers_on_record_gets_a_new_secret_and_keeps_the_count(harness):
    user = secrets.token_hex(8)
    issue(harness, user, "sign-in-1", "h1")
    for failures in range(2):
        harness.store.record_failure(user, failures_before=failures, now=harness.now)
    harness.advance(60)
    assert issue(harness, user, "sign-in-2", "h2") == "issued"
    state = harness.store.get(user)
    assert (state.challenge_key, state.secret_hash, state.failures) == ("sign-in-2", "h2", 2)
    assert issue(harness, user, "sign-in-2", "h3") == "retry"
    harness.advance(30)
    assert issue(harness, user, "sign-in-3", "h3") == "throttled"
    assert not harness.store.consume(user, key="sign-in-1", secret_hash="h1", now=harness.now, sent_at=harness.now)
    assert harness.store.consume(user, key="sign-in-2", secret_hash="h2", now=harness.now, sent_at=harness.now)


def test_a_cleared_counter_leaves_no_attribute_so_the_next_send_is_the_single_put(harness):
    user = secrets.token_hex(8)
    harness.store.record_failure(user, failures_before=0, now=harness.now)
    harness.store.clear_failures(user, now=harness.now)
    item = boto3.resource("dynamodb", region_name="us-east-1").Table(ChallengeState.Meta.table_name).get_item(
        Key={"user_key": user})["Item"]
    assert "failures" not in item and "locked_until" not in item
    assert issue(harness, user, "sign-in-1") == "issued"
    assert harness.store.get(user).failures == 0


def test_the_table_holds_no_username_and_expires_items(harness):
    harness.store.record_failure(harness.store.user_key("pool", "alice@example.com"), failures_before=0,
                                 now=harness.now)
    table = boto3.resource("dynamodb", region_name="us-east-1").Table(ChallengeState.Meta.table_name)
    items = table.scan()["Items"]
    assert not any("alice" in str(item) for item in items)
    item = table.get_item(Key={"user_key": harness.store.user_key("pool", "alice@example.com")})["Item"]
    assert int(item["ttl"]) == int(harness.now) + 86400

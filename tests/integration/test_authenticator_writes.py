"""The authenticators' sign-in writes on the stack's moto DynamoDB: a TOTP code's step and a passkey's use are
one conditional PutItem when nothing changed since the read (chalicelib.models.base.put_if_unchanged), and
fall back to the UpdateItem whose condition decides when something did. Nothing another writer changed in
between is lost, and single use holds under concurrency."""

from __future__ import annotations

import concurrent.futures
import secrets
import threading
from collections.abc import Callable

import pytest

from chalicelib.auth.challenges import passkey, totp
from chalicelib.models.authenticator import PasskeyCredential, TotpSecret
from chalicelib.models.base import get_many, put_if_unchanged

NOW = 1_900_000_000.0


@pytest.fixture()
def owner(stack) -> str:
    return f"us-east-1_Writes/{secrets.token_hex(8)}"


def enrolled_totp(owner: str, last_step: int | None = None) -> TotpSecret:
    TotpSecret(owner, secret=totp.seal(owner, totp.new_secret()), name="phone", created_at=NOW,
               last_step=last_step).save()
    return TotpSecret.get(owner, consistent_read=True)


def registered_passkey(owner: str, sign_count: int = 0) -> PasskeyCredential:
    credential_id = secrets.token_urlsafe(16)
    PasskeyCredential(owner, credential_id, username="alice", user_handle="aGFuZGxl", public_key=b"key",
                      sign_count=sign_count, created_at=NOW, name="laptop", used={}).save()
    return PasskeyCredential.get(owner, credential_id, consistent_read=True)


def race(count: int, attempt: Callable[[int], bool]) -> list[bool]:
    barrier = threading.Barrier(count)

    def one(index: int) -> bool:
        barrier.wait()
        return attempt(index)

    with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


# ---------------------------------------------------------------- put_if_unchanged


def test_an_unchanged_item_is_written_back_with_the_changes(owner):
    item = enrolled_totp(owner)
    assert put_if_unchanged(item, {"last_step": 7}, watched=("secret", "name", "last_step"))
    stored = TotpSecret.get(owner, consistent_read=True)
    assert (stored.last_step, stored.name, stored.secret) == (7, "phone", item.secret)


def test_a_change_to_a_watched_attribute_since_the_read_refuses_the_write(owner):
    item = enrolled_totp(owner)
    TotpSecret(owner).update(actions=[TotpSecret.name.set("renamed")])
    assert not put_if_unchanged(item, {"last_step": 7}, watched=("secret", "name", "last_step"))
    stored = TotpSecret.get(owner, consistent_read=True)
    assert (stored.last_step, stored.name) == (None, "renamed")


def test_an_attribute_that_appeared_since_the_read_refuses_the_write(owner):
    item = enrolled_totp(owner)
    TotpSecret(owner).update(actions=[TotpSecret.last_step.set(3)])
    assert not put_if_unchanged(item, {"last_step": 7}, watched=("secret", "name", "last_step"))
    assert TotpSecret.get(owner, consistent_read=True).last_step == 3


def test_an_item_deleted_since_the_read_is_not_brought_back(owner):
    item = enrolled_totp(owner)
    TotpSecret(owner).delete()
    assert not put_if_unchanged(item, {"last_step": 7}, watched=("secret", "name", "last_step"))
    with pytest.raises(TotpSecret.DoesNotExist):
        TotpSecret.get(owner, consistent_read=True)


# ---------------------------------------------------------------- TOTP: the accepted step


def test_a_totp_step_is_accepted_once_and_an_earlier_one_never(owner):
    item = enrolled_totp(owner, last_step=100)
    assert totp.accept(item, 101, NOW)
    assert not totp.accept(TotpSecret.get(owner, consistent_read=True), 101, NOW)
    assert not totp.accept(item, 101, NOW)  # a stale read of the same step: the fallback's condition refuses
    assert not totp.accept(TotpSecret.get(owner, consistent_read=True), 100, NOW)
    assert TotpSecret.get(owner, consistent_read=True).last_step == 101


def test_a_rename_between_the_read_and_the_accept_is_kept_and_the_code_still_passes(owner):
    item = enrolled_totp(owner, last_step=100)
    totp.rename(owner, "work phone")
    assert totp.accept(item, 101, NOW)
    stored = TotpSecret.get(owner, consistent_read=True)
    assert (stored.name, stored.last_step, stored.last_used_at) == ("work phone", 101, NOW)


def test_a_secret_replaced_between_the_read_and_the_accept_refuses_the_old_secret_s_code(owner):
    item = enrolled_totp(owner, last_step=100)
    TotpSecret(owner).update(actions=[TotpSecret.secret.set(totp.seal(owner, totp.new_secret()))])
    assert not totp.accept(item, 101, NOW)


def test_fifty_concurrent_accepts_of_one_step_give_one_success(owner, atomic_moto):
    item = enrolled_totp(owner, last_step=100)
    assert race(50, lambda _: totp.accept(item, 101, NOW)).count(True) == 1


# ---------------------------------------------------------------- passkeys: the recorded use


def used(owner: str, credential_id: str) -> dict[str, float]:
    return passkey.used_map(PasskeyCredential.get(owner, credential_id, consistent_read=True)) or {}


def test_a_use_records_count_flags_time_and_challenge_and_drops_expired_challenges(owner):
    item = registered_passkey(owner, sign_count=4)
    PasskeyCredential(owner, item.credential_id).update(actions=[PasskeyCredential.used["old"].set(NOW - 1)])
    item = PasskeyCredential.get(owner, item.credential_id, consistent_read=True)
    assert passkey.record_use(item, new_sign_count=5, backed_up=True, digest="d1", expires=NOW + 300, now=NOW)
    stored = PasskeyCredential.get(owner, item.credential_id, consistent_read=True)
    assert (stored.sign_count, stored.backed_up, stored.last_used_at, stored.name) == (5, True, NOW, "laptop")
    assert used(owner, item.credential_id) == {"d1": NOW + 300}


def test_a_challenge_is_answered_once_even_from_a_stale_read(owner):
    item = registered_passkey(owner)
    assert passkey.record_use(item, new_sign_count=0, backed_up=False, digest="d1", expires=NOW + 300, now=NOW)
    assert not passkey.record_use(item, new_sign_count=0, backed_up=False, digest="d1", expires=NOW + 300,
                                  now=NOW)
    fresh = PasskeyCredential.get(owner, item.credential_id, consistent_read=True)
    assert not passkey.record_use(fresh, new_sign_count=0, backed_up=False, digest="d1", expires=NOW + 300,
                                  now=NOW)


def test_a_rename_between_the_read_and_the_use_is_kept(owner):
    item = registered_passkey(owner)
    assert passkey.rename(owner, item.credential_id, "phone")
    assert passkey.record_use(item, new_sign_count=0, backed_up=False, digest="d1", expires=NOW + 300, now=NOW)
    stored = PasskeyCredential.get(owner, item.credential_id, consistent_read=True)
    assert (stored.name, used(owner, item.credential_id)) == ("phone", {"d1": NOW + 300})


def test_a_passkey_deleted_between_the_read_and_the_use_stays_deleted(owner):
    item = registered_passkey(owner)
    assert passkey.remove(owner, item.credential_id)
    assert not passkey.record_use(item, new_sign_count=0, backed_up=False, digest="d1", expires=NOW + 300,
                                  now=NOW)
    with pytest.raises(PasskeyCredential.DoesNotExist):
        PasskeyCredential.get(owner, item.credential_id, consistent_read=True)


def test_concurrent_uses_of_one_challenge_give_one_success(owner, atomic_moto):
    item = registered_passkey(owner)
    results = race(30, lambda _: passkey.record_use(item, new_sign_count=0, backed_up=False, digest="d1",
                                                     expires=NOW + 300, now=NOW))
    assert results.count(True) == 1


def test_concurrent_uses_of_different_challenges_all_pass_and_all_are_recorded(owner, atomic_moto):
    item = registered_passkey(owner)
    results = race(4, lambda index: passkey.record_use(item, new_sign_count=0, backed_up=False,
                                                        digest=f"d{index}", expires=NOW + 300, now=NOW))
    assert results == [True] * 4
    assert set(used(owner, item.credential_id)) == {"d0", "d1", "d2", "d3"}


def test_a_counter_that_moved_since_the_read_refuses_the_use(owner):
    item = registered_passkey(owner, sign_count=4)
    PasskeyCredential(owner, item.credential_id).update(actions=[PasskeyCredential.sign_count.set(9)])
    assert not passkey.record_use(item, new_sign_count=5, backed_up=False, digest="d1", expires=NOW + 300, now=NOW)
    assert PasskeyCredential.get(owner, item.credential_id, consistent_read=True).sign_count == 9


# ---------------------------------------------------------------- one read across tables


def test_items_of_several_tables_come_back_in_order_with_none_for_missing_ones(owner):
    from chalicelib.models.challenge import ChallengeState

    secret = enrolled_totp(owner)
    credential = registered_passkey(owner)
    found = get_many([(ChallengeState, f"missing-{owner}", None), (TotpSecret, owner, None),
                      (PasskeyCredential, owner, credential.credential_id), (PasskeyCredential, owner, "nope")])
    assert found[0] is None and found[3] is None
    assert found[1].secret == secret.secret and found[2].credential_id == credential.credential_id


def test_keys_dynamodb_leaves_unprocessed_are_read_one_by_one(owner, monkeypatch):
    secret = enrolled_totp(owner)
    credential = registered_passkey(owner)
    from pynamodb.connection.base import Connection

    real = Connection.dispatch

    def partial(connection, operation, kwargs):
        answer = real(connection, operation, kwargs)
        if operation == "BatchGetItem":
            table = PasskeyCredential.Meta.table_name
            answer["UnprocessedKeys"] = {table: {"Keys": kwargs["RequestItems"][table]["Keys"]}}
            answer["Responses"].pop(table, None)
        return answer

    monkeypatch.setattr(Connection, "dispatch", partial)
    found = get_many([(TotpSecret, owner, None), (PasskeyCredential, owner, credential.credential_id)])
    assert found[0].secret == secret.secret and found[1].credential_id == credential.credential_id

"""The device cookie of the auth API: issued on the first sign-in (token and cookie mode alike), read on the
next ones so that the account-takeover score knows the device; a malformed or oversized cookie is ignored (a new
device, and a new cookie), never a crash and never a lower score."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from chalicelib.api import cookies
from tests.integration.test_risk_step_up import (  # noqa: F401
    CAFE_IP,
    HOME_IP,
    INCORRECT,
    Pool,
    make_risky_pool,
    settle,
)

COOKIE = re.compile(r"__Host-device=([A-Za-z0-9_-]{22}); Path=/; Max-Age=34560000; Secure; HttpOnly; SameSite=Strict")


@pytest.fixture()
def guarded(make_risky_pool: Callable[[str], Pool]) -> Pool:  # noqa: F811
    return make_risky_pool("ENFORCED")


def signals(pool: Pool, username: str) -> set[str]:
    return {s["name"] for s in pool.events(username)[0].signals}


def test_the_first_sign_in_issues_a_random_128_bit_device_id(guarded: Pool) -> None:
    pool = guarded
    user = pool.user()
    first = pool.sign_in(user, ip=HOME_IP)
    assert first.status == 200 and "accessToken" in first.body
    issued = [c for c in first.set_cookies if c.startswith("__Host-device=")]
    assert len(issued) == 1 and COOKIE.fullmatch(issued[0]), issued
    other = pool.sign_in(pool.user(), ip=HOME_IP).device()
    assert other is not None and other != first.device()


def test_a_known_device_is_not_issued_a_new_cookie_and_lowers_the_next_score(guarded: Pool) -> None:
    pool = guarded
    user = pool.user()
    home = settle(pool, user)
    again = pool.sign_in(user, ip=CAFE_IP, device=home)
    assert again.device() is None
    known = signals(pool, user["username"])
    assert "new_device" not in known and {"new_ip", "new_network"} <= known
    stranger = pool.sign_in(user, ip="192.0.2.200")
    assert stranger.device() is not None
    assert {"new_device", "new_ip", "new_network"} <= signals(pool, user["username"])


@pytest.mark.parametrize("value", ["short", "not/a+device=id==========", "a" * 65, "x" * 3000, "", '"quoted"',
                                   "é" * 30])
def test_a_malformed_cookie_is_a_new_device(guarded: Pool, value: str) -> None:
    pool = guarded
    user = pool.user()
    home = settle(pool, user)
    answer = pool.sign_in(user, ip=HOME_IP, device=value)
    assert answer.status == 200 and "accessToken" in answer.body, answer  # a new device at home is still LOW
    assert answer.device() not in (None, home, value)
    assert "new_device" in signals(pool, user["username"])


def test_the_owners_id_with_anything_added_is_not_the_owners_device(guarded: Pool) -> None:
    pool = guarded
    user = pool.user()
    home = settle(pool, user)
    pool.sign_in(user, ip=HOME_IP, device=home + "; __Host-device=" + home)  # the first value wins: the owner's
    assert "new_device" not in signals(pool, user["username"])
    pool.sign_in(user, ip=HOME_IP, device=home + "!")
    assert "new_device" in signals(pool, user["username"])


def test_cookie_mode_sets_the_session_cookies_and_the_device_cookie(guarded: Pool) -> None:
    pool = guarded
    answer = pool.sign_in(pool.user(), ip=HOME_IP, headers={"X-Auth-Mode": "cookie"})
    assert answer.status == 200 and "accessToken" not in answer.body
    names = [c.split("=", 1)[0] for c in answer.set_cookies]
    assert sorted(names) == ["__Host-access", "__Host-device", "__Host-id", "__Secure-refresh"]


def test_a_refused_sign_in_sets_no_cookie(guarded: Pool) -> None:
    pool = guarded
    user = pool.user()
    refused = pool.sign_in(user, ip=HOME_IP, password="Not-The-Password-1")
    assert (refused.status, refused.error) == (401, INCORRECT)
    assert refused.set_cookies == []


def test_the_device_cookie_is_not_cleared_by_sign_out() -> None:
    assert all(not c.startswith("__Host-device=") for c in cookies.clearing_cookies(""))


def test_no_device_cookie_when_threat_protection_is_off(make_pool: Callable[..., tuple[str, str]],
                                                        use_pool: Callable[..., None], api_app: object,
                                                        idp: object) -> None:
    pool_id, client_id = make_pool(client={"PreventUserExistenceErrors": "ENABLED"})
    use_pool(pool_id, client_id)
    plain = Pool(pool_id, client_id, api_app, idp)  # type: ignore[arg-type]
    answer = plain.sign_in(plain.user(), ip=HOME_IP)
    assert answer.status == 200 and "accessToken" in answer.body
    assert answer.set_cookies == []


@pytest.mark.parametrize(("header", "expected"), [
    (None, None), ("", None), ("__Host-device=" + "A" * 22, "A" * 22), ("__Host-device=" + "A" * 21, None),
    ("other=1; __Host-device=abcdefghijklmnopqrstuvwx", "abcdefghijklmnopqrstuvwx"),
    ("__Host-device=" + "A" * 64, "A" * 64), ("__Host-device=" + "A" * 65, None),
    ("__Host-device=" + "A" * 22 + "%00", None), ("__host-device=" + "A" * 22, None)])
def test_device_id_parsing(header: str | None, expected: str | None) -> None:
    assert cookies.device_id(header) == expected


def test_new_device_ids_are_valid_and_distinct() -> None:
    issued = {cookies.new_device_id() for _ in range(100)}
    assert len(issued) == 100 and all(cookies.device_id(f"__Host-device={v}") == v for v in issued)

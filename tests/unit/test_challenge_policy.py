"""chalicelib.auth.policy: the pool's defaults from the environment, and per-user overrides that only tighten."""

from __future__ import annotations

import json

import pytest

from chalicelib.auth.policy import NO_METHODS, Policy, for_user

POOL = Policy(first=("EMAIL_OTP", "SMS_OTP", "MAGIC_LINK", "PASSWORD"), second=("EMAIL_OTP", "SMS_OTP"),
              step_up_after=frozenset({"MAGIC_LINK"}))


def test_pool_defaults():
    assert Policy.pool_default({}) == Policy(first=("EMAIL_OTP", "SMS_OTP", "MAGIC_LINK", "PASSWORD"),
                                             second=("EMAIL_OTP", "SMS_OTP"), step_up_after=frozenset())


def test_pool_settings_are_read_from_the_environment_in_order_without_duplicates():
    policy = Policy.pool_default({"AUTH_FIRST_FACTORS": " password, email_otp,PASSWORD",
                                  "AUTH_SECOND_FACTORS": "SMS_OTP", "AUTH_STEP_UP_AFTER": "PASSWORD"})
    assert policy == Policy(first=("PASSWORD", "EMAIL_OTP"), second=("SMS_OTP",),
                            step_up_after=frozenset({"PASSWORD"}))


def test_no_override_is_the_pool_policy():
    assert for_user({"email": "a@example.com"}, POOL) == POOL


def test_an_override_restricts_the_methods_and_adds_requirements():
    attributes = {"custom:auth_policy": json.dumps({"first": ["password", "CARRIER_PIGEON"], "second": ["SMS_OTP"],
                                                    "stepUpAfter": ["PASSWORD"]})}
    assert for_user(attributes, POOL) == Policy(first=("PASSWORD",), second=("SMS_OTP",),
                                                step_up_after=frozenset({"MAGIC_LINK", "PASSWORD"}))


def test_an_override_cannot_enable_what_the_pool_does_not():
    pool = Policy(first=("EMAIL_OTP",), second=(), step_up_after=frozenset())
    attributes = {"custom:auth_policy": json.dumps({"first": ["EMAIL_OTP", "MAGIC_LINK"], "second": ["SMS_OTP"]})}
    assert for_user(attributes, pool) == Policy(first=("EMAIL_OTP",), second=(), step_up_after=frozenset())


@pytest.mark.parametrize("raw", ["not json", "[]", json.dumps({"first": "EMAIL_OTP"}), json.dumps({"frist": []}),
                                 json.dumps({"second": [1]}), json.dumps({"first": ["EMAIL_OTP"] * 1000})])
def test_a_malformed_override_fails_closed(raw):
    assert for_user({"custom:auth_policy": raw}, POOL) == NO_METHODS


def test_second_factors_are_never_the_first_one_again():
    assert POOL.allows_second("EMAIL_OTP", "SMS_OTP")
    assert not POOL.allows_second("EMAIL_OTP", "EMAIL_OTP")
    assert POOL.allows_second(None, "EMAIL_OTP")
    assert not POOL.allows_second(None, "MAGIC_LINK")

"""chalicelib.auth.policy: the pool's defaults from the environment, per-user overrides that only tighten, and
the MFA requirement of a user who enrolled an authenticator; and the methods a selection round offers."""

from __future__ import annotations

import json

import pytest

from chalicelib.auth.challenges.base import User
from chalicelib.auth.challenges.engine import methods_for, seen_as
from chalicelib.auth.policy import NO_METHODS, Policy, enrolled, enrolled_value, for_user

POOL = Policy(first=("EMAIL_OTP", "SMS_OTP", "MAGIC_LINK", "PASSWORD"), second=("EMAIL_OTP", "SMS_OTP"),
              step_up_after=frozenset({"MAGIC_LINK"}))
DEFAULTS = Policy(first=("EMAIL_OTP", "SMS_OTP", "MAGIC_LINK", "TOTP", "PASSKEY", "PASSWORD"),
                  second=("EMAIL_OTP", "SMS_OTP", "TOTP", "PASSKEY"), step_up_after=frozenset(),
                  mfa_step_up_after=frozenset({"PASSWORD"}))
VERIFIED = {"email": "a@example.com", "email_verified": "true", "phone_number": "+15550000001",
            "phone_number_verified": "true"}


def test_pool_defaults_offer_all_five_factors_and_mfa_after_a_password():
    assert Policy.pool_default({}) == DEFAULTS


def test_pool_settings_are_read_from_the_environment_in_order_without_duplicates():
    policy = Policy.pool_default({"AUTH_FIRST_FACTORS": " password, email_otp,PASSWORD",
                                  "AUTH_SECOND_FACTORS": "SMS_OTP", "AUTH_STEP_UP_AFTER": "PASSWORD",
                                  "AUTH_MFA_STEP_UP_AFTER": ""})
    assert policy == Policy(first=("PASSWORD", "EMAIL_OTP"), second=("SMS_OTP",),
                            step_up_after=frozenset({"PASSWORD"}))


def test_no_override_is_the_pool_policy():
    assert for_user({"email": "a@example.com"}, POOL) == POOL
    assert for_user(VERIFIED, DEFAULTS) == DEFAULTS


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
    assert for_user({"custom:auth_policy": raw, "custom:authenticators": "TOTP"}, DEFAULTS) == NO_METHODS


def test_second_factors_are_never_the_first_one_again():
    assert POOL.allows_second("EMAIL_OTP", "SMS_OTP")
    assert not POOL.allows_second("EMAIL_OTP", "EMAIL_OTP")
    assert POOL.allows_second(None, "EMAIL_OTP")
    assert not POOL.allows_second(None, "MAGIC_LINK")


# ---------------------------------------------------------------- enrolled authenticators


@pytest.mark.parametrize(("raw", "expected"), [
    ("", frozenset()), ("TOTP", {"TOTP"}), ("PASSKEY,TOTP", {"TOTP", "PASSKEY"}),
    (" totp , passkey ", {"TOTP", "PASSKEY"}),
    ("EMAIL_OTP,CARRIER_PIGEON", frozenset()), ("TOTP," * 500, {"TOTP"})])
def test_the_enrolled_attribute_is_read_leniently_and_only_lists_authenticators(raw, expected):
    assert enrolled({"custom:authenticators": raw}) == expected


def test_the_enrolled_attribute_is_written_in_a_stable_order():
    assert enrolled_value({"PASSKEY", "TOTP", "EMAIL_OTP"}) == "TOTP,PASSKEY"
    assert enrolled_value([]) == ""


@pytest.mark.parametrize("enrolled_raw", ["TOTP", "PASSKEY", "TOTP,PASSKEY"])
def test_a_password_needs_a_second_factor_once_the_user_enrolled_an_authenticator(enrolled_raw):
    rules = for_user({**VERIFIED, "custom:authenticators": enrolled_raw}, DEFAULTS)
    assert rules.requires_second("PASSWORD")
    assert not rules.requires_second("EMAIL_OTP") and not rules.requires_second("TOTP")
    assert rules.allows_second("PASSWORD", "TOTP") and rules.allows_second("PASSWORD", "PASSKEY")


def test_without_an_authenticator_a_password_is_enough():
    assert not for_user(VERIFIED, DEFAULTS).requires_second("PASSWORD")


def test_the_mfa_rule_can_be_turned_off_or_moved():
    off = Policy.pool_default({"AUTH_MFA_STEP_UP_AFTER": ""})
    assert not for_user({"custom:authenticators": "TOTP"}, off).requires_second("PASSWORD")
    magic = Policy.pool_default({"AUTH_MFA_STEP_UP_AFTER": "PASSWORD,MAGIC_LINK"})
    rules = for_user({"custom:authenticators": "PASSKEY"}, magic)
    assert rules.requires_second("PASSWORD") and rules.requires_second("MAGIC_LINK")


def test_the_mfa_rule_needs_the_authenticator_to_be_a_second_factor_of_the_pool():
    pool = Policy.pool_default({"AUTH_SECOND_FACTORS": "EMAIL_OTP,SMS_OTP"})
    assert not for_user({"custom:authenticators": "TOTP"}, pool).requires_second("PASSWORD")


def test_an_override_cannot_lift_the_mfa_requirement():
    attributes = {"custom:authenticators": "TOTP", "custom:auth_policy": json.dumps({"second": ["EMAIL_OTP"]})}
    rules = for_user(attributes, DEFAULTS)
    assert rules.requires_second("PASSWORD") and rules.second == ("EMAIL_OTP",)


# ---------------------------------------------------------------- what the selection round offers


def user(attributes: dict[str, str], not_found: bool = False) -> User:
    return User(pool_id="us-east-1_Unit", client_id="c", username="alice", attributes=attributes,
                not_found=not_found)


@pytest.fixture()
def defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AUTH_FIRST_FACTORS", "AUTH_SECOND_FACTORS", "AUTH_STEP_UP_AFTER", "AUTH_MFA_STEP_UP_AFTER"):
        monkeypatch.delenv(name, raising=False)


ALL_FIRST = "EMAIL_OTP,SMS_OTP,MAGIC_LINK,TOTP,PASSKEY"


@pytest.mark.usefixtures("defaults")
@pytest.mark.parametrize(("attributes", "second"), [
    (VERIFIED, "EMAIL_OTP,SMS_OTP"),
    ({**VERIFIED, "custom:authenticators": "TOTP"}, "EMAIL_OTP,SMS_OTP,TOTP"),
    ({**VERIFIED, "custom:authenticators": "TOTP,PASSKEY"}, "EMAIL_OTP,SMS_OTP,TOTP,PASSKEY"),
    ({"email": "a@example.com", "email_verified": "true", "custom:authenticators": "PASSKEY"}, "EMAIL_OTP,PASSKEY"),
    ({"email": "a@example.com", "email_verified": "false", "phone_number": "+15550000001",
      "phone_number_verified": "true"}, "SMS_OTP"),
    ({}, ""),
])
def test_a_second_factor_is_offered_only_to_a_user_who_can_use_it(attributes, second):
    assert ",".join(methods_for(user(attributes), 2, "PASSWORD")) == second


@pytest.mark.usefixtures("defaults")
@pytest.mark.parametrize("attributes", [
    VERIFIED, {**VERIFIED, "custom:authenticators": "TOTP,PASSKEY"}, {"email": "a@example.com"}, {}])
def test_the_first_list_tells_nothing_about_the_user(attributes):
    assert ",".join(methods_for(user(attributes), 1, None)) == ALL_FIRST
    assert methods_for(user({}, not_found=True), 1, None) == methods_for(user(attributes), 1, None)
    assert methods_for(user({}, not_found=True), 2, "PASSWORD") == ()


@pytest.mark.usefixtures("defaults")
@pytest.mark.parametrize(("attributes", "method", "decoy"), [
    (VERIFIED, "EMAIL_OTP", False),
    (VERIFIED, "TOTP", True),
    ({**VERIFIED, "custom:authenticators": "TOTP"}, "TOTP", False),
    ({"email": "a@example.com", "email_verified": "false"}, "EMAIL_OTP", True),
    ({"email": "a@example.com", "email_verified": "true"}, "SMS_OTP", True),
    ({"email": "a@example.com", "email_verified": "true"}, "PASSKEY", True),
])
def test_a_method_the_user_cannot_use_is_a_decoy_round_as_for_an_unknown_user(attributes, method, decoy):
    seen = seen_as(user(attributes), method)
    assert seen.not_found is decoy
    assert seen.attributes == ({} if decoy else attributes)
    assert seen_as(user({}, not_found=True), method).not_found

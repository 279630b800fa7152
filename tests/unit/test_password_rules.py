"""The NIST SP 800-63B-4 password rules (chalicelib/passwords/policy.py): each rule and its message."""

from __future__ import annotations

import pytest

from chalicelib.passwords.policy import (
    COGNITO,
    NIST,
    POLICY_PREFIX,
    PasswordRules,
    built_from_context,
    context_words,
    evaluate,
)

RULES = PasswordRules(mode=NIST)
GOOD = "violet tractor umbrella"


def test_a_long_unusual_passphrase_without_any_composition_is_accepted():
    verdict = evaluate(GOOD, username="alice", email="alice@example.com", rules=RULES)
    assert verdict.accepted
    assert verdict.score is not None and verdict.score >= 3


def test_fifteen_characters_are_required_for_a_single_factor():
    verdict = evaluate("tractor-violet", username="alice", rules=RULES)  # 14 characters
    assert not verdict.accepted
    assert verdict.message == POLICY_PREFIX + "Password not long enough (at least 15 characters)"


def test_eight_are_enough_where_mfa_is_required(monkeypatch):
    monkeypatch.setenv("PASSWORD_POLICY", "nist")
    monkeypatch.setenv("PASSWORD_MFA_REQUIRED", "true")
    rules = PasswordRules.from_env()
    assert rules.min_length == 8
    assert evaluate("q8#Vz!tK", username="alice", rules=rules).accepted
    assert evaluate("q8#Vz!t", username="alice", rules=rules).message == (
        POLICY_PREFIX + "Password not long enough (at least 8 characters)")


def test_sixty_four_characters_and_more_are_allowed_up_to_cognitos_256():
    long_one = "violet tractor umbrella " * 10  # 240 characters
    assert evaluate(long_one[:64], username="alice", rules=RULES).accepted
    assert evaluate(long_one, username="alice", rules=RULES).accepted
    too_long = evaluate("x" * 257, username="alice", rules=RULES)
    assert too_long.message == POLICY_PREFIX + "Password too long (at most 256 characters)"


def test_each_unicode_code_point_counts_as_one_character():
    # 15 code points, 30+ bytes in UTF-8: long enough.
    assert evaluate("ŝaŭmĉokolado-ĝu", username="alice", rules=RULES).rule != "min_length"
    assert evaluate("ŝaŭmĉokolado-ĝ", username="alice", rules=RULES).message.startswith(
        POLICY_PREFIX + "Password not long enough")


def test_no_composition_rule_lowercase_letters_and_spaces_only_are_fine():
    assert evaluate("correct horse battery staple", username="bob", rules=RULES).accepted


@pytest.mark.parametrize("password", [
    "alice-in-the-garden-1999",    # the username
    "my name is ALICE and so on",  # case does not matter
    "ecila backwards is tricky",   # reversed
    "al1ce likes long passwords",  # a substitution
    "smithfield quiet river",      # part of the email's local part
    "cogworks is my favourite",    # the service
])
def test_passwords_built_from_context_words_are_refused(password):
    verdict = evaluate(password, username="alice", email="j.smithfield@example.com", rules=RULES)
    assert (verdict.accepted, verdict.rule) == (False, "context")
    assert verdict.message == (POLICY_PREFIX + "Password must not contain your username, your email address or "
                               "the name of this service")


def test_context_words_come_from_username_email_and_app_name():
    words = context_words("Jane.Doe-42", "jdoe+tag@example.com", "cogworks")
    assert {"janedoe42", "jane", "cogworks", "jdoetag"} <= set(words)
    assert "doe" not in words  # shorter than 4: too common to refuse
    assert built_from_context("a quiet jane morning", words) == "jane"


def test_an_easy_to_guess_password_is_refused_with_zxcvbns_feedback():
    verdict = evaluate("aaaaaaaaaaaaaaaa", username="alice", rules=RULES)
    assert (verdict.accepted, verdict.rule, verdict.score) == (False, "strength", 0)
    assert verdict.warning == 'Repeats like "aaa" are easy to guess.'
    assert verdict.suggestions
    assert verdict.message == (POLICY_PREFIX + "Password is too easy to guess. "
                               + " ".join([verdict.warning, *verdict.suggestions]))


def test_a_keyboard_row_gets_zxcvbns_keyboard_advice():
    verdict = evaluate("zxcvbnm,./asdfghj", username="alice", rules=RULES)
    assert (verdict.accepted, verdict.warning) == (False, "Straight rows of keys are easy to guess.")
    assert "Use a longer keyboard pattern with more turns." in verdict.message


def test_the_cognito_mode_leaves_everything_to_the_pool(monkeypatch):
    monkeypatch.delenv("PASSWORD_POLICY", raising=False)
    rules = PasswordRules.from_env()
    assert rules.mode == COGNITO
    assert evaluate("x", username="alice", rules=rules).accepted

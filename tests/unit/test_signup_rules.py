"""chalicelib.signup.engine.evaluate: every rule, its reason (exactly what the user is shown), and how each
PreSignUp trigger source is treated. Pure: no storage, no network."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.signup.engine import (
    DISPOSABLE,
    DOMAIN_NOT_ALLOWED,
    EMAIL_INVALID,
    INVITE_INVALID,
    INVITE_REQUIRED,
    SOURCE_CLOSED,
    USERNAME_RESERVED,
    Decision,
    InviteClaim,
    SignupAttempt,
    SignupRejectedError,
    evaluate,
)
from chalicelib.signup.rules import ADMIN_CREATE_USER, EXTERNAL_PROVIDER, SIGN_UP, RuleSet, default_rules

CODE = "7KQ2M-X9D4T-ABCDE-FGHJK"
FULLWIDTH_ADMIN = "\uff41\uff44\uff4d\uff49\uff4e"


def rules(**document: Any) -> RuleSet:
    return RuleSet.model_validate(document)


def attempt(email: str | None = "ada@example.com", *, source: str = SIGN_UP, username: str = "ada",
            code: object = None, **attributes: str) -> SignupAttempt:
    attrs = dict(attributes)
    if email is not None:
        attrs["email"] = email
    return SignupAttempt(source=source, username=username, attributes=attrs, invite_code=code)


def refused(rule_set: RuleSet, signup: SignupAttempt) -> tuple[str, str]:
    with pytest.raises(SignupRejectedError) as exc:
        evaluate(rule_set, signup)
    return str(exc.value), exc.value.code


# ---------------------------------------------------------------- defaults


def test_no_rules_lets_an_ordinary_sign_up_through_without_flags():
    assert evaluate(default_rules(), attempt()) == Decision()


def test_no_rules_still_blocks_disposable_domains():
    assert refused(default_rules(), attempt("x@mailinator.com")) == (DISPOSABLE, "disposable")


def test_a_subdomain_of_a_disposable_domain_is_disposable():
    assert refused(default_rules(), attempt("x@inbox.mailinator.com")) == (DISPOSABLE, "disposable")


def test_disposable_matching_ignores_case_and_a_trailing_dot():
    assert refused(default_rules(), attempt("x@MailInator.COM.")) == (DISPOSABLE, "disposable")


def test_disposable_blocking_can_be_turned_off():
    assert evaluate(rules(blockDisposable=False), attempt("x@mailinator.com")) == Decision()


def test_a_sign_up_without_email_passes_the_default_rules():
    assert evaluate(default_rules(), attempt(None, phone_number="+14155550123")) == Decision()


@pytest.mark.parametrize("email", ["no-at-sign", "@example.com", "ada@", "ada@localhost", "ada@[10.0.0.1]",
                                   "ada@exa_mple.com", "ada@-bad.com", "ada@1.2.3.4"])
def test_an_unusable_email_is_refused(email):
    assert refused(default_rules(), attempt(email)) == (EMAIL_INVALID, "email_invalid")


# ---------------------------------------------------------------- domains


def test_an_allow_list_admits_its_domains_and_their_subdomains():
    allow = rules(allowedDomains=["example.com"])
    assert evaluate(allow, attempt("ada@example.com")) == Decision()
    assert evaluate(allow, attempt("ada@eng.example.com")) == Decision()


def test_an_allow_list_refuses_other_domains_and_lookalikes():
    allow = rules(allowedDomains=["example.com"])
    assert refused(allow, attempt("ada@example.org")) == (DOMAIN_NOT_ALLOWED, "domain_not_allowed")
    assert refused(allow, attempt("ada@notexample.com")) == (DOMAIN_NOT_ALLOWED, "domain_not_allowed")
    assert refused(allow, attempt("ada@example.com.evil.io")) == (DOMAIN_NOT_ALLOWED, "domain_not_allowed")


def test_an_allow_list_requires_an_email():
    assert refused(rules(allowedDomains=["example.com"]), attempt(None)) == (EMAIL_INVALID, "email_invalid")


def test_a_blocked_domain_and_its_subdomains_are_refused():
    block = rules(blockedDomains=["competitor.example"])
    assert refused(block, attempt("a@competitor.example")) == (DOMAIN_NOT_ALLOWED, "domain_blocked")
    assert refused(block, attempt("a@mail.competitor.example")) == (DOMAIN_NOT_ALLOWED, "domain_blocked")
    assert evaluate(block, attempt("a@example.com")) == Decision()


def test_blocking_wins_over_allowing():
    both = rules(allowedDomains=["example.com"], blockedDomains=["bad.example.com"])
    assert refused(both, attempt("a@bad.example.com")) == (DOMAIN_NOT_ALLOWED, "domain_blocked")
    assert evaluate(both, attempt("a@good.example.com")) == Decision()


def test_an_explicitly_allowed_disposable_domain_is_admitted():
    assert evaluate(rules(allowedDomains=["mailinator.com"]), attempt("x@mailinator.com")) == Decision()


def test_unicode_domains_match_their_punycode():
    allow = rules(allowedDomains=["bücher.example"])
    assert evaluate(allow, attempt("ada@xn--bcher-kva.example")) == Decision()
    assert evaluate(allow, attempt("ada@BÜCHER.example")) == Decision()


# ---------------------------------------------------------------- trusted domains


def test_a_trusted_domain_is_auto_confirmed_and_auto_verified():
    trust = rules(trustedDomains=["corp.example"])
    assert evaluate(trust, attempt("a@corp.example")) == Decision(auto_confirm=True, auto_verify_email=True)


def test_trust_covers_exactly_the_domain_not_its_subdomains():
    trust = rules(trustedDomains=["corp.example"])
    assert evaluate(trust, attempt("a@sub.corp.example")) == Decision()


def test_trust_flags_can_be_chosen_separately():
    verify_only = rules(trustedDomains=["corp.example"], autoConfirmTrusted=False)
    assert evaluate(verify_only, attempt("a@corp.example")) == Decision(auto_verify_email=True)


def test_a_trusted_domain_passes_an_allow_list_that_does_not_name_it():
    trust = rules(allowedDomains=["example.com"], trustedDomains=["corp.example"])
    assert evaluate(trust, attempt("a@corp.example")).auto_confirm is True


def test_admin_created_users_get_no_flags_since_cognito_ignores_them():
    trust = rules(trustedDomains=["corp.example"])
    assert evaluate(trust, attempt("a@corp.example", source=ADMIN_CREATE_USER)) == Decision()


def test_federated_users_of_a_trusted_domain_are_auto_verified():
    trust = rules(trustedDomains=["corp.example"])
    decision = evaluate(trust, attempt("a@corp.example", source=EXTERNAL_PROVIDER, username="Google_1"))
    assert decision == Decision(auto_confirm=True, auto_verify_email=True)


# ---------------------------------------------------------------- reserved usernames


@pytest.mark.parametrize("username", ["admin", "Admin", "ADMIN", "ad.min", "ad_min", "ad-min", FULLWIDTH_ADMIN])
def test_reserved_usernames_ignore_case_width_and_separators(username):
    reserved = rules(reservedUsernames=["admin"])
    assert refused(reserved, attempt(username=username)) == (USERNAME_RESERVED, "username_reserved")


def test_a_reserved_preferred_username_is_refused():
    reserved = rules(reservedUsernames=["support"])
    signup = attempt(username="u-123", preferred_username="Support")
    assert refused(reserved, signup) == (USERNAME_RESERVED, "username_reserved")


def test_a_name_that_merely_contains_a_reserved_one_is_fine():
    assert evaluate(rules(reservedUsernames=["admin"]), attempt(username="administrator2")) == Decision()


def test_a_federated_username_is_not_checked_but_its_preferred_username_is():
    reserved = rules(reservedUsernames=["google_1"])
    assert evaluate(reserved, attempt(source=EXTERNAL_PROVIDER, username="Google_1")) == Decision()
    signup = attempt(source=EXTERNAL_PROVIDER, username="Google_2", preferred_username="google_1")
    assert refused(reserved, signup) == (USERNAME_RESERVED, "username_reserved")


# ---------------------------------------------------------------- attributes


def test_a_required_attribute_must_be_given_and_not_blank():
    need = rules(requiredAttributes=["name", "custom:team_name"])
    team = {"custom:team_name": "core"}
    assert refused(need, attempt(**team)) == ("Name is required", "attribute_required")
    assert refused(need, attempt(name="   ", **team)) == ("Name is required", "attribute_required")
    assert refused(need, attempt(name="Ada")) == ("Team name is required", "attribute_required")
    assert evaluate(need, attempt(**{"name": "Ada", "custom:team_name": "core"})) == Decision()


@pytest.mark.parametrize("phone", ["4155550123", "+04155550123", "+1 415 555 0123", "+1415555012345678",
                                   "+1-415-555-0123", "+"])
def test_an_e164_phone_number_is_enforced(phone):
    e164 = rules(attributes={"phone_number": {"format": "e164"}})
    assert refused(e164, attempt(phone_number=phone)) == (
        "Phone number must be in international format, for example +14155550123", "attribute_invalid")


def test_a_valid_e164_number_passes():
    e164 = rules(attributes={"phone_number": {"format": "e164"}})
    assert evaluate(e164, attempt(phone_number="+14155550123")) == Decision()


@pytest.mark.parametrize(("rule", "value", "reason"), [
    ({"minLength": 2, "maxLength": 5}, "A", "Name must be between 2 and 5 characters"),
    ({"minLength": 2, "maxLength": 5}, "Adalyn", "Name must be between 2 and 5 characters"),
    ({"minLength": 3}, "Al", "Name must be at least 3 characters"),
    ({"maxLength": 3}, "Alan", "Name must be at most 3 characters"),
])
def test_name_length(rule, value, reason):
    assert refused(rules(attributes={"name": rule}), attempt(name=value)) == (reason, "attribute_invalid")


def test_length_is_counted_in_characters_after_trimming():
    short = rules(attributes={"name": {"maxLength": 3}})
    assert evaluate(short, attempt(name=" Zoë ")) == Decision()


def test_a_pattern_must_match_the_whole_value():
    team = rules(attributes={"custom:team": {"pattern": "[a-z]{2,8}"}})
    assert refused(team, attempt(**{"custom:team": "core1"})) == ("Team is not in the expected format",
                                                                  "attribute_invalid")
    assert evaluate(team, attempt(**{"custom:team": "core"})) == Decision()


def test_a_pattern_rule_may_carry_its_own_label_and_message():
    team = rules(attributes={"custom:team": {"pattern": "[a-z]+", "label": "Team code",
                                             "message": "Use lower-case letters only."}})
    assert refused(team, attempt(**{"custom:team": "X"})) == ("Use lower-case letters only", "attribute_invalid")


def test_an_email_format_rule_checks_another_attribute():
    backup = rules(attributes={"custom:backup_email": {"format": "email"}})
    assert refused(backup, attempt(**{"custom:backup_email": "nope"})) == (
        "Backup email must be a valid email address", "attribute_invalid")


def test_an_absent_optional_attribute_is_not_checked():
    assert evaluate(rules(attributes={"phone_number": {"format": "e164"}}), attempt()) == Decision()


# ---------------------------------------------------------------- invite codes


def test_an_invite_requirement_asks_for_a_code():
    assert refused(rules(inviteRequired=True), attempt()) == (INVITE_REQUIRED, "invite_required")


@pytest.mark.parametrize("code", ["nope", "7KQ2M-X9D4T-ABCDE", "U" * 20, "7" * 65, 12345, ["7KQ2M"]])
def test_a_code_that_cannot_be_a_code_is_invalid(code):
    assert refused(rules(inviteRequired=True), attempt(code=code)) == (INVITE_INVALID, "invite_invalid")


def test_a_well_formed_code_becomes_a_claim_with_the_email_domain():
    decision = evaluate(rules(inviteRequired=True), attempt("Ada@Example.com", code=CODE.lower()))
    assert decision.invite == InviteClaim(code=CODE.replace("-", ""), email_domain="example.com")


def test_admins_create_users_without_a_code_by_default():
    assert evaluate(rules(inviteRequired=True), attempt(source=ADMIN_CREATE_USER)) == Decision()


def test_admin_created_users_can_be_made_to_need_a_code():
    strict = rules(inviteRequired=True, adminCreateUser={"requireInvite": True})
    assert refused(strict, attempt(source=ADMIN_CREATE_USER)) == (INVITE_REQUIRED, "invite_required")


def test_federated_sign_ups_inherit_the_invite_requirement():
    assert refused(rules(inviteRequired=True), attempt(source=EXTERNAL_PROVIDER)) == (
        INVITE_REQUIRED, "invite_required")
    relaxed = rules(inviteRequired=True, externalProvider={"requireInvite": False})
    assert evaluate(relaxed, attempt(source=EXTERNAL_PROVIDER)) == Decision()


def test_a_code_is_only_claimed_after_every_other_rule_passed():
    both = rules(inviteRequired=True, blockedDomains=["example.com"])
    assert refused(both, attempt(code=CODE)) == (DOMAIN_NOT_ALLOWED, "domain_blocked")


# ---------------------------------------------------------------- sources


@pytest.mark.parametrize(("source", "member"), [(SIGN_UP, "signUp"), (ADMIN_CREATE_USER, "adminCreateUser"),
                                                (EXTERNAL_PROVIDER, "externalProvider")])
def test_each_source_can_be_closed(source, member):
    closed = rules(**{member: {"allow": False}})
    assert refused(closed, attempt(source=source)) == (SOURCE_CLOSED, "source_closed")


def test_an_unknown_trigger_source_is_refused():
    assert refused(default_rules(), attempt(source="PreSignUp_Future")) == (SOURCE_CLOSED, "source_closed")


def test_admins_may_be_exempted_from_domain_and_attribute_rules():
    lax = rules(allowedDomains=["example.com"], requiredAttributes=["name"],
                adminCreateUser={"checkDomains": False, "checkAttributes": False})
    assert evaluate(lax, attempt("x@elsewhere.example", source=ADMIN_CREATE_USER)) == Decision()
    assert refused(lax, attempt("x@elsewhere.example")) == ("Name is required", "attribute_required")


def test_no_reason_ends_with_a_period_because_cognito_adds_one():
    reasons = [DISPOSABLE, DOMAIN_NOT_ALLOWED, EMAIL_INVALID, INVITE_INVALID, INVITE_REQUIRED, SOURCE_CLOSED,
               USERNAME_RESERVED]
    assert [r for r in reasons if r.endswith(".")] == []


# ---------------------------------------------------------------- the event


def test_the_attempt_reads_the_code_from_validation_data_first_then_client_metadata():
    event = {"triggerSource": SIGN_UP, "userName": "ada",
             "request": {"userAttributes": {"email": "a@example.com"}, "validationData": {"inviteCode": "A"},
                         "clientMetadata": {"inviteCode": "B"}}}
    assert SignupAttempt.from_event(event).invite_code == "A"
    event["request"]["validationData"] = None
    assert SignupAttempt.from_event(event).invite_code == "B"


def test_the_attempt_tolerates_a_malformed_event():
    signup = SignupAttempt.from_event({"request": {"userAttributes": ["not", "a", "map"]}})
    assert (signup.source, signup.username, dict(signup.attributes), signup.invite_code) == ("", "", {}, None)
    with pytest.raises(SignupRejectedError):
        evaluate(default_rules(), signup)

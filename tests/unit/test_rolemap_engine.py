"""The rules engine as a table of claims -> role: every condition type, all/any, nesting, first match wins,
every matching role in cognito:roles, Cognito's NotEqual-on-a-missing-claim rule, and explanations that
name the condition that failed."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.rolemap import decide, parse_rule_set
from chalicelib.rolemap.explain import decision_json, summary

ROLE = "arn:aws:iam::123456789012:role/{}"


def ruleset(*rules: dict[str, Any]) -> Any:
    return parse_rule_set({"rules": list(rules)}, require_owner=False)


def role(name: str) -> str:
    return ROLE.format(name.replace(" ", "-"))


def rule(name: str, *conditions: dict[str, Any], match: str = "all") -> dict[str, Any]:
    return {"name": name, "roleArn": role(name), "match": match, "conditions": list(conditions)}


def cond(claim: str, kind: str, value: Any = None) -> dict[str, Any]:
    key = {"In": "values", "Regex": "pattern"}.get(kind, "value")
    return {"claim": claim, "type": kind, **({key: value} if value is not None else {})}


ONE_CONDITION = [
    # (condition, claims, holds)
    (cond("email", "Equals", "a@example.com"), {"email": "a@example.com"}, True),
    (cond("email", "Equals", "a@example.com"), {"email": "A@example.com"}, False),
    (cond("email", "Equals", "a@example.com"), {}, False),
    (cond("email_verified", "Equals", "true"), {"email_verified": True}, True),
    (cond("custom:level", "Equals", "3"), {"custom:level": 3}, True),
    (cond("custom:tier", "NotEqual", "free"), {"custom:tier": "gold"}, True),
    (cond("custom:tier", "NotEqual", "free"), {"custom:tier": "free"}, False),
    # Cognito: NotEqual on a missing claim is not evaluated, so it does not match.
    (cond("custom:tier", "NotEqual", "free"), {}, False),
    (cond("email", "Contains", "@example."), {"email": "a@example.com"}, True),
    (cond("email", "Contains", "@example."), {"email": "a@other.com"}, False),
    # On a list, Contains is membership, not a substring of an element.
    (cond("cognito:groups", "Contains", "admin"), {"cognito:groups": ["admins"]}, False),
    (cond("cognito:groups", "Contains", "admins"), {"cognito:groups": ["staff", "admins"]}, True),
    (cond("email", "StartsWith", "ops-"), {"email": "ops-1@example.com"}, True),
    (cond("email", "StartsWith", "ops-"), {"email": "dev-1@example.com"}, False),
    (cond("custom:department", "In", ["ops", "sales"]), {"custom:department": "sales"}, True),
    (cond("custom:department", "In", ["ops", "sales"]), {"custom:department": "legal"}, False),
    (cond("custom:department", "In", ["ops", "sales"]), {}, False),
    (cond("email", "Regex", r"[^@]+@example\.com"), {"email": "a@example.com"}, True),
    (cond("email", "Regex", r"[^@]+@example\.com"), {"email": "a@example.com.evil"}, False),
    (cond("email", "Regex", r"[^@]+@example\.com"), {"email": "x" * 5000 + "@example.com"}, False),
    ({"type": "InGroup", "group": "admins"}, {"cognito:groups": ["admins"]}, True),
    ({"type": "InGroup", "group": "admins"}, {"cognito:groups": ["admins-eu"]}, False),
    ({"type": "InGroup", "group": "admins"}, {}, False),
    (cond("phone_number", "Present"), {"phone_number": "+15555550100"}, True),
    (cond("phone_number", "Present"), {}, False),
    (cond("phone_number", "Absent"), {}, True),
    (cond("phone_number", "Absent"), {"phone_number": "+15555550100"}, False),
    (cond("address", "Equals", "x"), {"address": {"street": "x"}}, False),
]


@pytest.mark.parametrize(("condition", "claims", "holds"), ONE_CONDITION)
def test_each_condition_type_decides_as_documented(condition: dict[str, Any], claims: dict[str, Any],
                                                   holds: bool) -> None:
    rules = ruleset(rule("only", condition))
    assert decide(rules, claims).role_arn == (ROLE.format("only") if holds else None)
    explained = decide(rules, claims, explain=True)
    assert explained.role_arn == (ROLE.format("only") if holds else None)
    assert explained.trace[0].conditions[0].holds is holds


STAFF = ruleset(
    rule("admins", {"type": "InGroup", "group": "admins"}),
    rule("verified staff", cond("email_verified", "Equals", "true"),
         {"match": "any", "conditions": [cond("email", "Regex", r"[^@]+@example\.com"),
                                         cond("custom:department", "In", ["ops", "sales"])]}),
    rule("anyone", cond("sub", "Present")),
)

TABLE = [
    ({"sub": "1", "cognito:groups": ["admins"], "email": "a@example.com", "email_verified": True},
     "admins", ["admins", "verified staff", "anyone"]),
    ({"sub": "2", "email": "b@example.com", "email_verified": True}, "verified staff", ["verified staff", "anyone"]),
    ({"sub": "3", "email": "c@gmail.com", "email_verified": True, "custom:department": "ops"},
     "verified staff", ["verified staff", "anyone"]),
    ({"sub": "4", "email": "d@example.com", "email_verified": False}, "anyone", ["anyone"]),
    ({"sub": "5", "email": "e@gmail.com", "email_verified": True}, "anyone", ["anyone"]),
    ({"email": "f@example.com"}, None, []),
]


@pytest.mark.parametrize(("claims", "preferred", "roles"), TABLE)
def test_first_match_is_preferred_and_every_match_is_a_role(claims: dict[str, Any], preferred: str | None,
                                                            roles: list[str]) -> None:
    decision = decide(STAFF, claims)
    assert decision.role_arn == (role(preferred) if preferred else None)
    assert decision.rule_name == preferred
    assert list(decision.roles) == [role(name) for name in roles]
    assert decide(STAFF, claims, explain=True).roles == decision.roles


def test_two_rules_with_one_role_give_it_once() -> None:
    rules = parse_rule_set({"rules": [
        {"name": "a", "roleArn": ROLE.format("x"), "conditions": [cond("sub", "Present")]},
        {"name": "b", "roleArn": ROLE.format("x"), "conditions": [cond("email", "Present")]}]},
        require_owner=False)
    assert decide(rules, {"sub": "1", "email": "e"}).roles == (ROLE.format("x"),)


def test_any_needs_one_condition_and_all_needs_every_one() -> None:
    either = ruleset(rule("r", cond("a", "Present"), cond("b", "Present"), match="any"))
    both = ruleset(rule("r", cond("a", "Present"), cond("b", "Present"), match="all"))
    assert decide(either, {"a": "1"}).matched
    assert not decide(both, {"a": "1"}).matched
    assert decide(both, {"a": "1", "b": "2"}).matched


def test_nested_groups_combine() -> None:
    rules = ruleset(rule("r", {"match": "any", "conditions": [
        {"match": "all", "conditions": [cond("a", "Equals", "1"), cond("b", "Equals", "2")]},
        cond("c", "Equals", "3")]}))
    assert decide(rules, {"a": "1", "b": "2"}).matched
    assert decide(rules, {"c": "3"}).matched
    assert not decide(rules, {"a": "1", "c": "4"}).matched


def test_explanation_names_why_each_earlier_rule_failed() -> None:
    claims = {"sub": "4", "email": "d@example.com", "email_verified": False}
    decision = decide(STAFF, claims, explain=True)
    assert decision.rule_name == "anyone"
    admins, staff, anyone = decision.trace
    assert (admins.matched, staff.matched, anyone.matched) == (False, False, True)
    assert admins.reason == "not in group 'admins': cognito:groups is absent"
    assert staff.reason.startswith("not email_verified Equals 'true': email_verified is 'false'")
    text = summary(decision)
    assert text.startswith("Rule 3 'anyone' matched (every condition holds): preferred role "
                           "arn:aws:iam::123456789012:role/anyone.")
    assert "rule 1 'admins' did not match (not in group 'admins': cognito:groups is absent)" in text
    assert "rule 2 'verified staff' did not match" in text
    body = decision_json(decision)
    assert [r["decisive"] for r in body["rules"]] == [False, False, True]


def test_not_equal_on_a_missing_claim_is_explained_as_cognito_does() -> None:
    decision = decide(ruleset(rule("r", cond("custom:tier", "NotEqual", "free"))), {}, explain=True)
    assert not decision.matched
    assert decision.trace[0].conditions[0].reason == (
        "custom:tier is absent (NotEqual is not evaluated on a missing claim, as in Cognito)")
    assert summary(decision).startswith("No rule matched: the token gets no role")


def test_a_regex_that_cannot_be_matched_in_time_counts_as_no_match() -> None:
    decision = decide(ruleset(rule("r", cond("email", "Regex", ".*@example\\.com"))),
                      {"email": "a" * 2000}, explain=True)
    assert not decision.matched
    assert "value too long to match: counted as no match" in decision.trace[0].conditions[0].reason


def test_an_empty_rule_set_decides_nothing() -> None:
    assert decide(ruleset(), {"sub": "1"}).role_arn is None


def test_a_thousand_rules_are_fine() -> None:
    rules = ruleset(*[rule(f"r{i}", cond("custom:n", "Equals", str(i))) for i in range(1000)])
    assert decide(rules, {"custom:n": "999"}).rule_index == 999

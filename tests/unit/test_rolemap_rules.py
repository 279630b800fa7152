"""Rule-set documents: what parses, what is refused and with which message, the limits, and regular
expressions that could hang a sign-in refused at save time (and bounded at match time)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from chalicelib.rolemap import RuleSetError, parse_rule_set
from chalicelib.rolemap.rules import MAX_DOCUMENT_BYTES
from chalicelib.rolemap.safe_regex import MATCH_TIMEOUT_SECONDS, Outcome, UnsafePatternError, compile_pattern

ROLE = "arn:aws:iam::123456789012:role/reader"


def problems(document: Any, **kwargs: Any) -> list[str]:
    with pytest.raises(RuleSetError) as exc:
        parse_rule_set(document, **kwargs)
    return exc.value.problems


def doc(*rules: Any, **extra: Any) -> dict[str, Any]:
    return {"userPoolId": "us-east-1_AbC123xYz", "clientId": "default", "rules": list(rules), **extra}


def rule(*conditions: Any, **extra: Any) -> dict[str, Any]:
    return {"name": "r", "roleArn": ROLE, "conditions": list(conditions), **extra}


def test_a_document_round_trips() -> None:
    source = doc({"name": "admins", "roleArn": ROLE, "match": "any", "conditions": [
        {"type": "InGroup", "group": "admins"},
        {"claim": "custom:dept", "type": "In", "values": ["ops"]},
        {"claim": "email", "type": "Regex", "pattern": "[^@]+@example\\.com"},
        {"match": "all", "conditions": [{"claim": "sub", "type": "Present"}]}]}, description="d")
    parsed = parse_rule_set(source)
    assert parsed.to_document() == source
    assert parse_rule_set(json.loads(json.dumps(parsed.to_document()))) == parsed
    assert parsed.roles == (ROLE,)


def test_unnamed_rules_are_numbered() -> None:
    parsed = parse_rule_set(doc({"roleArn": ROLE, "conditions": [{"claim": "sub", "type": "Present"}]}))
    assert parsed.rules[0].name == "rule 1"


@pytest.mark.parametrize(("document", "expected"), [
    ([], ["body: must be a JSON object"]),
    ({"rules": []}, ["userPoolId: is required", "clientId: is required"]),
    (doc(rule({"claim": "sub", "type": "Present"}), extra=1), ["extra: is not a known member"]),
    (doc(rule({"claim": "sub", "type": "Present"}, vaule=1)), ["rules[0].vaule: is not a known member"]),
    (doc(rule({"claim": "email", "type": "Equals", "vaule": "x"})),
     ["rules[0].conditions[0].vaule: is not a known member", "rules[0].conditions[0].value: is required"]),
    (doc(rule({"claim": "email", "type": "Equals"})), ["rules[0].conditions[0].value: is required"]),
    (doc(rule({"claim": "email", "type": "Like", "value": "x"})),
     ["rules[0].conditions[0].type: must be one of Equals, NotEqual, Contains, StartsWith, In, Regex, InGroup, "
      "Present, Absent"]),
    (doc(rule()), ["rules[0].conditions: must be a non-empty list"]),
    (doc({"roleArn": "reader", "conditions": [{"claim": "sub", "type": "Present"}]}),
     ["rules[0].roleArn: is not well formed"]),
    (doc(rule({"claim": "sub", "type": "Present"}, match="some")), ["rules[0].match: must be 'all' or 'any'"]),
    (doc(rule({"claim": "c", "type": "In", "values": []})), ["rules[0].conditions[0].values: must be a non-empty "
                                                               "list of strings"]),
    (doc(rule({"claim": "c", "type": "In", "values": [1]})),
     ["rules[0].conditions[0].values: must hold non-empty strings of at most 1024 characters"]),
    (doc(rule({"claim": "sub", "type": "Present"}), rule({"claim": "sub", "type": "Present"})),
     ["rules: rule name 'r' is used more than once"]),
    ({"userPoolId": "not a pool", "clientId": "default", "rules": []}, ["userPoolId: is not well formed"]),
    (doc(rule({"claim": "x" * 257, "type": "Present"})),
     ["rules[0].conditions[0].claim: must be at most 256 characters"]),
])
def test_invalid_documents_are_refused_with_every_problem(document: Any, expected: list[str]) -> None:
    assert problems(document) == expected


def test_an_owner_is_optional_for_a_rule_set_under_test() -> None:
    assert parse_rule_set({"rules": []}, require_owner=False).user_pool_id is None


def test_nesting_is_bounded() -> None:
    condition: dict[str, Any] = {"claim": "sub", "type": "Present"}
    for _ in range(5):
        condition = {"match": "all", "conditions": [condition]}
    # The rule's own conditions are the first level; three nested groups make four.
    assert problems(doc(rule(condition))) == [
        "rules[0].conditions[0].conditions[0].conditions[0].conditions[0]: groups may be nested at most 4 deep"]


def test_many_rules_have_no_fixed_limit_but_the_document_has_a_size() -> None:
    many = [{"name": f"r{i}", "roleArn": ROLE, "conditions": [{"claim": "sub", "type": "Present"}]}
            for i in range(1000)]
    assert len(parse_rule_set(doc(*many)).rules) == 1000
    huge = [{"name": f"r{i}", "roleArn": ROLE, "conditions": [{"claim": "c", "type": "Equals", "value": "v" * 1000}]}
            for i in range(400)]
    found = problems(doc(*huge))
    assert len(found) == 1 and found[0].startswith(f"body: must be at most {MAX_DOCUMENT_BYTES} bytes")


def test_at_most_ten_problems_are_reported_but_all_are_counted() -> None:
    bad = [{"roleArn": "x", "conditions": [{"claim": "sub", "type": "Present"}]} for _ in range(30)]
    with pytest.raises(RuleSetError) as exc:
        parse_rule_set(doc(*bad))
    assert len(exc.value.problems) == 30
    assert str(exc.value).endswith("; and 20 more")


CATASTROPHIC = [r"(a+)+$", r"(a|aa)+$", r"(\w+\s?)+$", r"(.*a){12}", r"(x+x+)+y", r"(\d+)*$",
                r"^(([a-z])+.)+[A-Z]([a-z])+$"]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_patterns_that_backtrack_catastrophically_are_refused_quickly(pattern: str) -> None:
    started = time.perf_counter()
    with pytest.raises(UnsafePatternError, match="backtracks catastrophically"):
        compile_pattern(pattern)
    assert time.perf_counter() - started < 5.0  # well inside a request's budget even on a loaded machine
    assert problems(doc(rule({"claim": "email", "type": "Regex", "pattern": pattern}))) == [
        "rules[0].conditions[0].pattern: backtracks catastrophically (it ran out of time on a probe input)"]


@pytest.mark.parametrize(("pattern", "message"), [
    (r"(a)\1", "back-references and recursion are not allowed"),
    (r"(?P<x>a)(?P=x)", "back-references and recursion are not allowed"),
    (r"(a(?R)?b)", "back-references and recursion are not allowed"),
    (r"a{1000}", "repetition counts must be at most 100"),
    ("x" * 257, "must be at most 256 characters"),
    (r"(unclosed", "is not a valid regular expression"),
])
def test_unsafe_or_broken_patterns_are_refused(pattern: str, message: str) -> None:
    with pytest.raises(UnsafePatternError, match=message.replace("(", r"\(")):
        compile_pattern(pattern)


def test_a_safe_pattern_matches_the_whole_value() -> None:
    pattern = compile_pattern(r"[a-z]+@example\.com")
    assert pattern.fullmatch("ann@example.com") is Outcome.MATCHED
    assert pattern.fullmatch("ann@example.com.evil") is Outcome.NOT_MATCHED
    assert pattern.fullmatch("a" * 2000) is Outcome.TOO_LONG


def test_a_match_that_runs_out_of_time_is_no_match() -> None:
    import regex

    # Compiled directly: compile_pattern would have refused it.
    from chalicelib.rolemap.safe_regex import SafePattern

    slow = SafePattern(source=r"(a+)+$", compiled=regex.compile(r"(a+)+$"))
    started = time.perf_counter()
    assert slow.fullmatch("a" * 1000 + "!") is Outcome.TIMED_OUT
    assert time.perf_counter() - started < 1.0 + MATCH_TIMEOUT_SECONDS

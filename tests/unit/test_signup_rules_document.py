"""chalicelib.signup.rules.RuleSet: the stored and exchanged JSON document (defaults, normalisation, refusals)."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from chalicelib.signup.rules import MAX_DOMAINS, RuleSet, default_rules, normalize_domain


def errors(document: object) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as exc:
        RuleSet.model_validate(document)
    return [(".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.value.errors()]


def test_the_default_document_blocks_disposable_domains_and_nothing_else():
    document = default_rules().to_document()
    assert document["blockDisposable"] is True
    assert document["inviteRequired"] is False
    assert document["adminCreateUser"]["requireInvite"] is False
    assert document["signUp"]["requireInvite"] is None
    for key in ("allowedDomains", "blockedDomains", "trustedDomains", "reservedUsernames", "requiredAttributes"):
        assert document[key] == []
    assert document["attributes"] == {}


def test_a_document_survives_json_round_trips():
    rules = RuleSet.model_validate({"allowedDomains": ["example.com"], "attributes": {"name": {"maxLength": 5}},
                                    "externalProvider": {"requireInvite": False}})
    assert RuleSet.from_json(rules.to_json()) == rules
    assert json.loads(rules.to_json()) == rules.to_document()


def test_domains_are_normalised_deduplicated_and_sorted():
    rules = RuleSet.model_validate({"blockedDomains": ["B.example.", "a.example", "b.EXAMPLE", "bücher.example"]})
    assert rules.blocked_domains == ["a.example", "b.example", "xn--bcher-kva.example"]


def test_reserved_usernames_are_deduplicated_by_their_comparison_key():
    rules = RuleSet.model_validate({"reservedUsernames": ["Admin", "ad.min", "root", " root "]})
    assert rules.reserved_usernames == ["Admin", "root"]


@pytest.mark.parametrize(("document", "expected"), [
    ({"allowedDomains": ["not a domain"]}, [("allowedDomains", "'not a domain' is not a domain name")]),
    ({"trustedDomains": ["10.0.0.1"]}, [("trustedDomains", "'10.0.0.1' is not a domain name")]),
    ({"reservedUsernames": ["..."]}, [("reservedUsernames", "'...' is not a username")]),
    ({"attributes": {"x": {"pattern": "("}}},
     [("attributes.x", "pattern is not a valid regular expression (missing ), unterminated subpattern)")]),
    ({"attributes": {"x": {"minLength": 5, "maxLength": 2}}},
     [("attributes.x", "minLength must not be greater than maxLength")]),
    ({"attributes": {"x": {"format": "uuid"}}}, [("attributes.x.format", "Input should be 'e164' or 'email'")]),
    ({"blockDisposable": "yes"}, [("blockDisposable", "Input should be a valid boolean")]),
    ({"block_disposable": True}, [("block_disposable", "Extra inputs are not permitted")]),
    ({"attributes": {"bad name!": {}}}, [("attributes.bad name!.[key]",
                                          "String should match pattern '^[A-Za-z0-9_:.\\-]+$'")]),
    ({"attributes": {"x": {"message": "two\nlines"}}},
     [("attributes.x.message", "String should match pattern '^[^\\x00-\\x1f\\x7f]+$'")]),
])
def test_malformed_documents_are_refused_with_the_member_named(document, expected):
    assert errors(document) == expected


def test_lists_are_bounded():
    too_many = [f"d{i}.example" for i in range(MAX_DOMAINS + 1)]
    assert errors({"blockedDomains": too_many})[0][0] == "blockedDomains"


def test_a_document_that_is_not_an_object_is_refused():
    with pytest.raises(ValidationError):
        RuleSet.from_json("[1, 2]")


@pytest.mark.parametrize(("raw", "expected"), [
    ("Example.COM.", "example.com"), ("bücher.example", "xn--bcher-kva.example"), ("localhost", None),
    ("-bad.example", None), ("a..b", None), ("", None), ("x" * 64 + ".com", None), ("1.2.3.4", None),
])
def test_normalize_domain(raw, expected):
    assert normalize_domain(raw) == expected

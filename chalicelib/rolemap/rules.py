"""The rule-set document: its JSON shape, its limits, and :func:`parse_rule_set`, which validates it.

A rule set belongs to one user pool and one app client (``clientId`` ``"default"``: every client of the
pool without a rule set of its own). Its rules are ordered; the first that matches gives the preferred role,
and every rule that matches adds its role to ``cognito:roles``::

    {"userPoolId": "us-east-1_AbC123xYz", "clientId": "default", "description": "who may write",
     "rules": [
       {"name": "admins", "roleArn": "arn:aws:iam::123456789012:role/editor",
        "conditions": [{"type": "InGroup", "group": "admins"}]},
       {"name": "verified staff", "roleArn": "arn:aws:iam::123456789012:role/reader", "match": "all",
        "conditions": [{"claim": "email_verified", "type": "Equals", "value": "true"},
                       {"match": "any", "conditions": [
                           {"claim": "email", "type": "Regex", "pattern": "[^@]+@example\\\\.com"},
                           {"claim": "custom:department", "type": "In", "values": ["ops", "sales"]}]}]}]}

Condition types. Cognito's four, with Cognito's semantics (DG-RBAC): ``Equals``, ``NotEqual`` (a missing
claim does not satisfy it: Cognito skips the rule), ``Contains``, ``StartsWith``. Then ``In`` (one of
``values``), ``Regex`` (``pattern`` matches the whole value; see :mod:`chalicelib.rolemap.safe_regex`),
``InGroup`` (``group`` is in ``cognito:groups``), ``Present`` and ``Absent`` (the claim is there or not).
A condition may instead be a group ``{"match": "all"|"any", "conditions": [...]}``, nested up to MAX_DEPTH.

There is no limit on the number of rules, only on the document's size (MAX_DOCUMENT_BYTES, under
DynamoDB's 400 KB item limit); unknown members are refused, so a typo never turns a condition off.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass, field
from typing import Any, Final

from chalicelib.rolemap.safe_regex import SafePattern, UnsafePatternError, compile_pattern

MAX_DOCUMENT_BYTES: Final = 300_000
MAX_CONDITIONS: Final = 50
MAX_DEPTH: Final = 4
MAX_IN_VALUES: Final = 100
MAX_VALUE_CHARS: Final = 1024
MAX_CLAIM_CHARS: Final = 256
MAX_NAME_CHARS: Final = 128
MAX_DESCRIPTION_CHARS: Final = 1024
MAX_REPORTED_PROBLEMS: Final = 10
DEFAULT_CLIENT: Final = "default"
GROUPS_CLAIM: Final = "cognito:groups"

ROLE_ARN: Final = re.compile(r"arn:aws(?:-[a-z]+)*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
USER_POOL_ID: Final = re.compile(r"[\w-]+_[0-9a-zA-Z]+")
CLIENT_ID: Final = re.compile(r"[\w+]+")


class MatchType(enum.Enum):
    EQUALS = "Equals"
    NOT_EQUAL = "NotEqual"
    CONTAINS = "Contains"
    STARTS_WITH = "StartsWith"
    IN = "In"
    REGEX = "Regex"
    IN_GROUP = "InGroup"
    PRESENT = "Present"
    ABSENT = "Absent"


_VALUE_TYPES: Final = {MatchType.EQUALS, MatchType.NOT_EQUAL, MatchType.CONTAINS, MatchType.STARTS_WITH}
_LEAF_MEMBERS: Final = {
    **{kind: {"type", "claim", "value"} for kind in _VALUE_TYPES},
    MatchType.IN: {"type", "claim", "values"},
    MatchType.REGEX: {"type", "claim", "pattern"},
    MatchType.IN_GROUP: {"type", "group"},
    MatchType.PRESENT: {"type", "claim"},
    MatchType.ABSENT: {"type", "claim"},
}
_RULE_MEMBERS: Final = {"name", "roleArn", "match", "conditions"}
_SET_MEMBERS: Final = {"userPoolId", "clientId", "description", "rules"}


class RuleSetError(ValueError):
    """The document is not a valid rule set; ``problems`` lists each member that is wrong and why."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:MAX_REPORTED_PROBLEMS]
        more = len(problems) - len(shown)
        super().__init__("; ".join(shown) + (f"; and {more} more" if more > 0 else ""))
        self.problems = problems


@dataclass(frozen=True)
class Leaf:
    """One test of one claim."""

    kind: MatchType
    claim: str
    value: str = ""
    values: tuple[str, ...] = ()
    pattern: SafePattern | None = None

    def to_document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"type": self.kind.value}
        if self.kind is MatchType.IN_GROUP:
            doc["group"] = self.value
            return doc
        doc["claim"] = self.claim
        if self.kind in _VALUE_TYPES:
            doc["value"] = self.value
        elif self.kind is MatchType.IN:
            doc["values"] = list(self.values)
        elif self.kind is MatchType.REGEX and self.pattern is not None:
            doc["pattern"] = self.pattern.source
        return doc


@dataclass(frozen=True)
class Group:
    """Conditions combined with all (every one holds) or any (at least one holds)."""

    match: str
    conditions: tuple[Leaf | Group, ...]

    def to_document(self) -> dict[str, Any]:
        return {"match": self.match, "conditions": [c.to_document() for c in self.conditions]}


@dataclass(frozen=True)
class Rule:
    name: str
    role_arn: str
    when: Group

    def to_document(self) -> dict[str, Any]:
        return {"name": self.name, "roleArn": self.role_arn, "match": self.when.match,
                "conditions": [c.to_document() for c in self.when.conditions]}


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    user_pool_id: str | None = None
    client_id: str | None = None
    description: str = ""
    roles: tuple[str, ...] = field(default=())

    def to_document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {}
        if self.user_pool_id is not None:
            doc["userPoolId"] = self.user_pool_id
        if self.client_id is not None:
            doc["clientId"] = self.client_id
        if self.description:
            doc["description"] = self.description
        doc["rules"] = [rule.to_document() for rule in self.rules]
        return doc


class _Parser:
    def __init__(self, probe: bool) -> None:
        self.problems: list[str] = []
        self.probe = probe

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def string(self, doc: dict[str, Any], name: str, path: str, max_chars: int, *,
               pattern: re.Pattern[str] | None = None, required: bool = True) -> str | None:
        value = doc.get(name)
        where = f"{path}.{name}" if path else name
        if value is None:
            if required:
                self.problem(where, "is required")
            return None
        if not isinstance(value, str) or not value:
            self.problem(where, "must be a non-empty string")
            return None
        if len(value) > max_chars:
            self.problem(where, f"must be at most {max_chars} characters")
            return None
        if pattern is not None and not pattern.fullmatch(value):
            self.problem(where, "is not well formed")
            return None
        return value

    def members(self, doc: Any, allowed: set[str], path: str) -> bool:
        if not isinstance(doc, dict):
            self.problem(path or "body", "must be a JSON object")
            return False
        for name in sorted(set(doc) - allowed)[:MAX_REPORTED_PROBLEMS]:
            shown = name[:MAX_NAME_CHARS]
            self.problem(f"{path}.{shown}" if path else shown, "is not a known member")
        return True

    def group(self, doc: dict[str, Any], path: str, depth: int) -> Group | None:
        match = doc.get("match", "all")
        if match not in ("all", "any"):
            self.problem(f"{path}.match", "must be 'all' or 'any'")
        conditions = doc.get("conditions")
        if not isinstance(conditions, list) or not conditions:
            self.problem(f"{path}.conditions", "must be a non-empty list")
            return None
        if len(conditions) > MAX_CONDITIONS:
            self.problem(f"{path}.conditions", f"must have at most {MAX_CONDITIONS} conditions")
            return None
        parsed = [self.condition(c, f"{path}.conditions[{i}]", depth) for i, c in enumerate(conditions)]
        if any(c is None for c in parsed):
            return None
        return Group(match=match, conditions=tuple(c for c in parsed if c is not None))

    def condition(self, doc: Any, path: str, depth: int) -> Leaf | Group | None:
        if isinstance(doc, dict) and "conditions" in doc:
            if depth >= MAX_DEPTH:
                self.problem(path, f"groups may be nested at most {MAX_DEPTH} deep")
                return None
            if not self.members(doc, {"match", "conditions"}, path):
                return None
            return self.group(doc, path, depth + 1)
        if not isinstance(doc, dict):
            self.problem(path, "must be a JSON object")
            return None
        try:
            kind = MatchType(doc.get("type"))
        except ValueError:
            names = ", ".join(t.value for t in MatchType)
            self.problem(f"{path}.type", f"must be one of {names}")
            return None
        if not self.members(doc, _LEAF_MEMBERS[kind], path):
            return None
        return self.leaf(kind, doc, path)

    def leaf(self, kind: MatchType, doc: dict[str, Any], path: str) -> Leaf | None:
        if kind is MatchType.IN_GROUP:
            group = self.string(doc, "group", path, MAX_VALUE_CHARS)
            return Leaf(kind=kind, claim=GROUPS_CLAIM, value=group) if group else None
        claim = self.string(doc, "claim", path, MAX_CLAIM_CHARS)
        if kind in _VALUE_TYPES:
            value = self.string(doc, "value", path, MAX_VALUE_CHARS)
            return Leaf(kind=kind, claim=claim, value=value) if claim and value else None
        if kind is MatchType.IN:
            values = self.values(doc.get("values"), f"{path}.values")
            return Leaf(kind=kind, claim=claim, values=values) if claim and values else None
        if kind is MatchType.REGEX:
            source = self.string(doc, "pattern", path, MAX_VALUE_CHARS)
            pattern = None
            if source is not None:
                try:
                    pattern = compile_pattern(source, probe=self.probe)
                except UnsafePatternError as exc:
                    self.problem(f"{path}.pattern", str(exc))
            return Leaf(kind=kind, claim=claim, pattern=pattern) if claim and pattern else None
        return Leaf(kind=kind, claim=claim) if claim else None

    def values(self, values: Any, path: str) -> tuple[str, ...]:
        if not isinstance(values, list) or not values:
            self.problem(path, "must be a non-empty list of strings")
            return ()
        if len(values) > MAX_IN_VALUES:
            self.problem(path, f"must have at most {MAX_IN_VALUES} values")
            return ()
        if not all(isinstance(v, str) and 0 < len(v) <= MAX_VALUE_CHARS for v in values):
            self.problem(path, f"must hold non-empty strings of at most {MAX_VALUE_CHARS} characters")
            return ()
        return tuple(values)

    def rule(self, doc: Any, path: str, index: int) -> Rule | None:
        if not self.members(doc, _RULE_MEMBERS, path):
            return None
        name = self.string(doc, "name", path, MAX_NAME_CHARS, required=False) or f"rule {index + 1}"
        role_arn = self.string(doc, "roleArn", path, 2048, pattern=ROLE_ARN)
        when = self.group(doc, path, 1)
        return Rule(name=name, role_arn=role_arn, when=when) if role_arn and when else None


def parse_rule_set(document: Any, *, require_owner: bool = True, probe: bool = True) -> RuleSet:
    """The rule set ``document`` describes, or RuleSetError listing every problem. ``require_owner``: the
    document must name its userPoolId and clientId (false for a rule set only being tested). ``probe=False``
    skips the regular expressions' probe inputs, for a document read back from storage (probed when saved)."""
    parser = _Parser(probe)
    if not parser.members(document, _SET_MEMBERS, ""):
        raise RuleSetError(parser.problems)
    try:
        size = len(json.dumps(document, ensure_ascii=False).encode("utf-8"))
    except (TypeError, ValueError):
        raise RuleSetError(["body: must be plain JSON"]) from None
    if size > MAX_DOCUMENT_BYTES:
        raise RuleSetError([f"body: must be at most {MAX_DOCUMENT_BYTES} bytes (is {size})"])
    pool = parser.string(document, "userPoolId", "", 55, pattern=USER_POOL_ID, required=require_owner)
    client = parser.string(document, "clientId", "", 128, pattern=CLIENT_ID, required=require_owner)
    description = parser.string(document, "description", "", MAX_DESCRIPTION_CHARS, required=False) or ""
    rules_doc = document.get("rules")
    rules: list[Rule] = []
    if not isinstance(rules_doc, list):
        parser.problem("rules", "must be a list")
    else:
        for index, item in enumerate(rules_doc):
            rule = parser.rule(item, f"rules[{index}]", index)
            if rule is not None:
                rules.append(rule)
        names = [r.name for r in rules]
        for name in sorted({n for n in names if names.count(n) > 1}):
            parser.problem("rules", f"rule name {name!r} is used more than once")
    if parser.problems:
        raise RuleSetError(parser.problems)
    roles = tuple(dict.fromkeys(rule.role_arn for rule in rules))
    return RuleSet(rules=tuple(rules), user_pool_id=pool, client_id=client, description=description, roles=roles)

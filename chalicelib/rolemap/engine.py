"""Evaluate a rule set against a user's claims: :func:`decide`.

Rules are tried in order. The first that matches is the decision (its role becomes
``cognito:preferred_role``); every rule that matches contributes its role, in rule order and without
repeats, to ``cognito:roles``, so the user may pick another of them with GetCredentialsForIdentity's
CustomRoleArn, as Cognito's Token mapping allows. No rule matching is a decision too: no role, and the
identity pool's AmbiguousRoleResolution applies.

Claim values are compared as strings: a boolean is ``"true"``/``"false"`` (``email_verified`` is a JSON
boolean in the ID token), a number its decimal form, and a list (``cognito:groups``) is a set of such
strings, so ``Equals``/``In``/``StartsWith`` hold when one element does and ``Contains`` means "is an
element" (on a single string it means "is a substring", as in Cognito).

With ``explain=True`` every rule and every condition carries a reason a person can read; without it the
evaluation short-circuits and allocates nothing per condition (see bench/rolemap_eval.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from chalicelib.rolemap.rules import Group, Leaf, MatchType, Rule, RuleSet
from chalicelib.rolemap.safe_regex import Outcome

MAX_SHOWN_CHARS: Final = 60
MAX_SHOWN_VALUES: Final = 5


@dataclass(frozen=True)
class ConditionTrace:
    condition: str
    holds: bool
    reason: str


@dataclass(frozen=True)
class RuleTrace:
    index: int
    name: str
    role_arn: str
    matched: bool
    reason: str
    conditions: tuple[ConditionTrace, ...]


@dataclass(frozen=True)
class Decision:
    """The preferred role (first matching rule) and every matching role; ``trace`` only when explained."""

    role_arn: str | None
    rule_name: str | None
    rule_index: int | None
    roles: tuple[str, ...]
    trace: tuple[RuleTrace, ...] = ()

    @property
    def matched(self) -> bool:
        return self.role_arn is not None


def _strings(value: Any) -> tuple[list[str], bool] | None:
    """The claim as strings, and whether it is a list; None when absent."""
    if value is None:
        return None
    if isinstance(value, list):
        return [s for item in value if (s := _scalar(item)) is not None], True
    scalar = _scalar(value)
    return ([scalar] if scalar is not None else [json.dumps(value, sort_keys=True)]), False


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return None


View = dict[str, tuple[list[str], bool] | None]
Predicate = Callable[[View], bool]


def _view(claims: Mapping[str, Any]) -> View:
    """Every claim as strings, once per decision (a token has a few dozen claims at most)."""
    return {name: _strings(value) for name, value in claims.items()}


def _leaf_predicate(leaf: Leaf) -> Predicate:
    claim, value, kind = leaf.claim, leaf.value, leaf.kind
    if kind is MatchType.PRESENT:
        return lambda view: view.get(claim) is not None
    if kind is MatchType.ABSENT:
        return lambda view: view.get(claim) is None
    if kind is MatchType.EQUALS or kind is MatchType.IN_GROUP:
        return lambda view: (found := view.get(claim)) is not None and value in found[0]
    if kind is MatchType.NOT_EQUAL:
        return lambda view: (found := view.get(claim)) is not None and value not in found[0]
    if kind is MatchType.CONTAINS:
        def contains(view: View) -> bool:
            found = view.get(claim)
            if found is None:
                return False
            return value in found[0] if found[1] else any(value in v for v in found[0])
        return contains
    if kind is MatchType.STARTS_WITH:
        return lambda view: (found := view.get(claim)) is not None and any(v.startswith(value) for v in found[0])
    if kind is MatchType.IN:
        allowed = frozenset(leaf.values)
        return lambda view: (found := view.get(claim)) is not None and not allowed.isdisjoint(found[0])
    pattern = leaf.pattern
    if pattern is None:
        return lambda view: False
    return lambda view: (found := view.get(claim)) is not None and any(
        pattern.fullmatch(v) is Outcome.MATCHED for v in found[0])


def _group_predicate(group: Group) -> Predicate:
    parts = [_leaf_predicate(c) if isinstance(c, Leaf) else _group_predicate(c) for c in group.conditions]
    if len(parts) == 1:
        return parts[0]
    if group.match == "all":
        return lambda view: all(part(view) for part in parts)
    return lambda view: any(part(view) for part in parts)


def _holds(leaf: Leaf, claims: Mapping[str, Any]) -> bool:
    return _leaf_predicate(leaf)(_view(claims))


_PROGRAM = "_program"


def _program(rule_set: RuleSet) -> list[tuple[int, Rule, Predicate]]:
    """The rule set compiled to one predicate per rule, kept on the (immutable) rule set."""
    program = rule_set.__dict__.get(_PROGRAM)
    if program is None:
        program = [(index, rule, _group_predicate(rule.when)) for index, rule in enumerate(rule_set.rules)]
        object.__setattr__(rule_set, _PROGRAM, program)
    return program


def decide(rule_set: RuleSet, claims: Mapping[str, Any], *, explain: bool = False) -> Decision:
    """Which role ``claims`` get under ``rule_set`` (see the module docstring)."""
    if explain:
        return _explained(rule_set, claims)
    view = _view(claims)
    first: Rule | None = None
    first_index: int | None = None
    roles: list[str] = []
    for index, rule, predicate in _program(rule_set):
        if predicate(view):
            if first is None:
                first, first_index = rule, index
            if rule.role_arn not in roles:
                roles.append(rule.role_arn)
    return Decision(role_arn=first.role_arn if first else None, rule_name=first.name if first else None,
                    rule_index=first_index, roles=tuple(roles))


# ---------------------------------------------------------------- explanations


def _show(value: str) -> str:
    text = value if len(value) <= MAX_SHOWN_CHARS else value[: MAX_SHOWN_CHARS - 1] + "…"
    return repr(text)


def _show_values(values: list[str] | tuple[str, ...]) -> str:
    shown = ", ".join(_show(v) for v in values[:MAX_SHOWN_VALUES])
    more = len(values) - MAX_SHOWN_VALUES
    return f"[{shown}{f', and {more} more' if more > 0 else ''}]"


def describe(leaf: Leaf) -> str:
    kind = leaf.kind
    if kind is MatchType.IN_GROUP:
        return f"in group {_show(leaf.value)}"
    if kind is MatchType.PRESENT:
        return f"{leaf.claim} is present"
    if kind is MatchType.ABSENT:
        return f"{leaf.claim} is absent"
    if kind is MatchType.IN:
        return f"{leaf.claim} In {_show_values(leaf.values)}"
    if kind is MatchType.REGEX:
        return f"{leaf.claim} Regex {_show(leaf.pattern.source if leaf.pattern else '')}"
    return f"{leaf.claim} {kind.value} {_show(leaf.value)}"


def _leaf_trace(leaf: Leaf, claims: Mapping[str, Any]) -> ConditionTrace:
    holds = _holds(leaf, claims)
    found = _strings(claims.get(leaf.claim))
    text = describe(leaf)
    if leaf.kind is MatchType.PRESENT:
        reason = f"{leaf.claim} is present" if holds else f"{leaf.claim} is absent"
    elif leaf.kind is MatchType.ABSENT:
        reason = f"{leaf.claim} is absent" if holds else f"{leaf.claim} is present"
    elif found is None:
        reason = f"{leaf.claim} is absent"
        if leaf.kind is MatchType.NOT_EQUAL:
            reason += " (NotEqual is not evaluated on a missing claim, as in Cognito)"
    else:
        values, is_list = found
        shown = _show_values(values) if is_list else _show(values[0])
        reason = f"{leaf.claim} is {shown}"
        if leaf.kind is MatchType.REGEX and not holds and leaf.pattern is not None:
            outcomes = {leaf.pattern.fullmatch(v) for v in values} - {Outcome.NOT_MATCHED}
            if outcomes:
                reason += f" ({', '.join(sorted(o.value for o in outcomes))}: counted as no match)"
    return ConditionTrace(condition=text, holds=holds, reason=reason)


def _group_trace(group: Group, claims: Mapping[str, Any]) -> tuple[bool, list[ConditionTrace]]:
    traces: list[ConditionTrace] = []
    results: list[bool] = []
    for condition in group.conditions:
        if isinstance(condition, Leaf):
            trace = _leaf_trace(condition, claims)
            traces.append(trace)
            results.append(trace.holds)
        else:
            holds, inner = _group_trace(condition, claims)
            results.append(holds)
            summary = "; ".join(f"{t.condition}: {'yes' if t.holds else 'no'} ({t.reason})" for t in inner)
            traces.append(ConditionTrace(condition=f"{condition.match} of {len(condition.conditions)} conditions",
                                         holds=holds, reason=summary))
    holds = all(results) if group.match == "all" else any(results)
    return holds, traces


def _rule_trace(index: int, rule: Rule, claims: Mapping[str, Any]) -> RuleTrace:
    holds, conditions = _group_trace(rule.when, claims)
    if holds:
        reason = "every condition holds" if rule.when.match == "all" else "a condition holds"
    elif rule.when.match == "all":
        failed = [c for c in conditions if not c.holds]
        reason = "; ".join(f"not {c.condition}: {c.reason}" for c in failed)
    else:
        reason = "no condition holds: " + "; ".join(f"not {c.condition}: {c.reason}" for c in conditions)
    return RuleTrace(index=index, name=rule.name, role_arn=rule.role_arn, matched=holds, reason=reason,
                     conditions=tuple(conditions))


def _explained(rule_set: RuleSet, claims: Mapping[str, Any]) -> Decision:
    traces = tuple(_rule_trace(index, rule, claims) for index, rule in enumerate(rule_set.rules))
    matched = [t for t in traces if t.matched]
    first = matched[0] if matched else None
    return Decision(role_arn=first.role_arn if first else None, rule_name=first.name if first else None,
                    rule_index=first.index if first else None,
                    roles=tuple(dict.fromkeys(t.role_arn for t in matched)), trace=traces)

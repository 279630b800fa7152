"""A decision as JSON for people and tools: every rule in order, whether it matched and why, condition by
condition, and a one-paragraph summary ("Rule 2 'staff' matched (...). Before it, rule 1 'admins' did not
match (not in group 'admins': cognito:groups is absent)."). Used by the admin routes and the CLI."""

from __future__ import annotations

from typing import Any

from chalicelib.rolemap.engine import Decision, RuleTrace


def _trace_json(trace: RuleTrace, decisive: bool) -> dict[str, Any]:
    return {"index": trace.index, "name": trace.name, "roleArn": trace.role_arn, "matched": trace.matched,
            "decisive": decisive, "reason": trace.reason,
            "conditions": [{"condition": c.condition, "holds": c.holds, "reason": c.reason}
                           for c in trace.conditions]}


def summary(decision: Decision) -> str:
    earlier = [t for t in decision.trace if decision.rule_index is None or t.index < decision.rule_index]
    why_not = "; ".join(f"rule {t.index + 1} {t.name!r} did not match ({t.reason})" for t in earlier)
    if decision.rule_index is None:
        head = "No rule matched: the token gets no role, and the identity pool's AmbiguousRoleResolution decides."
        return f"{head} {why_not[0].upper()}{why_not[1:]}." if why_not else head
    reason = next((f" ({t.reason})" for t in decision.trace if t.index == decision.rule_index), "")
    head = (f"Rule {decision.rule_index + 1} {decision.rule_name!r} matched{reason}: "
            f"preferred role {decision.role_arn}.")
    return f"{head} Before it, {why_not}." if why_not else head


def decision_json(decision: Decision) -> dict[str, Any]:
    return {"matched": decision.matched, "roleArn": decision.role_arn, "rule": decision.rule_name,
            "ruleIndex": decision.rule_index, "roles": list(decision.roles), "summary": summary(decision),
            "rules": [_trace_json(t, t.index == decision.rule_index) for t in decision.trace]}

"""The role-mapping rules engine: which IAM role a signed-in user gets, decided from the user's claims.

Amazon Cognito's identity pools map roles with at most 25 rules per provider and four match types, and
cannot say why a decision was taken (https://docs.aws.amazon.com/cognito/latest/developerguide/
role-based-access-control.html). This engine keeps ordered rules with no fixed count, the four Cognito match
types plus In, Regex (bounded), group membership and attribute presence, combined with all/any, one rule set
per user pool and app client, and explains every decision. The PreTokenGeneration trigger writes its result
into the ID token as ``cognito:roles`` and ``cognito:preferred_role``, so a real identity pool with Token
mapping honours it.

Pure: no boto3, no chalice, no clock. Storage is :mod:`chalicelib.models.role_rule`.

- :mod:`chalicelib.rolemap.rules`: the rule-set document, parsed and validated (:func:`parse_rule_set`).
- :mod:`chalicelib.rolemap.safe_regex`: bounded regular expressions (length caps, time budget, probe).
- :mod:`chalicelib.rolemap.engine`: :func:`decide` (first match wins, every matching role) and its trace.
- :mod:`chalicelib.rolemap.claims`: the claims a PreTokenGeneration event stands for, and the override.
"""

from __future__ import annotations

from chalicelib.rolemap.engine import ConditionTrace, Decision, RuleTrace, decide
from chalicelib.rolemap.rules import RuleSet, RuleSetError, parse_rule_set

__all__ = ["ConditionTrace", "Decision", "RuleSet", "RuleSetError", "RuleTrace", "decide", "parse_rule_set"]

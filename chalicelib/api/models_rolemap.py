"""Request, parameter and response models of the role-mapping routes (:mod:`chalicelib.api.rolemap_routes`).

A rule-set document is validated by :func:`chalicelib.rolemap.rules.parse_rule_set`, which lists every problem
in one answer; the fields that carry one are typed ``Any`` here and documented by :data:`RULES_SCHEMA`, and a
missing required field reads as that field's own problem (``claims: must be a JSON object ...``), so those
fields default to None and the documents' ``required`` lists are set explicitly.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Final, Literal

from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema

from chalicelib.api.models import QUERY_TEXT, Params, RequestBody, ResponseBody, refusal, required_fields
from chalicelib.rolemap.rules import CLIENT_ID, USER_POOL_ID, RuleSet, RuleSetError, parse_rule_set
from chalicelib.services.errors import RequestValidationError

MAX_BODY_BYTES: Final = 512 * 1024
MAX_CLAIMS: Final = 200
MAX_CLAIMS_BYTES: Final = 64 * 1024
MAX_POOL_ID_CHARS: Final = 55
MAX_CLIENT_ID_CHARS: Final = 128

CONDITION_SCHEMA: Final = {
    "type": "object",
    "description": "{type: Equals|NotEqual|Contains|StartsWith, claim, value}, {type: In, claim, values}, "
                   "{type: Regex, claim, pattern}, {type: InGroup, group}, {type: Present|Absent, claim}, or a "
                   "group {match: all|any, conditions: [...]}",
}
RULES_SCHEMA: Final = {
    "type": "array",
    "description": "In order: the first rule that matches gives the preferred role.",
    "items": {"type": "object", "required": ["name", "roleArn", "conditions"], "additionalProperties": False,
              "properties": {"name": {"type": "string"}, "roleArn": {"type": "string"},
                             "match": {"enum": ["all", "any"], "default": "all"},
                             "conditions": {"type": "array", "minItems": 1, "items": CONDITION_SCHEMA}}},
}
RULE_SET_SCHEMA: Final = {
    "type": "object", "required": ["rules"], "additionalProperties": False,
    "properties": {"userPoolId": {"type": "string"}, "clientId": {"type": "string"},
                   "description": {"type": "string"}, "rules": RULES_SCHEMA},
}


def _pool(value: Any) -> str:
    if not isinstance(value, str) or not USER_POOL_ID.fullmatch(value) or len(value) > MAX_POOL_ID_CHARS:
        raise refusal("is not a user pool id")
    return value


def _client(value: Any) -> str:
    if not isinstance(value, str) or not CLIENT_ID.fullmatch(value) or len(value) > MAX_CLIENT_ID_CHARS:
        raise refusal("is not an app client id (or 'default')")
    return value


def _version(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit() and len(value) < 10:
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 10**9:
        raise refusal("must be a non-negative integer")
    return value


def _claims(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise refusal("must be a JSON object (the ID token's claims)")
    if len(value) > MAX_CLAIMS or len(json.dumps(value)) > MAX_CLAIMS_BYTES:
        raise refusal(f"at most {MAX_CLAIMS} claims and {MAX_CLAIMS_BYTES} bytes")
    return value


def parsed_rule_set(document: Any, *, require_owner: bool) -> RuleSet:
    try:
        return parse_rule_set(document, require_owner=require_owner)
    except RuleSetError as err:
        raise RequestValidationError(str(err)) from None


def _tried_rule_set(value: Any) -> RuleSet:
    return parsed_rule_set(value, require_owner=False)


# The checks are the functions' (Python's re); the schema only says the same thing.
PoolId = Annotated[str, Field(json_schema_extra={"pattern": f"^{USER_POOL_ID.pattern}$",
                                                "maxLength": MAX_POOL_ID_CHARS}), BeforeValidator(_pool)]
ClientId = Annotated[str, Field(json_schema_extra={"pattern": f"^{CLIENT_ID.pattern}$",
                                                  "maxLength": MAX_CLIENT_ID_CHARS}), BeforeValidator(_client)]
Version = Annotated[int | None, BeforeValidator(_version), WithJsonSchema({"type": "integer", "minimum": 0})]
Claims = Annotated[dict[str, Any], Field(max_length=MAX_CLAIMS), BeforeValidator(_claims)]
_REQUIRED = Field(default=None, validate_default=True)


# ---------------------------------------------------------------- requests


class RuleSetPath(Params):
    """``clientId`` ``default``: the pool's default rule set."""

    user_pool_id: PoolId
    client_id: ClientId


class RuleSetListQuery(Params):
    user_pool_id: Annotated[str | None, BeforeValidator(_pool), QUERY_TEXT] = None


class DeleteRuleSetQuery(Params):
    expected_version: Version = None


def _closed_rule_set(schema: dict[str, Any]) -> None:
    """parse_rule_set refuses an unknown member, naming it; the model only lets it through to be named."""
    required_fields("rules")(schema)
    schema["additionalProperties"] = False


class PutRuleSetRequest(RequestBody):
    """A rule set (``userPoolId`` and ``clientId`` default to the path's), and ``expectedVersion``: 0 = must
    not exist yet, N = must still be version N."""

    model_config = ConfigDict(extra="allow", json_schema_extra=_closed_rule_set)
    user_pool_id: Annotated[Any, WithJsonSchema({"type": "string"})] = None
    client_id: Annotated[Any, WithJsonSchema({"type": "string"})] = None
    description: Annotated[Any, WithJsonSchema({"type": "string"})] = None
    rules: Annotated[Any, WithJsonSchema(RULES_SCHEMA)] = None
    expected_version: Version = None

    def document(self) -> dict[str, Any]:
        """The rule-set document as sent, without ``expectedVersion``, for parse_rule_set to judge."""
        return self.model_dump(by_alias=True, exclude_unset=True, exclude={"expected_version"})


class TryRuleSetRequest(RequestBody):
    """A rule set tried on an ID token's claims, not saved."""

    model_config = ConfigDict(json_schema_extra=required_fields("ruleSet", "claims"))
    rule_set: Annotated[Any, BeforeValidator(_tried_rule_set), WithJsonSchema(RULE_SET_SCHEMA)] = _REQUIRED
    claims: Claims = _REQUIRED


class ExplainRequest(RequestBody):
    """Which stored rule set applies to this pool and client (the client's, else the pool's default), and why
    it decides what it does for these claims."""

    model_config = ConfigDict(json_schema_extra=required_fields("userPoolId", "clientId", "claims"))
    user_pool_id: PoolId = _REQUIRED
    client_id: ClientId = _REQUIRED
    claims: Claims = _REQUIRED


# ---------------------------------------------------------------- responses


class StoredRuleSetResponse(ResponseBody):
    user_pool_id: str
    client_id: str
    description: str | None = None
    rules: Annotated[list[dict[str, Any]], WithJsonSchema(RULES_SCHEMA)]
    version: int
    updated_at: str
    updated_by: str | None


class RuleSetListResponse(ResponseBody):
    rule_sets: list[StoredRuleSetResponse]


class RuleSetDeletedResponse(ResponseBody):
    deleted: Literal[True] = True


class ConditionTraceBody(ResponseBody):
    condition: str
    holds: bool
    reason: str


class RuleTraceBody(ResponseBody):
    index: int
    name: str
    role_arn: str
    matched: bool
    decisive: bool
    reason: str
    conditions: list[ConditionTraceBody]


class DecisionBody(ResponseBody):
    """The preferred role (``cognito:preferred_role``: the first rule that matches) and every matching role
    (``cognito:roles``), with every rule's verdict, condition by condition."""

    matched: bool
    role_arn: str | None
    rule: str | None
    rule_index: int | None
    roles: list[str]
    summary: str
    rules: list[RuleTraceBody]


class TryRuleSetResponse(ResponseBody):
    valid: Literal[True] = True
    rule_count: int
    decision: DecisionBody


class RuleSetRef(ResponseBody):
    user_pool_id: str
    client_id: str
    version: int


class ExplainResponse(ResponseBody):
    rule_set: RuleSetRef
    decision: DecisionBody

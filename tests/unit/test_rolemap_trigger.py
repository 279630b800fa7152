"""The PreTokenGeneration trigger's output (V1 and V2 events), and what Cognito's Token role mapping then
chooses from the ID token it produces (emulator/identity/roles.py, the documented resolution).

The rule-set store is replaced by an in-memory stand-in (no DynamoDB in unit tests); everything else is
the trigger's own code.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from chalice.local import LambdaContext

from chalicelib.models import role_rule
from chalicelib.models.role_rule import RoleRuleSet
from chalicelib.triggers import pre_token_generation
from emulator.errors import NotAuthorizedException
from emulator.identity import roles
from emulator.identity.logins import VerifiedLogin
from emulator.identity.state import IdentityPool

EVENTS = Path(__file__).resolve().parents[1] / "events"
EDITOR = "arn:aws:iam::123456789012:role/editor"
READER = "arn:aws:iam::123456789012:role/reader"
AUTHENTICATED = "arn:aws:iam::123456789012:role/authenticated"
PROVIDER = "cognito-idp.us-west-2.amazonaws.com/us-west-2_example"
RULES = {"userPoolId": "us-west-2_example", "clientId": "default", "rules": [
    {"name": "admins write", "roleArn": EDITOR, "conditions": [{"type": "InGroup", "group": "admins"}]},
    {"name": "verified read", "roleArn": READER, "conditions": [
        {"claim": "email_verified", "type": "Equals", "value": "true"}]},
]}


def event(version: str, groups: list[str], verified: bool = True) -> dict[str, Any]:
    name = "cognitoPreTokenV2GenerationEvent.json" if version == "V2" else "cognitoPreTokenGenerationEvent.json"
    raw = json.loads((EVENTS / name).read_text())
    raw["userPoolId"] = "us-west-2_example"
    raw["callerContext"]["clientId"] = "clientId"
    raw["request"]["userAttributes"]["email_verified"] = "true" if verified else "false"
    raw["request"]["groupConfiguration"] = {"groupsToOverride": groups, "iamRolesToOverride": [],
                                            "preferredRole": None}
    raw["response"] = {}
    return raw


class FakeStore:
    def __init__(self, document: dict[str, Any] | None, fail: bool = False) -> None:
        self.document = document
        self.fail = fail
        self.asked: list[tuple[str, str]] = []

    def find(self, user_pool_id: str, client_id: str) -> RoleRuleSet | None:
        self.asked.append((user_pool_id, client_id))
        if self.fail:
            raise RuntimeError("DynamoDB is down")
        if self.document is None:
            return None
        return RoleRuleSet(user_pool_id, "default", document=json.dumps(self.document),
                           updated_at=datetime.now(UTC), version=1)


@pytest.fixture()
def store(monkeypatch: pytest.MonkeyPatch) -> FakeStore:
    fake = FakeStore(RULES)
    monkeypatch.setenv("ROLE_RULES_TABLE", "rules")
    monkeypatch.setattr(role_rule, "find", fake.find)
    return fake


def run(raw: dict[str, Any]) -> dict[str, Any]:
    context = LambdaContext(function_name="pre_token_generation", memory_size=512)
    return pre_token_generation.pre_token_generation(copy.deepcopy(raw), context)


def override_of(result: dict[str, Any], version: str) -> dict[str, Any]:
    key = "claimsAndScopeOverrideDetails" if version == "V2" else "claimsOverrideDetails"
    return result["response"][key]["groupOverrideDetails"]


def id_token_claims(override: dict[str, Any]) -> dict[str, Any]:
    """What Cognito writes into the ID token from groupOverrideDetails (DG-PRETOKEN)."""
    claims: dict[str, Any] = {"sub": "0b0a57c5", "aud": "clientId"}
    if override.get("groupsToOverride"):
        claims["cognito:groups"] = override["groupsToOverride"]
    if override.get("iamRolesToOverride"):
        claims["cognito:roles"] = override["iamRolesToOverride"]
    if override.get("preferredRole"):
        claims["cognito:preferred_role"] = override["preferredRole"]
    return claims


def token_mapping(ambiguous: str) -> IdentityPool:
    pool = IdentityPool(pool_id="us-west-2:0000", name="p", config={}, created=0, modified=0)
    pool.roles = {"authenticated": AUTHENTICATED}
    pool.role_mappings = {f"{PROVIDER}:clientId": {"Type": "Token", "AmbiguousRoleResolution": ambiguous}}
    return pool


def chosen(override: dict[str, Any], ambiguous: str = "AuthenticatedRole", custom: str | None = None) -> str:
    login = VerifiedLogin(provider=PROVIDER, client_id="clientId", subject="0b0a57c5",
                          claims=id_token_claims(override))
    return roles.resolve(token_mapping(ambiguous), [login], custom).role_arn


@pytest.mark.parametrize("version", ["V1", "V2"])
def test_an_admin_gets_every_matching_role_and_the_first_as_preferred(store: FakeStore, version: str) -> None:
    override = override_of(run(event(version, ["admins"])), version)
    assert override == {"groupsToOverride": ["admins"], "iamRolesToOverride": [EDITOR, READER],
                        "preferredRole": EDITOR}
    assert store.asked == [("us-west-2_example", "clientId")]
    assert chosen(override) == EDITOR
    assert chosen(override, custom=READER) == READER
    with pytest.raises(NotAuthorizedException) as exc:
        chosen(override, custom=AUTHENTICATED)
    assert exc.value.message == (f"The role mapping rules for: {PROVIDER}:clientId denied this request: "
                                 "CustomRoleArn is not one of the token's cognito:roles.")


@pytest.mark.parametrize("version", ["V1", "V2"])
def test_a_verified_user_outside_admins_reads(store: FakeStore, version: str) -> None:
    override = override_of(run(event(version, ["staff"])), version)
    assert override == {"groupsToOverride": ["staff"], "iamRolesToOverride": [READER], "preferredRole": READER}
    assert chosen(override) == READER


def test_no_matching_rule_leaves_the_choice_to_ambiguous_role_resolution(store: FakeStore) -> None:
    override = override_of(run(event("V2", [], verified=False)), "V2")
    assert override == {"groupsToOverride": [], "iamRolesToOverride": []}
    assert chosen(override, "AuthenticatedRole") == AUTHENTICATED
    with pytest.raises(NotAuthorizedException) as exc:
        chosen(override, "Deny")
    assert exc.value.message == f"The ambiguous role mapping rules for: {PROVIDER}:clientId denied this request."


def test_without_a_rule_set_the_event_is_returned_unchanged(store: FakeStore) -> None:
    store.document = None
    raw = event("V2", ["admins"])
    assert run(raw) == raw


def test_without_the_table_the_rules_are_not_consulted(store: FakeStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROLE_RULES_TABLE")
    raw = event("V2", ["admins"])
    assert run(raw) == raw
    assert store.asked == []


def test_unreadable_rules_give_the_groups_but_no_role(store: FakeStore) -> None:
    store.fail = True
    override = override_of(run(event("V2", ["admins"])), "V2")
    assert override == {"groupsToOverride": ["admins"], "iamRolesToOverride": []}
    with pytest.raises(NotAuthorizedException):
        chosen(override, "Deny")


def test_existing_v2_overrides_are_kept(store: FakeStore) -> None:
    raw = event("V2", ["admins"])
    raw["response"] = {"claimsAndScopeOverrideDetails": {"idTokenGeneration": {"claimsToSuppress": ["email"]}}}
    details = run(raw)["response"]["claimsAndScopeOverrideDetails"]
    assert details["idTokenGeneration"] == {"claimsToSuppress": ["email"]}
    assert details["groupOverrideDetails"]["preferredRole"] == EDITOR

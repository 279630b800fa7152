"""The role-mapping admin routes through chalice.test.Client, against the running local stack (rules in its
DynamoDB): admins only; rule sets created, read, listed, replaced under optimistic locking and deleted;
refused documents (a pathological regex among them) with every problem listed; a rule set tried on claims
before it is saved; and a stored rule set's decision explained."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from chalicelib.api import rolemap_routes
from tests.integration.conftest import Api, api_with, signed_in

ROLE = "arn:aws:iam::123456789012:role/{}"


@pytest.fixture(scope="module")
def rolemap_api(stack: Any) -> Api:
    return api_with("rolemap-under-test", rolemap_routes)


def bearer_of(api: Api, stack: Any, idp: Any, groups: tuple[str, ...] = ()) -> dict[str, str]:
    return api.bearer(signed_in(api, stack, idp, groups)["accessToken"])


@pytest.fixture(scope="module")
def admin(rolemap_api: Api, stack: Any, idp: Any) -> dict[str, str]:
    return bearer_of(rolemap_api, stack, idp, ("admins",))


@pytest.fixture()
def pool_id() -> str:
    return "us-east-1_T" + uuid.uuid4().hex[:8]


def rules(*names: str) -> list[dict[str, Any]]:
    return [{"name": name, "roleArn": ROLE.format(name), "conditions": [{"type": "InGroup", "group": name}]}
            for name in names]


def test_only_admins_may_call(rolemap_api: Api, stack: Any, idp: Any, pool_id: str) -> None:
    nobody = rolemap_api.get("/rolemap/rule-sets")
    assert (nobody.status, nobody.error) == (401, ("NotAuthorizedException", "Access Token is required."))
    member = bearer_of(rolemap_api, stack, idp)
    for method, path in (("GET", "/rolemap/rule-sets"), ("PUT", f"/rolemap/rule-sets/{pool_id}/default"),
                         ("POST", "/rolemap/explain")):
        reply = rolemap_api.call(method, path, {"rules": []}, headers=member)
        assert (reply.status, reply.error) == (403, ("Forbidden", "Only members of group admins may manage role "
                                                                  "mappings."))


def test_the_admin_group_is_configurable(rolemap_api: Api, admin: dict[str, str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_GROUP", "operators")
    assert rolemap_api.get("/rolemap/rule-sets", headers=admin).status == 403


def test_a_rule_set_lives_and_dies_under_optimistic_locking(rolemap_api: Api, admin: dict[str, str],
                                                           pool_id: str) -> None:
    path = f"/rolemap/rule-sets/{pool_id}/default"
    assert rolemap_api.get(path, headers=admin).error == (
        "NotFound", f"No rule set for user pool {pool_id} and client default.")
    created = rolemap_api.call("PUT", path, {"rules": rules("a"), "expectedVersion": 0}, headers=admin)
    assert created.status == 200, created
    assert created.json["version"] == 1 and created.json["rules"][0]["name"] == "a"
    assert created.json["userPoolId"] == pool_id and created.json["clientId"] == "default"
    again = rolemap_api.call("PUT", path, {"rules": rules("b"), "expectedVersion": 0}, headers=admin)
    assert (again.status, again.error) == (409, ("Conflict", "the rule set was changed by someone else; read it again"))
    replaced = rolemap_api.call("PUT", path, {"rules": rules("b", "c"), "expectedVersion": 1}, headers=admin)
    assert replaced.json["version"] == 2
    assert [r["name"] for r in rolemap_api.get(path, headers=admin).json["rules"]] == ["b", "c"]
    listed = rolemap_api.get(f"/rolemap/rule-sets?userPoolId={pool_id}", headers=admin).json["ruleSets"]
    assert [(s["userPoolId"], s["clientId"], s["version"]) for s in listed] == [(pool_id, "default", 2)]
    stale = rolemap_api.call("DELETE", f"{path}?expectedVersion=1", headers=admin)
    assert stale.status == 409
    assert rolemap_api.call("DELETE", f"{path}?expectedVersion=2", headers=admin).json == {"deleted": True}
    assert rolemap_api.call("DELETE", path, headers=admin).status == 404


@pytest.mark.parametrize(("body", "message"), [
    ({"rules": [{"roleArn": "nope", "conditions": []}]},
     "rules[0].roleArn: is not well formed; rules[0].conditions: must be a non-empty list"),
    ({"rules": [], "userPoolId": "us-east-1_Other123"}, "userPoolId: must be the one of the path ({pool})"),
    ({"rules": [], "expectedVersion": -1}, "expectedVersion: must be a non-negative integer"),
    ({"rules": "all"}, "rules: must be a list"),
])
def test_invalid_rule_sets_are_refused(rolemap_api: Api, admin: dict[str, str], pool_id: str,
                                       body: dict[str, Any], message: str) -> None:
    reply = rolemap_api.call("PUT", f"/rolemap/rule-sets/{pool_id}/default", body, headers=admin)
    assert (reply.status, reply.error) == (400, ("ValidationError", message.format(pool=pool_id)))


def test_a_pathological_regex_is_refused_quickly_and_nothing_is_saved(rolemap_api: Api, admin: dict[str, str],
                                                                     pool_id: str) -> None:
    path = f"/rolemap/rule-sets/{pool_id}/default"
    body = {"rules": [{"name": "evil", "roleArn": ROLE.format("x"),
                       "conditions": [{"claim": "email", "type": "Regex", "pattern": "(a+)+$"}]}]}
    started = time.perf_counter()
    reply = rolemap_api.call("PUT", path, body, headers=admin)
    assert time.perf_counter() - started < 3
    assert (reply.status, reply.error) == (400, (
        "ValidationError",
        "rules[0].conditions[0].pattern: backtracks catastrophically (it ran out of time on a probe input)"))
    assert rolemap_api.get(path, headers=admin).status == 404


def test_bad_paths_and_bodies_are_400(rolemap_api: Api, admin: dict[str, str]) -> None:
    reply = rolemap_api.get("/rolemap/rule-sets/not%20a%20pool/default", headers=admin)
    assert (reply.status, reply.error) == (400, ("ValidationError", "userPoolId: is not a user pool id"))
    huge = rolemap_api.call("POST", "/rolemap/test", raw=b"{" + b" " * (600 * 1024) + b"}",
                            headers={**admin, "Content-Type": "application/json"})
    assert (huge.status, huge.error) == (400, ("ValidationError", "body: must be at most 524288 bytes"))
    repeated = rolemap_api.call("POST", "/rolemap/test", raw=b'{"claims": {}, "claims": {}}',
                                headers={**admin, "Content-Type": "application/json"})
    assert repeated.error == ("ValidationError", "body: must be valid JSON")
    extra = rolemap_api.post("/rolemap/test", {"ruleSet": {"rules": []}, "claims": {}, "save": True}, headers=admin)
    assert extra.error == ("ValidationError", "save: is not a known field")


def test_a_rule_set_is_tried_before_it_is_saved(rolemap_api: Api, admin: dict[str, str]) -> None:
    anyone = {"name": "anyone", "roleArn": ROLE.format("anyone"), "conditions": [{"claim": "sub", "type": "Present"}]}
    rule_set = {"rules": [*rules("admins", "staff"), anyone]}
    reply = rolemap_api.post("/rolemap/test", {"ruleSet": rule_set,
                                               "claims": {"sub": "1", "cognito:groups": ["staff"]}}, headers=admin)
    assert reply.status == 200, reply
    decision = reply.json["decision"]
    assert (reply.json["valid"], reply.json["ruleCount"]) == (True, 3)
    assert (decision["rule"], decision["roleArn"], decision["ruleIndex"]) == ("staff", ROLE.format("staff"), 1)
    assert decision["roles"] == [ROLE.format("staff"), ROLE.format("anyone")]
    assert [(r["name"], r["matched"], r["decisive"]) for r in decision["rules"]] == [
        ("admins", False, False), ("staff", True, True), ("anyone", True, False)]
    assert decision["rules"][0]["reason"] == "not in group 'admins': cognito:groups is ['staff']"
    assert decision["summary"] == (
        "Rule 2 'staff' matched (every condition holds): preferred role arn:aws:iam::123456789012:role/staff. "
        "Before it, rule 1 'admins' did not match (not in group 'admins': cognito:groups is ['staff']).")
    broken = rolemap_api.post("/rolemap/test", {"ruleSet": {"rules": [{"roleArn": ROLE.format("x")}]},
                                                "claims": {}}, headers=admin)
    assert broken.error == ("ValidationError", "rules[0].conditions: must be a non-empty list")


def test_the_stored_demo_rules_are_explained(rolemap_api: Api, admin: dict[str, str], stack: Any) -> None:
    pool, client = stack.config["userPoolId"], stack.config["clientId"]
    editor = stack.config["roles"]["editor"]
    member = rolemap_api.post("/rolemap/explain", {"userPoolId": pool, "clientId": client,
                                                   "claims": {"sub": "1", "cognito:groups": ["staff"]}},
                              headers=admin)
    assert member.status == 200, member
    assert member.json["ruleSet"] == {"userPoolId": pool, "clientId": "default", "version": 1}
    assert member.json["decision"]["matched"] is False
    assert member.json["decision"]["summary"] == (
        "No rule matched: the token gets no role, and the identity pool's AmbiguousRoleResolution decides. "
        "Rule 1 'admins write' did not match (not in group 'admins': cognito:groups is ['staff']).")
    boss = rolemap_api.post("/rolemap/explain", {"userPoolId": pool, "clientId": client,
                                                 "claims": {"cognito:groups": ["admins"]}}, headers=admin)
    assert boss.json["decision"]["roleArn"] == editor
    unknown = rolemap_api.post("/rolemap/explain", {"userPoolId": "us-east-1_None1234", "clientId": "x",
                                                    "claims": {}}, headers=admin)
    assert (unknown.status, unknown.error[0]) == (404, "NotFound")

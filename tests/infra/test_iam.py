"""No IAM statement is broader than the rule: no "*" action; a "*" resource only for an allow-listed action,
with its justification on the resource; a role per function that may write only its own log group; and the
actions granted are exactly the ones the code names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra.discover import ROOT, aws_calls, import_closure
from infra.iam import METADATA_KEY, WILDCARD_RESOURCE_ACTIONS
from tests.infra.conftest import Package
from tests.infra.template import actions, iam_statements, resources

# The session fixture `package` builds the deployment zip on first use: ~30 s, more on a loaded machine.
pytestmark = pytest.mark.timeout(600)

AWS_CALL_PREFIXES = ("cognito-idp:", "ses:", "sns:")


def _functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}


@pytest.mark.parametrize("variant", ["package", "existing_pool_package", "models_package"])
def test_no_wildcard_action_and_only_justified_wildcard_resources(variant: str,
                                                                  request: pytest.FixtureRequest) -> None:
    template = request.getfixturevalue(variant).template
    statements = list(iam_statements(template))
    assert statements
    for name, statement in statements:
        assert statement["Effect"] == "Allow", name
        assert "NotAction" not in statement and "NotResource" not in statement, name
        for action in actions(statement):
            assert "*" not in action, (name, action)
        for resource in resources(statement):
            if resource == "*":
                justified = template["Resources"][name].get("Metadata", {}).get(METADATA_KEY, {})
                for action in actions(statement):
                    assert action in WILDCARD_RESOURCE_ACTIONS, (name, action)
                    assert justified.get(action), (name, action)
            elif isinstance(resource, str):
                assert "*" not in resource, (name, resource)
            elif "Fn::Sub" in resource:
                text = resource["Fn::Sub"]
                assert "*" not in text or (text.endswith("}/index/*") and text.count("*") == 1), (name, text)


def test_each_function_has_its_own_role_writing_only_its_own_log_group(package: Package) -> None:
    resources_ = package.resources
    roles = {}
    for name, function in _functions(package.template).items():
        properties = function["Properties"]
        assert properties["Role"] == {"Fn::GetAtt": [f"{name}Role", "Arn"]}
        assert properties["LoggingConfig"] == {"LogGroup": {"Ref": f"{name}LogGroup"}}
        assert resources_[f"{name}LogGroup"]["Properties"]["RetentionInDays"] > 0
        role = resources_[f"{name}Role"]
        roles[name] = role
        trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert trust == [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                          "Action": "sts:AssumeRole"}]
        logs = [s for s in role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
                if any(a.startswith("logs:") for a in actions(s))]
        assert logs == [{"Sid": "OwnLogGroup", "Effect": "Allow",
                         "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                         "Resource": {"Fn::GetAtt": [f"{name}LogGroup", "Arn"]}}]
    assert len(roles) == len({id(role) for role in roles.values()}) > 0


def test_no_role_may_create_log_groups_or_touch_other_services(package: Package) -> None:
    for name, statement in iam_statements(package.template):
        assert "logs:CreateLogGroup" not in actions(statement), name
        for action in actions(statement):
            assert action.split(":")[0] in {"logs", "dynamodb", "cognito-idp", "ses", "sns"}, (name, action)


def test_chalice_default_role_is_unused_and_grants_nothing(package: Package) -> None:
    assert package.resources["DefaultRole"]["Properties"]["Policies"] == []
    for function in _functions(package.template).values():
        assert function["Properties"]["Role"] != {"Fn::GetAtt": ["DefaultRole", "Arn"]}


def test_identity_pool_roles_grant_nothing_yet(package: Package) -> None:
    for name in ("IdentityPoolAuthenticatedRole", "IdentityPoolUnauthenticatedRole"):
        assert "Policies" not in package.resources[name]["Properties"]
        assert "ManagedPolicyArns" not in package.resources[name]["Properties"]


def test_sms_role_exists_only_when_sms_is_enabled(package: Package) -> None:
    role = package.resources["UserPoolSmsRole"]
    assert role["Condition"] == "SmsEnabled"
    trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": "cognito-idp.amazonaws.com"}
    assert set(trust["Condition"]["StringEquals"]) == {"sts:ExternalId", "aws:SourceAccount"}


# ---------------------------------------------------------------- granted == named by the code


def _granted(template: dict[str, Any], function: str) -> set[str]:
    granted: set[str] = set()
    for name, statement in iam_statements(template):
        if name in (f"{function}Role", f"{function}PoolPolicy"):
            granted |= {a for a in actions(statement) if a.startswith(AWS_CALL_PREFIXES)}
    return granted


def _all_packaged_modules(root: Path = ROOT) -> set[str]:
    return {".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
            for path in (root / "chalicelib").rglob("*.py")}


def test_each_trigger_is_granted_exactly_the_calls_its_code_names(package: Package) -> None:
    for name, function in _functions(package.template).items():
        if name == "APIHandler":
            continue
        module = function["Properties"]["Handler"].rsplit(".", 1)[0]
        assert _granted(package.template, name) == aws_calls(import_closure([module])), name


def test_every_call_in_the_code_is_granted_somewhere_and_nothing_else_is(package: Package) -> None:
    named = aws_calls(_all_packaged_modules())
    granted = set().union(*(_granted(package.template, name) for name in _functions(package.template)))
    assert granted == named


def test_pool_permissions_are_scoped_to_this_pool(package: Package) -> None:
    for name, statement in iam_statements(package.template):
        if any(a.startswith("cognito-idp:") for a in actions(statement)):
            assert name.endswith("PoolPolicy"), name
            assert resources(statement) == [{"Fn::GetAtt": ["UserPool", "Arn"]}], name


# What the API's route modules need when deployed: the tables of the models they reach, and the signing key
# of the risk links and verdicts (every route is registered through chalicelib/api/edge.py, whose views must
# still be attributed to their route modules, or infra/discover.py finds none of this).
API_NEEDS = ("BREACH_TABLE", "AUTH_EVENT_TABLE", "RISK_HISTORY_TABLE", "ROLE_RULES_TABLE", "SIGNUP_RULES_TABLE",
             "INVITE_CODES_TABLE", "TOTP_TABLE", "PASSKEY_TABLE", "RISK_LINK_SECRET", "RISK_CONFIGURATION")


def test_the_api_function_gets_the_tables_and_settings_its_routes_use(package: Package) -> None:
    variables = package.resources["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert [name for name in API_NEEDS if name not in variables] == []
    granted = str(package.resources["APIHandlerRole"]["Properties"]["Policies"])
    for name in API_NEEDS:
        if name.endswith("_TABLE"):
            logical_id = variables[name]["Ref"]
            assert f"'{logical_id}', 'Arn'" in granted, (name, logical_id)


def test_the_risk_configuration_parameter_reaches_the_triggers_that_enforce_it(package: Package) -> None:
    for function in ("PreAuthentication", "DefineAuthChallenge"):
        variables = package.resources[function]["Properties"]["Environment"]["Variables"]
        assert variables["RISK_CONFIGURATION"] == {
            "Fn::If": ["HasRiskConfiguration", {"Ref": "RiskConfiguration"}, {"Ref": "AWS::NoValue"}]}, function
    assert package.template["Parameters"]["RiskConfiguration"]["Default"] == ""

"""The packaged template as a whole: cfn-lint accepts it with no error and no warning, CloudFormation can
order it (no circular dependency), and it has the parameters and outputs the deploy steps rely on."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.infra.conftest import EXISTING_POOL_ID, ROOT, Package
from tests.infra.template import dependencies, find_cycle

# The session fixture `package` builds the deployment zip on first use: ~30 s, more on a loaded machine.
pytestmark = pytest.mark.timeout(600)

CFN_LINT = Path(sys.executable).parent / "cfn-lint"


@dataclass(frozen=True)
class LintRun:
    returncode: int
    findings: dict[str, list[str]]
    stderr: str


@pytest.fixture(scope="module")
def lint(package: Package, existing_pool_package: Package, models_package: Package,
         tmp_path_factory: pytest.TempPathFactory) -> LintRun:
    """One cfn-lint run over the three variants and a deliberately broken copy (which proves it lints)."""
    broken = copy.deepcopy(package.template)
    broken["Resources"]["UserPool"]["Properties"]["MfaConfiguration"] = "SOMETIMES"
    broken_path = tmp_path_factory.mktemp("lint") / "broken.json"
    broken_path.write_text(json.dumps(broken))
    paths = {"package": package.sam, "existing_pool": existing_pool_package.sam, "models": models_package.sam,
             "broken": broken_path}
    result = subprocess.run([str(CFN_LINT), "--format", "parseable", "--non-zero-exit-code", "warning",
                             *map(str, paths.values())], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "AWS_DEFAULT_REGION": "us-east-1"}, check=False)
    findings: dict[str, list[str]] = {name: [] for name in paths}
    for line in result.stdout.splitlines():
        name = next((n for n, p in paths.items() if line.startswith(f"{p}:")), "unattributed")
        findings.setdefault(name, []).append(line)
    return LintRun(result.returncode, findings, result.stderr)


def test_cfn_lint_reports_nothing_on_any_variant(lint: LintRun) -> None:
    assert lint.findings["package"] == []
    assert lint.findings["existing_pool"] == []
    assert lint.findings["models"] == []
    assert lint.findings.get("unattributed", []) == []
    assert lint.stderr == ""


def test_cfn_lint_reports_a_broken_template(lint: LintRun) -> None:
    assert lint.returncode != 0
    assert len(lint.findings["broken"]) == 1
    assert ":E3030:" in lint.findings["broken"][0]


@pytest.mark.parametrize("variant", ["package", "existing_pool_package", "models_package"])
def test_no_circular_dependency(variant: str, request: pytest.FixtureRequest) -> None:
    template = request.getfixturevalue(variant).template
    assert find_cycle(dependencies(template)) is None


def test_the_cycle_check_finds_the_cognito_trigger_trap(package: Package) -> None:
    # A trigger that got the pool id by Ref: pool -> function (LambdaConfig) -> pool (environment).
    template = copy.deepcopy(package.template)
    template["Resources"]["PreSignUp"]["Properties"]["Environment"]["Variables"]["USER_POOL_ID"] = {"Ref": "UserPool"}
    cycle = find_cycle(dependencies(template))
    assert cycle is not None and {"UserPool", "PreSignUp"} <= set(cycle)


def test_parameters_and_outputs(package: Package) -> None:
    template = package.template
    assert template["Transform"] == "AWS::Serverless-2016-10-31"
    assert template["Parameters"]["Stage"]["Default"] == "dev"
    assert template["Parameters"]["DomainPrefix"]["Type"] == "String"
    assert template["Resources"]["UserPoolDomain"]["Properties"] == {"Domain": {"Ref": "DomainPrefix"},
                                                                    "UserPoolId": {"Ref": "UserPool"}}
    outputs = template["Outputs"]
    assert outputs["UserPoolId"]["Value"] == {"Ref": "UserPool"}
    assert outputs["UserPoolClientId"]["Value"] == {"Ref": "ApiClient"}
    assert outputs["IdentityPoolId"]["Value"] == {"Ref": "IdentityPool"}
    has_api = "APIHandler" in template["Resources"]
    assert ("ApiUrl" in outputs) == has_api
    if has_api:
        assert "${RestAPI}" in outputs["ApiUrl"]["Value"]["Fn::Sub"]


def test_existing_pool_variant_creates_no_pool_and_names_the_given_one(existing_pool_package: Package) -> None:
    template = existing_pool_package.template
    types = {resource["Type"] for resource in template["Resources"].values()}
    assert "AWS::Cognito::UserPool" not in types
    assert "AWS::Cognito::UserPoolDomain" not in types
    assert template["Outputs"]["UserPoolId"]["Value"] == EXISTING_POOL_ID
    for client in ("ApiClient", "WebClient"):
        assert template["Resources"][client]["Properties"]["UserPoolId"] == EXISTING_POOL_ID
    permissions = [r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Permission"
                   and r["Properties"]["Principal"] == "cognito-idp.amazonaws.com"]
    assert permissions
    for permission in permissions:
        assert permission["Properties"]["SourceArn"] == {
            "Fn::Sub": f"arn:${{AWS::Partition}}:cognito-idp:us-east-1:${{AWS::AccountId}}:userpool/{EXISTING_POOL_ID}"}
    lambda_config = template["Outputs"]["LambdaConfig"]["Value"]["Fn::Sub"]
    assert '"PreSignUp": "${PreSignUp.Arn}"' in lambda_config
    assert '"LambdaVersion": "V2_0"' in lambda_config


def test_models_variant_has_a_table_per_model_and_its_output(models_package: Package) -> None:
    table = models_package.resources["SessionsTable"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert table["Properties"]["TimeToLiveSpecification"] == {"AttributeName": "expires", "Enabled": True}
    assert [i["IndexName"] for i in table["Properties"]["GlobalSecondaryIndexes"]] == ["by-user"]
    assert models_package.template["Outputs"]["SessionsTable"]["Value"] == {"Ref": "SessionsTable"}
    assert models_package.template["Conditions"]["DeletionProtected"] == {
        "Fn::Equals": [{"Ref": "DeletionProtection"}, "ACTIVE"]}

"""Every Cognito trigger of the bundle is wired to the stack's user pool and may be invoked by it, and by
nothing wider than it."""

from __future__ import annotations

from typing import Any

import pytest
from chalice.utils import to_cfn_resource_name

import app as app_module
from chalicelib.triggers.registry import TRIGGERS
from tests.infra.conftest import Package

# The session fixture `package` builds the deployment zip on first use: ~30 s, more on a loaded machine.
pytestmark = pytest.mark.timeout(600)

POOL_ARN = {"Fn::GetAtt": ["UserPool", "Arn"]}


def trigger_functions() -> dict[str, Any]:
    """LambdaConfig key -> the chalice LambdaFunction its module registers (read from the app itself)."""
    by_module = {f.handler_string.rsplit(".", 1)[0]: f for f in app_module.app.pure_lambda_functions}
    assert set(app_module.app.handler_map) >= {f.name for f in by_module.values()}
    return {key: by_module[module.__name__] for key, module in TRIGGERS.items()}


def _invoke_permissions(template: dict[str, Any], resource: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in template["Resources"].values()
            if r["Type"] == "AWS::Lambda::Permission"
            and r["Properties"]["FunctionName"] in ({"Fn::GetAtt": [resource, "Arn"]}, {"Ref": resource})]


def test_the_bundle_has_triggers() -> None:
    assert len(TRIGGERS) == 10
    assert set(trigger_functions()) == set(TRIGGERS)


@pytest.mark.parametrize("key", sorted(TRIGGERS))
def test_trigger_is_in_lambda_config_under_its_key(key: str, package: Package) -> None:
    function = trigger_functions()[key]
    resource = to_cfn_resource_name(function.name)
    assert package.resources[resource]["Type"] == "AWS::Serverless::Function"
    assert package.resources[resource]["Properties"]["Handler"] == function.handler_string
    config = package.resources["UserPool"]["Properties"]["LambdaConfig"]
    arn = {"Fn::GetAtt": [resource, "Arn"]}
    if key == "PreTokenGeneration":
        assert config["PreTokenGenerationConfig"] == {"LambdaArn": arn, "LambdaVersion": "V2_0"}
        assert "PreTokenGeneration" not in config
    else:
        assert config[key] == arn


@pytest.mark.parametrize("key", sorted(TRIGGERS))
def test_trigger_may_be_invoked_by_this_pool_only(key: str, package: Package) -> None:
    resource = to_cfn_resource_name(trigger_functions()[key].name)
    assert _invoke_permissions(package.template, resource) == [{
        "Action": "lambda:InvokeFunction",
        "FunctionName": {"Fn::GetAtt": [resource, "Arn"]},
        "Principal": "cognito-idp.amazonaws.com",
        "SourceArn": POOL_ARN,
        "SourceAccount": {"Ref": "AWS::AccountId"},
    }]


def test_lambda_config_names_nothing_but_the_triggers(package: Package) -> None:
    config = package.resources["UserPool"]["Properties"]["LambdaConfig"]
    expected = {"PreTokenGenerationConfig" if key == "PreTokenGeneration" else key for key in TRIGGERS}
    assert set(config) == expected


def test_triggers_do_not_reference_the_pool_and_other_functions_get_its_ids(package: Package) -> None:
    trigger_resources = {to_cfn_resource_name(f.name) for f in trigger_functions().values()}
    functions = {name: r for name, r in package.resources.items() if r["Type"] == "AWS::Serverless::Function"}
    for name, function in functions.items():
        variables = function["Properties"]["Environment"]["Variables"]
        if name in trigger_resources:
            assert not {"USER_POOL_ID", "USER_POOL_CLIENT_ID", "IDENTITY_POOL_ID",
                        "USER_POOL_CLIENT_SECRET"} & set(variables), name
        else:
            assert variables["USER_POOL_ID"] == {"Ref": "UserPool"}
            assert variables["USER_POOL_CLIENT_ID"] == {"Ref": "ApiClient"}
            assert variables["IDENTITY_POOL_ID"] == {"Ref": "IdentityPool"}
            # Only the API signs in with the password alone; an authorizer has no use for the secret.
            assert ("USER_POOL_CLIENT_SECRET" in variables) == (name == "APIHandler"), name

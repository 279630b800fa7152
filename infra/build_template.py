"""Build the template that `chalice package --merge-template` merges into chalice's own SAM template.

    python -m infra.build_template --stage dev --output build/dev.merge.json [--user-pool-id us-east-1_abc]

chalice's template holds the functions (logical id = CamelCase of the function name: ``pre_sign_up`` ->
``PreSignUp``, the API as ``APIHandler``), the REST API and the package; this one adds what chalice knows
nothing of, all read from the code (:mod:`infra.discover`): the user pool wired to every trigger in
``chalicelib.triggers.registry.TRIGGERS`` (:mod:`infra.cognito`), a table per model under
``chalicelib.models`` (:mod:`infra.tables`), a log group and a least-privilege role per function
(:mod:`infra.iam`), and each function's environment by Ref (table names; pool, client and identity pool ids
for the functions Cognito does not invoke), and the settings its code reads (:mod:`infra.settings`: generated
secrets by dynamic reference, the rest from parameters such as ``SesSourceArn``, ``EmailFrom`` and
``PublicApiUrl``, which the existing-pool variant has too). chalice's merge is a deep merge of dicts in which
lists are replaced, so the functions' environment keeps what ``.chalice/config.json`` gives the stage and
gains the variables below.

The app is imported the way ``chalice package`` imports it: with the stage's environment variables set.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from chalice import Chalice
from pynamodb.models import Model

from infra import cognito, iam, settings
from infra.discover import API_HANDLER_RESOURCE, ROOT, Function, app_functions, aws_calls, table_models
from infra.tables import DELETION_PROTECTED, Table, table_for, table_resource

DOMAIN_PREFIX_PATTERN = "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"


def stage_config(stage: str, root: Path = ROOT) -> dict[str, Any]:
    """The stage's chalice settings: environment (top level, then the stage's) and API Gateway stage."""
    config = json.loads((root / ".chalice" / "config.json").read_text())
    if stage not in config["stages"] or stage == "local":
        deployable = sorted(s for s in config["stages"] if s != "local")
        raise SystemExit(f"stage {stage!r} cannot be deployed; deployable stages: {', '.join(deployable)}")
    settings = config["stages"][stage]
    return {
        "environment": {**config.get("environment_variables", {}), **settings.get("environment_variables", {})},
        "api_gateway_stage": settings.get("api_gateway_stage", config.get("api_gateway_stage", "api")),
        "stages": sorted(s for s in config["stages"] if s != "local"),
        "manage_iam_role": settings.get("manage_iam_role", config.get("manage_iam_role", True)),
    }


def load_app(environment: Mapping[str, str]) -> tuple[Chalice, dict[str, ModuleType]]:
    os.environ.update(environment)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    app_module = importlib.import_module("app")
    triggers = importlib.import_module("chalicelib.triggers.registry")
    return app_module.app, dict(triggers.TRIGGERS)


def _function_tables(function: Function, tables: Sequence[Table]) -> list[Table]:
    return [table for table in tables if table.model.__module__ in function.modules]


def _parameters(stage: str, stages: list[str], own_pool: bool, has_tables: bool, sends_email: bool,
                variables: set[str]) -> dict[str, Any]:
    parameters: dict[str, Any] = {
        "Stage": {"Type": "String", "Default": stage, "AllowedValues": stages,
                  "Description": "The chalice stage this stack runs (.chalice/config.json)"},
    }
    if own_pool or has_tables:
        parameters["DeletionProtection"] = {
            "Type": "String", "Default": "ACTIVE", "AllowedValues": ["ACTIVE", "INACTIVE"],
            "Description": "Deletion protection of the user pool and the tables; INACTIVE only to remove the stack"}
    if own_pool:
        parameters["DomainPrefix"] = {
            "Type": "String", "AllowedPattern": DOMAIN_PREFIX_PATTERN,
            "Description": "Prefix of the Cognito domain <prefix>.auth.<region>.amazoncognito.com "
                           "(unique in the region)"}
    if own_pool or sends_email:
        parameters["SesSourceArn"] = {
            "Type": "String", "Default": "",
            "Description": "ARN of a verified SES identity to send email from (the pool's, if the stack owns it, "
                           "and the functions' codes and links); empty: Cognito's default sender, no function sends"}
    if own_pool:
        parameters["EnableSms"] = {
            "Type": "String", "Default": "false", "AllowedValues": ["false", "true"],
            "Description": "Let the pool send SMS (creates a role that may publish to any number)"}
    parameters.update(settings.parameters(variables, always=["EmailFrom"] if own_pool else []))
    return parameters


def _conditions(own_pool: bool, has_tables: bool, sends_email: bool, variables: set[str]) -> dict[str, Any]:
    conditions: dict[str, Any] = {}
    if own_pool or sends_email:
        conditions["HasSesIdentity"] = {"Fn::Not": [{"Fn::Equals": [{"Ref": "SesSourceArn"}, ""]}]}
    if own_pool:
        conditions["SmsEnabled"] = {"Fn::Equals": [{"Ref": "EnableSms"}, "true"]}
    conditions.update(settings.conditions(variables, always=["EmailFrom"] if own_pool else []))
    if has_tables:
        conditions[DELETION_PROTECTED] = {"Fn::Equals": [{"Ref": "DeletionProtection"}, "ACTIVE"]}
    return conditions


def build(app: Chalice, triggers: Mapping[str, ModuleType], *, stage: str, stages: list[str],
          api_gateway_stage: str, models: Sequence[type[Model]] = (), user_pool_id: str | None = None,
          chalice_default_role: bool = True, root: Path = ROOT) -> dict[str, Any]:
    """The merge template for ``app`` (see the module docstring). ``chalice_default_role``: chalice emits its
    DefaultRole (``manage_iam_role`` true, its default), which the merge then empties."""
    functions = app_functions(app, triggers, root)
    tables = [table_for(model) for model in models]
    own_pool = user_pool_id is None
    pool = cognito.Pool(user_pool_id)
    trigger_functions = [f for f in functions if f.trigger]

    resources: dict[str, Any] = {}
    if own_pool:
        resources.update(cognito.user_pool_resources(trigger_functions))
    resources.update(cognito.client_resources(pool))
    resources.update(cognito.trigger_permissions(trigger_functions, pool))
    resources.update(cognito.identity_pool_resources(pool))
    for table in tables:
        resources[table.resource] = table_resource(table)

    if chalice_default_role:
        resources["DefaultRole"] = iam.emptied_default_role()
    ses_identity = {"Ref": "SesSourceArn"}
    all_variables: set[str] = set()
    sends_email = False
    for function in functions:
        used_tables = _function_tables(function, tables)
        actions = aws_calls(function.modules, root)
        sends_email |= any(action.startswith("ses:") for action in actions)
        environment: dict[str, Any] = {table.var: {"Ref": table.resource} for table in used_tables}
        variables = settings.settings_read(function.modules, root)
        all_variables |= variables
        environment.update(settings.environment(variables))
        resources.update(settings.used_secrets(variables))
        if not function.trigger:
            environment.update({"USER_POOL_ID": pool.id, "USER_POOL_CLIENT_ID": {"Ref": "ApiClient"},
                                "IDENTITY_POOL_ID": {"Ref": "IdentityPool"}})
            if function.resource == API_HANDLER_RESOURCE:
                environment["USER_POOL_CLIENT_SECRET"] = cognito.API_CLIENT_SECRET
        resources[f"{function.resource}LogGroup"] = iam.log_group_resource(function)
        resources[f"{function.resource}Role"] = iam.role_resource(function, used_tables, actions, ses_identity)
        pool_policy = iam.pool_policy_resource(function, actions, pool.arn)
        if pool_policy is not None:
            resources[f"{function.resource}PoolPolicy"] = pool_policy
        resources[function.resource] = {"Properties": {
            "Role": {"Fn::GetAtt": [f"{function.resource}Role", "Arn"]},
            "LoggingConfig": {"LogGroup": {"Ref": f"{function.resource}LogGroup"}},
            "Environment": {"Variables": environment},
        }}

    outputs: dict[str, Any] = {
        "UserPoolId": {"Value": pool.id, "Description": "The user pool"},
        "UserPoolClientId": {"Value": {"Ref": "ApiClient"}, "Description": "App client of the auth API"},
        "WebClientId": {"Value": {"Ref": "WebClient"}, "Description": "App client of the sample web client"},
        "IdentityPoolId": {"Value": {"Ref": "IdentityPool"}, "Description": "The identity pool"},
    }
    if any(f.resource == API_HANDLER_RESOURCE for f in functions):
        outputs["ApiUrl"] = {"Value": {"Fn::Sub": "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
                                                  f"/{api_gateway_stage}/"},
                             "Description": "Base URL of the auth API"}
    for table in tables:
        outputs[table.resource] = {"Value": {"Ref": table.resource},
                                   "Description": f"Table of {table.model.__qualname__} ({table.var})"}
    if own_pool:
        outputs["UserPoolDomainUrl"] = {
            "Value": {"Fn::Sub": "https://${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com"},
            "Description": "The pool's Cognito domain"}
    else:
        outputs["LambdaConfig"] = {"Value": {"Fn::Sub": json.dumps(
            cognito.lambda_config(trigger_functions, lambda f: f"${{{f.resource}.Arn}}"))},
                                   "Description": "The LambdaConfig to set on the existing user pool"}
    return {
        "Description": f"cogworks {stage}: Cognito user pool, its trigger Lambdas, identity pool, tables and roles",
        "Parameters": _parameters(stage, stages, own_pool, bool(tables), sends_email, all_variables),
        "Conditions": _conditions(own_pool, bool(tables), sends_email, all_variables),
        "Resources": resources,
        "Outputs": outputs,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True, help="a deployable stage of .chalice/config.json")
    parser.add_argument("--output", required=True, type=Path, help="where to write the merge template (JSON)")
    parser.add_argument("--user-pool-id", default=None,
                        help="use this existing user pool instead of creating one (no pool, no domain)")
    parser.add_argument("--models-package", default="chalicelib.models",
                        help="package whose pynamodb models become tables")
    args = parser.parse_args(argv)
    settings = stage_config(args.stage)
    app, triggers = load_app(settings["environment"])
    template = build(app, triggers, stage=args.stage, stages=settings["stages"],
                     api_gateway_stage=settings["api_gateway_stage"], models=table_models(args.models_package),
                     user_pool_id=args.user_pool_id or None, chalice_default_role=settings["manage_iam_role"])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(template, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

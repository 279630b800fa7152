"""Least-privilege IAM for the functions: one role per function, naming only what its code uses.

For each function ``F`` (its chalice logical id) the merge template adds:

- ``FLogGroup``: the function's log group (``LoggingConfig.LogGroup``), created by the stack with a retention,
  so the role needs no ``logs:CreateLogGroup`` and may write only there (``logs:CreateLogStream``,
  ``logs:PutLogEvents`` on that group's ARN);
- ``FRole``: trusted by ``lambda.amazonaws.com``; besides the logs statement, the DynamoDB data-plane actions
  pynamodb uses (:data:`DYNAMODB_ACTIONS`: no Scan, no DescribeTable, no table management) on the tables of
  the models its code imports, and their indexes; and, for the SES and SNS calls its code names, ``ses:Send*``
  on the pool's SES identity and ``sns:Publish``;
- ``FPoolPolicy`` (only if its code names IAM-authorised cognito-idp operations, e.g. ``AdminGetUser``): those
  actions on this stack's user pool only. It is a separate ``AWS::IAM::Policy`` because the pool references
  the trigger functions: a statement naming the pool inside the role a trigger runs with would make
  role -> pool -> function -> role a circular dependency.

What "its code" means, and how calls are found, is :mod:`infra.discover`. Chalice's own ``DefaultRole`` is
still emitted by ``chalice package`` while ``manage_iam_role`` is true; the merge template empties its
policies and no function uses it.

``*`` resources: no statement has a ``*`` action, and a ``*`` resource only for an action in
:data:`WILDCARD_RESOURCE_ACTIONS`, whose value says why AWS requires it; the same text is put in the
resource's ``Metadata`` (CloudFormation JSON has no comments).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from infra.discover import Function
from infra.tables import Table

LOG_RETENTION_DAYS = 30

DYNAMODB_ACTIONS: tuple[str, ...] = (
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
)

WILDCARD_RESOURCE_ACTIONS: Mapping[str, str] = {
    "sns:Publish": (
        "SMS is published straight to a phone number (PhoneNumber parameter), which has no ARN: IAM can only "
        "authorise it with Resource \"*\" (https://docs.aws.amazon.com/sns/latest/dg/sms_publish-to-phone.html, "
        "https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-sms-settings.html)."
    ),
    "sns:PublishBatch": "As sns:Publish: a phone-number destination has no ARN to scope to.",
}

METADATA_KEY = "cogworks:wildcard-resources"
LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                   "Action": "sts:AssumeRole"}],
}


def log_group_resource(function: Function) -> dict[str, Any]:
    return {
        "Type": "AWS::Logs::LogGroup",
        "DeletionPolicy": "Delete",
        "UpdateReplacePolicy": "Delete",
        "Properties": {
            "LogGroupName": {"Fn::Sub": f"/aws/lambda/${{AWS::StackName}}-{function.name}"},
            "RetentionInDays": LOG_RETENTION_DAYS,
        },
    }


def _statement(sid: str, actions: Iterable[str], resources: list[Any] | Any) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": resources}


def role_resource(function: Function, tables: Iterable[Table], actions: Iterable[str],
                  ses_identity: Any) -> dict[str, Any]:
    """``FRole``: logs, the tables' data plane, and SES/SNS where the function's code sends messages.

    ``ses_identity`` is the ARN of the SES identity the stack sends from (a Ref) or None when the stack has
    none, in which case code that calls SES is an error."""
    statements: list[Any] = [
        _statement("OwnLogGroup", ["logs:CreateLogStream", "logs:PutLogEvents"],
                   {"Fn::GetAtt": [f"{function.resource}LogGroup", "Arn"]}),
    ]
    tables = list(tables)
    if tables:
        resources: list[Any] = []
        for table in tables:
            resources += [table.arn, {"Fn::Sub": f"${{{table.resource}.Arn}}/index/*"}]
        statements.append(_statement("ModelTables", DYNAMODB_ACTIONS, resources))
    actions = set(actions)
    ses = sorted(a for a in actions if a.startswith("ses:"))
    sns = sorted(a for a in actions if a.startswith("sns:"))
    unknown = actions - set(ses) - set(sns) - {a for a in actions if a.startswith("cognito-idp:")}
    if unknown:
        raise ValueError(f"{function.name}: no IAM rule for {sorted(unknown)}")
    if ses:
        if ses_identity is None:
            raise ValueError(f"{function.name} sends email through SES but the stack has no SES identity")
        statements.append({"Fn::If": ["HasSesIdentity", _statement("SendEmail", ses, ses_identity),
                                      {"Ref": "AWS::NoValue"}]})
    metadata: dict[str, Any] = {}
    if sns:
        statements.append(_statement("SendSms", sns, "*"))
        metadata[METADATA_KEY] = {action: WILDCARD_RESOURCE_ACTIONS[action] for action in sns}
    resource: dict[str, Any] = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Description": f"cogworks {function.name}: only what its code uses",
            "AssumeRolePolicyDocument": LAMBDA_TRUST,
            "Policies": [{"PolicyName": "least-privilege",
                          "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}],
        },
    }
    if metadata:
        resource["Metadata"] = metadata
    return resource


def pool_policy_resource(function: Function, actions: Iterable[str], pool_arn: Any) -> dict[str, Any] | None:
    """``FPoolPolicy``: the IAM-authorised cognito-idp actions the function's code names, on this pool only."""
    cognito = sorted(a for a in actions if a.startswith("cognito-idp:"))
    if not cognito:
        return None
    return {
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "PolicyName": "user-pool",
            "Roles": [{"Ref": f"{function.resource}Role"}],
            "PolicyDocument": {"Version": "2012-10-17",
                               "Statement": [_statement("ThisUserPool", cognito, pool_arn)]},
        },
    }


def emptied_default_role() -> dict[str, Any]:
    """Merged over chalice's ``DefaultRole`` (kept by ``chalice package``, used by no function): no policy."""
    return {
        "Properties": {"Policies": []},
        "Metadata": {"cogworks:note": "Emitted by chalice package (manage_iam_role); unused: every function "
                                      "has its own role (infra/iam.py). Grants nothing."},
    }

"""The Cognito side of the stack: user pool, domain, app clients, trigger permissions, identity pool.

- ``UserPool`` (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cognito-userpool.html):
  every trigger of the bundle in ``LambdaConfig`` (PreTokenGeneration as ``PreTokenGenerationConfig`` V2_0,
  which needs the Essentials tier), the password policy of the local stack's demo pool, optional TOTP MFA,
  email verification, deletion protection (parameter ``DeletionProtection``, ACTIVE unless the stack is
  being removed). Email goes through Cognito's default sender unless the stack is
  given an SES identity (``SesSourceArn``); SMS (``EnableSms``) is off unless asked for, because it needs a
  role that may publish to any phone number.
- ``UserPoolDomain`` with the ``DomainPrefix`` parameter.
- ``ApiClient`` (the auth API: password, SRP, custom and refresh flows) with a secret that only the API
  function holds (``USER_POOL_CLIENT_SECRET``), and ``WebClient`` (a browser: custom and refresh flows only,
  the password as SRP inside CUSTOM_AUTH), both ``PreventUserExistenceErrors`` ENABLED, token revocation on,
  access and ID tokens 60 minutes, refresh tokens 30 days, auth sessions 3 minutes. Neither client gives
  tokens for a password alone to anyone but the API: the second factor that DefineAuthChallenge asks of a
  user with an enrolled authenticator cannot be skipped with USER_PASSWORD_AUTH or USER_SRP_AUTH.
- ``<Function>CognitoInvoke``: ``lambda:InvokeFunction`` for ``cognito-idp.amazonaws.com``, scoped by
  ``SourceArn`` to this pool and ``SourceAccount`` to this account, one per trigger.
- ``IdentityPool`` with both clients as providers (``ServerSideTokenCheck``), ``IdentityPoolRoles`` with
  Token role mapping (a group's ``cognito:preferred_role`` wins; otherwise the authenticated role), and the
  authenticated and unauthenticated roles, whose trust policies check the identity pool (``aud``) and the
  ``amr`` (https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html).
  They carry no permission yet: nothing in the bundle needs one.

Circular dependency: the pool references the trigger functions (``LambdaConfig``), so no trigger may
reference the pool. The triggers read the pool id from their event (``userPoolId``) and the app client id
from ``callerContext.clientId``; only functions Cognito does not invoke (the API handler, authorizers) get
``USER_POOL_ID``, ``USER_POOL_CLIENT_ID`` and ``IDENTITY_POOL_ID`` by Ref, and the API handler alone
``USER_POOL_CLIENT_SECRET`` (``Fn::GetAtt ApiClient.ClientSecret``; Lambda keeps it encrypted at rest).
Permissions on the pool that a trigger's code needs go in a separate ``AWS::IAM::Policy`` (see :mod:`infra.iam`).

Existing pool: given ``user_pool_id``, no pool or domain is created; the clients, identity pool and
trigger permissions refer to that pool, and the ``LambdaConfig`` output is what to set on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from infra.discover import Function

PRE_TOKEN_GENERATION = "PreTokenGeneration"

PASSWORD_POLICY: dict[str, Any] = {
    "MinimumLength": 8,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": False,
    "TemporaryPasswordValidityDays": 7,
}

TOKEN_VALIDITY: dict[str, Any] = {
    "AccessTokenValidity": 60,
    "IdTokenValidity": 60,
    "RefreshTokenValidity": 30,
    "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
    "AuthSessionValidity": 3,
}

API_CLIENT_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
WEB_CLIENT_FLOWS = ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
# resource: (name suffix, flows, has a secret)
CLIENTS = {"ApiClient": ("api", API_CLIENT_FLOWS, True), "WebClient": ("web", WEB_CLIENT_FLOWS, False)}
API_CLIENT_SECRET = {"Fn::GetAtt": ["ApiClient", "ClientSecret"]}


@dataclass(frozen=True)
class Pool:
    """How the template refers to the user pool: the stack's own (``UserPool``) or an existing one."""

    existing_id: str | None = None

    @property
    def id(self) -> Any:
        return self.existing_id or {"Ref": "UserPool"}

    @property
    def arn(self) -> Any:
        if self.existing_id:
            region = self.existing_id.split("_", 1)[0]
            return {"Fn::Sub": f"arn:${{AWS::Partition}}:cognito-idp:{region}:${{AWS::AccountId}}:"
                               f"userpool/{self.existing_id}"}
        return {"Fn::GetAtt": ["UserPool", "Arn"]}

    @property
    def provider_name(self) -> Any:
        if self.existing_id:
            region = self.existing_id.split("_", 1)[0]
            return f"cognito-idp.{region}.amazonaws.com/{self.existing_id}"
        return {"Fn::GetAtt": ["UserPool", "ProviderName"]}

    def provider_for(self, client: str) -> Any:
        """``cognito-idp.<region>.amazonaws.com/<pool id>:<client id>``, the key of a Token role mapping."""
        if self.existing_id:
            return {"Fn::Sub": f"{self.provider_name}:${{{client}}}"}
        return {"Fn::Sub": f"cognito-idp.${{AWS::Region}}.amazonaws.com/${{UserPool}}:${{{client}}}"}


def _get_att_arn(function: Function) -> Any:
    return {"Fn::GetAtt": [function.resource, "Arn"]}


def lambda_config(triggers: Iterable[Function], arn_of: Callable[[Function], Any] = _get_att_arn) -> dict[str, Any]:
    """LambdaConfig: each trigger's function under its key; PreTokenGeneration as the V2_0 config."""
    config: dict[str, Any] = {}
    for function in triggers:
        arn = arn_of(function)
        if function.trigger == PRE_TOKEN_GENERATION:
            config["PreTokenGenerationConfig"] = {"LambdaArn": arn, "LambdaVersion": "V2_0"}
        else:
            config[str(function.trigger)] = arn
    return config


def user_pool_resources(triggers: list[Function]) -> dict[str, Any]:
    sms_role = {
        "Type": "AWS::IAM::Role",
        "Condition": "SmsEnabled",
        "Metadata": {"cogworks:wildcard-resources": {
            "sns:Publish": "Cognito sends SMS straight to phone numbers, which have no ARN: IAM authorises "
                           "that only with Resource \"*\" "
                           "(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-sms-settings.html)."}},
        "Properties": {
            "Description": "Lets this stack's user pool send SMS",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "cognito-idp.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": {"Fn::Sub": "${AWS::StackName}-sms"},
                                               "aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
            }]},
            "Policies": [{"PolicyName": "publish-sms", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Sid": "SendSms", "Effect": "Allow", "Action": ["sns:Publish"], "Resource": "*"},
            ]}}],
        },
    }
    pool = {
        "Type": "AWS::Cognito::UserPool",
        # A change that replaces the pool (e.g. its sign-in attributes) must not delete the users with it.
        "DeletionPolicy": "Delete",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "UserPoolName": {"Fn::Sub": "cogworks-${Stage}"},
            "UserPoolTier": "ESSENTIALS",
            "DeletionProtection": {"Ref": "DeletionProtection"},
            "UsernameConfiguration": {"CaseSensitive": False},
            "Policies": {"PasswordPolicy": PASSWORD_POLICY},
            "MfaConfiguration": "OPTIONAL",
            "EnabledMfas": ["SOFTWARE_TOKEN_MFA"],
            "AutoVerifiedAttributes": ["email"],
            "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
            "AccountRecoverySetting": {"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False},
            "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": False, "Mutable": True},
                       # chalicelib.auth.challenges.enrollment: which authenticators the user enrolled.
                       {"Name": "authenticators", "AttributeDataType": "String", "Mutable": True,
                        "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "64"}}],
            "EmailConfiguration": {"Fn::If": [
                "HasSesIdentity",
                {"EmailSendingAccount": "DEVELOPER", "SourceArn": {"Ref": "SesSourceArn"},
                 "From": {"Fn::If": ["HasEmailFrom", {"Ref": "EmailFrom"}, {"Ref": "AWS::NoValue"}]}},
                {"EmailSendingAccount": "COGNITO_DEFAULT"},
            ]},
            "SmsConfiguration": {"Fn::If": [
                "SmsEnabled",
                {"SnsCallerArn": {"Fn::GetAtt": ["UserPoolSmsRole", "Arn"]},
                 "ExternalId": {"Fn::Sub": "${AWS::StackName}-sms"}, "SnsRegion": {"Ref": "AWS::Region"}},
                {"Ref": "AWS::NoValue"},
            ]},
            "LambdaConfig": lambda_config(triggers),
            "UserPoolTags": {"cogworks:stage": {"Ref": "Stage"}},
        },
    }
    domain = {
        "Type": "AWS::Cognito::UserPoolDomain",
        "Properties": {"Domain": {"Ref": "DomainPrefix"}, "UserPoolId": {"Ref": "UserPool"}},
    }
    return {"UserPool": pool, "UserPoolDomain": domain, "UserPoolSmsRole": sms_role}


def client_resources(pool: Pool) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for resource, (suffix, flows, secret) in CLIENTS.items():
        resources[resource] = {
            "Type": "AWS::Cognito::UserPoolClient",
            "Properties": {
                "ClientName": {"Fn::Sub": f"cogworks-${{Stage}}-{suffix}"},
                "UserPoolId": pool.id,
                "GenerateSecret": secret,
                "ExplicitAuthFlows": flows,
                "PreventUserExistenceErrors": "ENABLED",
                "EnableTokenRevocation": True,
                **TOKEN_VALIDITY,
            },
        }
    return resources


def trigger_permissions(triggers: Iterable[Function], pool: Pool) -> dict[str, Any]:
    return {
        f"{function.resource}CognitoInvoke": {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": {"Fn::GetAtt": [function.resource, "Arn"]},
                "Principal": "cognito-idp.amazonaws.com",
                "SourceArn": pool.arn,
                "SourceAccount": {"Ref": "AWS::AccountId"},
            },
        }
        for function in triggers
    }


def _identity_role(amr: str) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Description": f"Identity pool role for {amr} identities",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {"cognito-identity.amazonaws.com:aud": {"Ref": "IdentityPool"}},
                    "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr},
                },
            }]},
        },
    }


def identity_pool_resources(pool: Pool) -> dict[str, Any]:
    return {
        "IdentityPool": {
            "Type": "AWS::Cognito::IdentityPool",
            "Properties": {
                "IdentityPoolName": {"Fn::Sub": "cogworks_${Stage}"},
                "AllowUnauthenticatedIdentities": False,
                "AllowClassicFlow": False,
                "CognitoIdentityProviders": [
                    {"ClientId": {"Ref": client}, "ProviderName": pool.provider_name, "ServerSideTokenCheck": True}
                    for client in CLIENTS
                ],
            },
        },
        "IdentityPoolAuthenticatedRole": _identity_role("authenticated"),
        "IdentityPoolUnauthenticatedRole": _identity_role("unauthenticated"),
        "IdentityPoolRoles": {
            "Type": "AWS::Cognito::IdentityPoolRoleAttachment",
            "Properties": {
                "IdentityPoolId": {"Ref": "IdentityPool"},
                "Roles": {
                    "authenticated": {"Fn::GetAtt": ["IdentityPoolAuthenticatedRole", "Arn"]},
                    "unauthenticated": {"Fn::GetAtt": ["IdentityPoolUnauthenticatedRole", "Arn"]},
                },
                "RoleMappings": {
                    client: {"IdentityProvider": pool.provider_for(client), "Type": "Token",
                             "AmbiguousRoleResolution": "AuthenticatedRole"}
                    for client in CLIENTS
                },
            },
        },
    }

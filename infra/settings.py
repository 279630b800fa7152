"""The settings the code reads from its environment that the stack must provide, and how it provides them.

A function gets a setting only if its code names the variable (a string constant equal to the name, anywhere
in the modules its handler imports: :func:`settings_read`), so a secret reaches only the functions that use it.

- Secrets (:data:`SECRETS`) are ``AWS::SecretsManager::Secret`` resources whose value Secrets Manager
  generates at creation: no value is ever in the template or the repository. The code reads them from its
  environment, so each function's variable is a dynamic reference
  ``{{resolve:secretsmanager:<secret arn>:SecretString}}`` that CloudFormation resolves when it deploys the
  function (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html).
  The trade-off: whoever may call ``lambda:GetFunctionConfiguration`` sees the value, and a rotated secret
  reaches the functions only on the next deploy. CHALLENGE_SIGNING_KEY and AUTHENTICATOR_KEY must be base64 of
  32 bytes: Secrets Manager generates 43 alphanumeric characters (256 bits) and the reference appends the
  ``=`` padding, which makes them exactly that.
- Deploy-time parameters (:data:`PARAMETERS`): where email is sent from, the public URL of the auth API, the
  admin and default groups, the WebAuthn relying party. A parameter left empty leaves its variable unset, and
  the code's own default (or its MissingSettingError, failing closed) applies.

The auth API's URL cannot be given by Ref: the API (``RestAPI``) refers to the API handler, which refers to
the user pool, which refers to every trigger; a trigger or the API handler naming ``RestAPI`` closes a cycle.
So MAGIC_LINK_URL and RISK_LINK_BASE_URL come from ``PublicApiUrl``: the API's custom domain, or the
``ApiUrl`` output of a first deploy.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.discover import ROOT, _source_file


@dataclass(frozen=True)
class Secret:
    """A generated secret: its logical id, generated length and the suffix the variable appends."""

    resource: str
    length: int
    suffix: str
    description: str

    def resource_definition(self) -> dict[str, Any]:
        return {
            "Type": "AWS::SecretsManager::Secret",
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": {
                "Description": {"Fn::Sub": f"${{AWS::StackName}}: {self.description}"},
                "GenerateSecretString": {"PasswordLength": self.length, "ExcludePunctuation": True,
                                         "IncludeSpace": False},
            },
        }

    def reference(self) -> dict[str, Any]:
        return {"Fn::Sub": f"{{{{resolve:secretsmanager:${{{self.resource}}}:SecretString}}}}{self.suffix}"}


SECRETS: Mapping[str, Secret] = {
    "CHALLENGE_SIGNING_KEY": Secret("ChallengeSigningKey", 43, "=",
                                    "signs magic links and peppers challenge hashes (base64 of 32 bytes)"),
    "AUTHENTICATOR_KEY": Secret("AuthenticatorKey", 43, "=", "encrypts TOTP secrets at rest (base64 of 32 bytes)"),
    "RISK_LINK_SECRET": Secret("RiskLinkSecret", 64, "", "signs the risk notification's feedback links"),
}

MAGIC_LINK_PATH = "/auth/passwordless/magic-link"
URL_PATTERN = r"^(https://[^/\s]+(/[^\s]*[^/\s])?)?$"


@dataclass(frozen=True)
class Parameter:
    """A template parameter that sets one or more variables; empty leaves them unset."""

    name: str
    definition: dict[str, Any]
    variables: Mapping[str, Any]

    @property
    def condition(self) -> str:
        return f"Has{self.name}"


PARAMETERS: tuple[Parameter, ...] = (
    Parameter("EmailFrom", {
        "Type": "String", "Default": "",
        "Description": "From address of the email the pool and the functions send, in the SesSourceArn identity, "
                       "e.g. 'cogworks <no-reply@example.com>'; the passwordless challenges need it"},
        {"SES_FROM_ADDRESS": {"Ref": "EmailFrom"}, "RISK_EMAIL_FROM": {"Ref": "EmailFrom"}}),
    Parameter("PublicApiUrl", {
        "Type": "String", "Default": "", "AllowedPattern": URL_PATTERN,
        "Description": "Public https URL of the auth API without a trailing slash (its custom domain, or the ApiUrl "
                       "output of a first deploy less the slash); magic links and risk links point there"},
        {"MAGIC_LINK_URL": {"Fn::Sub": f"${{PublicApiUrl}}{MAGIC_LINK_PATH}"},
         "RISK_LINK_BASE_URL": {"Ref": "PublicApiUrl"}}),
    Parameter("AdminGroup", {
        "Type": "String", "Default": "",
        "Description": "Group whose members may call the admin API (empty: the code's default, 'admins')"},
        {"ADMIN_GROUP": {"Ref": "AdminGroup"}}),
    Parameter("DefaultGroup", {
        "Type": "String", "Default": "",
        "Description": "Group every confirmed user is added to (empty: none); it must exist in the pool"},
        {"DEFAULT_GROUP": {"Ref": "DefaultGroup"}}),
    Parameter("WebAuthnRpId", {
        "Type": "String", "Default": "",
        "Description": "WebAuthn relying party id (the site's domain) for passkeys; empty: passkeys unavailable"},
        {"WEBAUTHN_RP_ID": {"Ref": "WebAuthnRpId"}}),
    Parameter("RiskConfiguration", {
        "Type": "String", "Default": "", "MaxLength": 4000,
        "Description": "Account takeover protection (empty: off), JSON: {\"Mode\": \"AUDIT\" or \"ENFORCED\", "
                       "\"Pool\": <RiskConfigurationType>, \"Clients\": {\"<client id>\": <RiskConfigurationType>}}"},
        {"RISK_CONFIGURATION": {"Ref": "RiskConfiguration"}}),
    Parameter("WebAuthnOrigins", {
        "Type": "String", "Default": "",
        "Description": "Comma-separated https origins allowed to use passkeys (e.g. https://app.example.com)"},
        {"WEBAUTHN_ALLOWED_ORIGINS": {"Ref": "WebAuthnOrigins"}}),
)


def _constants(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def settings_read(modules: Iterable[str], root: Path = ROOT) -> set[str]:
    """The variables of :data:`SECRETS` and :data:`PARAMETERS` that the given modules name."""
    known = set(SECRETS) | {var for parameter in PARAMETERS for var in parameter.variables}
    found: set[str] = set()
    for module in modules:
        path = _source_file(module, root)
        if path is not None:
            found.update(name for name in _constants(path) if name in known)
    return found


def environment(variables: Iterable[str]) -> dict[str, Any]:
    """The function environment entries for ``variables`` (see the module docstring)."""
    wanted = set(variables)
    entries: dict[str, Any] = {var: SECRETS[var].reference() for var in sorted(wanted & set(SECRETS))}
    for parameter in PARAMETERS:
        for var, value in parameter.variables.items():
            if var in wanted:
                entries[var] = {"Fn::If": [parameter.condition, value, {"Ref": "AWS::NoValue"}]}
    return entries


def used_secrets(variables: Iterable[str]) -> dict[str, Any]:
    """The secret resources the given variables need."""
    return {SECRETS[var].resource: SECRETS[var].resource_definition() for var in sorted(set(variables) & set(SECRETS))}


def _used(variables: Iterable[str], always: Iterable[str]) -> list[Parameter]:
    wanted, names = set(variables), set(always)
    return [p for p in PARAMETERS if p.name in names or wanted & set(p.variables)]


def parameters(variables: Iterable[str], always: Iterable[str] = ()) -> dict[str, Any]:
    """The parameters that set any of ``variables`` (or are named in ``always``): an unused one is not emitted."""
    return {parameter.name: parameter.definition for parameter in _used(variables, always)}


def conditions(variables: Iterable[str], always: Iterable[str] = ()) -> dict[str, Any]:
    return {parameter.condition: {"Fn::Not": [{"Fn::Equals": [{"Ref": parameter.name}, ""]}]}
            for parameter in _used(variables, always)}

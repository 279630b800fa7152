"""UserPoolType and UserPoolClientType as Describe* and Create* return them, and the checks that
CreateUserPoolClient and UpdateUserPoolClient make of an app client's settings."""

from __future__ import annotations

from typing import Any

from emulator import ids, users, validation
from emulator.errors import InvalidParameterException
from emulator.state import AppClient, UserPool

STANDARD_ATTRIBUTES = [
    "sub", "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile",
    "picture", "website", "email", "email_verified", "gender", "birthdate", "zoneinfo", "locale",
    "phone_number", "phone_number_verified", "address", "updated_at",
]


# Pool settings that SetUserPoolMfaConfig owns: not members of Create/UpdateUserPool nor of UserPoolType, but
# kept in the pool's configuration (the seed file sets them) and left alone by UpdateUserPool.
MFA_CONFIG_MEMBERS = ("SoftwareTokenMfaConfiguration", "SmsMfaConfiguration", "EmailMfaConfiguration",
                      "WebAuthnConfiguration")


def _members(shape_or_action: str, *, operation: bool) -> Any:
    model = validation.service_model("cognito-idp")
    shape = model.operation_model(shape_or_action).input_shape if operation else model.shape_for(shape_or_action)
    return shape.members


def known_members(action: str, request: dict[str, Any], *, drop: tuple[str, ...] = (),
                  extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """The request's members that the action's input shape declares, plus `extra`, minus `drop`: AWS ignores
    unknown members, so they must not reach the stored configuration that Describe* echoes back."""
    members = _members(action, operation=True)
    return {k: v for k, v in request.items() if (k in members or k in extra) and k not in drop}


def shaped(output_shape: str, values: dict[str, Any]) -> dict[str, Any]:
    """The members of ``values`` that botocore's model gives ``output_shape``."""
    members = _members(output_shape, operation=False)
    return {k: v for k, v in values.items() if k in members}


def pool_type(pool: UserPool) -> dict[str, Any]:
    config = dict(pool.config)
    policies = dict(config.get("Policies") or {})
    policies["PasswordPolicy"] = users.password_policy(pool)
    config["Policies"] = policies
    config.setdefault("MfaConfiguration", "OFF")
    config.setdefault("LambdaConfig", {})
    config.setdefault("DeletionProtection", "INACTIVE")
    config.setdefault("UserPoolTier", "ESSENTIALS")
    config.setdefault("AdminCreateUserConfig", {"AllowAdminCreateUserOnly": False, "UnusedAccountValidityDays": 7})
    config.update({
        "Id": pool.pool_id, "Name": pool.name, "Arn": ids.pool_arn(pool.region, pool.pool_id),
        "CreationDate": pool.created, "LastModifiedDate": pool.modified,
        "EstimatedNumberOfUsers": len(pool.users),
        "SchemaAttributes": schema(pool),
    })
    return shaped("UserPoolType", config)


def schema(pool: UserPool) -> list[dict[str, Any]]:
    attrs = [{"Name": name, "AttributeDataType": "Boolean" if name.endswith("_verified") else "String",
              "DeveloperOnlyAttribute": False, "Mutable": name != "sub", "Required": name == "sub"}
             for name in STANDARD_ATTRIBUTES]
    for custom in pool.config.get("Schema") or []:
        name = custom.get("Name", "")
        if name in STANDARD_ATTRIBUTES:
            for entry in attrs:
                if entry["Name"] == name:
                    entry.update(custom)
            continue
        attrs.append({**custom, "Name": f"custom:{name}" if not name.startswith("custom:") else name})
    return attrs


def client_type(client: AppClient, pool: UserPool) -> dict[str, Any]:
    config = dict(client.config)
    config.setdefault("ExplicitAuthFlows", client.auth_flows)
    config.setdefault("PreventUserExistenceErrors", "LEGACY")
    config.setdefault("EnableTokenRevocation", True)
    config.setdefault("AuthSessionValidity", 3)
    config.setdefault("RefreshTokenValidity", 30)
    config.update({"UserPoolId": pool.pool_id, "ClientName": client.name, "ClientId": client.client_id,
                   "CreationDate": client.created, "LastModifiedDate": client.modified})
    if client.secret:
        config["ClientSecret"] = client.secret
    return shaped("UserPoolClientType", config)


_LEGACY = {"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"}
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
# ID and access tokens live 5 minutes to 1 day, refresh tokens 60 minutes to 10 years (DG-QUOTAS); a
# RefreshTokenValidity of 0 means the default, 30 days.
_VALIDITY_RANGES = {"AccessToken": (300, 86400), "IdToken": (300, 86400), "RefreshToken": (3600, 3650 * 86400)}


def validate_client_config(request: dict[str, Any]) -> None:
    """The checks Cognito makes beyond the model: no mix of legacy and ALLOW_ flows, token validities in range."""
    flows = request.get("ExplicitAuthFlows") or []
    legacy = [f for f in flows if f in _LEGACY]
    if legacy and len(legacy) != len(flows):
        raise InvalidParameterException("ExplicitAuthFlows can not have both ALLOW_XXX and non ALLOW_XXX values.")
    units = request.get("TokenValidityUnits") or {}
    for kind, (low, high) in _VALIDITY_RANGES.items():
        value = request.get(f"{kind}Validity")
        if not value:
            continue
        seconds = value * _UNIT_SECONDS[units.get(kind) or ("days" if kind == "RefreshToken" else "hours")]
        if not low <= seconds <= high:
            raise InvalidParameterException("Invalid range for token validity.")

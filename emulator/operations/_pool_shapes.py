"""UserPoolType and UserPoolClientType as Describe* and Create* return them."""

from __future__ import annotations

from typing import Any

from emulator import ids, users
from emulator.state import AppClient, UserPool

STANDARD_ATTRIBUTES = [
    "sub", "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile",
    "picture", "website", "email", "email_verified", "gender", "birthdate", "zoneinfo", "locale",
    "phone_number", "phone_number_verified", "address", "updated_at",
]


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
    config.pop("PoolName", None)
    config.update({
        "Id": pool.pool_id, "Name": pool.name, "Arn": ids.pool_arn(pool.region, pool.pool_id),
        "CreationDate": pool.created, "LastModifiedDate": pool.modified,
        "EstimatedNumberOfUsers": len(pool.users),
        "SchemaAttributes": schema(pool),
    })
    return config


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
    config.pop("GenerateSecret", None)
    config.setdefault("ExplicitAuthFlows", client.auth_flows)
    config.setdefault("PreventUserExistenceErrors", "LEGACY")
    config.setdefault("EnableTokenRevocation", True)
    config.setdefault("AuthSessionValidity", 3)
    config.setdefault("RefreshTokenValidity", 30)
    config.update({"UserPoolId": pool.pool_id, "ClientName": client.name, "ClientId": client.client_id,
                   "CreationDate": client.created, "LastModifiedDate": client.modified})
    if client.secret:
        config["ClientSecret"] = client.secret
    return config

"""CreateUserPool."""

from __future__ import annotations

import secrets
from typing import Any

from emulator import ids, tokens
from emulator.context import Context
from emulator.errors import InvalidParameterException
from emulator.operations._pool_shapes import MFA_CONFIG_MEMBERS, known_members, pool_type
from emulator.state import UserPool

_MUTUALLY_EXCLUSIVE = ("UsernameAttributes", "AliasAttributes")


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    if all(request.get(name) for name in _MUTUALLY_EXCLUSIVE):
        raise InvalidParameterException("Only one of the following properties can be set at a time: "
                                        "AliasAttributes, UsernameAttributes.")
    validate_pool_config(request)
    now = ctx.now()
    config = known_members("CreateUserPool", request, extra=MFA_CONFIG_MEMBERS)
    pool = UserPool(pool_id=ids.user_pool_id(ctx.emulator.region), name=request["PoolName"],
                    region=ctx.emulator.region, config=config,
                    id_key=tokens.new_signing_key(), access_key=tokens.new_signing_key(),
                    simulation_secret=secrets.token_bytes(32),
                    created=now, modified=now)
    with ctx.store.lock:
        ctx.store.pools[pool.pool_id] = pool
    return {"UserPool": pool_type(pool)}


def validate_pool_config(request: dict[str, Any]) -> None:
    """Rules beyond botocore's model (which the protocol layer has already enforced: MinimumLength 6-99, ...)."""
    lambda_config = request.get("LambdaConfig") or {}
    v2 = lambda_config.get("PreTokenGenerationConfig") or {}
    legacy = lambda_config.get("PreTokenGeneration")
    if v2 and legacy and v2.get("LambdaArn") != legacy:
        raise InvalidParameterException("PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be "
                                        "the same if both are set.")
    # Cognito's answer as reported in https://github.com/aws/aws-cli/issues/7151
    required = (request.get("UserAttributeUpdateSettings") or {}).get("AttributesRequireVerificationBeforeUpdate")
    if not set(required or []) <= set(request.get("AutoVerifiedAttributes") or []):
        raise InvalidParameterException("All attributes in AttributesRequireVerificationBeforeUpdate must exist in "
                                        "AutoVerifiedAttributes")
    if request.get("MfaConfiguration") == "ON" and not (
            (request.get("SoftwareTokenMfaConfiguration") or {}).get("Enabled")
            or request.get("SmsConfiguration")):
        raise InvalidParameterException("SMS configuration and Auto verification for phone_number are required "
                                        "when MFA is required/optional")

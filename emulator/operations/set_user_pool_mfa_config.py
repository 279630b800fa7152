"""SetUserPoolMfaConfig: the pool's MFA setting (OFF / ON / OPTIONAL) and which factors it offers."""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.errors import InvalidParameterException
from emulator.operations._pool_shapes import MFA_CONFIG_MEMBERS


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = ctx.pool(request["UserPoolId"])
    mfa = request.get("MfaConfiguration")
    offered = {name: request[name] for name in MFA_CONFIG_MEMBERS if name in request}
    with ctx.store.lock:
        merged = {**{k: pool.config[k] for k in MFA_CONFIG_MEMBERS if k in pool.config}, **offered}
        enabled = any((merged.get(k) or {}).get("Enabled") for k in ("SoftwareTokenMfaConfiguration",))
        if mfa in ("ON", "OPTIONAL") and not (enabled or merged.get("SmsMfaConfiguration")
                                              or merged.get("EmailMfaConfiguration")):
            raise InvalidParameterException("At least one MFA method must be enabled when MFA is ON or OPTIONAL.")
        pool.config.update(offered)
        if mfa is not None:
            pool.config["MfaConfiguration"] = mfa
        pool.modified = ctx.now()
    return get_config(pool.config)


def get_config(config: dict[str, Any]) -> dict[str, Any]:
    result = {k: config[k] for k in MFA_CONFIG_MEMBERS if k in config}
    result["MfaConfiguration"] = config.get("MfaConfiguration") or "OFF"
    return result

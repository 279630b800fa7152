"""SetUserMFAPreference: the signed-in user turns TOTP MFA on (and preferred) or off.

Turning it on needs a software token proven by VerifySoftwareToken. Off only drops the preference: in a
pool whose MfaConfiguration is ON a verified token is still asked for. SMS, email and passkey MFA are not
available in this local Cognito, so enabling them is refused rather than silently ignored.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserMFAPreference.html
"""

from __future__ import annotations

from typing import Any

from emulator import tokens
from emulator.context import Context
from emulator.errors import InvalidParameterException, UnsupportedOperationException
from emulator.state import User

UNSUPPORTED = {"SMSMfaSettings": "SMS", "EmailMfaSettings": "Email", "WebAuthnMfaSettings": "Passkey"}


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    _pool, user, _claims = tokens.decode_access_token(ctx.store, request["AccessToken"], ctx.now())
    set_preference(ctx, user, request)
    return {}


def set_preference(ctx: Context, user: User, request: dict[str, Any]) -> None:
    """Apply the request's MFA settings to the user (SetUserMFAPreference, AdminSetUserMFAPreference)."""
    for key, label in UNSUPPORTED.items():
        settings = request.get(key) or {}
        if settings.get("Enabled") or settings.get("PreferredMfa"):
            raise UnsupportedOperationException(f"{label} MFA is not supported by this local Cognito.")
    software = request.get("SoftwareTokenMfaSettings")
    if software is None:
        return
    enable = bool(software.get("Enabled"))
    if enable and not user.totp_verified:
        raise InvalidParameterException("User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")
    with ctx.store.lock:
        user.preferred_mfa = "SOFTWARE_TOKEN_MFA" if enable else ""
        user.modified = ctx.now()

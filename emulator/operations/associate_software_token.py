"""AssociateSoftwareToken: a new TOTP secret for the user, pending until VerifySoftwareToken proves it.

Authorised by the signed-in user's access token, or during sign-in by the Session of an MFA_SETUP
challenge: that session is consumed and a fresh one for the same step is returned with the secret.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AssociateSoftwareToken.html
"""

from __future__ import annotations

from typing import Any

from emulator import tokens, totp
from emulator.context import Context
from emulator.errors import InvalidParameterException, SoftwareTokenMFANotFoundException
from emulator.operations import _recovery
from emulator.state import UserPool


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    access_token, session_token = request.get("AccessToken"), request.get("Session")
    check_one_credential(access_token, session_token)
    secret = totp.new_secret()
    if access_token:
        pool, user, _claims = tokens.decode_access_token(ctx.store, access_token, ctx.now())
        check_enabled(pool)
        with ctx.store.lock:
            user.totp_pending_secret = secret
        return {"SecretCode": secret}
    pool, client, session, user = _recovery.mfa_setup_session(ctx, session_token)
    check_enabled(pool)
    with ctx.store.lock:
        user.totp_pending_secret = secret
    return {"SecretCode": secret, "Session": _recovery.next_mfa_setup_session(ctx, pool, client, session)}


def check_one_credential(access_token: Any, session: Any) -> None:
    if access_token and session:
        raise InvalidParameterException("Only one of AccessToken or Session can be provided.")
    if not access_token and not session:
        raise InvalidParameterException("Either AccessToken or Session must be provided.")


def check_enabled(pool: UserPool) -> None:
    if (pool.config.get("SoftwareTokenMfaConfiguration") or {}).get("Enabled", True) is False:
        raise SoftwareTokenMFANotFoundException("Software Token MFA has not been enabled for the user pool.")

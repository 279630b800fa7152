"""VerifySoftwareToken: a TOTP code from the pending secret of AssociateSoftwareToken makes it the user's
software token (verified); a code is accepted once per 30-second step, with one step of drift.

With the Session of an MFA_SETUP challenge, success returns a fresh Session for RespondToAuthChallenge
MFA_SETUP; a wrong code keeps the session usable until it expires.
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifySoftwareToken.html
"""

from __future__ import annotations

from typing import Any

from emulator import tokens, totp
from emulator.context import Context
from emulator.errors import EnableSoftwareTokenMFAException, SoftwareTokenMFANotFoundException
from emulator.operations import _recovery
from emulator.operations.associate_software_token import check_one_credential
from emulator.state import User

CODE_MISMATCH = "Code mismatch and fail enable Software Token MFA"


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    access_token, session_token = request.get("AccessToken"), request.get("Session")
    check_one_credential(access_token, session_token)
    if access_token:
        _pool, user, _claims = tokens.decode_access_token(ctx.store, access_token, ctx.now())
        verify(ctx, user, request["UserCode"])
        return {"Status": "SUCCESS"}
    pool, client, session, user = _recovery.mfa_setup_session(ctx, session_token)
    try:
        verify(ctx, user, request["UserCode"])
    except (EnableSoftwareTokenMFAException, SoftwareTokenMFANotFoundException):
        _recovery.restore_session(ctx, session)
        raise
    return {"Status": "SUCCESS", "Session": _recovery.next_mfa_setup_session(ctx, pool, client, session)}


def verify(ctx: Context, user: User, code: str) -> None:
    with ctx.store.lock:
        pending = user.totp_pending_secret
        if not pending:
            raise SoftwareTokenMFANotFoundException("No software token has been associated with the user.")
        if not totp.verify_and_consume(user, pending, code, ctx.now()):
            raise EnableSoftwareTokenMFAException(CODE_MISMATCH)
        user.totp_secret = pending
        user.totp_pending_secret = ""
        user.totp_verified = True
        user.modified = ctx.now()

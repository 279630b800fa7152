"""What the account-recovery, self-service and token operations share: simulated code delivery for
PreventUserExistenceErrors, the recovery medium of ForgotPassword, token-family revocation, and the
MFA_SETUP session that AssociateSoftwareToken / VerifySoftwareToken carry.

https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-recover-a-user-account.html
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from emulator import auth, users
from emulator.context import Context
from emulator.errors import NotAuthorizedException, ResourceNotFoundException
from emulator.state import AppClient, AuthSession, RefreshTokenRecord, User, UserPool

MEDIUM = {"email": "EMAIL", "phone_number": "SMS"}
# Without AccountRecoverySetting Cognito prefers a verified phone, then a verified email.
LEGACY_RECOVERY = [{"Priority": 1, "Name": "verified_phone_number"}, {"Priority": 2, "Name": "verified_email"}]
_MECHANISM_ATTRIBUTE = {"verified_phone_number": "phone_number", "verified_email": "email"}


def simulated_delivery(pool: UserPool, username: str, user: User | None = None,
                       attribute: str | None = None) -> dict[str, str]:
    """CodeDeliveryDetails when no code is sent but the caller may not learn why: the masked address of
    an existing user, or for a missing one a made-up address, the same every time for this pool and name."""
    if user is not None:
        target = users.delivery_target(pool, user, attribute)
        if target is not None:
            attr, medium = target
            return {"Destination": users.mask(attr, user.attributes[attr]), "DeliveryMedium": medium,
                    "AttributeName": attr}
    if attribute not in MEDIUM:
        attribute = next((a for a in pool.auto_verified_attributes if a in MEDIUM), "email")
    seed = hmac.new(pool.simulation_secret, username.encode(), hashlib.sha256).hexdigest()
    if attribute == "email":
        if "@" in username:
            destination = users.mask("email", username)
        else:
            letters = [chr(ord("a") + int(seed[i:i + 2], 16) % 26) for i in (0, 2)]
            destination = f"{letters[0]}***@{letters[1]}***"
    else:
        digits = "".join(str(int(seed[i:i + 2], 16) % 10) for i in range(0, 8, 2))
        destination = "+" + "*" * 7 + digits
    return {"Destination": destination, "DeliveryMedium": MEDIUM[attribute], "AttributeName": attribute}


def recovery_attributes(pool: UserPool) -> list[str]:
    """The attributes ForgotPassword may send a code to, in the pool's AccountRecoverySetting order."""
    mechanisms = (pool.config.get("AccountRecoverySetting") or {}).get("RecoveryMechanisms") or LEGACY_RECOVERY
    ordered = sorted(mechanisms, key=lambda m: m.get("Priority") or 0)
    if ordered and ordered[0].get("Name") == "admin_only":
        raise NotAuthorizedException("Contact administrator to reset password.")
    return [_MECHANISM_ATTRIBUTE[m["Name"]] for m in ordered if m.get("Name") in _MECHANISM_ATTRIBUTE]


def verified_attribute(user: User, candidates: list[str]) -> str | None:
    """The first candidate the user has a value for and has verified."""
    for attribute in candidates:
        if user.attributes.get(attribute) and user.attributes.get(f"{attribute}_verified") == "true":
            return attribute
    return None


def revoke_family(ctx: Context, record: RefreshTokenRecord) -> None:
    """A refresh token and every ID and access token sharing its origin_jti. Call under the store lock."""
    record.revoked = True
    ctx.store.revoked_origin_jtis.add(record.origin_jti)


def mfa_setup_session(ctx: Context, token: str) -> tuple[UserPool, AppClient, AuthSession, User]:
    """Consume an MFA_SETUP session (single use, like every auth session) and find its user."""
    with ctx.store.lock:
        pending = ctx.store.sessions.get(token)
    if pending is None:
        raise NotAuthorizedException("Invalid session for the user.")
    try:
        pool, client = ctx.pool_client(pending.pool_id, pending.client_id)
    except ResourceNotFoundException:
        raise NotAuthorizedException("Invalid session for the user.") from None
    session = auth.take_session(ctx, token, client, "MFA_SETUP")
    user = pool.users.get(session.username)
    if user is None:
        raise NotAuthorizedException("Invalid session for the user.")
    return pool, client, session, user


def next_mfa_setup_session(ctx: Context, pool: UserPool, client: AppClient, session: AuthSession) -> str:
    """A fresh session for the same MFA_SETUP step, as Cognito returns one with each answer."""
    fresh = auth.new_session(ctx, pool, client, session.username, session.flow, "MFA_SETUP",
                             private_parameters=dict(session.private_parameters), admin=session.admin)
    return fresh.token


def restore_session(ctx: Context, session: AuthSession) -> None:
    """Put back a session whose answer was refused, so the user may try again before it expires."""
    with ctx.store.lock:
        ctx.store.sessions[session.token] = session


def client_metadata(request: dict[str, Any]) -> dict[str, Any]:
    return dict(request.get("ClientMetadata") or {})

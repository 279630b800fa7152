"""RS256 ID and access tokens with Cognito's claims, opaque refresh tokens, and the pool's JWKS.

Claims follow https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
and ...-using-the-access-token.html. ID and access tokens are signed with different keys (different kid),
as Cognito does. These are development keys generated per pool; they never leave the emulator.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from emulator import ids
from emulator.errors import NotAuthorizedException, RefreshTokenReuseException
from emulator.state import AppClient, RefreshTokenRecord, SigningKey, Store, User, UserPool

ACCESS_SCOPE = "aws.cognito.signin.user.admin"
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_DEFAULT_VALIDITY_SECONDS = {"AccessToken": 3600, "IdToken": 3600, "RefreshToken": 30 * 86400}


def new_signing_key() -> SigningKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = str(uuid.uuid4())
    numbers = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    # Exactly the members Cognito's JWKS publishes (PyJWT would add key_ops).
    public_jwk = {"alg": "RS256", "e": numbers["e"], "kid": kid, "kty": "RSA", "n": numbers["n"], "use": "sig"}
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return SigningKey(kid=kid, private_pem=pem, public_jwk=public_jwk, private_key=key, public_key=key.public_key())


def jwks(pool: UserPool) -> dict[str, Any]:
    return {"keys": [pool.id_key.public_jwk, pool.access_key.public_jwk]}


def validity_seconds(client: AppClient, kind: str) -> int:
    """AccessTokenValidity / IdTokenValidity (default 1 h) and RefreshTokenValidity (default 30 days)."""
    value = client.config.get(f"{kind}Validity")
    if not value:  # absent, or a RefreshTokenValidity of 0: the default, whatever the unit
        return _DEFAULT_VALIDITY_SECONDS[kind]
    unit = (client.config.get("TokenValidityUnits") or {}).get(kind)
    return int(value) * _UNIT_SECONDS[unit or ("days" if kind == "RefreshToken" else "hours")]


@dataclass
class TokenContext:
    """What one issuance needs, and what PreTokenGeneration may change before signing."""

    id_claims: dict[str, Any]
    access_claims: dict[str, Any]


def base_claims(issuer: str, pool: UserPool, client: AppClient, user: User, *, auth_time: int,
                origin_jti: str, event_id: str, now: int) -> TokenContext:
    groups = sorted(user.groups, key=lambda g: _precedence_key(pool, g))
    common = {"sub": user.sub, "iss": issuer, "origin_jti": origin_jti, "event_id": event_id,
              "auth_time": auth_time, "iat": now}
    id_claims: dict[str, Any] = dict(common)
    if groups:
        id_claims["cognito:groups"] = groups
        roles = [pool.groups[g].role_arn for g in groups if pool.groups[g].role_arn]
        if roles:
            id_claims["cognito:roles"] = list(dict.fromkeys(roles))
            preferred = preferred_role(pool, groups)
            if preferred:
                id_claims["cognito:preferred_role"] = preferred
    for name, value in user.attributes.items():
        if name == "sub":
            continue
        if name.endswith("_verified"):
            id_claims[name] = value == "true"
        else:
            id_claims[name] = value
    id_claims.update({"aud": client.client_id, "token_use": "id", "cognito:username": user.username,
                      "jti": str(uuid.uuid4())})
    access_claims: dict[str, Any] = dict(common)
    if groups:
        access_claims["cognito:groups"] = groups
    access_claims.update({"version": 2, "client_id": client.client_id, "token_use": "access",
                          "scope": ACCESS_SCOPE, "jti": str(uuid.uuid4()), "username": user.username})
    return TokenContext(id_claims=id_claims, access_claims=access_claims)


def _precedence_key(pool: UserPool, group_name: str) -> tuple[int, int, str]:
    precedence = pool.groups[group_name].precedence if group_name in pool.groups else None
    return (0, precedence, group_name) if precedence is not None else (1, 0, group_name)


def preferred_role(pool: UserPool, groups: list[str]) -> str | None:
    """The role of the group with the lowest Precedence; none when the best groups disagree (DG-RBAC)."""
    with_roles = [pool.groups[g] for g in groups if g in pool.groups and pool.groups[g].role_arn]
    if not with_roles:
        return None
    if len({g.role_arn for g in with_roles}) == 1:
        return with_roles[0].role_arn
    ranked = [g for g in with_roles if g.precedence is not None]
    if not ranked:
        return None
    best = min(g.precedence for g in ranked if g.precedence is not None)
    roles = {g.role_arn for g in ranked if g.precedence == best}
    return roles.pop() if len(roles) == 1 else None


def sign(pool: UserPool, ctx: TokenContext, client: AppClient, now: int) -> tuple[str, str]:
    ctx.id_claims["exp"] = now + validity_seconds(client, "IdToken")
    ctx.access_claims["exp"] = now + validity_seconds(client, "AccessToken")
    id_token = jwt.encode(ctx.id_claims, pool.id_key.private_key, algorithm="RS256",
                          headers={"kid": pool.id_key.kid})
    access_token = jwt.encode(ctx.access_claims, pool.access_key.private_key, algorithm="RS256",
                              headers={"kid": pool.access_key.kid})
    return id_token, access_token


def new_refresh_token(store: Store, pool: UserPool, client: AppClient, user: User, *, origin_jti: str,
                      auth_time: int, now: float) -> str:
    token = ids.opaque(96)
    with store.lock:
        store.refresh_tokens[token] = RefreshTokenRecord(
            token=token, pool_id=pool.pool_id, client_id=client.client_id, username=user.username,
            origin_jti=origin_jti, auth_time=auth_time,
            expires_at=now + validity_seconds(client, "RefreshToken"))
    return token


def claim_rotation(store: Store, record: RefreshTokenRecord, *, grace_seconds: int, now: float) -> bool:
    """Rotate ``record`` out, atomically: it stops working ``grace_seconds`` after its first rotation, and a
    retry within them may rotate it again. True for the first rotation (undo it with :func:`release_rotation`
    if no tokens come of it), False for a retry; RefreshTokenReuseException once the grace period is over, so
    that of concurrent rotations without grace exactly one succeeds."""
    with store.lock:
        if record.invalid_from is not None:
            if record.invalid_from <= now:
                raise RefreshTokenReuseException()
            return False
        record.invalid_from = now + grace_seconds
        return True


def release_rotation(store: Store, record: RefreshTokenRecord) -> None:
    with store.lock:
        record.invalid_from = None


def successor(store: Store, record: RefreshTokenRecord) -> str:
    """A new refresh token in ``record``'s session: same origin_jti and auth_time, valid "for the remaining
    duration of the original refresh token" (amazon-cognito-user-pools-using-the-refresh-token.html)."""
    token = ids.opaque(96)
    with store.lock:
        store.refresh_tokens[token] = dataclasses.replace(record, token=token, invalid_from=None)
    return token


def decode_access_token(store: Store, token: Any, now: float) -> tuple[UserPool, User, dict[str, Any]]:
    """The pool, user and claims of a valid, unrevoked access token issued by this emulator."""
    if not isinstance(token, str) or token.count(".") != 2:
        raise NotAuthorizedException("Invalid Access Token")
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise NotAuthorizedException("Invalid Access Token") from None
    issuer = unverified.get("iss")
    pool_id = issuer.rsplit("/", 1)[-1] if isinstance(issuer, str) else ""
    pool = store.pools.get(pool_id)
    if pool is None or header.get("kid") != pool.access_key.kid:
        raise NotAuthorizedException("Invalid Access Token")
    try:
        # Time claims are checked below against the emulator's clock, which tests may move.
        claims = jwt.decode(token, pool.access_key.public_key, algorithms=["RS256"],
                            options={"verify_exp": False, "verify_aud": False, "verify_iat": False,
                                     "verify_nbf": False})
    except jwt.PyJWTError:
        raise NotAuthorizedException("Invalid Access Token") from None
    if claims.get("token_use") != "access":
        raise NotAuthorizedException("Invalid Access Token")
    if claims.get("exp", 0) <= now:
        raise NotAuthorizedException("Access Token has expired")
    user = pool.users.get(claims.get("username", ""))
    if user is None or user.sub != claims.get("sub"):
        raise NotAuthorizedException("Invalid Access Token")
    if claims.get("origin_jti") in store.revoked_origin_jtis:
        raise NotAuthorizedException("Access Token has been revoked")
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    return pool, user, claims

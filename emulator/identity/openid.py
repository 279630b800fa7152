"""Cognito Identity's OpenID tokens: what GetOpenIdToken returns (basic flow) and what the enhanced flow
presents to STS AssumeRoleWithWebIdentity on the caller's behalf.

Claims as Cognito writes them (https://docs.aws.amazon.com/cognito/latest/developerguide/
authentication-flow.html, role-trust-and-permissions.html): ``iss`` https://cognito-identity.amazonaws.com,
``aud`` the identity pool id, ``sub`` the identity id, ``amr`` ``["authenticated", <provider>,
"<provider>:<app client>:CognitoSignIn:<sub>"]`` or ``["unauthenticated"]``, and the principal tags under
``https://aws.amazon.com/tags`` (attributes for access control), which STS turns into session tags.
GetOpenIdToken's token lives 10 minutes. Signed RS256 with a development key of this emulator
(:meth:`emulator.identity.state.IdentityStore.signing_key`), published at ``/cognito-identity/.well-known/jwks.json``.
"""

from __future__ import annotations

import functools
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization

from emulator.identity.logins import VerifiedLogin, developer_amr
from emulator.identity.state import OPENID_ISSUER, Identity, IdentityPool, IdentityStore

OPEN_ID_TOKEN_SECONDS = 600
TAGS_CLAIM = "https://aws.amazon.com/tags"


@functools.lru_cache(maxsize=8)
def _private_key(pem: bytes) -> Any:
    """The key parsed once: loading a PEM checks the RSA key's primes, tens of milliseconds each time."""
    return serialization.load_pem_private_key(pem, password=None)


def amr(logins: list[VerifiedLogin]) -> list[str]:
    if not logins:
        return ["unauthenticated"]
    values = ["authenticated"]
    for login in logins:
        if login.developer:
            values += [login.provider, developer_amr(login.provider, login.client_id, login.subject)]
        else:
            values += [login.provider, f"{login.mapping_key}:CognitoSignIn:{login.subject}"]
    return values


def issue(store: IdentityStore, pool: IdentityPool, identity: Identity, logins: list[VerifiedLogin],
          tags: dict[str, str], now: float, ttl: int = OPEN_ID_TOKEN_SECONDS) -> str:
    key = store.signing_key()
    issued = int(now)
    claims: dict[str, Any] = {"sub": identity.identity_id, "aud": pool.pool_id, "amr": amr(logins),
                              "iss": OPENID_ISSUER, "iat": issued, "exp": issued + ttl}
    if tags:
        claims[TAGS_CLAIM] = {"principal_tags": {name: [value] for name, value in tags.items()}}
    return jwt.encode(claims, _private_key(key.private_pem), algorithm="RS256", headers={"kid": key.kid})


def jwks(store: IdentityStore) -> dict[str, Any]:
    return {"keys": [store.signing_key().public_jwk]}

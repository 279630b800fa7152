"""The step-up flow of a signed-in user: the access token it presents stands for the first factor.

The client (the auth API's ``POST /auth/passwordless/step-up``) answers the selection round with ClientMetadata
``{"signInMethod": "<METHOD>", "stepUpToken": "<access token>"}``. The selection is right only if the token is
a valid access token of this pool and app client (signature, expiry, ``token_use``, ``client_id``: offline, by
:class:`chalicelib.auth.jwt_verifier.CognitoJwtVerifier`) whose ``username`` is the user signing in, and the
method is one of the policy's second factors. Then one method round, and fresh tokens.

The issuer is Cognito's (``https://cognito-idp.<region>.amazonaws.com/<pool id>``), or in stage local the
local pool's (``COGWORKS_LOCAL_URL/cognito-idp/<pool id>``). Verifiers are cached per (issuer, client), so a
warm Lambda fetches the JWKS once.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Final

from chalicelib.auth.challenges import crypto
from chalicelib.auth.challenges.base import User

if TYPE_CHECKING:
    pass

MAX_TOKEN_CHARS: Final = 8192


def issuer_for(pool_id: str, region: str) -> str:
    local = os.environ.get("COGWORKS_LOCAL_URL")
    if local and os.environ.get("COGWORKS_STAGE") == "local":
        return f"{local.rstrip('/')}/cognito-idp/{pool_id}"
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def token_proves(token: str, user: User, region: str) -> bool:
    """Is ``token`` a valid access token of ``user`` for this pool and app client?"""
    from chalicelib.auth.jwt_verifier import JwtError, shared_verifier

    if user.not_found or not token or len(token) > MAX_TOKEN_CHARS:
        return False
    try:
        claims = shared_verifier(issuer_for(user.pool_id, region), user.client_id).verify(token)
    except JwtError:
        return False
    username = claims.get("username")
    return isinstance(username, str) and crypto.same(username, user.username)

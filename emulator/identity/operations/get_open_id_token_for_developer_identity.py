"""GetOpenIdTokenForDeveloperIdentity:
https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetOpenIdTokenForDeveloperIdentity.html

Called by the developer's backend (with AWS credentials, which this local pool does not check). ``Logins``
must carry the pool's DeveloperProviderName, its value the developer user identifier; other logins in the
map (a user pool's ID token, ...) are verified and linked as in GetId. The identity of that identifier is
returned, or created (or the one named by ``IdentityId``, to link the identifier to it). The token (default
15 minutes, ``TokenDuration`` up to 24 hours) is then presented to GetCredentialsForIdentity as
``Logins={"cognito-identity.amazonaws.com": token}`` (emulator/identity/logins.py), or to STS.
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.errors import NotAuthorizedException, ResourceNotFoundException
from emulator.identity import openid
from emulator.identity.errors import DeveloperUserAlreadyRegisteredException, ResourceConflictException
from emulator.identity.logins import VerifiedLogin, verify_logins
from emulator.identity.operations._common import LOGINS_DONT_MATCH, pool_of, store
from emulator.identity.state import Identity

DEVELOPER_TOKEN_SECONDS = 900
# The observed message (https://github.com/danilop/LambdAuth/issues/32); the exception type is not confirmed.
DEVELOPER_PROVIDER_NOT_SUPPORTED = "This identity pool does not support the specified developer provider."


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = pool_of(ctx, request["IdentityPoolId"])
    logins = dict(request["Logins"])
    developer = pool.developer_provider
    if developer is None or developer not in logins:
        raise NotAuthorizedException(DEVELOPER_PROVIDER_NOT_SUPPORTED)
    user_identifier = logins.pop(developer)
    others = verify_logins(ctx, pool, logins)
    identities = store(ctx)
    now = ctx.now()
    with identities.lock:
        owner = identities.by_login.get((pool.pool_id, developer, user_identifier))
        identity = _identity(ctx, pool.pool_id, developer, request.get("IdentityId"), owner, others)
        for login in others:
            login_owner = identities.by_login.get((pool.pool_id, login.provider, login.subject))
            if login_owner is not None and login_owner != identity.identity_id:
                raise NotAuthorizedException(LOGINS_DONT_MATCH)
            linked = identity.logins.get(login.provider)
            if linked is not None and linked != login.subject:
                raise ResourceConflictException(
                    f"This identity is already linked to another login of {login.provider}.")
        identities.link(identity, developer, user_identifier, now)
        for login in others:
            identities.link(identity, login.provider, login.subject, now)
    login = VerifiedLogin(provider=developer, client_id=pool.pool_id, subject=user_identifier, claims={},
                          developer=True)
    token = openid.issue(identities, pool, identity, [login, *others], dict(request.get("PrincipalTags") or {}),
                         now, ttl=int(request.get("TokenDuration") or DEVELOPER_TOKEN_SECONDS))
    return {"IdentityId": identity.identity_id, "Token": token}


def _identity(ctx: Context, pool_id: str, developer: str, identity_id: str | None, owner: str | None,
              others: list[VerifiedLogin]) -> Identity:
    """The identity the developer user identifier goes to: the named one (which it must not already belong
    to another identity), else its own, else a new one."""
    identities = store(ctx)
    if identity_id is None:
        if owner is not None:
            return identities.identities[owner]
        return identities.new_identity(pool_id, ctx.emulator.region, ctx.now())
    identity = identities.identities.get(identity_id)
    if identity is None or identity.pool_id != pool_id:
        raise ResourceNotFoundException(f"Identity '{identity_id}' not found.")
    if owner is not None and owner != identity_id:
        raise DeveloperUserAlreadyRegisteredException()
    # Linking to an identity that has logins of other providers takes one of them
    # (https://github.com/aws/aws-sdk-js/issues/2327); the developer's own identifiers need none.
    if (owner is None and set(identity.logins) - {developer}
            and not any(identities.by_login.get((pool_id, v.provider, v.subject)) == identity_id for v in others)):
        raise NotAuthorizedException(LOGINS_DONT_MATCH)
    return identity

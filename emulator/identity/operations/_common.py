"""What several identity operations share: finding pools and identities with Cognito's not-found messages,
the IdentityPool shape, and checking a request's Logins against an identity."""

from __future__ import annotations

import os
import re
from typing import Any

from emulator.context import Context
from emulator.errors import InvalidParameterException, NotAuthorizedException, ResourceNotFoundException
from emulator.identity import state
from emulator.identity.errors import ExternalServiceException, ResourceConflictException
from emulator.identity.logins import COGNITO_PROVIDER, VerifiedLogin, verify_logins
from emulator.identity.state import Identity, IdentityPool, IdentityStore

UNAUTHENTICATED_NOT_SUPPORTED = "Unauthenticated access is not supported for this identity pool."
LOGINS_DONT_MATCH = "Logins don't match. Please include at least one valid login for this identity or identity pool."
MAX_COGNITO_PROVIDERS = 50
POOL_FIELDS = ("IdentityPoolName", "AllowUnauthenticatedIdentities", "AllowClassicFlow", "SupportedLoginProviders",
               "DeveloperProviderName", "OpenIdConnectProviderARNs", "CognitoIdentityProviders", "SamlProviderARNs",
               "IdentityPoolTags")


def store(ctx: Context) -> IdentityStore:
    return state.of(ctx)


def pool_of(ctx: Context, pool_id: str) -> IdentityPool:
    pool = store(ctx).pools.get(pool_id)
    if pool is None:
        raise ResourceNotFoundException(f"IdentityPool '{pool_id}' not found.")
    return pool


def identity_of(ctx: Context, identity_id: str) -> tuple[Identity, IdentityPool]:
    identity = store(ctx).identities.get(identity_id)
    if identity is None:
        raise ResourceNotFoundException(f"Identity '{identity_id}' not found.")
    return identity, pool_of(ctx, identity.pool_id)


def pool_config(request: dict[str, Any]) -> dict[str, Any]:
    """The pool's settings from a Create/UpdateIdentityPool request, after Cognito's semantic checks."""
    config = {name: request[name] for name in POOL_FIELDS if request.get(name) is not None}
    providers = config.get("CognitoIdentityProviders") or []
    if len(providers) > MAX_COGNITO_PROVIDERS:
        raise InvalidParameterException(
            f"The number of Cognito identity providers cannot exceed {MAX_COGNITO_PROVIDERS}.")
    seen: set[tuple[str, str]] = set()
    for provider in providers:
        name, client = provider.get("ProviderName"), provider.get("ClientId")
        if not name or not client:
            raise InvalidParameterException("CognitoIdentityProvider must have a ProviderName and a ClientId.")
        if not COGNITO_PROVIDER.fullmatch(name):
            raise InvalidParameterException(f"Invalid Cognito Identity Provider name: {name}")
        if (name, client) in seen:
            raise InvalidParameterException(f"Duplicate Cognito identity provider: {name} with client {client}")
        seen.add((name, client))
    for field, kind in (("OpenIdConnectProviderARNs", "oidc-provider"), ("SamlProviderARNs", "saml-provider")):
        for arn in config.get(field) or []:
            if not re.fullmatch(rf"arn:aws(?:-[a-z]+)*:iam::\d{{12}}:{kind}/\S+", arn):
                raise InvalidParameterException(f"Invalid {field[:-1]}: {arn} is not an IAM {kind} ARN.")
    return config


def describe(pool: IdentityPool) -> dict[str, Any]:
    return {"IdentityPoolId": pool.pool_id, **pool.config}


def sts_endpoint(ctx: Context) -> str:
    endpoint = (store(ctx).sts_endpoint or os.environ.get("AWS_ENDPOINT_URL_STS")
                or os.environ.get("AWS_ENDPOINT_URL"))
    if not endpoint:
        raise ExternalServiceException("STS is not reachable: the local stack has not started moto.")
    return endpoint


def authorize(ctx: Context, pool: IdentityPool, identity: Identity,
              logins: dict[str, str] | None) -> list[VerifiedLogin]:
    """The request's logins, verified and belonging to this identity (new ones are linked to it: an
    unauthenticated identity becomes authenticated); none only where the pool allows guests."""
    verified = verify_logins(ctx, pool, logins)
    identities = store(ctx)
    if identity.authenticated and not any(
            identities.by_login.get((pool.pool_id, v.provider, v.subject)) == identity.identity_id for v in verified):
        raise NotAuthorizedException(LOGINS_DONT_MATCH)
    if not verified and not pool.allow_unauthenticated:
        raise NotAuthorizedException(UNAUTHENTICATED_NOT_SUPPORTED)
    with identities.lock:
        for login in verified:
            owner = identities.by_login.get((pool.pool_id, login.provider, login.subject))
            if owner is not None and owner != identity.identity_id:
                raise NotAuthorizedException(LOGINS_DONT_MATCH)
            linked = identity.logins.get(login.provider)
            # An identity may have several developer user identifiers (LookupDeveloperIdentity lists them).
            if linked is not None and linked != login.subject and not login.developer:
                raise ResourceConflictException(
                    f"This identity is already linked to another login of {login.provider}.")
            if owner is None:
                identities.link(identity, login.provider, login.subject, ctx.now())
    return verified

"""The `Logins` map of GetId, GetCredentialsForIdentity and GetOpenIdToken, verified as Cognito verifies it.

A key names a provider configured on the identity pool (for a user pool:
``cognito-idp.<region>.amazonaws.com/<user pool id>``) and its value is that provider's ID token
(https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetId.html). Checks, in order, each
with the message Cognito answers (cognito-contract.md §4.1 and the observed messages quoted there):

1. the provider is one of the pool's: else "Token is not from a supported provider of this identity pool.";
2. the token is a JWT: else "Invalid login token. Not a valid OpenId Connect identity token.";
3. ``iss`` is the issuer of the provider's user pool: else "Invalid login token. Issuer doesn't match
   providerName" (locally the issuer is the emulator's, ``{base}/cognito-idp/<pool id>``);
4. the RS256 signature, with the key of the header's ``kid``: the pool's own key for a local user pool,
   the issuer's JWKS over HTTPS otherwise: else "Invalid login token. Couldn't verify signed token.";
5. ``exp`` is in the future: else "Invalid login token. Token expired: <now> >= <exp>";
6. ``aud`` is present and is one of the app clients configured for that provider: else "Invalid login
   token. Missing a required claim: aud" (an access token) / "Token is not from a supported provider of
   this identity pool.";
7. with ServerSideTokenCheck, the user still exists and is enabled and the token is not revoked.

Only Cognito user-pool providers are verified locally. A login of another configured provider (a social
provider of SupportedLoginProviders, an OIDC issuer of OpenIdConnectProviderARNs, a SAML provider ARN) would
need the provider's keys over the network: an OpenID Connect token still gets Cognito's offline checks (a
JWT, ``iss`` matching the provider), then every such login is refused with NotAuthorizedException
(:func:`not_verified_locally`), never trusted. The key ``cognito-identity.amazonaws.com`` carries an OpenID
token of this identity pool issued by GetOpenIdTokenForDeveloperIdentity (developer-authenticated
identities, https://docs.aws.amazon.com/cognito/latest/developerguide/developer-authenticated-identities.html),
verified against the pool's own signing key.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

import jwt

from emulator.context import Context
from emulator.errors import NotAuthorizedException
from emulator.identity.state import OPENID_ISSUER, IdentityPool, IdentityStore

COGNITO_PROVIDER = re.compile(r"cognito-idp\.(?P<region>[a-z0-9-]+)\.amazonaws\.com/(?P<pool>[\w-]+_[0-9a-zA-Z]+)")

UNSUPPORTED_PROVIDER = "Token is not from a supported provider of this identity pool."
NOT_A_TOKEN = "Invalid login token. Not a valid OpenId Connect identity token."
WRONG_ISSUER = "Invalid login token. Issuer doesn't match providerName"
BAD_SIGNATURE = "Invalid login token. Couldn't verify signed token."
NO_AUDIENCE = "Invalid login token. Missing a required claim: aud"
REVOKED = "Invalid login token. Token has been revoked."
DEVELOPER_LOGIN = "cognito-identity.amazonaws.com"
# Social providers that sign in with an OpenID Connect ID token, and the `iss` values their tokens carry.
OPENID_SOCIAL_ISSUERS = {"accounts.google.com": ("https://accounts.google.com", "accounts.google.com"),
                         "appleid.apple.com": ("https://appleid.apple.com",)}

# Expiry of a remote token is checked against the emulator's clock, with Cognito's message, in _checked.
EXPIRY_CHECKED_LATER = 1e12


def not_verified_locally(provider: str) -> str:
    return (f"Invalid login token. Logins of {provider} are not verified by this local identity pool "
            "(cogworks emulator); use a Cognito user pool provider.")


@dataclass(frozen=True)
class VerifiedLogin:
    """A login whose token passed every check: its provider, app client, subject and claims."""

    provider: str
    client_id: str
    subject: str
    claims: dict[str, Any]
    # A developer provider's login: `subject` is the developer user identifier, `client_id` the pool id.
    developer: bool = False

    @property
    def mapping_key(self) -> str:
        """The key of this login's role mapping: ``<provider>:<app client id>`` for a user pool."""
        return f"{self.provider}:{self.client_id}"


def verify_logins(ctx: Context, pool: IdentityPool, logins: dict[str, str] | None) -> list[VerifiedLogin]:
    """Every login verified, in the request's order; the first failure raises."""
    return [verify_login(ctx, pool, provider, token) for provider, token in (logins or {}).items()]


def _unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of a JWT, before any check: else NOT_A_TOKEN."""
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except (jwt.PyJWTError, ValueError, TypeError):
        raise NotAuthorizedException(NOT_A_TOKEN) from None
    if not isinstance(unverified, dict):
        raise NotAuthorizedException(NOT_A_TOKEN)
    return header, unverified


def verify_login(ctx: Context, pool: IdentityPool, provider: str, token: str) -> VerifiedLogin:
    if provider == DEVELOPER_LOGIN and pool.developer_provider is not None:
        return _verify_developer(ctx, pool, token)
    if provider not in pool.provider_names():
        raise NotAuthorizedException(UNSUPPORTED_PROVIDER)
    match = COGNITO_PROVIDER.fullmatch(provider)
    if match is None:
        raise _not_verifiable(pool, provider, token)
    header, unverified = _unverified(token)
    user_pool_id = match["pool"]
    local_pool = ctx.store.pools.get(user_pool_id)
    if local_pool is not None:
        expected_issuer = ctx.emulator.issuer(user_pool_id) if match["region"] == local_pool.region else None
    else:
        expected_issuer = f"https://cognito-idp.{match['region']}.amazonaws.com/{user_pool_id}"
    if unverified.get("iss") != expected_issuer:
        raise NotAuthorizedException(WRONG_ISSUER)
    if local_pool is not None:
        claims = _verify_local(local_pool, header, token)
    else:
        claims = _verify_remote(expected_issuer, token)
    return _checked(ctx, pool, provider, claims, local_pool)


def _signed_claims(token: str, public_jwk: dict[str, Any]) -> dict[str, Any]:
    """The claims of an RS256 token signed by ``public_jwk``; time claims are checked against the emulator's
    clock by the caller."""
    try:
        return jwt.decode(token, jwt.PyJWK(public_jwk).key, algorithms=["RS256"],
                          options={"verify_exp": False, "verify_aud": False, "verify_iat": False,
                                   "verify_nbf": False})
    except jwt.PyJWTError:
        raise NotAuthorizedException(BAD_SIGNATURE) from None


def _verify_local(user_pool: Any, header: dict[str, Any], token: str) -> dict[str, Any]:
    keys = {k.kid: k for k in (user_pool.id_key, user_pool.access_key)}
    key = keys.get(header.get("kid")) if isinstance(header.get("kid"), str) else None
    if key is None or header.get("alg") != "RS256":
        raise NotAuthorizedException(BAD_SIGNATURE)
    return _signed_claims(token, key.public_jwk)


_verifiers: dict[str, Any] = {}
_verifiers_lock = threading.Lock()
# Issuers whose JWKS could not be downloaded last time (the verifier then waits before trying again).
_unreachable: set[str] = set()


def unreachable_issuer(issuer: str) -> str:
    return (f"Invalid login token. Couldn't verify signed token: the keys of {issuer} could not be fetched "
            "by this local identity pool (cogworks emulator), which verifies its own user pools offline.")


def _verify_remote(issuer: str, token: str) -> dict[str, Any]:
    """A real user pool's token: its JWKS over HTTPS (cached per issuer by the bundle's verifier). Without
    network access the login is refused, the same way every time, naming the issuer."""
    from chalicelib.auth.jwt_verifier import CognitoJwtVerifier, JwksFetchError, JwksWaitPeriodError, JwtError

    with _verifiers_lock:
        verifier = _verifiers.get(issuer)
        if verifier is None:
            verifier = _verifiers[issuer] = CognitoJwtVerifier(issuer=issuer, token_use=None, client_id=None,
                                                               grace_seconds=EXPIRY_CHECKED_LATER)
    try:
        claims = verifier.verify(token)
    except JwksFetchError:
        _unreachable.add(issuer)
        raise NotAuthorizedException(unreachable_issuer(issuer)) from None
    except JwksWaitPeriodError:
        raise NotAuthorizedException(unreachable_issuer(issuer) if issuer in _unreachable else BAD_SIGNATURE) from None
    except JwtError:
        raise NotAuthorizedException(BAD_SIGNATURE) from None
    _unreachable.discard(issuer)
    return claims


def _checked(ctx: Context, pool: IdentityPool, provider: str, claims: dict[str, Any],
             local_pool: Any) -> VerifiedLogin:
    now = int(ctx.now())
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise NotAuthorizedException("Invalid login token. Missing a required claim: exp")
    if now >= exp:
        raise NotAuthorizedException(f"Invalid login token. Token expired: {now} >= {int(exp)}")
    aud = claims.get("aud")
    if not isinstance(aud, str) or not aud:
        raise NotAuthorizedException(NO_AUDIENCE)
    if aud not in pool.client_ids(provider):
        raise NotAuthorizedException(UNSUPPORTED_PROVIDER)
    if claims.get("token_use", "id") != "id":  # an access token that a V2 trigger gave an `aud`
        raise NotAuthorizedException(NOT_A_TOKEN)
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise NotAuthorizedException("Invalid login token. Missing a required claim: sub")
    if local_pool is not None and pool.server_side_token_check(provider, aud):
        user = local_pool.users.get(str(claims.get("cognito:username") or ""))
        if (user is None or user.sub != subject or not user.enabled
                or claims.get("origin_jti") in ctx.store.revoked_origin_jtis):
            raise NotAuthorizedException(REVOKED)
    return VerifiedLogin(provider=provider, client_id=aud, subject=subject, claims=claims)


def _not_verifiable(pool: IdentityPool, provider: str, token: str) -> NotAuthorizedException:
    """The refusal of a login of a configured provider other than a user pool. An OpenID Connect provider's
    token first gets the checks that need no network, with Cognito's messages."""
    issuers: tuple[str, ...] = ()
    if provider in pool.openid_connect_providers():
        issuers = (f"https://{provider}",)
    elif provider in OPENID_SOCIAL_ISSUERS:
        issuers = OPENID_SOCIAL_ISSUERS[provider]
    if issuers:
        _header, unverified = _unverified(token)
        if unverified.get("iss") not in issuers:
            return NotAuthorizedException(WRONG_ISSUER)
    return NotAuthorizedException(not_verified_locally(provider))


def developer_amr(developer_provider: str, pool_id: str, user_identifier: str) -> str:
    """The `amr` entry of an OpenID token issued for a developer user identifier."""
    return f"{developer_provider}:{pool_id}:{user_identifier}"


def _verify_developer(ctx: Context, pool: IdentityPool, token: str) -> VerifiedLogin:
    """An OpenID token that GetOpenIdTokenForDeveloperIdentity issued for this pool."""
    from emulator.identity import state

    header, unverified = _unverified(token)
    if unverified.get("iss") != OPENID_ISSUER:
        raise NotAuthorizedException(WRONG_ISSUER)
    claims = _verify_openid(state.of(ctx), header, token)
    now = int(ctx.now())
    exp = claims.get("exp")
    if not isinstance(exp, int) or isinstance(exp, bool):
        raise NotAuthorizedException("Invalid login token. Missing a required claim: exp")
    if now >= exp:
        raise NotAuthorizedException(f"Invalid login token. Token expired: {now} >= {exp}")
    developer = pool.developer_provider
    prefix = developer_amr(str(developer), pool.pool_id, "")
    amr = claims.get("amr") if isinstance(claims.get("amr"), list) else []
    subjects = [v[len(prefix):] for v in amr if isinstance(v, str) and v.startswith(prefix) and len(v) > len(prefix)]
    if claims.get("aud") != pool.pool_id or not subjects:
        raise NotAuthorizedException(UNSUPPORTED_PROVIDER)
    return VerifiedLogin(provider=str(developer), client_id=pool.pool_id, subject=subjects[0], claims=claims,
                         developer=True)


def _verify_openid(store: IdentityStore, header: dict[str, Any], token: str) -> dict[str, Any]:
    key = store.signing_key()
    if header.get("kid") != key.kid or header.get("alg") != "RS256":
        raise NotAuthorizedException(BAD_SIGNATURE)
    return _signed_claims(token, key.public_jwk)

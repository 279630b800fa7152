"""In-memory state of the local identity pools: pools, identities and their linked logins, the signing key
of the OpenID tokens, and where STS is. One :class:`IdentityStore` per :class:`emulator.context.Emulator`
(:func:`of`), beside the user pools' Store.

As in emulator/state.py, mutations happen under ``IdentityStore.lock`` in short sections, and nothing slow
(STS, a JWKS download) runs while it is held.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from emulator.context import Context, Emulator
from emulator.state import SigningKey

# Cognito Identity's OpenID tokens carry this issuer; IAM names the condition keys of a role's trust
# policy after it (cognito-identity.amazonaws.com:aud, :amr, :sub).
OPENID_ISSUER = "https://cognito-identity.amazonaws.com"


@dataclass
class PrincipalTagMap:
    use_defaults: bool
    tags: dict[str, str]


@dataclass
class IdentityPool:
    pool_id: str
    name: str
    config: dict[str, Any]
    created: float
    modified: float
    roles: dict[str, str] = field(default_factory=dict)
    role_mappings: dict[str, dict[str, Any]] = field(default_factory=dict)
    principal_tags: dict[str, PrincipalTagMap] = field(default_factory=dict)

    @property
    def allow_unauthenticated(self) -> bool:
        return bool(self.config.get("AllowUnauthenticatedIdentities"))

    @property
    def allow_classic_flow(self) -> bool:
        # A pool created without the flag still allows the basic flow (observed, cognito-contract.md §4.1).
        return self.config.get("AllowClassicFlow") is not False

    @property
    def cognito_providers(self) -> list[dict[str, Any]]:
        return list(self.config.get("CognitoIdentityProviders") or [])

    @property
    def developer_provider(self) -> str | None:
        name = self.config.get("DeveloperProviderName")
        return name if isinstance(name, str) and name else None

    def openid_connect_providers(self) -> set[str]:
        """The Logins keys of the pool's OIDC providers: each IAM provider ARN's name, its issuer URL without
        ``https://`` (https://docs.aws.amazon.com/cognito/latest/developerguide/open-id.html)."""
        return {arn.split(":oidc-provider/", 1)[1] for arn in self.config.get("OpenIdConnectProviderARNs") or []
                if ":oidc-provider/" in arn}

    def provider_names(self) -> set[str]:
        """Every Logins key the pool accepts: user pools, social providers, OIDC issuers and SAML provider
        ARNs (the SAML key is the ARN itself, DG saml-identity-provider.html)."""
        names = {p["ProviderName"] for p in self.cognito_providers if p.get("ProviderName")}
        names |= set(self.config.get("SupportedLoginProviders") or {})
        names |= self.openid_connect_providers()
        names |= set(self.config.get("SamlProviderARNs") or [])
        return names

    def client_ids(self, provider_name: str) -> set[str]:
        return {p["ClientId"] for p in self.cognito_providers
                if p.get("ProviderName") == provider_name and p.get("ClientId")}

    def server_side_token_check(self, provider_name: str, client_id: str) -> bool:
        return any(p.get("ServerSideTokenCheck") for p in self.cognito_providers
                   if p.get("ProviderName") == provider_name and p.get("ClientId") == client_id)


@dataclass
class Identity:
    identity_id: str
    pool_id: str
    created: float
    modified: float
    # provider name -> subject (the login's `sub`)
    logins: dict[str, str] = field(default_factory=dict)

    @property
    def authenticated(self) -> bool:
        return bool(self.logins)


class IdentityStore:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.pools: dict[str, IdentityPool] = {}
        self.identities: dict[str, Identity] = {}
        self.by_login: dict[tuple[str, str, str], str] = {}
        self.openid_key: SigningKey | None = None
        self.sts_endpoint: str | None = None

    def signing_key(self) -> SigningKey:
        if self.openid_key is None:
            from emulator.tokens import new_signing_key

            key = new_signing_key()
            with self.lock:
                if self.openid_key is None:
                    self.openid_key = key
        assert self.openid_key is not None
        return self.openid_key

    def new_identity(self, pool_id: str, region: str, now: float) -> Identity:
        identity = Identity(identity_id=f"{region}:{uuid.uuid4()}", pool_id=pool_id, created=now, modified=now)
        with self.lock:
            self.identities[identity.identity_id] = identity
        return identity

    def link(self, identity: Identity, provider: str, subject: str, now: float) -> None:
        with self.lock:
            identity.logins[provider] = subject
            identity.modified = now
            self.by_login[(identity.pool_id, provider, subject)] = identity.identity_id

    def remove_pool(self, pool_id: str) -> None:
        with self.lock:
            self.pools.pop(pool_id, None)
            for identity_id in [i for i, identity in self.identities.items() if identity.pool_id == pool_id]:
                del self.identities[identity_id]
            for key in [k for k in self.by_login if k[0] == pool_id]:
                del self.by_login[key]

    def reset(self) -> None:
        with self.lock:
            self.pools.clear()
            self.identities.clear()
            self.by_login.clear()


_attach_lock = threading.Lock()


def of(where: Emulator | Context) -> IdentityStore:
    """The identity store of an emulator (created on first use)."""
    emulator = where.emulator if isinstance(where, Context) else where
    store = getattr(emulator, "identity_store", None)
    if store is None:
        with _attach_lock:
            store = getattr(emulator, "identity_store", None)
            if store is None:
                store = IdentityStore()
                emulator.identity_store = store  # type: ignore[attr-defined]
    return store

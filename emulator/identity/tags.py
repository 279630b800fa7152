"""Principal tags (attributes for access control): which claims of a login become session tags.

``SetPrincipalTagAttributeMap`` stores, per identity pool and provider, either ``UseDefaults`` (for a user
pool: tag ``username`` from ``sub`` and tag ``client`` from ``aud``, DG-ABAC provider-mappings.md) or its own
``PrincipalTags`` (tag key -> claim name). Nothing stored: no tags, as in an identity pool where attributes
for access control were never turned on. A claim that is missing, not a single value, or longer than a
session tag value may be (256 characters) gives no tag.
"""

from __future__ import annotations

from typing import Any

from emulator.identity.logins import VerifiedLogin
from emulator.identity.state import IdentityPool, PrincipalTagMap

DEFAULT_TAGS = {"username": "sub", "client": "aud"}
MAX_TAG_VALUE_CHARS = 256


def mapping_for(pool: IdentityPool, provider: str) -> PrincipalTagMap | None:
    return pool.principal_tags.get(provider)


def _value(claim: Any) -> str | None:
    if isinstance(claim, bool):
        return "true" if claim else "false"
    if isinstance(claim, str | int | float):
        return str(claim)
    return None


def principal_tags(pool: IdentityPool, login: VerifiedLogin | None) -> dict[str, str]:
    if login is None:
        return {}
    if login.developer:
        return developer_tags(login.claims)
    mapping = pool.principal_tags.get(login.mapping_key) or pool.principal_tags.get(login.provider)
    if mapping is None:
        return {}
    tag_map = DEFAULT_TAGS if mapping.use_defaults else mapping.tags
    tags: dict[str, str] = {}
    for tag, claim in tag_map.items():
        value = _value(login.claims.get(claim))
        if value and len(value) <= MAX_TAG_VALUE_CHARS:
            tags[tag] = value
    return tags


def developer_tags(claims: dict[str, Any]) -> dict[str, str]:
    """The PrincipalTags that GetOpenIdTokenForDeveloperIdentity put in its token, carried over as they are."""
    session = claims.get("https://aws.amazon.com/tags")
    tags = session.get("principal_tags") if isinstance(session, dict) else None
    if not isinstance(tags, dict):
        return {}
    return {name: values[0] for name, values in tags.items()
            if isinstance(name, str) and isinstance(values, list) and values and isinstance(values[0], str)}

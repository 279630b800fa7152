"""SetPrincipalTagAttributeMap:
https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_SetPrincipalTagAttributeMap.html

``UseDefaults`` maps tag ``username`` to ``sub`` and tag ``client`` to ``aud`` (emulator/identity/tags.py);
otherwise ``PrincipalTags`` is the map (tag key -> claim). Neither (no defaults, no tags) turns the
provider's principal tags off. The provider is ``<provider>`` or ``<provider>:<app client id>``.
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.errors import InvalidParameterException
from emulator.identity.operations._common import pool_of, store
from emulator.identity.operations.get_principal_tag_attribute_map import answer
from emulator.identity.operations.set_identity_pool_roles import mapping_keys
from emulator.identity.state import PrincipalTagMap


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = pool_of(ctx, request["IdentityPoolId"])
    provider = request["IdentityProviderName"]
    if provider not in pool.provider_names() | mapping_keys(pool):
        raise InvalidParameterException(f"The identity provider {provider} is not configured for this identity pool.")
    use_defaults = bool(request.get("UseDefaults"))
    tags = dict(request.get("PrincipalTags") or {})
    with store(ctx).lock:
        if use_defaults or tags:
            pool.principal_tags[provider] = PrincipalTagMap(use_defaults=use_defaults, tags=tags)
        else:
            pool.principal_tags.pop(provider, None)
        pool.modified = ctx.now()
    return answer(pool, provider)

"""LookupDeveloperIdentity:
https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_LookupDeveloperIdentity.html

Either ``IdentityId`` or ``DeveloperUserIdentifier``: the other is looked up; both: they must belong together
(else ResourceConflictException, as the API reference says). The identifiers of an identity are listed in
the order they were linked, ``MaxResults`` (1-60) per page, with an opaque ``NextToken``.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from emulator.context import Context
from emulator.errors import InvalidParameterException, ResourceNotFoundException
from emulator.identity.errors import ResourceConflictException
from emulator.identity.operations._common import pool_of, store

MAX_RESULTS = 60


def _decode(token: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(token.encode()).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidParameterException("Invalid pagination token.") from None


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool = pool_of(ctx, request["IdentityPoolId"])
    identity_id, user_identifier = request.get("IdentityId"), request.get("DeveloperUserIdentifier")
    if identity_id is None and user_identifier is None:
        raise InvalidParameterException("Either IdentityId or DeveloperUserIdentifier must be provided.")
    developer = pool.developer_provider
    identities = store(ctx)
    with identities.lock:
        owner = (identities.by_login.get((pool.pool_id, str(developer), user_identifier))
                 if developer is not None and user_identifier is not None else None)
        if identity_id is None:
            if owner is None:
                raise ResourceNotFoundException(
                    f"No identity is linked to developer user identifier '{user_identifier}'.")
            identity_id = owner
        identity = identities.identities.get(identity_id)
        if identity is None or identity.pool_id != pool.pool_id:
            raise ResourceNotFoundException(f"Identity '{identity_id}' not found.")
        if user_identifier is not None and owner != identity_id:
            raise ResourceConflictException(
                f"Developer user identifier '{user_identifier}' is not linked to identity '{identity_id}'.")
        linked = [subject for (pool_id, provider, subject), owner_id in identities.by_login.items()
                  if pool_id == pool.pool_id and provider == developer and owner_id == identity_id]
    start = _decode(request["NextToken"]) if request.get("NextToken") else 0
    if not 0 <= start <= len(linked):
        raise InvalidParameterException("Invalid pagination token.")
    size = min(int(request.get("MaxResults") or MAX_RESULTS), MAX_RESULTS)
    page = linked[start:start + size]
    result: dict[str, Any] = {"IdentityId": identity_id, "DeveloperUserIdentifierList": page}
    if start + len(page) < len(linked):
        result["NextToken"] = base64.urlsafe_b64encode(str(start + len(page)).encode()).decode()
    return result

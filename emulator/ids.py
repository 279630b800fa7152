"""Identifiers in Cognito's formats, so SDKs that parse them accept ours."""

from __future__ import annotations

import secrets
import string
import uuid

_ALNUM = string.ascii_letters + string.digits
_LOWER_ALNUM = string.ascii_lowercase + string.digits

ACCOUNT_ID = "123456789012"


def user_pool_id(region: str) -> str:
    """`REGION_` plus 9 alphanumerics, e.g. us-east-1_AbC123xYz."""
    return f"{region}_" + "".join(secrets.choice(_ALNUM) for _ in range(9))


def client_id() -> str:
    """26 lowercase alphanumerics."""
    return "".join(secrets.choice(_LOWER_ALNUM) for _ in range(26))


def client_secret() -> str:
    return "".join(secrets.choice(_LOWER_ALNUM) for _ in range(51))


def sub() -> str:
    return str(uuid.uuid4())


def opaque(nbytes: int = 48) -> str:
    return secrets.token_urlsafe(nbytes)


def pool_arn(region: str, pool_id: str) -> str:
    return f"arn:aws:cognito-idp:{region}:{ACCOUNT_ID}:userpool/{pool_id}"

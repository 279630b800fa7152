"""Whether the pool lets a CustomMessage trigger replace the email, which Cognito allows only when the pool
sends through SES (``EmailConfiguration.EmailSendingAccount`` DEVELOPER): with Cognito's default email account a
returned ``emailMessage`` or ``emailSubject`` makes the operation fail with InvalidLambdaResponseException
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html). The SMS may
always be replaced.

MESSAGES_EMAIL chooses: ``auto`` (the default) asks the pool with DescribeUserPool, kept per pool for 10 minutes
(a failed call is remembered for 30 s and answers "no": the user then gets Cognito's default email, never an
error); ``on`` and ``off`` skip the call, for a stack that knows its own email configuration.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Final

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.observability import logger
from chalicelib.signup import idp

MODE_ENV: Final = "MESSAGES_EMAIL"
CACHE_SECONDS: Final = 600.0
FAILURE_CACHE_SECONDS: Final = 30.0

_lock = threading.Lock()
_cache: dict[tuple[str, str], tuple[bool, float]] = {}


def _describe(region: str, pool_id: str) -> bool:
    pool = idp.client(region).describe_user_pool(UserPoolId=pool_id)["UserPool"]
    return (pool.get("EmailConfiguration") or {}).get("EmailSendingAccount") == "DEVELOPER"


def custom_email_allowed(region: str, pool_id: str, *, clock: Callable[[], float] = time.monotonic,
                         describe: Callable[[str, str], bool] = _describe) -> bool:
    mode = (os.environ.get(MODE_ENV) or "auto").strip().lower()
    if mode in ("on", "off"):
        return mode == "on"
    key = (region, pool_id)
    now = clock()
    cached = _cache.get(key)
    if cached is not None and cached[1] > now:
        return cached[0]
    try:
        allowed, lifetime = describe(region, pool_id), CACHE_SECONDS
    except (ClientError, BotoCoreError, KeyError, TypeError) as exc:
        logger.warning("could not read the pool's email configuration; Cognito's default email is kept",
                       extra={"user_pool_id": pool_id, "error": type(exc).__name__})
        allowed, lifetime = False, FAILURE_CACHE_SECONDS
    with _lock:
        _cache[key] = (allowed, now + lifetime)
    return allowed


def forget() -> None:
    """Drop what is remembered (tests; a pool whose email configuration just changed)."""
    with _lock:
        _cache.clear()

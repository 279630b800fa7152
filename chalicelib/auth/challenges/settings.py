"""The challenge methods' settings, read from the stage's environment at call time.

- CHALLENGE_SIGNING_KEY: base64 of at least 32 random bytes; signs magic links and peppers every stored
  hash. Required outside stage local (give the function its value from SSM Parameter Store or Secrets
  Manager); stage local makes a dev key per process.
- CHALLENGE_CODE_TTL_SECONDS (600, at most 600: NIST SP 800-63B §5.1.3.2): how long a code is valid.
- CHALLENGE_LINK_TTL_SECONDS (900, at most 900): how long a magic link is valid.
- CHALLENGE_RESEND_SECONDS (60, at least 60): least time between two codes or links sent to one user.
- CHALLENGE_LOCK_AFTER (5): consecutive wrong answers (across sign-ins) before the user is locked;
  CHALLENGE_LOCK_SECONDS (60) the first lock, doubled per further failure up to CHALLENGE_LOCK_MAX_SECONDS (900).
- SES_FROM_ADDRESS (stage local: no-reply@cogworks.local; required elsewhere): the From of code and link emails.
- MAGIC_LINK_URL (stage local: COGWORKS_LOCAL_URL + /auth/passwordless/magic-link; required elsewhere): the
  landing page the links point to.
- MAGIC_LINK_ALLOWED_ORIGINS (none): origins a client may point links to (ClientMetadata ``redirectUri``).
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from dataclasses import dataclass
from typing import Final

from chalicelib.settings import MissingSettingError, Settings, parsed_once, require

MAX_CODE_TTL: Final = 600
MAX_LINK_TTL: Final = 900
MIN_KEY_BYTES: Final = 32
LANDING_PATH: Final = "/auth/passwordless/magic-link"

# Stage local only: one key per process, so the local triggers and the local API (same process) agree.
_DEV_KEY: Final = secrets.token_bytes(MIN_KEY_BYTES)


# Every variable ChallengeSettings.from_env reads (directly or through chalicelib.settings.Settings).
_ENV_NAMES: Final = ("COGWORKS_STAGE", "AWS_REGION", "AWS_DEFAULT_REGION", "CHALLENGE_SIGNING_KEY",
                     "CHALLENGE_CODE_TTL_SECONDS", "CHALLENGE_LINK_TTL_SECONDS", "CHALLENGE_RESEND_SECONDS",
                     "CHALLENGE_LOCK_AFTER", "CHALLENGE_LOCK_SECONDS", "CHALLENGE_LOCK_MAX_SECONDS",
                     "SES_FROM_ADDRESS", "MAGIC_LINK_URL", "COGWORKS_LOCAL_URL", "MAGIC_LINK_ALLOWED_ORIGINS")
_CACHE: dict[tuple[str | None, ...], ChallengeSettings] = {}


def _int(name: str, default: int, *, low: int, high: int) -> int:
    raw = (os.environ.get(name) or "").strip()
    value = int(raw) if raw.isascii() and raw.isdigit() else default
    return max(low, min(value, high))


def _signing_key(is_local: bool) -> bytes:
    raw = os.environ.get("CHALLENGE_SIGNING_KEY")
    if not raw:
        if is_local:
            return _DEV_KEY
        raise MissingSettingError("Missing configuration for: CHALLENGE_SIGNING_KEY")
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise MissingSettingError("CHALLENGE_SIGNING_KEY must be base64") from None
    if len(key) < MIN_KEY_BYTES:
        raise MissingSettingError(f"CHALLENGE_SIGNING_KEY must hold at least {MIN_KEY_BYTES} bytes")
    return key


@dataclass(frozen=True)
class ChallengeSettings:
    signing_key: bytes
    code_ttl: int = MAX_CODE_TTL
    link_ttl: int = MAX_LINK_TTL
    resend_interval: int = 60
    lock_after: int = 5
    lock_seconds: int = 60
    lock_max_seconds: int = 900
    email_from: str = "no-reply@cogworks.local"
    magic_link_url: str = "http://127.0.0.1:8000" + LANDING_PATH
    allowed_link_origins: tuple[str, ...] = ()
    is_local: bool = False

    @classmethod
    def from_env(cls) -> ChallengeSettings:
        """The settings of the current environment; parsed once per distinct value of the variables read (a
        warm Lambda parses them once, tests that change a variable get a fresh parse)."""
        return parsed_once(_CACHE, _ENV_NAMES, cls._parse)

    @classmethod
    def _parse(cls) -> ChallengeSettings:
        is_local = Settings.from_env().is_local
        local_url = os.environ.get("COGWORKS_LOCAL_URL") or "http://127.0.0.1:8000"
        origins = tuple(o.strip().rstrip("/") for o in (os.environ.get("MAGIC_LINK_ALLOWED_ORIGINS") or "").split(",")
                        if o.strip())
        return cls(
            signing_key=_signing_key(is_local),
            code_ttl=_int("CHALLENGE_CODE_TTL_SECONDS", MAX_CODE_TTL, low=30, high=MAX_CODE_TTL),
            link_ttl=_int("CHALLENGE_LINK_TTL_SECONDS", MAX_LINK_TTL, low=60, high=MAX_LINK_TTL),
            resend_interval=_int("CHALLENGE_RESEND_SECONDS", 60, low=60, high=3600),
            lock_after=_int("CHALLENGE_LOCK_AFTER", 5, low=3, high=100),
            lock_seconds=_int("CHALLENGE_LOCK_SECONDS", 60, low=1, high=3600),
            lock_max_seconds=_int("CHALLENGE_LOCK_MAX_SECONDS", 900, low=1, high=86400),
            email_from=os.environ.get("SES_FROM_ADDRESS") or ("no-reply@cogworks.local" if is_local
                                                               else require("SES_FROM_ADDRESS")),
            magic_link_url=os.environ.get("MAGIC_LINK_URL") or (local_url.rstrip("/") + LANDING_PATH if is_local
                                                                else require("MAGIC_LINK_URL")),
            allowed_link_origins=origins,
            is_local=is_local,
        )

    def lock_duration(self, failures: int) -> float:
        """How long ``failures`` consecutive wrong answers lock the user (0: not locked)."""
        if failures < self.lock_after:
            return 0
        return float(min(self.lock_seconds * 2 ** min(failures - self.lock_after, 20), self.lock_max_seconds))

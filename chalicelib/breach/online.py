"""The optional online check against the Pwned Passwords range API, for a password the local store does not
know (https://haveibeenpwned.com/API/v3#SearchingPwnedPasswordsByRange).

Only the first 5 hex digits of the SHA-1 leave the process (k-anonymity), and ``Add-Padding: true`` pads the
answer to 800-1,000 lines with count-0 decoys so its size does not reveal the prefix; padded lines are
dropped. Off unless BREACH_ONLINE is ``on``. Settings (environment, read per call):

- ``BREACH_ONLINE``: ``on`` or ``off`` (default ``off``);
- ``BREACH_ONLINE_URL``: the range endpoint, the prefix appended (default ``https://api.pwnedpasswords.com/range/``);
- ``BREACH_ONLINE_TIMEOUT``: seconds for connect and for each read, 0.1-3 (default 1.5), so a check stays
  inside a Cognito trigger's and the API's budget;
- ``BREACH_ONLINE_FAIL``: ``closed`` (default: an unreachable service refuses the password change or sign-in
  with a retryable error) or ``open`` (it is treated as not breached, and logged).
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Final

from chalicelib.breach import codec
from chalicelib.observability import logger

DEFAULT_URL: Final = "https://api.pwnedpasswords.com/range/"
DEFAULT_TIMEOUT: Final = 1.5
MAX_TIMEOUT: Final = 3.0
# A padded range is ~1,000 lines of 40 bytes; anything much larger is not a range.
MAX_BODY: Final = 1_000_000


class OnlineCheckUnavailableError(RuntimeError):
    """The online service could not answer and the setting says to fail closed."""


@dataclass(frozen=True)
class OnlineSettings:
    enabled: bool = False
    url: str = DEFAULT_URL
    timeout: float = DEFAULT_TIMEOUT
    fail_open: bool = False

    @classmethod
    def from_env(cls) -> OnlineSettings:
        enabled = os.environ.get("BREACH_ONLINE", "off").strip().lower() in ("on", "true", "1", "yes")
        try:
            timeout = float(os.environ.get("BREACH_ONLINE_TIMEOUT") or DEFAULT_TIMEOUT)
        except ValueError:
            timeout = DEFAULT_TIMEOUT
        timeout = min(max(timeout, 0.1), MAX_TIMEOUT)
        fail_open = os.environ.get("BREACH_ONLINE_FAIL", "closed").strip().lower() == "open"
        return cls(enabled=enabled, url=os.environ.get("BREACH_ONLINE_URL") or DEFAULT_URL, timeout=timeout,
                   fail_open=fail_open)


def parse_range(body: str, suffix: str) -> int:
    """The count of ``suffix`` in a range answer (``SUFFIX:COUNT`` lines), 0 if absent or padding."""
    for line in body.splitlines():
        candidate, _, count = line.strip().partition(":")
        if candidate.upper() == suffix:
            try:
                return max(int(count), 0)
            except ValueError:
                return 0
    return 0


def range_count(prefix: str, suffix: str, settings: OnlineSettings) -> int:
    """How often the hash ``prefix + suffix`` was seen, per the online service. Raises
    :class:`OnlineCheckUnavailableError` when it cannot answer and fail-closed is set; answers 0 when fail-open."""
    if not codec.is_prefix(prefix):
        raise ValueError("not a SHA-1 prefix")
    request = urllib.request.Request(settings.url + prefix, headers={  # noqa: S310 (the URL is configuration)
        "Add-Padding": "true", "User-Agent": "cogworks-breach-check", "Accept": "text/plain"})
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout) as response:  # noqa: S310
            if response.status != 200:
                raise OnlineCheckUnavailableError(f"status {response.status}")
            body = response.read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            raise OnlineCheckUnavailableError("oversized answer")
        return parse_range(body.decode("ascii", errors="replace"), suffix)
    except (OSError, urllib.error.URLError, OnlineCheckUnavailableError, ValueError) as exc:
        reason = type(exc).__name__
        if settings.fail_open:
            logger.warning("online breach check unavailable; failing open", extra={"reason": reason})
            return 0
        logger.warning("online breach check unavailable; failing closed", extra={"reason": reason})
        raise OnlineCheckUnavailableError(reason) from exc

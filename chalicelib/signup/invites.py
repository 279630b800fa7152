"""Invite codes as people type them, and as the table keys them (pure: no storage here).

A code is 20 characters of Crockford's base32 (100 random bits from :mod:`secrets`), shown in four groups of
five: ``7KQ2M-X9D4T-...``. Typing is forgiving, as Crockford intends: case, spaces and dashes are ignored, and
``O`` reads as ``0``, ``I`` and ``L`` as ``1`` (https://www.crockford.com/base32.html). The table keys a code by
:func:`code_hash` (SHA-256, domain-separated); :func:`public_id`, a prefix of that hash, names a code in lists
and deletions without revealing it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Final

ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_CHARS: Final = 20
GROUP: Final = 5
MAX_INPUT_CHARS: Final = 64
ID_CHARS: Final = 16
_TYPED: Final = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-]+")
_VALID = re.compile(f"[{ALPHABET}]{{{CODE_CHARS}}}")
_ID = re.compile(f"[0-9a-f]{{{ID_CHARS}}}")
_HASH = re.compile(r"[0-9a-f]{64}")


def generate() -> str:
    """A new code, grouped for reading: ``XXXXX-XXXXX-XXXXX-XXXXX``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_CHARS))
    return "-".join(raw[i:i + GROUP] for i in range(0, CODE_CHARS, GROUP))


def normalize(typed: object) -> str | None:
    """The canonical form of a typed code, or None if it cannot be a code (then it matches nothing)."""
    if not isinstance(typed, str) or len(typed) > MAX_INPUT_CHARS:
        return None
    canonical = _SEPARATORS.sub("", typed).upper().translate(_TYPED)
    return canonical if _VALID.fullmatch(canonical) else None


def code_hash(canonical: str) -> str:
    return hashlib.sha256(b"cogworks-invite-code:v1:" + canonical.encode("ascii")).hexdigest()


def public_id(hashed: str) -> str:
    return hashed[:ID_CHARS]


def is_public_id(value: object) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def is_code_hash(value: object) -> bool:
    return isinstance(value, str) and _HASH.fullmatch(value) is not None

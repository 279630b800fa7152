"""Users who must reset a password found breached at sign-in, as Cognito keeps a user in RESET_REQUIRED.

The auth API sets the mark when a sign-in proves a breached password (it verified the password with Cognito
first, so nobody can mark another user by guessing); the PreAuthentication trigger refuses every sign-in of a
marked user, whatever the flow (SRP included, which never shows the password to anyone but Cognito); a
successful password reset clears it. The mark is keyed by SHA-256(pool id, username): a dump of the table
lists no usernames.
"""

from __future__ import annotations

import hashlib
import time
from typing import Final

from chalicelib.breach import store
from chalicelib.models.breach_range import BreachRange

RESET_REQUIRED_MESSAGE: Final = "Password reset required for the user"


def _key(pool_id: str, username: str) -> str:
    digest = hashlib.sha256(f"{pool_id}\x00{username}".encode()).hexdigest()
    return f"#reset/{digest}"


def mark(pool_id: str, username: str) -> None:
    store.put_control(BreachRange(_key(pool_id, username), set_at=int(time.time())))


def is_marked(pool_id: str, username: str) -> bool:
    return store.get_control(_key(pool_id, username)) is not None


def clear(pool_id: str, username: str) -> None:
    store.delete_control(_key(pool_id, username))

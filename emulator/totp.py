"""TOTP for SOFTWARE_TOKEN_MFA: RFC 6238, 30-second steps, one step of drift, no reuse of a step."""

from __future__ import annotations

import pyotp

from emulator.state import User


def new_secret() -> str:
    return pyotp.random_base32(32)


def matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step `code` belongs to (current, previous or next), or None."""
    if not (isinstance(code, str) and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = int(now // totp.interval)
    for candidate in (step, step - 1, step + 1):
        if pyotp.utils.strings_equal(totp.at(candidate * totp.interval), code):
            return candidate
    return None


def verify_and_consume(user: User, secret: str, code: str, now: float) -> bool:
    """True once per step: a code already accepted is refused (RFC 6238 §5.2)."""
    step = matching_step(secret, code, now)
    if step is None or step <= user.totp_last_step:
        return False
    user.totp_last_step = step
    return True

"""One responder per ChallengeName for (Admin)RespondToAuthChallenge, chosen from this registry."""

from __future__ import annotations

from emulator.challenges import (
    custom_challenge,
    mfa_setup,
    new_password_required,
    password_verifier,
    software_token_mfa,
)
from emulator.challenges.base import Responder

RESPONDERS: dict[str, Responder] = {
    "PASSWORD_VERIFIER": password_verifier.respond,
    "CUSTOM_CHALLENGE": custom_challenge.respond,
    "NEW_PASSWORD_REQUIRED": new_password_required.respond,
    "SOFTWARE_TOKEN_MFA": software_token_mfa.respond,
    "MFA_SETUP": mfa_setup.respond,
}

"""PASSWORD: the password as a factor, run by Cognito itself inside CUSTOM_AUTH.

The client opens the sign-in with ``AuthParameters {"USERNAME", "CHALLENGE_NAME": "SRP_A", "SRP_A"}``;
DefineAuthChallenge then presents PASSWORD_VERIFIER, and Cognito checks the SRP proof (and applies its own
password lockout). What follows is the policy's business (chalicelib/auth/policy.py): tokens, or a selection
round for a second factor when PASSWORD is in ``AUTH_STEP_UP_AFTER`` (step-up), or in ``AUTH_MFA_STEP_UP_AFTER``
(default) and the user enrolled an authenticator app or a passkey. It is never offered in a
selection round and its create/verify are never called: no custom round can run SRP.
"""

from __future__ import annotations

from chalicelib.auth.challenges.base import Challenge, Created, CreateRequest, VerifyRequest


class PasswordChallenge(Challenge):
    NAME = "PASSWORD"
    CUSTOM = False
    COGNITO_CHALLENGES = ("SRP_A", "PASSWORD_VERIFIER")

    def create(self, request: CreateRequest) -> Created:
        raise LookupError("PASSWORD is run by Cognito (SRP_A, PASSWORD_VERIFIER), not by a custom round")

    def verify(self, request: VerifyRequest) -> bool:
        return False

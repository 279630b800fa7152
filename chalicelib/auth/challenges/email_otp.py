"""EMAIL_OTP: a 6-digit code sent by email (Amazon SES), valid at most 10 minutes, to a verified ``email``.

Public parameters: ``destination`` (masked, ``j***@e***``) and ``deliveryMedium`` ``EMAIL``. The answer is the
code. Storage, throttling, single use and the unknown-user decoy: :mod:`chalicelib.auth.challenges.delivered`.
"""

from __future__ import annotations

from typing import Final

from chalicelib.auth.challenges import crypto
from chalicelib.auth.challenges.base import CreateRequest
from chalicelib.auth.challenges.delivered import CodeChallenge

SUBJECT: Final = "Your sign-in code"


class EmailOtpChallenge(CodeChallenge):
    NAME = "EMAIL_OTP"
    MEDIUM = "EMAIL"
    ATTRIBUTE = "email"

    def mask(self, value: str) -> str:
        return crypto.mask_email(value)

    def send(self, request: CreateRequest, to: str, code: str) -> None:
        minutes = request.services.settings.code_ttl // 60
        request.services.sender.email(
            to, SUBJECT, f"Your sign-in code is {code}. It expires in {minutes} minutes.\n\n"
                         "If you did not try to sign in, you can ignore this email.")

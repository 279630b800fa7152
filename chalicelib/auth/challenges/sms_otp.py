"""SMS_OTP: a 6-digit code sent by text message (Amazon SNS), valid at most 10 minutes, to a verified
``phone_number``.

Public parameters: ``destination`` (masked, ``+*******0123``) and ``deliveryMedium`` ``SMS``. The answer is the
code. Storage, throttling, single use and the unknown-user decoy: :mod:`chalicelib.auth.challenges.delivered`.
"""

from __future__ import annotations

from chalicelib.auth.challenges import crypto
from chalicelib.auth.challenges.base import CreateRequest
from chalicelib.auth.challenges.delivered import CodeChallenge


class SmsOtpChallenge(CodeChallenge):
    NAME = "SMS_OTP"
    MEDIUM = "SMS"
    ATTRIBUTE = "phone_number"

    def mask(self, value: str) -> str:
        return crypto.mask_phone(value)

    def send(self, request: CreateRequest, to: str, code: str) -> None:
        minutes = request.services.settings.code_ttl // 60
        request.services.sender.text(to, f"Your sign-in code is {code}. It expires in {minutes} minutes.")

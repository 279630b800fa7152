"""Sending the bundle's own emails (Amazon SES SendEmail) and text messages (Amazon SNS Publish to a phone).

Clients are created on first use and cached per (service, region, endpoint), like chalicelib.aws, with short
timeouts: a Cognito trigger has 5 s in all. In stage local the AWS SDK endpoint variables point at moto,
which keeps what is sent (the local stack's `/local/outbox` shows it); moto, like SES's sandbox, refuses a
sender that is not a verified identity, so in stage local the From address is verified once per process.

https://docs.aws.amazon.com/ses/latest/APIReference/API_SendEmail.html
https://docs.aws.amazon.com/sns/latest/dg/sms_sending-overview.html
"""

from __future__ import annotations

import os
import threading
from typing import Any

_lock = threading.Lock()
_clients: dict[tuple[str, str, str | None], Any] = {}
_verified: set[tuple[str | None, str]] = set()


def region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def client(service: str) -> Any:
    """The cached boto3 client of ``service`` for the current region and endpoint."""
    endpoint = (os.environ.get(f"AWS_ENDPOINT_URL_{service.upper()}") or os.environ.get("AWS_ENDPOINT_URL")
                or None)
    key = (service, region(), endpoint)
    found = _clients.get(key)
    if found is None:
        with _lock:
            found = _clients.get(key)
            if found is None:
                import boto3
                from botocore.config import Config

                # Two tries in all (botocore's ``max_attempts`` would count retries only) of 1 + 1.5 s: a send
                # inside CreateAuthChallenge stays within Cognito's 5 s.
                config = Config(connect_timeout=1, read_timeout=1.5,
                                retries={"mode": "standard", "total_max_attempts": 2},
                                user_agent_extra="cogworks-challenges")
                found = boto3.session.Session().client(service, region_name=key[1], endpoint_url=endpoint,
                                                       config=config)
                _clients[key] = found
    return found


class Messenger:
    """Delivers codes and links; ``is_local`` verifies the sender in moto first."""

    def __init__(self, email_from: str, *, is_local: bool = False) -> None:
        self.email_from = email_from
        self.is_local = is_local

    def email(self, to: str, subject: str, body: str) -> None:
        ses = client("ses")
        if self.is_local:
            self._verify_local_sender(ses)
        message = {"Source": self.email_from, "Destination": {"ToAddresses": [to]},
                   "Message": {"Subject": {"Data": subject, "Charset": "UTF-8"},
                               "Body": {"Text": {"Data": body, "Charset": "UTF-8"}}}}
        try:
            ses.send_email(**message)
        except ses.exceptions.MessageRejected:
            if not self.is_local:
                raise
            # moto's state was reset under this process (tests do): verify the sender again, once.
            _verified.discard((getattr(ses.meta, "endpoint_url", None), self.email_from))
            self._verify_local_sender(ses)
            ses.send_email(**message)

    def text(self, to: str, body: str) -> None:
        client("sns").publish(PhoneNumber=to, Message=body, MessageAttributes={
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}})

    def _verify_local_sender(self, ses: Any) -> None:
        marker = (getattr(ses.meta, "endpoint_url", None), self.email_from)
        if marker not in _verified:
            ses.verify_email_identity(EmailAddress=self.email_from)
            _verified.add(marker)

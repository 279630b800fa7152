"""The email of a risky sign-in (Cognito's NotifyConfiguration: BlockEmail, MfaEmail, NoActionEmail), sent
through Amazon SES (the local stack's outbox shows it), with the signed "this was me" / "this was not me"
links (:mod:`chalicelib.risk.links`). The templates may use Cognito's placeholders ``{ip-address}``,
``{city}``, ``{country}``, ``{login-time}``, ``{device-name}``, ``{one-click-link-valid}`` and
``{one-click-link-invalid}``. A failure to send is logged, never fatal to the sign-in.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Mapping
from typing import Any, Final

from chalicelib.observability import logger
from chalicelib.risk import config, links

DEFAULT_FROM: Final = "no-reply@example.com"
DEFAULT_SUBJECT: Final = "Unusual sign-in to your account"
DEFAULT_TEXT: Final = ("We noticed a sign-in to your account from {device-name} at {ip-address} on {login-time}.\n"
                       "If this was you: {one-click-link-valid}\nIf this was not you: {one-click-link-invalid}\n")
_TEMPLATE_FOR: Final = {config.BLOCK: "BlockEmail", config.MFA_REQUIRED: "MfaEmail",
                        config.MFA_IF_CONFIGURED: "MfaEmail", config.NO_ACTION: "NoActionEmail"}


def render(template: str, values: Mapping[str, str], *, escape: bool = False) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", html.escape(value) if escape else value)
    return template


def compose(notify: Mapping[str, Any], action: str, values: Mapping[str, str]) -> tuple[str, str]:
    template = notify.get(_TEMPLATE_FOR.get(action, "NoActionEmail")) or {}
    subject = str(template.get("Subject") or DEFAULT_SUBJECT)
    text = str(template.get("TextBody") or DEFAULT_TEXT)
    return render(subject, values)[:200], render(text, values)


def send(notify: Mapping[str, Any], action: str, *, to: str, pool_id: str, username_key: str, event_id: str,
         ip: str | None, device_name: str, now: float) -> bool:
    token = links.sign(pool_id, username_key, event_id, now)
    if token is None:
        logger.warning("risk notification not sent: no RISK_LINK_SECRET")
        return False
    base = links.base_url()
    if base is None:
        logger.warning("risk notification not sent: no RISK_LINK_BASE_URL (the stack's PublicApiUrl)")
        return False
    values = {"ip-address": ip or "unknown", "city": "", "country": "",
              "login-time": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(now)), "device-name": device_name,
              "one-click-link-valid": links.link(base, token, "Valid"),
              "one-click-link-invalid": links.link(base, token, "Invalid")}
    subject, body = compose(notify, action, values)
    from chalicelib.messaging import client

    sender = str(notify.get("From") or os.environ.get("RISK_EMAIL_FROM") or DEFAULT_FROM)
    try:
        ses = client("ses")
        if os.environ.get("COGWORKS_STAGE") == "local":  # moto, like SES's sandbox, needs a verified sender
            ses.verify_email_identity(EmailAddress=sender)
        ses.send_email(Source=sender, Destination={"ToAddresses": [to]},
                       Message={"Subject": {"Data": subject, "Charset": "UTF-8"},
                                "Body": {"Text": {"Data": body, "Charset": "UTF-8"}}})
    except Exception as exc:  # the sign-in's outcome never depends on the email
        logger.error("risk notification failed", extra={"reason": type(exc).__name__})
        return False
    return True

"""CustomMessage, end to end: pick the template for the trigger source and the user's locale, render it, and put
the text in ``smsMessage`` and, where the pool allows it (:mod:`.email_account`), the HTML in ``emailMessage``
with ``emailSubject``.

A message that cannot be rendered or lacks a required placeholder is never returned: the event goes back
unchanged and Cognito sends its own default message, so a template fault cannot stop a code from arriving. The
product name shown in messages is MESSAGES_APP_NAME (default ``cogworks``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any, Final

from chalicelib.messages.email_account import custom_email_allowed
from chalicelib.messages.render import (
    MESSAGE_TYPES,
    Placeholders,
    Rendered,
    TemplateContractError,
    choose_locale,
    render,
)
from chalicelib.observability import logger

APP_NAME_ENV: Final = "MESSAGES_APP_NAME"
DEFAULT_APP_NAME: Final = "cogworks"
MAX_APP_NAME_CHARS: Final = 40


def app_name() -> str:
    name = " ".join((os.environ.get(APP_NAME_ENV) or "").split())
    return name[:MAX_APP_NAME_CHARS] or DEFAULT_APP_NAME


def customize(event: MutableMapping[str, Any],
              email_allowed: Callable[[str, str], bool] = custom_email_allowed) -> Rendered | None:
    """Write the rendered message into the event's ``response``; return it, or None if Cognito's default stays."""
    source = str(event.get("triggerSource") or "")
    kind = MESSAGE_TYPES.get(source)
    request = event.get("request") if isinstance(event.get("request"), Mapping) else {}
    attributes = request.get("userAttributes") if isinstance(request.get("userAttributes"), Mapping) else {}
    code = request.get("codeParameter")
    username = request.get("usernameParameter")
    if kind is None or not isinstance(code, str) or not code:
        logger.warning("no custom message for this event", extra={"trigger_source": source})
        return None
    locale = choose_locale(attributes.get("locale"))
    from jinja2 import TemplateError  # loaded with the first message, not at every cold start

    try:
        rendered = render(kind, locale, Placeholders(code=code, username=username if isinstance(username, str)
                                                     else None), app_name=app_name(), attributes=attributes)
    except (TemplateError, TemplateContractError, OSError) as exc:
        logger.error("custom message not rendered; Cognito's default is sent",
                     extra={"trigger_source": source, "locale": locale, "error": f"{type(exc).__name__}: {exc}"})
        return None
    response = event.setdefault("response", {})
    response["smsMessage"] = rendered.text
    if email_allowed(str(event.get("region") or ""), str(event.get("userPoolId") or "")):
        response["emailMessage"] = rendered.html
        response["emailSubject"] = rendered.subject
    return rendered

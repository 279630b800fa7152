"""Render Cognito's messages from Jinja2 templates: one HTML email and one text (subject + SMS) per message type
and locale, under ``templates/<locale>/<type>.html`` and ``templates/<locale>/<type>.txt``.

- HTML templates are autoescaped (a user's name cannot inject markup); ``.txt`` templates are not, and their
  two blocks, ``subject`` and ``text``, are rendered separately (the text is what an SMS carries).
- The locale is the user's ``locale`` attribute (``fr``, ``fr-CA``, ``fr_ca``), tried from the most specific tag
  to the language; anything else, malformed or unknown, gets English. Only locales that exist as template
  folders are ever used, so the attribute cannot name a path.
- Cognito replaces its placeholders after the trigger: ``codeParameter`` (``{####}``) must be in every message,
  and ``usernameParameter`` (``{username}``) too for ``CustomMessage_AdminCreateUser``; Cognito refuses a message
  without them (InvalidLambdaResponseException). :func:`render` checks the rendered text and raises
  :class:`TemplateContractError` instead of returning such a message.
  https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from jinja2 import Environment, Template

TEMPLATES: Final = Path(__file__).resolve().parent / "templates"
DEFAULT_LOCALE: Final = "en"
# Cognito's limits: emailSubject 140 characters, emailMessage 20,000 (CustomMessage response).
MAX_SUBJECT_CHARS: Final = 140
MAX_EMAIL_CHARS: Final = 20_000
MAX_NAME_CHARS: Final = 64

# triggerSource -> template name. No name may equal a Cognito operation's (``admin_create_user``): infra's IAM scan
# reads such a string constant as a call and would grant it (infra/discover.py).
MESSAGE_TYPES: Final = {
    "CustomMessage_SignUp": "sign_up",
    "CustomMessage_AdminCreateUser": "invitation",
    "CustomMessage_ResendCode": "resend_code",
    "CustomMessage_ForgotPassword": "forgot_password",
    "CustomMessage_UpdateUserAttribute": "update_user_attribute",
    "CustomMessage_VerifyUserAttribute": "verify_user_attribute",
    "CustomMessage_Authentication": "authentication",
}
NEEDS_USERNAME: Final = frozenset({"invitation"})

_TAG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")
_WHITESPACE = re.compile(r"\s+")


class TemplateContractError(ValueError):
    """A rendered message lacks a placeholder Cognito requires, or exceeds one of Cognito's limits."""


@dataclass(frozen=True)
class Placeholders:
    """What Cognito asks the message to carry, as the event gives it."""

    code: str
    username: str | None = None


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str


@functools.cache
def environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape  # first message only

    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False)


@functools.cache
def available_locales() -> frozenset[str]:
    return frozenset(p.name for p in TEMPLATES.iterdir() if p.is_dir() and _TAG.fullmatch(p.name))


def choose_locale(requested: object) -> str:
    """The template locale for a ``locale`` attribute value: the longest known prefix of its tag, else English."""
    if not isinstance(requested, str):
        return DEFAULT_LOCALE
    tag = requested.strip().lower().replace("_", "-")
    if len(tag) > 35 or not _TAG.fullmatch(tag):
        return DEFAULT_LOCALE
    known = available_locales()
    parts = tag.split("-")
    for end in range(len(parts), 0, -1):
        candidate = "-".join(parts[:end])
        if candidate in known:
            return candidate
    return DEFAULT_LOCALE


def display_name(attributes: Mapping[str, object]) -> str | None:
    """How to greet the user: ``given_name``, else ``name``, on one line and shortened."""
    for key in ("given_name", "name"):
        value = attributes.get(key)
        if isinstance(value, str) and value.strip():
            return _WHITESPACE.sub(" ", value).strip()[:MAX_NAME_CHARS]
    return None


def _block(template: Template, name: str, context: dict[str, object]) -> str:
    return "".join(template.blocks[name](template.new_context(context))).strip()


def render(kind: str, locale: str, placeholders: Placeholders, *, app_name: str,
           attributes: Mapping[str, object] | None = None) -> Rendered:
    """The subject, HTML body and text of message ``kind`` in ``locale`` (a value of :func:`choose_locale`)."""
    if kind not in MESSAGE_TYPES.values():
        raise TemplateContractError(f"no template for message type {kind!r}")
    if locale not in available_locales():
        locale = DEFAULT_LOCALE
    context: dict[str, object] = {"code": placeholders.code, "username": placeholders.username,
                                  "app_name": app_name, "locale": locale,
                                  "name": display_name(attributes or {})}
    env = environment()
    html = env.get_template(f"{locale}/{kind}.html").render(context)
    text_template = env.get_template(f"{locale}/{kind}.txt")
    subject = _WHITESPACE.sub(" ", _block(text_template, "subject", context))
    text = _block(text_template, "text", context)
    rendered = Rendered(subject=subject, html=html, text=text)
    check_contract(kind, placeholders, rendered)
    return rendered


def check_contract(kind: str, placeholders: Placeholders, rendered: Rendered) -> None:
    required = [placeholders.code]
    if kind in NEEDS_USERNAME:
        if not placeholders.username:
            raise TemplateContractError(f"{kind}: Cognito sent no usernameParameter")
        required.append(placeholders.username)
    for part, body in (("html", rendered.html), ("text", rendered.text)):
        missing = [p for p in required if p not in body]
        if missing:
            raise TemplateContractError(f"{kind}: the {part} message lacks {missing}")
    if not rendered.subject or len(rendered.subject) > MAX_SUBJECT_CHARS:
        raise TemplateContractError(f"{kind}: the subject must have 1 to {MAX_SUBJECT_CHARS} characters")
    if len(rendered.html) > MAX_EMAIL_CHARS:
        raise TemplateContractError(f"{kind}: the email exceeds {MAX_EMAIL_CHARS} characters")

"""The PreSignUp decision: a pure function of the pool's rules and one sign-up attempt (no I/O).

:func:`evaluate` either returns a :class:`Decision` (auto-confirm, auto-verify, and the invite code that must
still be spent) or raises :class:`SignupRejectedError`, whose message is a reason safe to show the user: Cognito
passes it to the client as ``PreSignUp failed with error <reason>.`` (so no reason ends with a period). Checks
run cheapest first, and the invite code last, so that a sign-up refused for another reason never spends one.

Per trigger source (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html):

- ``PreSignUp_SignUp``: every rule;
- ``PreSignUp_AdminCreateUser``: no invite code unless the rules require one for it; no auto-confirm or
  auto-verify, which Cognito ignores for admin-created users;
- ``PreSignUp_ExternalProvider``: the username is the one Cognito derived from the provider
  (``Google_1234...``), so only ``preferred_username`` is checked against the reserved names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from chalicelib.signup import invites
from chalicelib.signup.disposable import is_disposable
from chalicelib.signup.rules import (
    ADMIN_CREATE_USER,
    EXTERNAL_PROVIDER,
    AttributeRule,
    RuleSet,
    attribute_label,
    domain_matches,
    email_domain,
    username_key,
)

SOURCE_CLOSED: Final = "Sign-up is not available"
USERNAME_RESERVED: Final = "This username is not available"
EMAIL_INVALID: Final = "A valid email address is required"
DOMAIN_NOT_ALLOWED: Final = "Sign-up with this email domain is not allowed"
DISPOSABLE: Final = "Disposable email addresses are not allowed"
INVITE_REQUIRED: Final = "An invite code is required"
INVITE_INVALID: Final = "The invite code is invalid or has expired"
UNAVAILABLE: Final = "Sign-up is temporarily unavailable, please try again later"

INVITE_FIELD: Final = "inviteCode"
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


class SignupRejectedError(Exception):
    """The sign-up is refused. ``str(exc)`` is the reason shown to the user; ``code`` is for logs and metrics."""

    def __init__(self, reason: str, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class SignupAttempt:
    """What PreSignUp knows of one sign-up."""

    source: str
    username: str
    attributes: Mapping[str, str]
    invite_code: object = None

    @classmethod
    def from_event(cls, raw: Mapping[str, object]) -> SignupAttempt:
        """From Cognito's event; the code comes in ``validationData`` (SignUp's ValidationData) or, failing
        that, ``clientMetadata``, under ``inviteCode``."""
        request = raw.get("request")
        request = request if isinstance(request, Mapping) else {}
        attributes = request.get("userAttributes")
        code = None
        for source in (request.get("validationData"), request.get("clientMetadata")):
            if isinstance(source, Mapping) and source.get(INVITE_FIELD) not in (None, ""):
                code = source.get(INVITE_FIELD)
                break
        username = raw.get("userName")
        return cls(source=str(raw.get("triggerSource") or ""), username=username if isinstance(username, str) else "",
                   attributes={k: v for k, v in attributes.items() if isinstance(k, str) and isinstance(v, str)}
                   if isinstance(attributes, Mapping) else {},
                   invite_code=code)


@dataclass(frozen=True)
class InviteClaim:
    """An invite code the sign-up must spend: its canonical form, and the sign-up's email domain."""

    code: str
    email_domain: str | None


@dataclass(frozen=True)
class Decision:
    auto_confirm: bool = False
    auto_verify_email: bool = False
    invite: InviteClaim | None = None


def evaluate(rules: RuleSet, attempt: SignupAttempt,
             disposable: Callable[[str], bool] = is_disposable) -> Decision:
    """Decide one sign-up, or raise :class:`SignupRejectedError`."""
    policy = rules.policy_for(attempt.source)
    if policy is None or not policy.allow:
        raise SignupRejectedError(SOURCE_CLOSED, "source_closed")
    if policy.check_reserved_usernames:
        _check_reserved(rules, attempt)
    if policy.check_attributes:
        _check_attributes(rules, attempt.attributes)

    email = attempt.attributes.get("email", "").strip()
    domain = email_domain(email) if email else None
    if policy.check_domains:
        _check_domain(rules, email, domain, disposable)

    invite = None
    if rules.invite_required_for(policy):
        if attempt.invite_code is None:
            raise SignupRejectedError(INVITE_REQUIRED, "invite_required")
        code = invites.normalize(attempt.invite_code)
        if code is None:
            raise SignupRejectedError(INVITE_INVALID, "invite_invalid")
        invite = InviteClaim(code=code, email_domain=domain)

    trusted = (attempt.source != ADMIN_CREATE_USER and domain is not None
               and domain_matches(domain, rules.sets.trusted, subdomains=False))
    return Decision(auto_confirm=trusted and rules.auto_confirm_trusted,
                    auto_verify_email=trusted and rules.auto_verify_trusted, invite=invite)


def _check_reserved(rules: RuleSet, attempt: SignupAttempt) -> None:
    reserved = rules.sets.reserved
    if not reserved:
        return
    names = [attempt.attributes.get("preferred_username", "")]
    if attempt.source != EXTERNAL_PROVIDER:
        names.append(attempt.username)
    if any(name and username_key(name) in reserved for name in names):
        raise SignupRejectedError(USERNAME_RESERVED, "username_reserved")


def _check_attributes(rules: RuleSet, attributes: Mapping[str, str]) -> None:
    for name in rules.required_attributes:
        if not attributes.get(name, "").strip():
            raise SignupRejectedError(f"{attribute_label(name, rules.attributes.get(name))} is required",
                                 "attribute_required")
    for name, rule in rules.attributes.items():
        value = attributes.get(name)
        if value is not None and value.strip():
            _check_value(name, rule, value)


def _check_value(name: str, rule: AttributeRule, value: str) -> None:
    label = attribute_label(name, rule)
    if rule.format == "e164" and not _E164.fullmatch(value):
        raise SignupRejectedError(f"{label} must be in international format, for example +14155550123",
                             "attribute_invalid")
    if rule.format == "email" and (not _EMAIL.fullmatch(value) or email_domain(value) is None):
        raise SignupRejectedError(f"{label} must be a valid email address", "attribute_invalid")
    length = len(value.strip())
    low, high = rule.min_length, rule.max_length
    if (low is not None and length < low) or (high is not None and length > high):
        if low is not None and high is not None:
            reason = f"{label} must be between {low} and {high} characters"
        elif low is not None:
            reason = f"{label} must be at least {low} characters"
        else:
            reason = f"{label} must be at most {high} characters"
        raise SignupRejectedError(reason, "attribute_invalid")
    pattern = rule.compiled()
    if pattern is not None and not pattern.fullmatch(value):
        reason = (rule.message or "").rstrip(". ") or f"{label} is not in the expected format"
        raise SignupRejectedError(reason, "attribute_invalid")


def _check_domain(rules: RuleSet, email: str, domain: str | None, disposable: Callable[[str], bool]) -> None:
    sets = rules.sets
    if domain is None:
        if email or sets.allowed:
            raise SignupRejectedError(EMAIL_INVALID, "email_invalid")
        return
    if domain_matches(domain, sets.blocked):
        raise SignupRejectedError(DOMAIN_NOT_ALLOWED, "domain_blocked")
    explicitly_allowed = domain_matches(domain, sets.allowed) or domain_matches(domain, sets.trusted,
                                                                                subdomains=False)
    if sets.allowed and not explicitly_allowed:
        raise SignupRejectedError(DOMAIN_NOT_ALLOWED, "domain_not_allowed")
    if rules.block_disposable and not explicitly_allowed and disposable(domain):
        raise SignupRejectedError(DISPOSABLE, "disposable")

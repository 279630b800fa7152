"""The sign-up rule set of one user pool: its schema, its defaults, and the normalisation of what it holds.

A :class:`RuleSet` is the JSON document the admin routes and the CLI read and write (camelCase, closed: an
unknown member is an error) and :mod:`chalicelib.signup.engine` decides with. Everything has a default, and
the default rule set (``RuleSet()``, what a pool without rules gets) blocks disposable email domains and
nothing else. Domains are kept normalised (lower case, IDNA/punycode, no trailing dot), so ``Example.COM.``
and ``example.com`` are one entry and ``bücher.example`` matches ``xn--bcher-kva.example``.

Matching (see :func:`domain_matches`): an allowed or blocked domain covers its subdomains too
(``example.com`` covers ``eng.example.com``); a trusted domain, whose users are confirmed without proving they
own the address, covers exactly itself.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

MAX_DOMAINS: Final = 1000
MAX_USERNAMES: Final = 1000
MAX_ATTRIBUTES: Final = 50
MAX_PATTERN_CHARS: Final = 200
MAX_VALUE_CHARS: Final = 2048  # Cognito's AttributeValueType
# A DynamoDB item holds 400 KB; the stored document stays well under it (chalicelib.signup.store checks).
MAX_DOCUMENT_BYTES: Final = 256 * 1024

SIGN_UP: Final = "PreSignUp_SignUp"
ADMIN_CREATE_USER: Final = "PreSignUp_AdminCreateUser"
EXTERNAL_PROVIDER: Final = "PreSignUp_ExternalProvider"

_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_UNSAFE_TEXT = re.compile(r"[\x00-\x1f\x7f]")
_USERNAME_SEPARATORS = re.compile(r"[\s._\-]+")

AttributeName = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_:.\-]+$")]
# Text an admin writes that a user may be shown: one line, no control characters.
UserText = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
Label = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")]

STANDARD_LABELS: Final = {
    "address": "Address", "birthdate": "Birthdate", "email": "Email address", "family_name": "Family name",
    "gender": "Gender", "given_name": "Given name", "locale": "Locale", "middle_name": "Middle name",
    "name": "Name", "nickname": "Nickname", "phone_number": "Phone number", "picture": "Picture",
    "preferred_username": "Preferred username", "profile": "Profile", "website": "Website",
    "zoneinfo": "Time zone",
}


def normalize_domain(value: str) -> str | None:
    """The comparable form of a domain name, or None if it is not one (an IP literal is not)."""
    text = value.strip().rstrip(".").lower()
    if not text or len(text) > 253:
        return None
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = text.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        return None
    return text


def email_domain(email: str) -> str | None:
    """The normalised domain of an email address, or None if the address has no usable one."""
    local, at, domain = email.strip().rpartition("@")
    if not at or not local or len(email) > 320:
        return None
    return normalize_domain(domain)


def domain_matches(domain: str, entries: frozenset[str] | set[str], *, subdomains: bool = True) -> bool:
    if domain in entries:
        return True
    if not subdomains:
        return False
    labels = domain.split(".")
    return any(".".join(labels[i:]) in entries for i in range(1, len(labels) - 1))


def username_key(username: str) -> str:
    """What two usernames share when one impersonates the other: case, width and separators ignored
    (``Admin``, ``ADMIN``, ``ad.min`` and its full-width form are one name)."""
    return _USERNAME_SEPARATORS.sub("", unicodedata.normalize("NFKC", username).casefold())


def attribute_label(name: str, rule: AttributeRule | None = None) -> str:
    if rule is not None and rule.label:
        return rule.label
    if name in STANDARD_LABELS:
        return STANDARD_LABELS[name]
    bare = name.removeprefix("custom:").replace("_", " ").strip()
    return bare[:1].upper() + bare[1:] if bare else name


def _invalid(message: str, value: str) -> PydanticCustomError:
    # A custom error's message is shown as is (a ValueError's would start "Value error, ").
    return PydanticCustomError("invalid_value", message, {"value": value[:80]})


def _domains(values: Iterable[str]) -> list[str]:
    found: set[str] = set()
    for value in values:
        domain = normalize_domain(value)
        if domain is None:
            raise _invalid("'{value}' is not a domain name", value)
        found.add(domain)
    return sorted(found)


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, alias_generator=to_camel, defer_build=True,
                              validate_by_name=False, validate_by_alias=True, serialize_by_alias=True)


class AttributeRule(Document):
    """What one attribute's value must look like, when the sign-up gives it (``requiredAttributes`` says which
    must be given). ``format`` e164 is a phone number as Cognito stores it (``+`` and up to 15 digits);
    ``pattern`` is a Python regular expression the whole value must match; ``message`` replaces the default
    reason shown when the pattern does not match; ``label`` names the attribute in reasons."""

    format: Literal["e164", "email"] | None = None
    min_length: int | None = Field(default=None, ge=0, le=MAX_VALUE_CHARS)
    max_length: int | None = Field(default=None, ge=1, le=MAX_VALUE_CHARS)
    pattern: str | None = Field(default=None, min_length=1, max_length=MAX_PATTERN_CHARS)
    message: UserText | None = None
    label: Label | None = None

    @model_validator(mode="after")
    def _consistent(self) -> AttributeRule:
        if self.min_length is not None and self.max_length is not None and self.min_length > self.max_length:
            raise PydanticCustomError("invalid_value", "minLength must not be greater than maxLength")
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as err:
                raise PydanticCustomError("invalid_value", "pattern is not a valid regular expression ({reason})",
                                          {"reason": err.msg}) from None
        return self

    def compiled(self) -> re.Pattern[str] | None:
        return _compile(self.pattern) if self.pattern is not None else None


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _compile(pattern: str) -> re.Pattern[str]:
    compiled = _PATTERNS.get(pattern)
    if compiled is None:
        compiled = _PATTERNS.setdefault(pattern, re.compile(pattern))
    return compiled


class SourcePolicy(Document):
    """How one kind of sign-up (self sign-up, admin-created user, federated first sign-in) is treated.
    ``requireInvite`` null means the rule set's ``inviteRequired``."""

    allow: bool = True
    require_invite: bool | None = None
    check_domains: bool = True
    check_attributes: bool = True
    check_reserved_usernames: bool = True


def _admin_policy() -> SourcePolicy:
    # An administrator vouches for the users they create: no invite code unless the rules say so.
    return SourcePolicy.model_validate({"requireInvite": False})


class RuleSet(Document):
    """The sign-up rules of one user pool. See the module docstring for matching."""

    allowed_domains: list[str] = Field(default_factory=list, max_length=MAX_DOMAINS)
    blocked_domains: list[str] = Field(default_factory=list, max_length=MAX_DOMAINS)
    block_disposable: bool = True
    trusted_domains: list[str] = Field(default_factory=list, max_length=MAX_DOMAINS)
    auto_confirm_trusted: bool = True
    auto_verify_trusted: bool = True
    invite_required: bool = False
    reserved_usernames: list[Annotated[str, StringConstraints(min_length=1, max_length=128)]] = Field(
        default_factory=list, max_length=MAX_USERNAMES)
    required_attributes: list[AttributeName] = Field(default_factory=list, max_length=MAX_ATTRIBUTES)
    attributes: dict[AttributeName, AttributeRule] = Field(default_factory=dict, max_length=MAX_ATTRIBUTES)
    sign_up: SourcePolicy = Field(default_factory=SourcePolicy)
    admin_create_user: SourcePolicy = Field(default_factory=_admin_policy)
    external_provider: SourcePolicy = Field(default_factory=SourcePolicy)

    @field_validator("allowed_domains", "blocked_domains", "trusted_domains")
    @classmethod
    def _normalise_domains(cls, values: list[str]) -> list[str]:
        return _domains(values)

    @field_validator("reserved_usernames")
    @classmethod
    def _normalise_usernames(cls, values: list[str]) -> list[str]:
        kept: dict[str, str] = {}
        for value in values:
            name = value.strip()
            if not name or _UNSAFE_TEXT.search(name) or not username_key(name):
                raise _invalid("'{value}' is not a username", value)
            kept.setdefault(username_key(name), name)
        return sorted(kept.values(), key=str.casefold)

    @field_validator("required_attributes")
    @classmethod
    def _unique_attributes(cls, values: list[str]) -> list[str]:
        return sorted(set(values))

    # ------------------------------------------------------------ reading

    @classmethod
    def from_json(cls, text: str | bytes) -> RuleSet:
        return cls.model_validate_json(text)

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True)

    def to_document(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    def policy_for(self, trigger_source: str) -> SourcePolicy | None:
        """The policy of a PreSignUp trigger source; None for a source this rule set does not know."""
        return {SIGN_UP: self.sign_up, ADMIN_CREATE_USER: self.admin_create_user,
                EXTERNAL_PROVIDER: self.external_provider}.get(trigger_source)

    def invite_required_for(self, policy: SourcePolicy) -> bool:
        return self.invite_required if policy.require_invite is None else policy.require_invite

    @functools.cached_property
    def sets(self) -> RuleSets:
        """The lists as sets, built once per rule set (the engine matches against them)."""
        return RuleSets(allowed=frozenset(self.allowed_domains), blocked=frozenset(self.blocked_domains),
                        trusted=frozenset(self.trusted_domains),
                        reserved=frozenset(username_key(name) for name in self.reserved_usernames))

    def with_changes(self, **changes: Any) -> RuleSet:
        """A copy with some members replaced (camelCase names), validated again."""
        return RuleSet.model_validate({**self.to_document(), **changes})


@dataclass(frozen=True)
class RuleSets:
    allowed: frozenset[str]
    blocked: frozenset[str]
    trusted: frozenset[str]
    reserved: frozenset[str]


@functools.cache
def default_rules() -> RuleSet:
    """What a pool without stored rules gets; built on first use, as building it builds every rule model."""
    return RuleSet()

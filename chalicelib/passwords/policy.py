"""Password rules after NIST SP 800-63B-4 §3.1.1.2 (https://pages.nist.gov/800-63-4/sp800-63b.html), for a
password a user chooses (sign-up, change, reset):

- at least 15 characters, or 8 where every sign-in also needs a second factor (PASSWORD_MFA_REQUIRED);
- at most 256 (Cognito's own limit), so at least 64 are always allowed; the whole password counts, each
  Unicode code point as one character; no truncation;
- no composition rules (no "one upper case, one digit, one symbol");
- not built from context words: the username (and its parts), the email's local part and the name of the
  service, compared case-insensitively after undoing common substitutions (``p@ssw0rd`` -> ``password``);
- not easy to guess: zxcvbn's score (0-4) at least PASSWORD_MIN_SCORE (default 3, "safely unguessable:
  moderate protection from offline slow-hash scenario"; 2 where MFA is required, since zxcvbn never scores an
  8-character password above 2), with zxcvbn's warning and suggestions given back.

The breach check (:mod:`chalicelib.breach.check`) is separate, and runs first.

PASSWORD_POLICY selects the rules: ``nist`` (the above) or ``cognito`` (default: the user pool's own policy
alone, which Cognito enforces). The pool's policy is always enforced too: for NIST conformance set the pool's
PasswordPolicy to MinimumLength <= 15 without Require* composition rules.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

NIST: Final = "nist"
COGNITO: Final = "cognito"
POLICY_PREFIX: Final = "Password did not conform with policy: "
SINGLE_FACTOR_MIN: Final = 15
MFA_MIN: Final = 8
MAX_LENGTH: Final = 256
CONTEXT_MIN: Final = 4
# zxcvbn 4.5 refuses longer inputs (its run time grows with the length); a password this long is scored on
# its first 72 characters, which can only make the score lower than it is.
ZXCVBN_MAX: Final = 72
DEFAULT_APP_NAME: Final = "cogworks"
# Common substitutions, in two readings of the ambiguous ones ("1" and "|" as i or as l).
_COMMON: Final = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "+": "t"}
_LEET: Final = (str.maketrans({**_COMMON, "1": "i", "|": "i"}), str.maketrans({**_COMMON, "1": "l", "|": "l"}))
_NON_ALNUM: Final = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class PasswordRules:
    mode: str = COGNITO
    min_length: int = SINGLE_FACTOR_MIN
    max_length: int = MAX_LENGTH
    min_score: int = 3
    app_name: str = DEFAULT_APP_NAME

    @classmethod
    def from_env(cls) -> PasswordRules:
        mode = os.environ.get("PASSWORD_POLICY", COGNITO).strip().lower()
        mfa = os.environ.get("PASSWORD_MFA_REQUIRED", "false").strip().lower() in ("true", "1", "yes", "on")
        # zxcvbn scores any 8-character password 2 at most; behind a second factor that is enough.
        default_score = 2 if mfa else 3
        try:
            min_score = min(max(int(os.environ.get("PASSWORD_MIN_SCORE") or default_score), 0), 4)
        except ValueError:
            min_score = default_score
        return cls(mode=NIST if mode == NIST else COGNITO, min_length=MFA_MIN if mfa else SINGLE_FACTOR_MIN,
                   min_score=min_score, app_name=os.environ.get("PASSWORD_APP_NAME") or DEFAULT_APP_NAME)

    @property
    def enabled(self) -> bool:
        return self.mode == NIST


@dataclass(frozen=True)
class Verdict:
    """Whether a password is acceptable; if not, why (``message``, safe to show) and zxcvbn's advice."""

    accepted: bool
    message: str = ""
    rule: str = ""
    score: int | None = None
    warning: str = ""
    suggestions: list[str] = field(default_factory=list)


def _fold(text: str) -> str:
    return _NON_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


def _readings(password: str) -> list[str]:
    """The password folded as written and with the common substitutions undone."""
    text = unicodedata.normalize("NFKC", password).casefold()
    return [_NON_ALNUM.sub("", text), *(_NON_ALNUM.sub("", text.translate(table)) for table in _LEET)]


def context_words(username: str | None, email: str | None, app_name: str) -> list[str]:
    """The words a password must not be built from, folded (case, substitutions, separators removed)."""
    words: set[str] = set()
    sources = [username or "", app_name]
    if email and "@" in email:
        sources.append(email.split("@", 1)[0])
    if username and "@" in username:
        sources.append(username.split("@", 1)[0])
    for source in sources:
        folded = _fold(source)
        if len(folded) >= CONTEXT_MIN:
            words.add(folded)
        for part in _NON_ALNUM.split(unicodedata.normalize("NFKC", source)):
            part = _fold(part)
            if len(part) >= CONTEXT_MIN:
                words.add(part)
    return sorted(words)


def built_from_context(password: str, words: Iterable[str]) -> str | None:
    """The first context word the password contains (forwards or backwards), or None."""
    readings = _readings(password)
    for word in words:
        if any(word in text or word[::-1] in text for text in readings):
            return word
    return None


def strength(password: str, user_inputs: list[str]) -> tuple[int, str, list[str]]:
    """zxcvbn's (score, warning, suggestions) for the password."""
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:ZXCVBN_MAX], user_inputs=user_inputs)
    feedback = result.get("feedback") or {}
    return int(result["score"]), str(feedback.get("warning") or ""), [str(s) for s in feedback.get("suggestions") or []]


def evaluate(password: str, *, username: str | None = None, email: str | None = None,
             rules: PasswordRules | None = None) -> Verdict:
    """The NIST rules above, in order: length, context words, guessability."""
    rules = rules or PasswordRules.from_env()
    if not rules.enabled:
        return Verdict(accepted=True)
    length = len(password)
    if length < rules.min_length:
        return Verdict(False, f"{POLICY_PREFIX}Password not long enough (at least {rules.min_length} characters)",
                       "min_length")
    if length > rules.max_length:
        return Verdict(False, f"{POLICY_PREFIX}Password too long (at most {rules.max_length} characters)",
                       "max_length")
    words = context_words(username, email, rules.app_name)
    if built_from_context(password, words) is not None:
        return Verdict(False, f"{POLICY_PREFIX}Password must not contain your username, your email address or "
                              f"the name of this service", "context")
    score, warning, suggestions = strength(password, words)
    if score < rules.min_score:
        advice = " ".join(part for part in [warning, *suggestions] if part) or "Add more words or characters."
        return Verdict(False, f"{POLICY_PREFIX}Password is too easy to guess. {advice}", "strength",
                       score=score, warning=warning, suggestions=suggestions)
    return Verdict(True, score=score, warning=warning, suggestions=suggestions)

"""Regular expressions a rule set may use, bounded so that no pattern and no claim can hang a sign-in.

Three guards, with the third module `regex` (Python's `re` has no time limit):

1. At save time, :func:`compile_pattern` refuses patterns longer than MAX_PATTERN_CHARS, back-references
   and recursion (they make matching exponential whatever the engine), repetition counts over
   MAX_REPEAT, and any pattern that exhausts its time budget on one of a few probe inputs built to
   trigger catastrophic backtracking (``(a+)+$`` on ``aaaa…!``).
2. At evaluation, a claim longer than MAX_SUBJECT_CHARS is not matched at all.
3. Every match runs under MATCH_TIMEOUT_SECONDS; a match that runs out of time counts as no match
   (fail closed: a rule grants a role, so an undecided condition grants nothing).

Patterns are matched against the whole claim value (``fullmatch``), like the validation patterns of AWS
APIs; write ``.*admin.*`` to search.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any, Final

MAX_PATTERN_CHARS: Final = 256
MAX_SUBJECT_CHARS: Final = 1024
MAX_REPEAT: Final = 100
MATCH_TIMEOUT_SECONDS: Final = 0.005
PROBE_TIMEOUT_SECONDS: Final = 0.02
# The regex module turns the classic exponential patterns quadratic: at 2,000 characters (\d+)*$ takes about
# 35 ms, too close to the 20 ms budget to be refused every time; at 4,000 about 140 ms.
PROBE_LENGTH: Final = 4000

_BACKREFERENCE = re.compile(r"\\(?:[1-9]|g<|g\{|k<|k\{)|\(\?P=|\(\?(?:R|[0-9]|&|\+[0-9]|-[0-9])")
_REPEAT = re.compile(r"\{\s*(\d+)\s*(?:,\s*(\d*)\s*)?\}")
_PROBE_UNITS: Final = ("a", "x", "1", " ", "ab", "a ", "-", ".", "_")
_PROBE_ENDS: Final = ("!", "", "\n", "\x00")


class UnsafePatternError(ValueError):
    """The pattern is too long, malformed, or may backtrack catastrophically."""


class Outcome(enum.Enum):
    MATCHED = "matched"
    NOT_MATCHED = "not matched"
    TOO_LONG = "value too long to match"
    TIMED_OUT = "match ran out of time"


@dataclass(frozen=True)
class SafePattern:
    source: str
    compiled: Any

    def fullmatch(self, value: str) -> Outcome:
        if len(value) > MAX_SUBJECT_CHARS:
            return Outcome.TOO_LONG
        try:
            found = self.compiled.fullmatch(value, timeout=MATCH_TIMEOUT_SECONDS)
        except TimeoutError:
            return Outcome.TIMED_OUT
        return Outcome.MATCHED if found is not None else Outcome.NOT_MATCHED


def _probes(source: str) -> list[str]:
    literals = sorted({c for c in source if c.isalnum()})[:6]
    units = list(dict.fromkeys([*_PROBE_UNITS, *literals]))
    return [unit * (PROBE_LENGTH // len(unit)) + end for unit in units for end in _PROBE_ENDS]


def compile_pattern(source: str, *, probe: bool = True) -> SafePattern:
    """A pattern fit for a rule, or UnsafePatternError saying why not. ``probe=False`` skips the probe inputs
    (a pattern read back from storage was probed when it was saved; the time budget still bounds it)."""
    if not isinstance(source, str) or not source:
        raise UnsafePatternError("must be a non-empty string")
    if len(source) > MAX_PATTERN_CHARS:
        raise UnsafePatternError(f"must be at most {MAX_PATTERN_CHARS} characters")
    if _BACKREFERENCE.search(source):
        raise UnsafePatternError("back-references and recursion are not allowed")
    for low, high in _REPEAT.findall(source):
        if int(low) > MAX_REPEAT or (high and int(high) > MAX_REPEAT):
            raise UnsafePatternError(f"repetition counts must be at most {MAX_REPEAT}")
    import regex  # loaded with the first pattern, not at every cold start

    try:
        compiled = regex.compile(source)
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:
        raise UnsafePatternError(f"is not a valid regular expression: {exc}") from None
    for subject in _probes(source) if probe else ():
        try:
            compiled.fullmatch(subject, timeout=PROBE_TIMEOUT_SECONDS)
        except TimeoutError:
            raise UnsafePatternError("backtracks catastrophically (it ran out of time on a probe input)") from None
    return SafePattern(source=source, compiled=compiled)

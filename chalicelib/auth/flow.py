"""The custom-auth state machine: what DefineAuthChallenge decides and what CreateAuthChallenge builds, as pure
functions of Cognito's session (https://docs.aws.amazon.com/cognito/latest/developerguide/
user-pool-lambda-define-auth-challenge.html).

A sign-in is a sequence of factors. Each factor is either PASSWORD (SRP_A then PASSWORD_VERIFIER, run by
Cognito; only as the first factor, chosen at InitiateAuth with ``CHALLENGE_NAME: SRP_A``) or a custom method
(a plug-in of :mod:`chalicelib.auth.challenges`) reached in two kinds of CUSTOM_CHALLENGE round, compatible
with the AWS passwordless sample's clients:

1. the *selection* round: public parameters list the methods this user may use; the client answers with
   ``ClientMetadata {"signInMethod": "<METHOD>"}`` (the answer text is free);
2. the *method* rounds: the chosen plug-in's challenge, asked again after a wrong answer.

The round kind travels in ``challengeMetadata`` (Cognito echoes it in later sessions): ``PROVIDE_AUTH_PARAMETERS:
<nonce>`` for a selection (the nonce makes every sign-in's key unique) and ``<METHOD>`` or ``<METHOD>:STEP_UP``
for a method round. The client's metadata is read only at the selection (``signInMethod`` and, for the
step-up flow of a signed-in user, ``stepUpToken``), never trusted later.

Account takeover protection (:func:`chalicelib.risk.required_action`) is passed in as ``risk``, a function
called only at the point after a first factor (never for a step-up): MFA_REQUIRED asks for a second factor
among the policy's second factors the user can use (``usable``) and refuses a user who has none (the trigger
answers "Unable to login because of security reasons.", as Cognito does); MFA_IF_CONFIGURED asks only a user
who has one; BLOCK refuses; NO_ACTION changes nothing; anything else (the risk history unreadable) fails.

Rules (each is a row of tests/unit/test_custom_auth_flow.py): at most :data:`MAX_WRONG_ANSWERS` wrong answers
per sign-in; an unknown or disallowed method fails the sign-in, a selection answered without any method is
asked again; an unknown user (``userNotFound``) never gets tokens; at most :data:`MAX_ROUNDS` rounds; any
session shape not recognised here fails (fail closed).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from chalicelib.auth.policy import Policy

MAX_WRONG_ANSWERS: Final = 3
MAX_ROUNDS: Final = 8
SELECT: Final = "PROVIDE_AUTH_PARAMETERS"
STEP_UP: Final = "STEP_UP"
PASSWORD: Final = "PASSWORD"
SIGN_IN_METHOD: Final = "signInMethod"
STEP_UP_TOKEN: Final = "stepUpToken"
# Cognito's own MFA, which it may run after PASSWORD_VERIFIER by itself (cognito-contract.md §1.4).
NATIVE_MFA: Final = frozenset({"SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"})
# The EventActions of chalicelib.risk.config (not imported: this module stays free of I/O modules).
RISK_NO_ACTION: Final = "NO_ACTION"
RISK_MFA_IF_CONFIGURED: Final = "MFA_IF_CONFIGURED"
RISK_MFA_REQUIRED: Final = "MFA_REQUIRED"
RISK_BLOCK: Final = "BLOCK"
RiskCheck = Callable[[], str]


class FlowError(Exception):
    """CreateAuthChallenge was asked for a round this session cannot have (a Define/Create disagreement)."""


@dataclass(frozen=True)
class Decision:
    issue_tokens: bool = False
    fail_authentication: bool = False
    challenge_name: str | None = None
    refused: bool = False  # failed by the account-takeover protection: the trigger says why

    def apply_to(self, response: Any) -> None:
        response.issue_tokens = self.issue_tokens
        response.fail_authentication = self.fail_authentication
        if self.challenge_name is not None:
            response.challenge_name = self.challenge_name


ISSUE_TOKENS = Decision(issue_tokens=True)
FAIL = Decision(fail_authentication=True)
REFUSE = Decision(fail_authentication=True, refused=True)


def present(challenge_name: str) -> Decision:
    return Decision(challenge_name=challenge_name)


# ---------------------------------------------------------------- reading the session


@dataclass(frozen=True)
class Entry:
    name: str
    passed: bool
    kind: Literal["srp", "password", "native", "select", "method", "unknown"]
    method: str | None = None
    step_up: bool = False


def select_metadata(nonce: str) -> str:
    return f"{SELECT}:{nonce}"


def method_metadata(method: str, step_up: bool) -> str:
    return f"{method}:{STEP_UP}" if step_up else method


def read_entry(raw: Mapping[str, Any]) -> Entry:
    name = raw.get("challengeName")
    passed = raw.get("challengeResult") is True
    if not isinstance(name, str):
        return Entry("", passed, "unknown")
    if name == "SRP_A":
        return Entry(name, passed, "srp")
    if name == "PASSWORD_VERIFIER":
        return Entry(name, passed, "password", PASSWORD)
    if name in NATIVE_MFA:
        return Entry(name, passed, "native", name)
    if name != "CUSTOM_CHALLENGE":
        return Entry(name, passed, "unknown")
    metadata = raw.get("challengeMetadata")
    if not isinstance(metadata, str) or not metadata:
        return Entry(name, passed, "unknown")
    head, _, tail = metadata.partition(":")
    if head == SELECT:
        return Entry(name, passed, "select")
    if tail not in ("", STEP_UP) or not head.replace("_", "").isalnum():
        return Entry(name, passed, "unknown")
    return Entry(name, passed, "method", head, step_up=tail == STEP_UP)


@dataclass(frozen=True)
class Progress:
    """What a session says so far: the factors passed, the wrong answers, whether it is a step-up."""

    factors: tuple[str, ...]
    wrong: int
    step_up: bool
    valid: bool


def progress(session: Sequence[Mapping[str, Any]]) -> Progress:
    factors: list[str] = []
    wrong, step_up, valid = 0, False, True
    entries = [read_entry(raw) for raw in session]
    for index, entry in enumerate(entries):
        if entry.kind == "srp":
            valid &= index == 0 and entry.passed
        elif entry.kind == "password":
            valid &= index == 1 and entries[0].kind == "srp" and entry.passed
            factors.append(PASSWORD)
        elif entry.kind == "native":
            valid &= factors == [PASSWORD] and entry.passed
            factors.append(entry.name)
        elif entry.kind in ("select", "method"):
            if not entry.passed:
                wrong += 1
            elif entry.kind == "method":
                if entry.step_up and not factors:
                    step_up = True
                valid &= entry.step_up == (step_up and len(factors) == 0)
                factors.append(entry.method or "")
        else:
            valid = False
    return Progress(tuple(factors), wrong, step_up, valid)


def requested_method(client_metadata: Mapping[str, Any] | None) -> str | None:
    value = (client_metadata or {}).get(SIGN_IN_METHOD)
    return value if isinstance(value, str) and value else None


def wants_step_up(client_metadata: Mapping[str, Any] | None) -> bool:
    value = (client_metadata or {}).get(STEP_UP_TOKEN)
    return isinstance(value, str) and bool(value)


# ---------------------------------------------------------------- DefineAuthChallenge


def selectable(method: str | None, done: tuple[str, ...], step_up: bool, policy: Policy,
               custom_methods: Collection[str], risk: RiskCheck | None = None) -> bool:
    """May ``method`` be chosen in a selection round after the factors ``done``?"""
    if method is None or method not in custom_methods:
        return False
    if step_up:
        return not done and policy.allows_second(None, method)
    if not done:
        return policy.allows_first(method)
    return (len(done) == 1 and policy.allows_second(done[0], method)
            and (policy.requires_second(done[0]) or _risk_action(risk) in (RISK_MFA_REQUIRED, RISK_MFA_IF_CONFIGURED)))


def _risk_action(risk: RiskCheck | None) -> str:
    return risk() if risk is not None else RISK_NO_ACTION


def second_options(first: str, policy: Policy, custom_methods: Collection[str],
                   usable: Collection[str] | None) -> tuple[str, ...]:
    """The second factors a user may be asked for after ``first``: in the policy, registered, usable."""
    return tuple(m for m in policy.second if policy.allows_second(first, m) and m in custom_methods
                 and (usable is None or m in usable))


def _risk_after_first(first: str, policy: Policy, custom_methods: Collection[str], risk: RiskCheck | None,
                      usable: Collection[str] | None) -> Decision:
    action = _risk_action(risk)
    if action == RISK_NO_ACTION:
        return ISSUE_TOKENS
    if action == RISK_BLOCK:
        return REFUSE
    if action in (RISK_MFA_REQUIRED, RISK_MFA_IF_CONFIGURED):
        if second_options(first, policy, custom_methods, usable):
            return present("CUSTOM_CHALLENGE")
        return REFUSE if action == RISK_MFA_REQUIRED else ISSUE_TOKENS
    return FAIL


def _after_factor(state: Progress, user_not_found: bool, policy: Policy, custom_methods: Collection[str],
                  risk: RiskCheck | None, usable: Collection[str] | None) -> Decision:
    if user_not_found:
        return FAIL
    factors = state.factors
    if state.step_up:
        return ISSUE_TOKENS if len(factors) == 1 and policy.allows_second(None, factors[0]) else FAIL
    if not factors or not policy.allows_first(factors[0]):
        return FAIL
    if len(factors) == 1:
        if policy.requires_second(factors[0]):
            return present("CUSTOM_CHALLENGE")
        return _risk_after_first(factors[0], policy, custom_methods, risk, usable)
    if len(factors) == 2 and (factors[1] in NATIVE_MFA or policy.allows_second(factors[0], factors[1])):
        return ISSUE_TOKENS
    return FAIL


def next_step(session: Sequence[Mapping[str, Any]], user_not_found: bool = False,
              client_metadata: Mapping[str, Any] | None = None, policy: Policy | None = None,
              custom_methods: Collection[str] | None = None, risk: RiskCheck | None = None,
              usable: Collection[str] | None = None) -> Decision:
    """DefineAuthChallenge's decision. ``custom_methods``: the registered plug-ins a selection may choose
    (default: :func:`chalicelib.auth.challenges.custom_method_names`). ``risk``: the account-takeover action
    (NO_ACTION when None), called at most once and only after a first factor. ``usable``: the methods whose
    plug-in this user can use (None: all)."""
    if policy is None:
        policy = Policy.pool_default()
    if custom_methods is None:
        from chalicelib.auth.challenges import custom_method_names

        custom_methods = custom_method_names()
    if not session:
        return present("CUSTOM_CHALLENGE")
    if len(session) > MAX_ROUNDS:
        return FAIL
    state = progress(session)
    if not state.valid:
        return FAIL
    last = read_entry(session[-1])
    if last.kind == "srp":
        return present("PASSWORD_VERIFIER") if policy.allows_first(PASSWORD) else FAIL
    if not last.passed:
        if state.wrong >= MAX_WRONG_ANSWERS:
            return FAIL
        if last.kind == "method" or (last.kind == "select" and requested_method(client_metadata) is None):
            return present("CUSTOM_CHALLENGE")
        return FAIL
    if last.kind == "select":
        chosen = selectable(requested_method(client_metadata), state.factors, wants_step_up(client_metadata),
                            policy, custom_methods, risk)
        return present("CUSTOM_CHALLENGE") if chosen else FAIL
    return _after_factor(state, user_not_found, policy, custom_methods, risk, usable)


# ---------------------------------------------------------------- CreateAuthChallenge


@dataclass(frozen=True)
class Round:
    """The CUSTOM_CHALLENGE round CreateAuthChallenge must build.

    ``factor``: 1 or 2. ``first_round``: the method's first round in this sign-in (False: asked again after a
    wrong answer: no new secret). ``anchor``: how many session entries identify this sign-in's method run
    (:func:`sign_in_key`): the same for every round and every retried invocation of one run, different for
    every sign-in thanks to the selection round's nonce.
    """

    kind: Literal["select", "method"]
    factor: int
    method: str | None = None
    first_round: bool = True
    step_up: bool = False
    anchor: int = 0


def next_round(session: Sequence[Mapping[str, Any]], client_metadata: Mapping[str, Any] | None) -> Round:
    entries = [read_entry(raw) for raw in session]
    state = progress(session)
    factor = len(state.factors) + 1
    if not entries or (entries[-1].passed and entries[-1].kind in ("password", "native", "method")):
        return Round("select", factor, anchor=len(entries))
    last = entries[-1]
    if last.kind == "select":
        if not last.passed:
            return Round("select", factor, anchor=len(entries))
        method = requested_method(client_metadata)
        if method is None:
            raise FlowError("a selection round passed without a signInMethod")
        return Round("method", factor, method, True, wants_step_up(client_metadata) and factor == 1, len(entries))
    if last.kind == "method" and not last.passed:
        start = len(entries) - 1
        while start > 0 and entries[start - 1].kind == "method" and not entries[start - 1].passed:
            start -= 1
        if start == 0 or entries[start - 1].kind != "select":
            raise FlowError("a method round without its selection")
        return Round("method", factor, last.method, False, last.step_up, start)
    raise FlowError(f"no custom round follows a {last.kind} entry")


def sign_in_key(pool_id: str, username: str, session: Sequence[Mapping[str, Any]], anchor: int) -> str:
    """A stable identity for one sign-in's method run: SHA-256 over the pool, the user and the session entries
    up to ``anchor``. Cognito retrying CreateAuthChallenge sees the same session, hence the same key."""
    entries = [[e.get("challengeName"), e.get("challengeResult"), e.get("challengeMetadata")]
               for e in session[:anchor]]
    material = json.dumps([pool_id, username, entries], separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(material.encode()).hexdigest()

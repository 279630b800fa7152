"""The DefineAuthChallenge decision as a pure function of the session so far.

https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-define-auth-challenge.html
The session is Cognito's list of ChallengeResult, oldest first. Decisions fail closed: anything this
table does not recognise ends the sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_WRONG_ANSWERS = 3


@dataclass(frozen=True)
class Decision:
    issue_tokens: bool = False
    fail_authentication: bool = False
    challenge_name: str | None = None

    def apply_to(self, response: Any) -> None:
        response.issue_tokens = self.issue_tokens
        response.fail_authentication = self.fail_authentication
        if self.challenge_name is not None:
            response.challenge_name = self.challenge_name


ISSUE_TOKENS = Decision(issue_tokens=True)
FAIL = Decision(fail_authentication=True)


def present(challenge_name: str) -> Decision:
    return Decision(challenge_name=challenge_name)


def next_step(session: list[dict[str, Any]], user_not_found: bool = False) -> Decision:
    """Decide the next step from the raw session entries (challengeName, challengeResult)."""
    if not session:
        return present("CUSTOM_CHALLENGE")
    last = session[-1]
    name, passed = last.get("challengeName"), last.get("challengeResult") is True
    if name == "SRP_A":
        return present("PASSWORD_VERIFIER") if passed else FAIL
    if name == "PASSWORD_VERIFIER":
        return ISSUE_TOKENS if passed and not user_not_found else FAIL
    if name == "CUSTOM_CHALLENGE":
        if passed and not user_not_found:
            return ISSUE_TOKENS
        wrong = sum(1 for entry in session if entry.get("challengeName") == "CUSTOM_CHALLENGE"
                    and entry.get("challengeResult") is not True)
        return FAIL if wrong >= MAX_WRONG_ANSWERS else present("CUSTOM_CHALLENGE")
    return FAIL

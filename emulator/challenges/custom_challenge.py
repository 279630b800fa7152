"""CUSTOM_CHALLENGE: VerifyAuthChallengeResponse judges the ANSWER, then DefineAuthChallenge decides."""

from __future__ import annotations

from typing import Any

from emulator import auth
from emulator.challenges.base import ChallengeAnswer
from emulator.context import Context
from emulator.errors import InvalidLambdaResponseException
from emulator.flows.custom_auth import CustomState, advance, not_configured


def respond(ctx: Context, answer: ChallengeAnswer) -> dict[str, Any]:
    pool, client = answer.pool, answer.client
    reply = answer.require("ANSWER")
    answer.require("USERNAME")
    session = auth.take_session(ctx, answer.session, client, "CUSTOM_CHALLENGE")
    user = pool.users.get(session.username)
    state = CustomState(pool, client, user, session.username, list(session.custom_session), admin=session.admin)
    request = state.base_request(answer.client_metadata)
    request.update({"privateChallengeParameters": dict(session.private_parameters), "challengeAnswer": reply})
    verdict = ctx.triggers.run(pool, "VerifyAuthChallengeResponse", "VerifyAuthChallengeResponse_Authentication",
                               session.username, request, client_id=client.client_id)
    if verdict is None:
        raise not_configured()
    correct = verdict.get("answerCorrect")
    if not isinstance(correct, bool):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    state.session.append({"challengeName": "CUSTOM_CHALLENGE", "challengeResult": correct,
                          "challengeMetadata": session.challenge_metadata})
    return advance(ctx, state, client_metadata=answer.client_metadata)

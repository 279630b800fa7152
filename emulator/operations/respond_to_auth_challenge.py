"""RespondToAuthChallenge: picks the responder for ChallengeName from the registry."""

from __future__ import annotations

from typing import Any

from emulator.challenges import RESPONDERS
from emulator.challenges.base import ChallengeAnswer
from emulator.context import Context
from emulator.errors import UnsupportedOperationException
from emulator.state import AppClient, UserPool


def respond(ctx: Context, pool: UserPool, client: AppClient, request: dict[str, Any], *, admin: bool,
            ) -> dict[str, Any]:
    name = request["ChallengeName"]
    responder = RESPONDERS.get(name)
    if responder is None:
        raise UnsupportedOperationException(f"ChallengeName {name} is not supported by this local Cognito.")
    answer = ChallengeAnswer(pool=pool, client=client, responses=dict(request.get("ChallengeResponses") or {}),
                             session=request.get("Session"), client_metadata=dict(request.get("ClientMetadata") or {}),
                             admin=admin)
    return responder(ctx, answer)


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, client = ctx.client(request["ClientId"])
    return respond(ctx, pool, client, request, admin=False)

"""What a challenge responder receives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulator.context import Context
from emulator.errors import InvalidParameterException
from emulator.state import AppClient, UserPool


@dataclass
class ChallengeAnswer:
    pool: UserPool
    client: AppClient
    responses: dict[str, str]
    session: str | None
    client_metadata: dict[str, str] = field(default_factory=dict)
    admin: bool = False

    def require(self, name: str) -> str:
        value = self.responses.get(name)
        if not isinstance(value, str) or not value:
            raise InvalidParameterException(f"Missing required parameter {name}")
        return value


Responder = Callable[[Context, ChallengeAnswer], dict[str, Any]]

"""Settings read from the environment at call time, never at import time.

chalice's test client and `chalice local` set a stage's environment variables only around an
invocation, so every reader calls :meth:`Settings.from_env` inside the handler.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar


class MissingSettingError(RuntimeError):
    """A required environment variable is not set for this stage."""


def require(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise MissingSettingError(f"Missing configuration for: {name}")
    return value


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            stage=os.environ.get("COGWORKS_STAGE", "dev"),
            region=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        )

    @property
    def is_local(self) -> bool:
        return self.stage == "local"


_Parsed = TypeVar("_Parsed")


def parsed_once(cache: dict[tuple[str | None, ...], _Parsed], names: tuple[str, ...],
                parse: Callable[[], _Parsed]) -> _Parsed:
    """``parse()``'s result, parsed again only when one of the variables ``names`` changed (a warm Lambda parses
    its settings once; a test that changes a variable gets a fresh parse). ``cache`` holds the last one."""
    key = tuple(os.environ.get(name) for name in names)
    found = cache.get(key)
    if found is None:
        found = parse()
        cache.clear()
        cache[key] = found
    return found

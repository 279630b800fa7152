"""Every email and SMS the local stack sends: Cognito's own messages and the bundle's SES / SNS sends."""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

_CODE = re.compile(r"(?<![\w-])(\d{6,8})(?![\w-])")
_LINK = re.compile(r"https?://[^\s\"'<>]+")


@dataclass
class Message:
    channel: str
    to: str
    subject: str | None
    body: str
    sent_at: float
    source: str
    code: str | None = None
    link: str | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: v for k, v in data.items() if v is not None or k in ("subject",)}


def extract(body: str) -> tuple[str | None, str | None]:
    """The code or link a message carries, so a developer need not read the text."""
    link = _LINK.search(body)
    code = _CODE.search(_LINK.sub(" ", body))
    return (code.group(1) if code else None, link.group(0) if link else None)


class Outbox:
    def __init__(self) -> None:
        self._messages: list[Message] = []
        self._lock = threading.Lock()

    def add(self, message: Message) -> None:
        with self._lock:
            self._messages.append(message)

    def messages(self) -> list[Message]:
        with self._lock:
            return list(self._messages)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()

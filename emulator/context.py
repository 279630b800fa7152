"""The emulator's services, and the per-request context every operation receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from emulator.clock import Clock, SystemClock
from emulator.errors import ResourceNotFoundException
from emulator.outbox import Outbox
from emulator.state import AppClient, Store, UserPool
from emulator.triggers import InvocationLog, TriggerInvoker, Triggers

DEFAULT_REGION = "us-east-1"


@dataclass
class Emulator:
    """One local Cognito: state plus the services operations use."""

    store: Store = field(default_factory=Store)
    clock: Clock = field(default_factory=SystemClock)
    outbox: Outbox = field(default_factory=Outbox)
    triggers: Triggers = field(default_factory=lambda: Triggers(None, InvocationLog()))
    region: str = DEFAULT_REGION
    base_url: str = "http://127.0.0.1:8000"

    def set_invoker(self, invoker: TriggerInvoker) -> None:
        self.triggers.invoker = invoker

    def issuer(self, pool_id: str) -> str:
        return f"{self.base_url.rstrip('/')}/cognito-idp/{pool_id}"


@dataclass
class Context:
    """What an operation may use: the emulator, plus facts about the caller of this request."""

    emulator: Emulator
    source_ip: str = "127.0.0.1"
    user_agent: str = ""
    sdk_version: str = "aws-sdk-unknown-unknown"

    @property
    def store(self) -> Store:
        return self.emulator.store

    @property
    def triggers(self) -> Triggers:
        return self.emulator.triggers

    def now(self) -> float:
        return self.emulator.clock.now()

    def pool(self, pool_id: Any) -> UserPool:
        pool = self.store.pools.get(pool_id) if isinstance(pool_id, str) else None
        if pool is None:
            raise ResourceNotFoundException(f"User pool {pool_id} does not exist.")
        return pool

    def client(self, client_id: Any) -> tuple[UserPool, AppClient]:
        if isinstance(client_id, str):
            for pool in self.store.pools.values():
                client = pool.clients.get(client_id)
                if client is not None:
                    return pool, client
        raise ResourceNotFoundException("User pool client " + str(client_id) + " does not exist.")

    def pool_client(self, pool_id: Any, client_id: Any) -> tuple[UserPool, AppClient]:
        pool = self.pool(pool_id)
        client = pool.clients.get(client_id) if isinstance(client_id, str) else None
        if client is None:
            raise ResourceNotFoundException(f"User pool client {client_id} does not exist.")
        return pool, client

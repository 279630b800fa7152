"""The local Cognito: a user pool that speaks Cognito's wire protocol and runs this bundle's triggers, and
an identity pool (emulator/identity/) that exchanges its tokens for credentials of moto's STS.

Never packaged into Lambda; imported by app.py only in stage `local`.
"""

from __future__ import annotations

import os
from typing import Any

from emulator.context import Emulator
from emulator.stack import LocalStack

EMULATOR = Emulator()
_STACK: LocalStack | None = None


def stack() -> LocalStack:
    """The process's local stack, created from COGWORKS_PORT / MOTO_PORT / COGWORKS_PUBLIC_URL."""
    global _STACK
    if _STACK is None:
        port = int(os.environ.get("COGWORKS_PORT") or 8000)
        moto_port = int(os.environ.get("MOTO_PORT") or port + 1)
        _STACK = LocalStack(EMULATOR, host=os.environ.get("COGWORKS_HOST", "127.0.0.1"), port=port,
                            moto_port=moto_port, public_url=os.environ.get("COGWORKS_PUBLIC_URL"))
    return _STACK


def use_stack(local_stack: LocalStack) -> None:
    global _STACK
    _STACK = local_stack


def attach(app: Any) -> None:
    """Register the local endpoints on the Chalice app and let the pool invoke the app's triggers."""
    from emulator import routes
    from emulator.identity import routes as identity_routes
    from emulator.triggers import ChaliceInvoker

    EMULATOR.set_invoker(ChaliceInvoker(app))
    routes.register(app)
    identity_routes.register(app)
    disable_nagle()


def disable_nagle() -> None:
    """chalice local writes headers and body in two sends; with Nagle's algorithm and delayed ACKs a
    keep-alive client then waits ~40 ms per request. TCP_NODELAY on each accepted socket removes it."""
    from chalice.local import ChaliceRequestHandler

    ChaliceRequestHandler.disable_nagle_algorithm = True

"""`make run` refuses a port something listens on, and not a port a stack stopped a moment ago left in TIME_WAIT
(the servers bind with SO_REUSEADDR, so the check does too)."""

from __future__ import annotations

import socket

import pytest

from emulator.stack import PortInUseError, check_port_free


def test_a_listening_port_is_in_use() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(PortInUseError, match=f"port {port} on 127.0.0.1 is already in use"):
            check_port_free("127.0.0.1", port)


def test_a_port_whose_server_just_stopped_is_free() -> None:
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    served, _ = listener.accept()
    served.close()  # the server closes first: its side of the connection stays in TIME_WAIT
    client.close()
    listener.close()
    check_port_free("127.0.0.1", port)

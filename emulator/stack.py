"""The local stack behind `make run`: moto's server (DynamoDB, S3, STS, IAM, SES, SNS) on a second port in
this process, the seeded demo pool, and the outbox that gathers every message sent."""

from __future__ import annotations

import json
import os
import socket
import threading
from pathlib import Path
from typing import Any

from emulator import breach_seed, ids
from emulator.context import Context, Emulator
from emulator.outbox import Message, extract
from emulator.tables import ensure_tables

SEED_FILE = Path(__file__).with_name("seed.json")
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class PortInUseError(RuntimeError):
    pass


def check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            raise PortInUseError(f"port {port} on {host} is already in use") from None


class LocalStack:
    def __init__(self, emulator: Emulator, *, host: str = "127.0.0.1", port: int = 8000,
                 moto_port: int | None = None, public_url: str | None = None) -> None:
        self.emulator = emulator
        self.host = host
        self.port = port
        self.moto_port = moto_port if moto_port is not None else port + 1
        self.public_url = (public_url or f"http://{host}:{port}").rstrip("/")
        self.moto_server: Any = None
        self.seeded: dict[str, str] = {}
        self._seen_moto: set[str] = set()
        self._lock = threading.Lock()
        self.started = False

    @property
    def moto_url(self) -> str:
        return f"http://{self.host}:{self.moto_port}"

    def start(self) -> None:
        with self._lock:
            if self.started:
                return
            self.emulator.base_url = self.public_url
            self._start_moto()
            self._export_environment()
            ensure_tables()
            breach_seed.seed_breach_store()
            self.seed()
            self.started = True

    def stop(self) -> None:
        if self.moto_server is not None:
            self.moto_server.stop()

    def _start_moto(self) -> None:
        from moto.server import ThreadedMotoServer

        check_port_free(self.host, self.moto_port)
        self.moto_server = ThreadedMotoServer(ip_address=self.host, port=self.moto_port, verbose=False)
        self.moto_server.start()

    def _export_environment(self) -> None:
        """Point this process's AWS SDK calls at the local stack (AWS SDK service-specific endpoints)."""
        for name, value in FAKE_CREDENTIALS.items():
            os.environ.setdefault(name, value)
        os.environ.setdefault("AWS_DEFAULT_REGION", self.emulator.region)
        os.environ["AWS_ENDPOINT_URL"] = self.moto_url
        os.environ["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] = f"{self.public_url}/cognito-idp"
        os.environ["COGWORKS_LOCAL_URL"] = self.public_url

    def seed(self, path: Path = SEED_FILE) -> dict[str, str]:
        from emulator import validation
        from emulator.operations import create_user_pool, create_user_pool_client

        text = path.read_text().replace("{region}", self.emulator.region).replace("{account}", ids.ACCOUNT_ID)
        seed = json.loads(text)
        ctx = Context(emulator=self.emulator)
        validation.validate("cognito-idp", "CreateUserPool", seed["userPool"])
        pool = create_user_pool.handle(ctx, seed["userPool"])["UserPool"]
        client_request = {**seed["userPoolClient"], "UserPoolId": pool["Id"]}
        validation.validate("cognito-idp", "CreateUserPoolClient", client_request)
        client = create_user_pool_client.handle(ctx, client_request)
        self.seeded = {"userPoolId": pool["Id"], "clientId": client["UserPoolClient"]["ClientId"]}
        # What a deployed stage reads from its configuration, pointed at the seeded pool.
        os.environ["USER_POOL_ID"] = self.seeded["userPoolId"]
        os.environ["USER_POOL_CLIENT_ID"] = self.seeded["clientId"]
        os.environ["COGNITO_ISSUER"] = self.emulator.issuer(self.seeded["userPoolId"])
        return self.seeded

    def config(self) -> dict[str, Any]:
        pool_id = self.seeded.get("userPoolId", "")
        return {
            "region": self.emulator.region,
            "userPoolId": pool_id,
            "clientId": self.seeded.get("clientId", ""),
            "issuer": self.emulator.issuer(pool_id),
            "endpoints": {"cognito-idp": f"{self.public_url}/cognito-idp", "aws": self.moto_url},
        }

    def outbox(self) -> list[dict[str, Any]]:
        """Newest first: Cognito's own messages and what the bundle sent through SES and SNS."""
        self.collect_moto_messages()
        messages = self.emulator.outbox.messages()
        return [m.to_json() for m in sorted(messages, key=lambda m: m.sent_at, reverse=True)]

    def collect_moto_messages(self) -> None:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends
        from moto.sns.models import sns_backends

        now = self.emulator.clock.now()
        for region in {self.emulator.region, "us-east-1"}:
            for message in list(ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages):
                self._add_ses(message, now)
            for message_id, (phone, body) in list(sns_backends[DEFAULT_ACCOUNT_ID][region].sms_messages.items()):
                if message_id in self._seen_moto:
                    continue
                self._seen_moto.add(message_id)
                code, link = extract(body)
                self.emulator.outbox.add(Message(channel="sms", to=phone, subject=None, body=body, sent_at=now,
                                                 source="sns", code=code, link=link))

    def _add_ses(self, message: Any, now: float) -> None:
        message_id = getattr(message, "id", None)
        if not message_id or message_id in self._seen_moto:
            return
        self._seen_moto.add(message_id)
        body = getattr(message, "body", None) or getattr(message, "raw_data", None) or getattr(
            message, "template_data", "")
        destinations = getattr(message, "destinations", {})
        if isinstance(destinations, dict):
            recipients = [a for group in destinations.values() for a in group]
        else:
            recipients = list(destinations or [])
        code, link = extract(str(body))
        self.emulator.outbox.add(Message(channel="email", to=", ".join(recipients),
                                         subject=getattr(message, "subject", None), body=str(body), sent_at=now,
                                         source="ses", code=code, link=link))

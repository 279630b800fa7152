"""The local stack behind `make run`: moto's server (DynamoDB, S3, STS, IAM, SES, SNS) on a second port in
this process, with IAM enforced (emulator/identity/moto_iam.py) and an administrator whose keys this process
and local tooling use; the seeded demo user pool and its identity pool, roles, bucket, table and role-mapping
rules (emulator/seed.json, emulator/identity/provision.py); and the outbox that gathers every message sent."""

from __future__ import annotations

import json
import os
import socket
import threading
from pathlib import Path
from typing import Any

from emulator import breach_seed, ids
from emulator.context import Context, Emulator
from emulator.identity import moto_iam, provision
from emulator.identity import state as identity_state
from emulator.outbox import Message, extract
from emulator.tables import ensure_tables, local_table_name

SEED_FILE = Path(__file__).with_name("seed.json")
ADMIN_USER = "cogworks-local-admin"
# Credentials a test harness may have exported ("testing"); the admin's keys replace them, and a session
# token would make moto take the admin's key for an assumed role's.
SESSION_TOKEN_VARIABLES = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
RULES_TABLE_VARIABLE = "ROLE_RULES_TABLE"


class PortInUseError(RuntimeError):
    pass


def check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the servers bind (werkzeug and moto set SO_REUSEADDR): connections of a stack stopped a moment ago,
        # still in TIME_WAIT, do not make the port busy; a listening socket still does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
        self.admin: provision.AdminKey | None = None
        self.demo: dict[str, Any] = {}
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
            self.provision_aws()
            self.started = True

    def stop(self) -> None:
        moto_iam.uninstall(self.moto_port)
        if self.moto_server is not None:
            self.moto_server.stop()

    def _start_moto(self) -> None:
        from moto.server import ThreadedMotoServer

        check_port_free(self.host, self.moto_port)
        identities = identity_state.of(self.emulator)
        identities.sts_endpoint = self.moto_url
        self.admin = provision.create_admin(ids.ACCOUNT_ID, self.emulator.region, ADMIN_USER)
        admin = self.admin
        moto_iam.install(self.moto_port, moto_iam.Enforcement(
            store=identities, account_id=ids.ACCOUNT_ID, clock=self.emulator.clock.now,
            restore_admin=lambda key_id: self._restore_admin(key_id, admin)))
        self.moto_server = ThreadedMotoServer(ip_address=self.host, port=self.moto_port, verbose=False)
        self.moto_server.start()

    def _restore_admin(self, key_id: str, admin: provision.AdminKey) -> None:
        if key_id == admin.access_key_id:
            provision.restore_admin(ids.ACCOUNT_ID, self.emulator.region, admin)

    def _export_environment(self) -> None:
        """Point this process's AWS SDK calls at the local stack (AWS SDK service-specific endpoints), signed
        with the administrator's keys (moto enforces IAM)."""
        assert self.admin is not None
        os.environ["AWS_ACCESS_KEY_ID"] = self.admin.access_key_id
        os.environ["AWS_SECRET_ACCESS_KEY"] = self.admin.secret_access_key
        for name in SESSION_TOKEN_VARIABLES:
            os.environ.pop(name, None)
        os.environ.setdefault("AWS_DEFAULT_REGION", self.emulator.region)
        os.environ["AWS_ENDPOINT_URL"] = self.moto_url
        os.environ["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] = f"{self.public_url}/cognito-idp"
        os.environ["AWS_ENDPOINT_URL_COGNITO_IDENTITY"] = f"{self.public_url}/cognito-identity"
        os.environ["COGWORKS_LOCAL_URL"] = self.public_url

    def seed(self, path: Path = SEED_FILE) -> dict[str, str]:
        from emulator import validation
        from emulator.operations import create_group, create_user_pool, create_user_pool_client

        seed = self._read_seed(path)
        ctx = Context(emulator=self.emulator)
        validation.validate("cognito-idp", "CreateUserPool", seed["userPool"])
        pool = create_user_pool.handle(ctx, seed["userPool"])["UserPool"]
        client_request = {**seed["userPoolClient"], "UserPoolId": pool["Id"]}
        validation.validate("cognito-idp", "CreateUserPoolClient", client_request)
        client = create_user_pool_client.handle(ctx, client_request)
        for group in seed.get("groups") or []:
            group_request = {**group, "UserPoolId": pool["Id"]}
            validation.validate("cognito-idp", "CreateGroup", group_request)
            create_group.handle(ctx, group_request)
        self.seeded = {"userPoolId": pool["Id"], "clientId": client["UserPoolClient"]["ClientId"]}
        # What a deployed stage reads from its configuration, pointed at the seeded pool.
        os.environ["USER_POOL_ID"] = self.seeded["userPoolId"]
        os.environ["USER_POOL_CLIENT_ID"] = self.seeded["clientId"]
        os.environ["COGNITO_ISSUER"] = self.emulator.issuer(self.seeded["userPoolId"])
        return self.seeded

    def _read_seed(self, path: Path = SEED_FILE) -> dict[str, Any]:
        text = path.read_text().replace("{region}", self.emulator.region).replace("{account}", ids.ACCOUNT_ID)
        return json.loads(text)

    def provision_aws(self, path: Path = SEED_FILE) -> dict[str, Any]:
        """The demo identity pool (tied to the seeded user pool and client), its roles with Cognito's trust
        policies, the demo bucket and table, and the demo role-mapping rules. Idempotent: after the first
        call it re-creates only what is missing (the identity pool is kept), and restores the admin."""
        from emulator import validation
        from emulator.identity.operations import (
            create_identity_pool,
            set_identity_pool_roles,
            set_principal_tag_attribute_map,
        )

        assert self.admin is not None
        provision.restore_admin(ids.ACCOUNT_ID, self.emulator.region, self.admin)
        ensure_tables()
        seed = self._read_seed(path)
        spec = dict(seed["identityPool"])
        ctx = Context(emulator=self.emulator)
        pool_id, client_id = self.seeded["userPoolId"], self.seeded["clientId"]
        provider = f"cognito-idp.{self.emulator.region}.amazonaws.com/{pool_id}"
        identity_pool_id = self.demo.get("identityPoolId")
        if identity_pool_id not in identity_state.of(self.emulator).pools:
            request = {"IdentityPoolName": spec["IdentityPoolName"],
                       "AllowUnauthenticatedIdentities": spec["AllowUnauthenticatedIdentities"],
                       "AllowClassicFlow": spec["AllowClassicFlow"],
                       "CognitoIdentityProviders": [{"ProviderName": provider, "ClientId": client_id,
                                                     "ServerSideTokenCheck": spec["ServerSideTokenCheck"]}]}
            validation.validate("cognito-identity", "CreateIdentityPool", request)
            identity_pool_id = create_identity_pool.handle(ctx, request)["IdentityPoolId"]
        demo = seed["aws"]
        roles = provision.provision_demo(self.moto_url, self.emulator.region, self.admin, identity_pool_id, demo)
        roles_request = {"IdentityPoolId": identity_pool_id,
                         "Roles": {kind: roles[kind] for kind in ("authenticated", "unauthenticated")},
                         "RoleMappings": {f"{provider}:{client_id}": spec["RoleMapping"]}}
        validation.validate("cognito-identity", "SetIdentityPoolRoles", roles_request)
        set_identity_pool_roles.handle(ctx, roles_request)
        set_principal_tag_attribute_map.handle(ctx, {"IdentityPoolId": identity_pool_id,
                                                     "IdentityProviderName": provider, **spec["PrincipalTags"]})
        self._save_demo_rules(seed["roleRules"], pool_id, roles)
        self.demo = {"identityPoolId": identity_pool_id, "bucket": demo["bucket"], "table": demo["table"],
                     "roles": roles}
        os.environ["IDENTITY_POOL_ID"] = identity_pool_id
        return self.demo

    def _save_demo_rules(self, document: dict[str, Any], pool_id: str, roles: dict[str, str]) -> None:
        from chalicelib.models import role_rule
        from chalicelib.rolemap import parse_rule_set

        text = json.dumps({**document, "userPoolId": pool_id})
        for kind, arn in roles.items():
            text = text.replace("{role:" + kind + "}", arn)
        rule_set = parse_rule_set(json.loads(text))
        if role_rule.get(pool_id, rule_set.client_id or "") is None:
            role_rule.save(rule_set, expected_version=0, updated_by="local stack seed")

    def config(self) -> dict[str, Any]:
        pool_id = self.seeded.get("userPoolId", "")
        config: dict[str, Any] = {
            "region": self.emulator.region,
            "userPoolId": pool_id,
            "clientId": self.seeded.get("clientId", ""),
            "issuer": self.emulator.issuer(pool_id),
            "endpoints": {"cognito-idp": f"{self.public_url}/cognito-idp",
                          "cognito-identity": f"{self.public_url}/cognito-identity", "aws": self.moto_url},
            "identityPoolId": self.demo.get("identityPoolId", ""),
            "bucket": self.demo.get("bucket", ""),
            "table": self.demo.get("table", ""),
            "roles": dict(self.demo.get("roles") or {}),
            "tables": {RULES_TABLE_VARIABLE: os.environ.get(RULES_TABLE_VARIABLE)
                       or local_table_name(RULES_TABLE_VARIABLE)},
        }
        if self.admin is not None:
            config["adminCredentials"] = self.admin.as_config()
        return config

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

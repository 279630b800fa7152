"""The auth API through chalice.test.Client, against the running local stack (tests/e2e/conftest.py).

The API under test is a small Chalice app built here from a fresh auth blueprint, so these tests do not depend
on app.py registering it. Its environment is the one the local stack exports after seeding (USER_POOL_ID,
USER_POOL_CLIENT_ID, COGNITO_ISSUER, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER); `use_pool` points it at
another pool and client for one test.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from chalice import Chalice
from chalice.test import Client

import emulator
from chalicelib.api import auth_routes
from tests.conftest import ROOT
from tests.helpers import PASSWORD, unique

JSON = {"Content-Type": "application/json"}


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, Any]

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def error(self) -> tuple[str, str]:
        detail = self.json["error"]
        return detail["code"], detail["message"]

    def cookies(self) -> list[str]:
        value = self.headers.get("Set-Cookie") or []
        return [value] if isinstance(value, str) else list(value)


class Api:
    """JSON calls to the auth API; every answer is checked to be JSON with no-store caching."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def call(self, method: str, path: str, body: Any = None, *, headers: dict[str, str] | None = None,
             raw: bytes | None = None) -> Reply:
        all_headers = {**JSON, **(headers or {})} if raw is None and body is not None else dict(headers or {})
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        response = self.client.http.request(method, path, headers=all_headers, body=payload)
        reply = Reply(response.status_code, response.body, dict(response.headers))
        assert reply.headers.get("Content-Type") == "application/json", reply
        json.loads(reply.body)
        return reply

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.call("POST", path, body, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.call("GET", path, **kwargs)

    def bearer(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def api_app(stack: Any) -> Chalice:
    app = Chalice(app_name="auth-api-under-test")
    app.register_blueprint(auth_routes.make_blueprint())
    return app


@pytest.fixture(scope="session")
def api(api_app: Chalice) -> Api:
    return Api(Client(api_app, stage_name="local", project_dir=str(ROOT)))


def new_user() -> tuple[str, str]:
    username = unique()
    return username, f"{username}@example.com"


def sign_up(api: Api, username: str, email: str, password: str = PASSWORD) -> Reply:
    return api.post("/auth/sign-up", {"username": username, "password": password, "attributes": {"email": email}})


def register(api: Api, stack: Any, password: str = PASSWORD) -> dict[str, str]:
    """A confirmed user of the pool the API talks to, through the API's own sign-up and confirm."""
    username, email = new_user()
    assert sign_up(api, username, email, password).status == 200
    confirmed = api.post("/auth/confirm", {"username": username, "code": stack.latest_code(email)})
    assert confirmed.status == 200, confirmed
    return {"username": username, "email": email, "password": password}


def sign_in(api: Api, user: dict[str, str], **kwargs: Any) -> Reply:
    return api.post("/auth/sign-in", {"username": user["username"], "password": user["password"]}, **kwargs)


@pytest.fixture()
def user(api: Api, stack: Any) -> dict[str, str]:
    return register(api, stack)


@pytest.fixture()
def tokens(api: Api, user: dict[str, str]) -> dict[str, Any]:
    reply = sign_in(api, user)
    assert reply.status == 200, reply
    return reply.json


@pytest.fixture()
def isolated_pool(make_pool: Callable[..., tuple[str, str]],
                  use_pool: Callable[..., None]) -> Iterator[tuple[str, str]]:
    """A fresh pool and client (PreventUserExistenceErrors as the seeded client: ENABLED) the API talks to."""
    pool_id, client_id = make_pool(client={"PreventUserExistenceErrors": "ENABLED"})
    use_pool(pool_id, client_id)
    yield pool_id, client_id


def gateway_event(path: str, body: Any, headers: dict[str, str], *, stage: str = "api",
                  source_ip: str = "203.0.113.7") -> dict[str, Any]:
    """The event API Gateway sends for a request to https://<id>.execute-api.<region>.amazonaws.com/<stage><path>."""
    return {
        "resource": path, "path": path, "httpMethod": "POST",
        "headers": {k.lower(): v for k, v in headers.items()},
        "multiValueQueryStringParameters": None, "pathParameters": None, "stageVariables": None,
        "requestContext": {"resourcePath": path, "httpMethod": "POST", "path": f"/{stage}{path}", "stage": stage,
                           "identity": {"sourceIp": source_ip}},
        "body": json.dumps(body), "isBase64Encoded": False,
    }


def api_with(name: str, *route_modules: Any) -> Api:
    """A test client of the auth routes plus ``route_modules``' blueprints, in stage local, with the local
    stack's AWS setup restored (idempotent: an earlier mock_aws may have reset it)."""
    emulator.stack().provision_aws()
    app = Chalice(app_name=name)
    app.register_blueprint(auth_routes.make_blueprint())
    for module in route_modules:
        app.register_blueprint(module.make_blueprint())
    return Api(Client(app, stage_name="local", project_dir=str(ROOT)))


def signed_in(api: Api, stack: Any, idp: Any, groups: tuple[str, ...] = ()) -> dict[str, Any]:
    """The tokens of a new user of the demo pool, in ``groups``, signed in through the API."""
    user = register(api, stack)
    for group in groups:
        idp.admin_add_user_to_group(UserPoolId=stack.config["userPoolId"], Username=user["username"],
                                    GroupName=group)
    reply = sign_in(api, user)
    assert reply.status == 200, reply
    return dict(reply.json)


@pytest.fixture()
def atomic_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB applies a conditional write atomically per item; moto evaluates the condition and applies the
    update in two steps that threads can interleave. Give moto's backend (the stack's, in this process) the
    guarantee DynamoDB makes, so the test judges the store's conditions, not moto's thread safety."""
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.Lock()
    for name in ("put_item", "update_item", "delete_item"):
        original = getattr(DynamoDBBackend, name)

        def atomic(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return __original(self, *args, **kwargs)

        monkeypatch.setattr(DynamoDBBackend, name, atomic)
    patient_models(monkeypatch)


def patient_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give every model a roomy timeout for one test: dozens of requests waiting on one lock in a loaded
    process can take longer than the models' sign-in timeouts (CI once timed one out at 2 s), and a race test
    is about the conditions, not the clock."""
    from pynamodb.models import Model

    pending = list(Model.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if "Meta" in vars(model):
            monkeypatch.setattr(model.Meta, "connect_timeout_seconds", 10, raising=False)
            monkeypatch.setattr(model.Meta, "read_timeout_seconds", 60, raising=False)
        monkeypatch.setattr(model, "_connection", None)

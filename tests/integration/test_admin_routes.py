"""The /admin routes through chalice's test client, on moto: who may call them, what they do, and that every
malformed, missing, oversized or wrongly typed input is a clear 4xx in the API's error shape (never a 5xx).

Tokens are real RS256 access tokens checked by the real verifier; only where it gets its keys differs (a JWKS
given to it instead of downloaded), since no Cognito issues them here."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jwt
import pytest
from chalice import Chalice
from chalice.test import Client
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from chalicelib.api import admin_routes
from chalicelib.auth import jwt_verifier
from chalicelib.auth.jwt_verifier import CognitoJwtVerifier
from chalicelib.signup import store
from chalicelib.signup.engine import SignupRejectedError
from chalicelib.triggers.pre_sign_up import pre_sign_up
from tests.conftest import ROOT
from tests.integration.signup_support import lambda_context, moto_tables, new_pool, pre_sign_up_event

CLIENT_ID = "adminapiclient"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KID = "admin-test-key"
JWKS = {"keys": [RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True) | {"kid": KID, "use": "sig", "alg": "RS256"}]}
JSON = {"Content-Type": "application/json"}


@pytest.fixture(autouse=True)
def tables(monkeypatch):
    monkeypatch.delenv("ADMIN_GROUP", raising=False)
    yield from moto_tables(monkeypatch)


@pytest.fixture()
def pool(monkeypatch) -> str:
    pool_id = new_pool()
    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"
    monkeypatch.setenv("USER_POOL_ID", pool_id)
    monkeypatch.setenv("USER_POOL_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("COGNITO_ISSUER", issuer)
    jwt_verifier.SHARED[(issuer, "access", CLIENT_ID)] = CognitoJwtVerifier(
        issuer=issuer, token_use="access", client_id=CLIENT_ID, jwks_fetcher=lambda _uri: JWKS)
    yield pool_id
    jwt_verifier.SHARED.pop((issuer, "access", CLIENT_ID), None)


@pytest.fixture(scope="module")
def client() -> Client:
    app = Chalice(app_name="admin-api-under-test")
    app.register_blueprint(admin_routes.make_blueprint())
    return Client(app, stage_name="local", project_dir=str(ROOT))


def token(pool_id: str, groups: list[str] | None = None, **claims: Any) -> str:
    now = int(time.time())
    payload: dict[str, Any] = {"sub": str(uuid.uuid4()), "iss": f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}",
                               "token_use": "access", "client_id": CLIENT_ID, "username": "alice", "iat": now,
                               "auth_time": now, "exp": now + 600, "scope": "aws.cognito.signin.user.admin",
                               **claims}
    if groups is not None:
        payload["cognito:groups"] = groups
    return jwt.encode(payload, KEY, algorithm="RS256", headers={"kid": KID})


class Reply:
    def __init__(self, response: Any) -> None:
        self.status = response.status_code
        self.headers = dict(response.headers)
        self.json = json.loads(response.body)

    @property
    def error(self) -> tuple[str, str]:
        return self.json["error"]["code"], self.json["error"]["message"]


def call(client: Client, method: str, path: str, body: Any = None, *, bearer: str | None = None,
         raw: bytes | None = None, headers: dict[str, str] | None = None) -> Reply:
    all_headers = {**(JSON if body is not None or raw is not None else {}), **(headers or {})}
    if bearer:
        all_headers["Authorization"] = f"Bearer {bearer}"
    payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    reply = Reply(client.http.request(method, path, headers=all_headers, body=payload))
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.status < 500, reply.json
    return reply


@pytest.fixture()
def admin(pool) -> str:
    return token(pool, ["admins"])


# ---------------------------------------------------------------- who may call


ROUTES = [("GET", "/admin/signup-rules"), ("PUT", "/admin/signup-rules"), ("POST", "/admin/invite-codes"),
          ("GET", "/admin/invite-codes"), ("DELETE", "/admin/invite-codes/0123456789abcdef")]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_needs_an_access_token(client, pool, method, path):
    reply = call(client, method, path)
    assert (reply.status, reply.error) == (401, ("NotAuthorizedException", "Access Token is required."))
    assert reply.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_needs_the_admin_group(client, pool, method, path):
    for groups in (None, [], ["users"], ["Admins"]):
        reply = call(client, method, path, bearer=token(pool, groups))
        assert (reply.status, reply.error) == (403, ("AccessDeniedException",
                                                     "You are not allowed to manage sign-up rules."))


@pytest.mark.parametrize("bearer", ["not-a-jwt", "a.b.c", "x" * 9000])
def test_a_malformed_token_is_refused(client, pool, bearer):
    reply = call(client, "GET", "/admin/signup-rules", bearer=bearer)
    assert (reply.status, reply.error) == (401, ("NotAuthorizedException", "Invalid Access Token"))


def test_an_expired_token_is_refused(client, pool):
    reply = call(client, "GET", "/admin/signup-rules", bearer=token(pool, ["admins"], exp=int(time.time()) - 5))
    assert (reply.status, reply.error) == (401, ("NotAuthorizedException", "Access Token has expired"))


def test_a_token_of_another_pool_is_refused(client, pool):
    reply = call(client, "GET", "/admin/signup-rules", bearer=token(new_pool(), ["admins"]))
    assert (reply.status, reply.error) == (401, ("NotAuthorizedException", "Invalid Access Token"))


def test_the_admin_group_is_configurable(client, pool, monkeypatch):
    monkeypatch.setenv("ADMIN_GROUP", "ops")
    assert call(client, "GET", "/admin/signup-rules", bearer=token(pool, ["admins"])).status == 403
    assert call(client, "GET", "/admin/signup-rules", bearer=token(pool, ["users", "ops"])).status == 200


# ---------------------------------------------------------------- rules


def test_a_pool_without_rules_shows_the_defaults(client, pool, admin):
    reply = call(client, "GET", "/admin/signup-rules", bearer=admin)
    assert reply.status == 200
    assert (reply.json["userPoolId"], reply.json["version"], reply.json["updatedAt"]) == (pool, 0, None)
    assert reply.json["rules"]["blockDisposable"] is True
    assert reply.headers["Cache-Control"] == "no-store"


def test_rules_are_replaced_read_back_and_guarded_by_their_version(client, pool, admin):
    put = call(client, "PUT", "/admin/signup-rules", {"rules": {"allowedDomains": ["Example.COM"]},
                                                       "expectedVersion": 0}, bearer=admin)
    assert (put.status, put.json["version"], put.json["updatedBy"]) == (200, 1, "alice")
    assert put.json["rules"]["allowedDomains"] == ["example.com"]
    assert call(client, "GET", "/admin/signup-rules", bearer=admin).json == put.json
    stale = call(client, "PUT", "/admin/signup-rules", {"rules": {}, "expectedVersion": 0}, bearer=admin)
    assert (stale.status, stale.error) == (409, ("ConflictException", "The sign-up rules were changed by someone "
                                                                      "else; read them again and retry."))
    latest = call(client, "PUT", "/admin/signup-rules", {"rules": {}}, bearer=admin)
    assert (latest.status, latest.json["version"], latest.json["rules"]["allowedDomains"]) == (200, 2, [])


def test_the_rules_set_through_the_api_are_what_the_trigger_applies(client, pool, admin):
    call(client, "PUT", "/admin/signup-rules", {"rules": {"blockedDomains": ["example.com"]}}, bearer=admin)
    with pytest.raises(SignupRejectedError) as exc:
        pre_sign_up(pre_sign_up_event(pool=pool), lambda_context("pre_sign_up"))
    assert str(exc.value) == "Sign-up with this email domain is not allowed"


BAD_RULES = [
    (b"", "Content-Type: must be application/json", {}),
    (b"{", "body: must be valid JSON", JSON),
    (b"[]", "body: must be a JSON object", JSON),
    (b'{"rules": {}, "rules": {}}', "body: must be valid JSON", JSON),
    (b'{"rules": {"blockDisposable": NaN}}', "body: must be valid JSON", JSON),
    (b"\xff\xfe", "body: must be valid JSON", JSON),
    (b"{}", "rules: is required", JSON),
    (b'{"rules": {}}', "Content-Type: must be application/json", {"Content-Type": "text/plain"}),
    (b'{"rules": {}, "extra": 1}', "extra: is not a known field", JSON),
    (b'{"rules": {"blockDisposable": "yes"}}', "rules.blockDisposable: Input should be a valid boolean", JSON),
    (b'{"rules": {"allowedDomains": "example.com"}}', "rules.allowedDomains: Input should be a valid list", JSON),
    (b'{"rules": {"allowedDomains": ["not a domain"]}}', "rules.allowedDomains: 'not a domain' is not a domain name",
     JSON),
    (b'{"rules": {"attributes": {"name": {"pattern": "("}}}}',
     "rules.attributes.name: pattern is not a valid regular expression (missing ), unterminated subpattern)", JSON),
    (b'{"rules": {}, "expectedVersion": -1}', "expectedVersion: Input should be greater than or equal to 0", JSON),
    (b'{"rules": {}, "expectedVersion": "1"}', "expectedVersion: Input should be a valid integer", JSON),
    (b'{"rules": {}, "expectedVersion": 1.0}', "expectedVersion: Input should be a valid integer", JSON),
    (b'{"rules": {"signUp": {"allow": 1}}}', "rules.signUp.allow: Input should be a valid boolean", JSON),
]


@pytest.mark.parametrize(("raw", "message", "headers"), BAD_RULES)
def test_bad_rule_bodies_are_400_naming_the_problem(client, pool, admin, raw, message, headers):
    reply = call(client, "PUT", "/admin/signup-rules", raw=raw if raw else None, headers=headers, bearer=admin)
    assert (reply.status, reply.error) == (400, ("ValidationError", message))
    assert call(client, "GET", "/admin/signup-rules", bearer=admin).json["version"] == 0


def test_an_oversized_body_is_refused(client, pool, admin):
    body = json.dumps({"rules": {"blockedDomains": [f"d{i}.example" for i in range(1000)]}, "pad": "x" * 300_000})
    reply = call(client, "PUT", "/admin/signup-rules", raw=body.encode(), bearer=admin)
    assert (reply.status, reply.error) == (400, ("ValidationError", "body: must be at most 262144 bytes"))


def test_rules_too_large_for_storage_are_refused(client, pool, admin):
    long_domains = [f"{'a' * 60}{i}.{'b' * 60}.{'c' * 60}.example" for i in range(1000)]
    reply = call(client, "PUT", "/admin/signup-rules", {"rules": {"blockedDomains": long_domains,
                                                                   "allowedDomains": long_domains[:900]}},
                 bearer=admin)
    assert reply.status == 400
    assert reply.error[0] == "ValidationError"


def test_dynamodb_unavailable_is_503_with_a_generic_message(client, pool, admin, monkeypatch):
    monkeypatch.setenv("SIGNUP_RULES_TABLE", "no-such-table")
    reply = Reply(client.http.request("GET", "/admin/signup-rules", headers={"Authorization": f"Bearer {admin}"}))
    assert (reply.status, reply.error) == (503, ("ServiceUnavailable",
                                                 "The request could not be completed. Please try again later."))


# ---------------------------------------------------------------- invite codes


def test_a_created_code_is_shown_once_listed_without_it_and_revoked(client, pool, admin):
    created = call(client, "POST", "/admin/invite-codes", {"expiresInDays": 3, "emailDomain": "Corp.Example",
                                                            "note": "for Ada"}, bearer=admin)
    assert created.status == 201
    code, invite_id = created.json["code"], created.json["id"]
    assert (created.json["emailDomain"], created.json["note"], created.json["status"],
            created.json["createdBy"]) == ("corp.example", "for Ada", "active", "alice")
    listed = call(client, "GET", "/admin/invite-codes", bearer=admin)
    assert [entry["id"] for entry in listed.json["inviteCodes"]] == [invite_id]
    assert code not in json.dumps(listed.json) and "code" not in listed.json["inviteCodes"][0]
    deleted = call(client, "DELETE", f"/admin/invite-codes/{invite_id}", bearer=admin)
    assert (deleted.status, deleted.json) == (200, {"deleted": True, "id": invite_id})
    again = call(client, "DELETE", f"/admin/invite-codes/{invite_id}", bearer=admin)
    assert (again.status, again.error) == (404, ("ResourceNotFoundException", "Invite code not found."))


def test_a_code_created_through_the_api_admits_one_sign_up(client, pool, admin):
    call(client, "PUT", "/admin/signup-rules", {"rules": {"inviteRequired": True}}, bearer=admin)
    code = call(client, "POST", "/admin/invite-codes", {}, bearer=admin).json["code"]
    pre_sign_up(pre_sign_up_event(pool=pool, code=code), lambda_context("pre_sign_up"))
    [entry] = call(client, "GET", "/admin/invite-codes", bearer=admin).json["inviteCodes"]
    assert (entry["status"], entry["usedBy"]) == ("used", "ada")


def test_the_default_lifetime_is_seven_days(client, pool, admin):
    created = call(client, "POST", "/admin/invite-codes", {}, bearer=admin).json
    record = store.list_invites(pool)[0][0]
    assert record.expires_at - record.created_at == 7 * 86400
    assert created["expiresAt"].endswith("Z")


def test_codes_are_listed_page_by_page(client, pool, admin):
    ids = {call(client, "POST", "/admin/invite-codes", {}, bearer=admin).json["id"] for _ in range(3)}
    first = call(client, "GET", "/admin/invite-codes?limit=2", bearer=admin).json
    second = call(client, "GET", f"/admin/invite-codes?limit=2&nextToken={first['nextToken']}", bearer=admin).json
    assert len(first["inviteCodes"]) == 2 and second["nextToken"] is None
    assert {e["id"] for e in first["inviteCodes"] + second["inviteCodes"]} == ids


@pytest.mark.parametrize(("body", "message"), [
    ({"expiresInDays": 0}, "expiresInDays: Input should be greater than or equal to 1"),
    ({"expiresInDays": 366}, "expiresInDays: Input should be less than or equal to 365"),
    ({"expiresInDays": "7"}, "expiresInDays: Input should be a valid integer"),
    ({"expiresInDays": 7.5}, "expiresInDays: Input should be a valid integer"),
    ({"expiresInDays": True}, "expiresInDays: Input should be a valid integer"),
    ({"emailDomain": "not a domain"}, "emailDomain: is not a domain name"),
    ({"emailDomain": ""}, "emailDomain: String should have at least 1 character"),
    ({"emailDomain": 5}, "emailDomain: Input should be a valid string"),
    ({"note": "two\nlines"}, "note: contains characters that are not allowed"),
    ({"note": "x" * 201}, "note: String should have at most 200 characters"),
    ({"code": "MINE-1"}, "code: is not a known field"),
])
def test_bad_invite_requests_are_400_naming_the_problem(client, pool, admin, body, message):
    reply = call(client, "POST", "/admin/invite-codes", body, bearer=admin)
    assert (reply.status, reply.error) == (400, ("ValidationError", message))
    assert store.list_invites(pool)[0] == []


@pytest.mark.parametrize(("query", "message"), [
    ("limit=0", "limit: must be a whole number from 1 to 100"),
    ("limit=101", "limit: must be a whole number from 1 to 100"),
    ("limit=abc", "limit: must be a whole number from 1 to 100"),
    ("limit=-1", "limit: must be a whole number from 1 to 100"),
    ("nextToken=bogus", "nextToken: is not a token this API gave"),
    ("status=used", "status: is not a known query parameter"),
    (f"nextToken={'a' * 300}", "nextToken: must be at most 256 characters"),
])
def test_bad_list_queries_are_400(client, pool, admin, query, message):
    reply = call(client, "GET", f"/admin/invite-codes?{query}", bearer=admin)
    assert (reply.status, reply.error) == (400, ("ValidationError", message))


@pytest.mark.parametrize("invite_id", ["short", "0123456789ABCDEF", "0123456789abcdeg", "x" * 200])
def test_a_malformed_invite_id_is_400(client, pool, admin, invite_id):
    reply = call(client, "DELETE", f"/admin/invite-codes/{invite_id}", bearer=admin)
    assert (reply.status, reply.error) == (400, ("ValidationError",
                                                 "inviteId: must be 16 lower-case hexadecimal characters"))

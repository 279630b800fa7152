"""Bad input to the identity pool: malformed and forged logins, tokens of another pool or app client,
access tokens, expired and revoked tokens, unknown providers, oversized maps and bodies. Each gets
Cognito's error (or a clear 4xx), never a 5xx, and promptly."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest
import requests
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.asymmetric import rsa

import emulator
from tests.e2e.identity_support import (
    claims_of,
    create_identity_pool,
    error_message,
    identity_client,
    new_user_pool,
    provider_of,
)

UNSUPPORTED = ("NotAuthorizedException", "Token is not from a supported provider of this identity pool.")
NOT_A_TOKEN = ("NotAuthorizedException", "Invalid login token. Not a valid OpenId Connect identity token.")
BAD_SIGNATURE = ("NotAuthorizedException", "Invalid login token. Couldn't verify signed token.")


@pytest.fixture(scope="module")
def ci(stack: Any) -> Any:
    return identity_client(stack)


@pytest.fixture()
def world(ci: Any, idp: Any, make_pool: Any) -> dict[str, Any]:
    users = new_user_pool(idp, make_pool)
    return {"users": users, "pool": create_identity_pool(ci, users, server_side_check=True),
            "user": users.user()}


def get_id_error(ci: Any, pool_id: str, logins: dict[str, str]) -> tuple[str, str]:
    with pytest.raises(ClientError) as exc:
        ci.get_id(IdentityPoolId=pool_id, Logins=logins)
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error_message(exc)


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def resigned(token: str, key: Any, **changes: Any) -> str:
    header = jwt.get_unverified_header(token)
    return jwt.encode({**claims_of(token), **changes}, key, algorithm="RS256", headers={"kid": header["kid"]})


def pool_key(pool_id: str) -> bytes:
    return emulator.EMULATOR.store.pools[pool_id].id_key.private_pem


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln", "x" * 4000])
def test_malformed_tokens_are_not_tokens(ci: Any, world: dict[str, Any], token: str) -> None:
    assert get_id_error(ci, world["pool"], {world["users"].provider: token}) == NOT_A_TOKEN


def test_forged_and_tampered_tokens_do_not_verify(ci: Any, world: dict[str, Any]) -> None:
    users, token = world["users"], world["user"]["id"]
    header_b64, payload_b64, signature = token.split(".")
    elevated = b64({**claims_of(token), "cognito:groups": ["admins"]})
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = [
        f"{header_b64}.{elevated}.{signature}",                                   # tampered payload
        resigned(token, other_key),                                              # signed by someone else
        f"{b64({'alg': 'none', 'kid': jwt.get_unverified_header(token)['kid']})}.{payload_b64}.",  # alg none
        f"{header_b64}.{payload_b64}.{signature[:-4]}AAAA",                      # broken signature
        resigned(token, other_key) .replace(header_b64, b64({"alg": "RS256", "kid": "unknown"}), 1),
    ]
    for token in forged:
        assert get_id_error(ci, world["pool"], {users.provider: token}) == BAD_SIGNATURE, token[:60]


def test_tokens_of_another_pool_or_client_are_refused(ci: Any, idp: Any, make_pool: Any,
                                                      world: dict[str, Any]) -> None:
    users = world["users"]
    stranger_pool = new_user_pool(idp, make_pool)
    stranger = stranger_pool.user()
    # Another pool's token under this pool's provider name; under its own, unconfigured, name.
    assert get_id_error(ci, world["pool"], {users.provider: stranger["id"]}) == (
        "NotAuthorizedException", "Invalid login token. Issuer doesn't match providerName")
    assert get_id_error(ci, world["pool"], {stranger_pool.provider: stranger["id"]}) == UNSUPPORTED
    # Same pool, an app client the identity pool does not list.
    other_client = idp.create_user_pool_client(UserPoolId=users.pool_id, ClientName="other",
                                               ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH",
                                                                  "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
    result = idp.initiate_auth(ClientId=other_client["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": world["user"]["username"], "PASSWORD": "Correct-Horse-9"})
    assert get_id_error(ci, world["pool"], {users.provider: result["AuthenticationResult"]["IdToken"]}) == UNSUPPORTED


def test_an_access_token_is_not_an_id_token(ci: Any, world: dict[str, Any]) -> None:
    assert get_id_error(ci, world["pool"], {world["users"].provider: world["user"]["access"]}) == (
        "NotAuthorizedException", "Invalid login token. Missing a required claim: aud")


def test_an_expired_token_is_refused_with_both_times(ci: Any, world: dict[str, Any]) -> None:
    users = world["users"]
    expired_at = int(time.time()) - 5
    token = resigned(world["user"]["id"], pool_key(users.pool_id), exp=expired_at)
    code, message = get_id_error(ci, world["pool"], {users.provider: token})
    assert code == "NotAuthorizedException"
    assert message.startswith("Invalid login token. Token expired: ") and message.endswith(f" >= {expired_at}")
    now = int(message.split(": ")[1].split(" >= ")[0])
    assert expired_at <= now <= time.time() + 1


def test_revoked_and_disabled_users_are_refused_with_server_side_token_check(ci: Any, idp: Any,
                                                                            world: dict[str, Any]) -> None:
    users = world["users"]
    revoked = users.user()
    idp.global_sign_out(AccessToken=revoked["access"])
    disabled = users.user()
    idp.admin_disable_user(UserPoolId=users.pool_id, Username=disabled["username"])
    for user in (revoked, disabled):
        assert get_id_error(ci, world["pool"], users.logins(user)) == (
            "NotAuthorizedException", "Invalid login token. Token has been revoked.")
    unchecked = create_identity_pool(ci, users, server_side_check=False)
    assert ci.get_id(IdentityPoolId=unchecked, Logins=users.logins(revoked))["IdentityId"]


def test_unknown_and_unverifiable_providers_are_refused(ci: Any, world: dict[str, Any]) -> None:
    token = world["user"]["id"]
    assert get_id_error(ci, world["pool"], {"graph.facebook.com": token}) == UNSUPPORTED
    assert get_id_error(ci, world["pool"], {provider_of("us-east-1_Nowhere12"): token}) == UNSUPPORTED
    social = create_identity_pool(ci, SupportedLoginProviders={"graph.facebook.com": "1234567890"})
    assert get_id_error(ci, social, {"graph.facebook.com": "EAAB"}) == (
        "NotAuthorizedException", "Invalid login token. Logins of graph.facebook.com are not verified by this "
        "local identity pool (cogworks emulator); use a Cognito user pool provider.")


def test_oversized_maps_and_tokens_fail_validation(ci: Any, world: dict[str, Any]) -> None:
    provider = world["users"].provider
    code, message = get_id_error(ci, world["pool"], {f"{provider}{i}": "t" for i in range(11)})
    assert (code, message) == ("InvalidParameterException",
                               "1 validation error detected: Value at 'logins' failed to satisfy constraint: "
                               "Member must have length less than or equal to 10")
    code, message = get_id_error(ci, world["pool"], {provider: "x" * 50001})
    assert code == "InvalidParameterException"
    # The token is sensitive: its value is not echoed.
    assert message == (f"1 validation error detected: Value at 'logins.{provider}.value' failed to satisfy "
                       "constraint: Member must have length less than or equal to 50000")


@pytest.mark.parametrize(("body", "target", "code"), [
    (b"{not json", "AWSCognitoIdentityService.GetId", "SerializationException"),
    (b"[]", "AWSCognitoIdentityService.GetId", "SerializationException"),
    (b"[" * 100_000 + b"]" * 100_000, "AWSCognitoIdentityService.GetId", "SerializationException"),
    (json.dumps({"IdentityPoolId": 5}).encode(), "AWSCognitoIdentityService.GetId", "SerializationException"),
    (json.dumps({"IdentityPoolId": "us-east-1:0", "Logins": ["x"]}).encode(), "AWSCognitoIdentityService.GetId",
     "SerializationException"),
    (b"{}", "AWSCognitoIdentityService.MergeDeveloperIdentities", "UnsupportedOperationException"),
    (b"{}", "AWSCognitoIdentityService.NoSuchAction", "UnknownOperationException"),
    (b"{}", "AWSCognitoIdentityProviderService.GetId", "UnknownOperationException"),
    (b"x" * (1024 * 1024 + 1), "AWSCognitoIdentityService.GetId", "SerializationException"),
])
def test_broken_requests_get_a_4xx_quickly(stack: Any, body: bytes, target: str, code: str) -> None:
    started = time.perf_counter()
    response = requests.post(f"{stack.base_url}/cognito-identity", data=body, timeout=30,
                             headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target})
    assert response.status_code == 400
    assert response.json()["__type"] == code
    assert time.perf_counter() - started < 5

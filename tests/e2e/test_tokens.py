"""Tokens: RS256 ID and access tokens with exactly Cognito's claims, verified against the pool's JWKS over HTTP
by the project's own verifier; validity settings; refresh; the discovery documents; and GetUser refusing any
access token it did not issue for that pool."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jwt
import pytest
import requests

from chalicelib.auth.jwt_verifier import CognitoJwtVerifier, JwtInvalidTokenUseError
from tests.e2e.conftest import PASSWORD, error_of, unique
from tests.helpers import claims_of

ID_CLAIMS = {"sub", "aud", "iss", "token_use", "auth_time", "exp", "iat", "jti", "origin_jti", "event_id",
             "cognito:username", "email", "email_verified"}
ACCESS_CLAIMS = {"sub", "iss", "client_id", "scope", "username", "token_use", "auth_time", "exp", "iat", "jti",
                 "origin_jti", "event_id", "version"}


def sign_in(idp: Any, client_id: str, username: str) -> dict[str, Any]:
    return idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                             AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})["AuthenticationResult"]


def new_user(stack: Any, idp: Any, client_id: str) -> str:
    """A user confirmed with the emailed code, so email_verified is true."""
    username = unique()
    email = f"{username}@example.com"
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": email}])
    idp.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=stack.latest_code(email))
    return username


def issuer_of(stack: Any, pool_id: str) -> str:
    return f"{stack.base_url}/cognito-idp/{pool_id}"


@pytest.fixture()
def plain_pool(stack, idp, make_pool):
    """A pool with no triggers, so the tokens carry exactly what Cognito itself puts in them."""
    pool_id, client_id = make_pool(triggers={})
    return pool_id, client_id, new_user(stack, idp, client_id)


def test_tokens_verify_against_the_jwks_over_http(stack, idp, seeded):
    username = new_user(stack, idp, seeded["clientId"])
    tokens = sign_in(idp, seeded["clientId"], username)
    id_verifier = CognitoJwtVerifier(issuer=seeded["issuer"], token_use="id", client_id=seeded["clientId"])
    access_verifier = CognitoJwtVerifier(issuer=seeded["issuer"], token_use="access", client_id=seeded["clientId"])
    assert id_verifier.verify(tokens["IdToken"])["cognito:username"] == username
    assert access_verifier.verify(tokens["AccessToken"])["username"] == username
    with pytest.raises(JwtInvalidTokenUseError):
        id_verifier.verify(tokens["AccessToken"])


def test_id_and_access_tokens_use_different_keys_of_the_jwks(stack, idp, plain_pool):
    pool_id, client_id, username = plain_pool
    tokens = sign_in(idp, client_id, username)
    id_kid = jwt.get_unverified_header(tokens["IdToken"])["kid"]
    access_kid = jwt.get_unverified_header(tokens["AccessToken"])["kid"]
    assert id_kid != access_kid
    keys = requests.get(f"{issuer_of(stack, pool_id)}/.well-known/jwks.json", timeout=10).json()["keys"]
    assert {k["kid"] for k in keys} == {id_kid, access_kid}
    for key in keys:
        assert (key["kty"], key["alg"], key["use"], key["e"]) == ("RSA", "RS256", "sig", "AQAB")
        assert set(key) == {"kid", "kty", "alg", "use", "n", "e"}
    assert jwt.get_unverified_header(tokens["IdToken"])["alg"] == "RS256"


def test_each_pool_has_its_own_keys(stack, seeded, plain_pool):
    def kids(pool_id: str) -> set[str]:
        jwks = requests.get(f"{issuer_of(stack, pool_id)}/.well-known/jwks.json", timeout=10).json()
        return {k["kid"] for k in jwks["keys"]}

    assert not kids(plain_pool[0]) & kids(seeded["userPoolId"])


def test_id_token_claims_are_exactly_cognitos(stack, idp, plain_pool):
    pool_id, client_id, username = plain_pool
    before = int(time.time())
    token = claims_of(sign_in(idp, client_id, username)["IdToken"])
    assert set(token) == ID_CLAIMS
    assert token["token_use"] == "id"
    assert token["aud"] == client_id
    assert token["iss"] == issuer_of(stack, pool_id)
    assert token["cognito:username"] == username
    assert token["email"] == f"{username}@example.com"
    assert token["email_verified"] is True
    assert str(uuid.UUID(token["sub"])) == token["sub"]
    assert str(uuid.UUID(token["jti"])) == token["jti"]
    assert before - 1 <= token["iat"] <= time.time() + 1
    assert token["auth_time"] == token["iat"]
    assert token["exp"] == token["iat"] + 3600


def test_access_token_claims_are_exactly_cognitos(stack, idp, plain_pool):
    pool_id, client_id, username = plain_pool
    result = sign_in(idp, client_id, username)
    access, id_token = claims_of(result["AccessToken"]), claims_of(result["IdToken"])
    assert set(access) == ACCESS_CLAIMS
    assert access["token_use"] == "access"
    assert access["scope"] == "aws.cognito.signin.user.admin"
    assert access["client_id"] == client_id
    assert access["username"] == username
    assert access["version"] == 2
    assert access["iss"] == issuer_of(stack, pool_id)
    assert access["exp"] == access["iat"] + 3600
    assert (result["ExpiresIn"], result["TokenType"]) == (3600, "Bearer")
    # One sign-in: same subject, origin and event; distinct token ids.
    for name in ("sub", "origin_jti", "event_id", "auth_time"):
        assert access[name] == id_token[name]
    assert access["jti"] != id_token["jti"]


def test_unverified_email_is_a_false_boolean(stack, idp, make_pool):
    pool_id, client_id = make_pool(triggers={})
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"},
                                {"Name": "email_verified", "Value": "false"}])
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
    assert claims_of(sign_in(idp, client_id, username)["IdToken"])["email_verified"] is False


def test_token_validity_follows_the_client(stack, idp, make_pool):
    _pool_id, client_id = make_pool(triggers={}, client={
        "AccessTokenValidity": 5, "IdTokenValidity": 2,
        "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "hours"}})
    result = sign_in(idp, client_id, new_user(stack, idp, client_id))
    access, id_token = claims_of(result["AccessToken"]), claims_of(result["IdToken"])
    assert access["exp"] - access["iat"] == 300
    assert id_token["exp"] - id_token["iat"] == 7200
    assert result["ExpiresIn"] == 300


def test_validity_without_units_is_in_hours(stack, idp, make_pool):
    _pool_id, client_id = make_pool(triggers={}, client={"AccessTokenValidity": 24, "IdTokenValidity": 1})
    result = sign_in(idp, client_id, new_user(stack, idp, client_id))
    assert claims_of(result["AccessToken"])["exp"] - claims_of(result["AccessToken"])["iat"] == 86400
    assert claims_of(result["IdToken"])["exp"] - claims_of(result["IdToken"])["iat"] == 3600


def test_refresh_keeps_auth_time_and_origin_with_new_token_ids(stack, idp, plain_pool):
    _pool_id, client_id, username = plain_pool
    first = sign_in(idp, client_id, username)
    time.sleep(1.1)
    refreshed = idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                  AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]})["AuthenticationResult"]
    assert "RefreshToken" not in refreshed
    for kind in ("AccessToken", "IdToken"):
        old, new = claims_of(first[kind]), claims_of(refreshed[kind])
        assert set(new) == set(old)
        assert new["auth_time"] == old["auth_time"]
        assert new["origin_jti"] == old["origin_jti"]
        assert new["jti"] != old["jti"]
        assert new["iat"] > old["iat"]
        assert new["exp"] == new["iat"] + 3600
    assert idp.get_user(AccessToken=refreshed["AccessToken"])["Username"] == username


def test_openid_configuration_names_the_issuer_and_jwks(stack, seeded):
    response = requests.get(f"{seeded['issuer']}/.well-known/openid-configuration", timeout=10)
    assert response.status_code == 200
    document = response.json()
    assert document["issuer"] == seeded["issuer"]
    assert document["jwks_uri"] == f"{seeded['issuer']}/.well-known/jwks.json"
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert requests.get(document["jwks_uri"], timeout=10).status_code == 200


@pytest.mark.parametrize("document", ["jwks.json", "openid-configuration"])
def test_unknown_pool_has_no_discovery_documents(stack, document):
    response = requests.get(f"{stack.base_url}/cognito-idp/us-east-1_AAAAAAAAA/.well-known/{document}", timeout=10)
    assert response.status_code == 404
    assert response.json() == {"message": "User pool us-east-1_AAAAAAAAA does not exist."}


def _forge(pool_id: str, payload: dict[str, Any], *, signer_pool: str | None = None,
           kid_pool: str | None = None) -> str:
    """Sign `payload` in-process with the access key of `signer_pool`, headed with the kid of `kid_pool`."""
    import emulator

    pools = emulator.EMULATOR.store.pools
    signer = pools[signer_pool or pool_id].access_key
    kid = pools[kid_pool or pool_id].access_key.kid
    return jwt.encode(payload, signer.private_pem, algorithm="RS256", headers={"kid": kid})


def _get_user_error(idp: Any, token: str) -> tuple[str, str]:
    with pytest.raises(idp.exceptions.NotAuthorizedException) as exc:
        idp.get_user(AccessToken=token)
    return error_of(exc)


INVALID = ("NotAuthorizedException", "Invalid Access Token")


def test_get_user_refuses_a_tampered_token(idp, plain_pool):
    _pool_id, client_id, username = plain_pool
    header, payload, signature = sign_in(idp, client_id, username)["AccessToken"].split(".")
    body = claims_of(f"{header}.{payload}.{signature}")
    body["username"] = "admin"
    forged_payload = jwt.utils.base64url_encode(json.dumps(body).encode()).decode()
    assert _get_user_error(idp, f"{header}.{forged_payload}.{signature}") == INVALID
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert _get_user_error(idp, f"{header}.{payload}.{flipped}") == INVALID


def test_get_user_refuses_a_token_signed_by_another_pool(idp, seeded, plain_pool):
    pool_id, client_id, username = plain_pool
    body = claims_of(sign_in(idp, client_id, username)["AccessToken"])
    # The other pool's key and kid, claiming this pool's issuer.
    assert _get_user_error(idp, _forge(pool_id, body, signer_pool=seeded["userPoolId"],
                                       kid_pool=seeded["userPoolId"])) == INVALID
    # The other pool's key under this pool's kid.
    assert _get_user_error(idp, _forge(pool_id, body, signer_pool=seeded["userPoolId"])) == INVALID


def test_get_user_refuses_garbage_and_unsigned_tokens(idp, plain_pool):
    _pool_id, client_id, username = plain_pool
    body = claims_of(sign_in(idp, client_id, username)["AccessToken"])
    unsigned = jwt.encode(body, key=None, algorithm="none")
    for token in ("garbage", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30.", unsigned):
        assert _get_user_error(idp, token) == INVALID


def test_get_user_refuses_an_id_token(idp, plain_pool):
    _pool_id, client_id, username = plain_pool
    assert _get_user_error(idp, sign_in(idp, client_id, username)["IdToken"]) == INVALID


def test_get_user_refuses_an_expired_token(idp, plain_pool):
    pool_id, client_id, username = plain_pool
    body = claims_of(sign_in(idp, client_id, username)["AccessToken"])
    body.update(iat=body["iat"] - 7200, exp=body["iat"] - 3600)
    assert _get_user_error(idp, _forge(pool_id, body)) == ("NotAuthorizedException", "Access Token has expired")


def test_get_user_accepts_a_token_issued_in_the_future_of_the_wall_clock(idp, plain_pool):
    """Time claims are judged by the emulator's clock only (tests may move it); PyJWT's own iat/nbf checks
    against the wall clock would refuse this token."""
    pool_id, client_id, username = plain_pool
    body = claims_of(sign_in(idp, client_id, username)["AccessToken"])
    body.update(iat=body["iat"] + 600, nbf=body["iat"] + 600)
    assert idp.get_user(AccessToken=_forge(pool_id, body))["Username"] == username

"""CognitoJwtVerifier against real RSA/EC keys and real signatures, with no network: the JWKS comes from
a fake fetcher that records every URI it is asked for, and time from a fake clock."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from chalicelib.auth import jwt_verifier
from chalicelib.auth.jwt_verifier import (
    CognitoJwtVerifier,
    JwkInvalidKtyError,
    JwkInvalidUseError,
    JwksFetchError,
    JwksValidationError,
    JwksWaitPeriodError,
    JwkValidationError,
    JwtError,
    JwtExpiredError,
    JwtInvalidAlgorithmError,
    JwtInvalidClaimError,
    JwtInvalidClientIdError,
    JwtInvalidGroupError,
    JwtInvalidIssuerError,
    JwtInvalidSignatureError,
    JwtInvalidTokenUseError,
    JwtMissingExpError,
    JwtNotBeforeError,
    JwtParseError,
    JwtUnknownKidError,
    JwtWithoutValidKidError,
    KidNotFoundInJwksError,
)

REGION = "us-east-1"
POOL_ID = "us-east-1_AbCdEfGhI"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"
JWKS_URI = f"{ISSUER}/.well-known/jwks.json"
OTHER_POOL_ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/us-east-1_ZyXwVuTsR"
CLIENT_ID = "4h3k5j6l7m8n9p0q1r2s3t4u5v"
OTHER_CLIENT_ID = "9z8y7x6w5v4u3t2s1r0q9p8o7n"
ID_KID = "id-key-1"
ACCESS_KID = "access-key-1"
ATTACKER_URL = "https://attacker.example/jwks.json"
NOW = 1_700_000_000.0  # 2023-11-14T22:13:20+00:00
DROP = object()
PROJECT_ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- keys, tokens, fakes


@pytest.fixture(scope="module")
def id_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def access_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def attacker_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64json(obj: Any) -> str:
    return b64(json.dumps(obj).encode())


def public_jwk(private_key, kid, **extra) -> dict[str, Any]:
    if isinstance(private_key, rsa.RSAPrivateKey):
        jwk = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True) | {"alg": "RS256"}
    else:
        jwk = ECAlgorithm.to_jwk(private_key.public_key(), as_dict=True) | {"alg": "ES256"}
    jwk |= {"kid": kid, "use": "sig"}
    for name, value in extra.items():
        if value is DROP:
            jwk.pop(name, None)
        else:
            jwk[name] = value
    return jwk


def claims(token_use="id", **overrides) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "sub": "7d8ca528-4931-4254-9273-ea5ee853f271",
        "iss": ISSUER,
        "token_use": token_use,
        "auth_time": int(NOW) - 60,
        "iat": int(NOW) - 60,
        "exp": int(NOW) + 3600,
        "jti": "f4c2d3a1-0000-4000-8000-000000000000",
    }
    payload |= {"aud": CLIENT_ID} if token_use == "id" else {"client_id": CLIENT_ID, "scope": "openid"}
    for name, value in overrides.items():
        if value is DROP:
            payload.pop(name, None)
        else:
            payload[name] = value
    return payload


def sign(payload, key, kid, alg="RS256", **headers) -> str:
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid, **headers})


def forge(header: Any, payload: Any, signature: bytes = b"junk") -> str:
    """A token assembled by hand, for shapes PyJWT refuses to produce."""
    return f"{b64json(header)}.{b64json(payload)}.{b64(signature)}"


def hs256(header: dict[str, Any], payload: dict[str, Any], secret: bytes) -> str:
    signing_input = f"{b64json(header)}.{b64json(payload)}".encode()
    return f"{signing_input.decode()}.{b64(hmac.new(secret, signing_input, hashlib.sha256).digest())}"


@dataclass
class FakeClock:
    now: float = NOW

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class FakeFetcher:
    """Serves JWKS documents by URI and records every call; unknown URIs fail like a refused connection."""

    documents: dict[str, Any] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    delay: float = 0.0

    def __call__(self, uri: str) -> Any:
        self.calls.append(uri)
        if self.delay:
            time.sleep(self.delay)
        if uri not in self.documents:
            raise OSError(f"connection refused: {uri}")
        return copy.deepcopy(self.documents[uri])


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fetcher(id_key, access_key, attacker_key) -> FakeFetcher:
    return FakeFetcher(
        documents={
            JWKS_URI: {"keys": [public_jwk(id_key, ID_KID), public_jwk(access_key, ACCESS_KID)]},
            # Served so that a verifier that followed jku/x5u would find the attacker's key there.
            ATTACKER_URL: {"keys": [public_jwk(attacker_key, "attacker")]},
            f"{OTHER_POOL_ISSUER}/.well-known/jwks.json": {"keys": [public_jwk(attacker_key, "other-pool")]},
        }
    )


@pytest.fixture
def make_verifier(fetcher, clock):
    def make(**kwargs: Any) -> CognitoJwtVerifier:
        options: dict[str, Any] = {
            "issuer": ISSUER,
            "token_use": "id",
            "client_id": CLIENT_ID,
            "jwks_fetcher": fetcher,
            "clock": clock,
        }
        return CognitoJwtVerifier(**(options | kwargs))

    return make


@pytest.fixture
def id_verifier(make_verifier) -> CognitoJwtVerifier:
    return make_verifier(token_use="id")


@pytest.fixture
def access_verifier(make_verifier) -> CognitoJwtVerifier:
    return make_verifier(token_use="access")


@pytest.fixture
def id_token(id_key) -> str:
    return sign(claims("id"), id_key, ID_KID)


@pytest.fixture
def access_token(access_key) -> str:
    return sign(claims("access"), access_key, ACCESS_KID)


# ---------------------------------------------------------------- happy paths


def test_valid_id_token_returns_its_payload(id_verifier, id_token, fetcher):
    assert id_verifier.verify(id_token) == claims("id")
    assert fetcher.calls == [JWKS_URI]


def test_valid_access_token_returns_its_payload(access_verifier, access_token, fetcher):
    assert access_verifier.verify(access_token) == claims("access")
    assert fetcher.calls == [JWKS_URI]


def test_jwks_is_downloaded_once_and_cached(id_verifier, id_key, fetcher):
    for sub in ("a", "b", "c"):
        assert id_verifier.verify(sign(claims(sub=sub), id_key, ID_KID))["sub"] == sub
    assert fetcher.calls == [JWKS_URI]


def test_construction_does_no_io_and_hydrate_downloads(id_verifier, id_token, fetcher):
    assert fetcher.calls == []
    id_verifier.hydrate()
    assert fetcher.calls == [JWKS_URI]
    id_verifier.verify(id_token)
    assert fetcher.calls == [JWKS_URI]


def test_any_of_several_client_ids_is_accepted(make_verifier, id_key, access_key):
    verifier = make_verifier(token_use=None, client_id=[OTHER_CLIENT_ID, CLIENT_ID])
    assert verifier.verify(sign(claims("id"), id_key, ID_KID))["aud"] == CLIENT_ID
    assert verifier.verify(sign(claims("access"), access_key, ACCESS_KID))["client_id"] == CLIENT_ID


def test_explicit_none_skips_token_use_and_client_id_checks(make_verifier, id_key, access_key):
    verifier = make_verifier(token_use=None, client_id=None)
    assert verifier.verify(sign(claims("id", aud=OTHER_CLIENT_ID), id_key, ID_KID))["token_use"] == "id"
    assert verifier.verify(sign(claims("access"), access_key, ACCESS_KID))["token_use"] == "access"


def test_id_token_aud_may_be_a_list(id_verifier, id_key):
    token = sign(claims(aud=[OTHER_CLIENT_ID, CLIENT_ID]), id_key, ID_KID)
    assert id_verifier.verify(token)["aud"] == [OTHER_CLIENT_ID, CLIENT_ID]


def test_emulator_issuer_over_loopback_http(fetcher, clock, id_key):
    issuer = f"http://127.0.0.1:9229/cognito-idp/{POOL_ID}"
    fetcher.documents[f"{issuer}/.well-known/jwks.json"] = fetcher.documents[JWKS_URI]
    verifier = CognitoJwtVerifier(
        issuer=issuer, token_use="id", client_id=CLIENT_ID, jwks_fetcher=fetcher, clock=clock
    )
    assert verifier.verify(sign(claims(iss=issuer), id_key, ID_KID))["iss"] == issuer
    assert fetcher.calls == [f"{issuer}/.well-known/jwks.json"]


def test_es256_verifies_when_allowed(make_verifier, fetcher, ec_key):
    fetcher.documents[JWKS_URI]["keys"].append(public_jwk(ec_key, "ec-1"))
    verifier = make_verifier(algorithms=("RS256", "ES256"))
    assert verifier.verify(sign(claims(), ec_key, "ec-1", alg="ES256"))["sub"]


def test_jwk_without_alg_and_use_still_verifies(fetcher, id_verifier, id_key, id_token):
    fetcher.documents[JWKS_URI]["keys"][0] = public_jwk(id_key, ID_KID, alg=DROP, use=DROP)
    assert id_verifier.verify(id_token)["sub"]


def test_grace_seconds_tolerate_clock_skew(make_verifier, id_key):
    verifier = make_verifier(grace_seconds=10)
    assert verifier.verify(sign(claims(exp=int(NOW) - 5), id_key, ID_KID))
    assert verifier.verify(sign(claims(nbf=int(NOW) + 5), id_key, ID_KID))


def test_nbf_equal_to_now_is_accepted(id_verifier, id_key):
    assert id_verifier.verify(sign(claims(nbf=int(NOW)), id_key, ID_KID))["nbf"] == int(NOW)


def test_for_user_pool_builds_the_real_cognito_issuer():
    verifier = CognitoJwtVerifier.for_user_pool(
        "us-east-1", "us-east-1_AbCdEfGhI", token_use="id", client_id=None
    )
    assert verifier.issuer == "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI"
    assert verifier.jwks_uri == (
        "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI/.well-known/jwks.json"
    )


# ---------------------------------------------------------------- algorithm attacks


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
@pytest.mark.parametrize("signature", [b"", b"anything"])
def test_alg_none_is_rejected_before_any_download(id_verifier, fetcher, alg, signature):
    token = forge({"alg": alg, "kid": ID_KID}, claims(), signature)
    with pytest.raises(JwtInvalidAlgorithmError) as err:
        id_verifier.verify(token)
    assert str(err.value) == f"JWT signature algorithm not allowed: '{alg}'. Expected one of: RS256"
    assert fetcher.calls == []


def test_alg_none_empty_signature_has_the_none_shape(id_verifier):
    token = forge({"alg": "none"}, claims(), b"")
    assert token.endswith(".")
    with pytest.raises(JwtInvalidAlgorithmError, match=r"'none'"):
        id_verifier.verify(token)


def _hmac_secrets(key: rsa.RSAPrivateKey) -> dict[str, bytes]:
    public = key.public_key()
    jwk = public_jwk(key, ID_KID)
    return {
        "pem": public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "der": public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "jwk-modulus-b64": jwk["n"].encode(),
        "jwk-modulus-bytes": base64.urlsafe_b64decode(jwk["n"] + "=" * (-len(jwk["n"]) % 4)),
        "jwk-json": json.dumps(jwk).encode(),
    }


@pytest.mark.parametrize("secret_form", ["pem", "der", "jwk-modulus-b64", "jwk-modulus-bytes", "jwk-json"])
def test_hs256_keyed_with_the_rsa_public_key_is_rejected(id_verifier, id_key, fetcher, secret_form):
    token = hs256({"alg": "HS256", "kid": ID_KID, "typ": "JWT"}, claims(), _hmac_secrets(id_key)[secret_form])
    with pytest.raises(JwtInvalidAlgorithmError) as err:
        id_verifier.verify(token)
    assert str(err.value) == "JWT signature algorithm not allowed: 'HS256'. Expected one of: RS256"
    assert fetcher.calls == []


def test_token_without_alg_is_rejected(id_verifier):
    with pytest.raises(JwtInvalidAlgorithmError, match=r"^JWT header has no alg$"):
        id_verifier.verify(forge({"kid": ID_KID}, claims()))


def test_es256_token_is_rejected_by_the_default_rs256_verifier(id_verifier, fetcher, ec_key):
    fetcher.documents[JWKS_URI]["keys"].append(public_jwk(ec_key, "ec-1"))
    with pytest.raises(JwtInvalidAlgorithmError, match=r"not allowed: 'ES256'\. Expected one of: RS256$"):
        id_verifier.verify(sign(claims(), ec_key, "ec-1", alg="ES256"))


def test_jwk_alg_must_equal_the_header_alg(fetcher, id_verifier, id_key, id_token):
    fetcher.documents[JWKS_URI]["keys"][0] = public_jwk(id_key, ID_KID, alg="RS384")
    with pytest.raises(JwtInvalidAlgorithmError) as err:
        id_verifier.verify(id_token)
    assert str(err.value) == (
        f"JWT signature algorithm not allowed: 'RS256'. Expected: 'RS384' (alg of JWK '{ID_KID}')"
    )


@pytest.mark.parametrize(
    "algorithms", [("HS256",), ("none",), ("RS256", "HS512"), ("PS256",), ("EdDSA",), ()], ids=repr
)
def test_symmetric_none_or_unknown_algorithms_cannot_be_configured(algorithms):
    with pytest.raises(ValueError, match=r"algorithms must be a non-empty subset of"):
        CognitoJwtVerifier(issuer=ISSUER, token_use="id", client_id=CLIENT_ID, algorithms=algorithms)


def test_algorithms_as_a_bare_string_is_refused():
    with pytest.raises(TypeError, match=r"not a string"):
        CognitoJwtVerifier(issuer=ISSUER, token_use="id", client_id=CLIENT_ID, algorithms="RS256")


# ---------------------------------------------------------------- kid lookup and the penalty box


def test_unknown_kid_refetches_once_then_waits_10_seconds(
    id_verifier, id_token, attacker_key, clock, fetcher
):
    id_verifier.verify(id_token)
    assert fetcher.calls == [JWKS_URI]

    with pytest.raises(JwtUnknownKidError) as err:
        id_verifier.verify(sign(claims(), attacker_key, "rotated-1"))
    assert type(err.value) is JwtUnknownKidError
    assert str(err.value) == f"JWK for kid 'rotated-1' not found in the JWKS at {JWKS_URI}"
    assert fetcher.calls == [JWKS_URI] * 2

    clock.advance(9.9)
    with pytest.raises(JwksWaitPeriodError) as err:
        id_verifier.verify(sign(claims(), attacker_key, "rotated-2"))
    assert str(err.value) == (
        f"JWK for kid 'rotated-2' not found in the cached JWKS; {JWKS_URI} is not fetched "
        "again until its 10 s wait period ends"
    )
    assert fetcher.calls == [JWKS_URI] * 2
    assert id_verifier.verify(id_token)

    clock.advance(0.1)
    with pytest.raises(JwtUnknownKidError) as err:
        id_verifier.verify(sign(claims(), attacker_key, "rotated-3"))
    assert type(err.value) is JwtUnknownKidError
    assert fetcher.calls == [JWKS_URI] * 3


def test_new_key_is_picked_up_after_the_wait_period(id_verifier, id_token, attacker_key, clock, fetcher):
    id_verifier.verify(id_token)
    rotated = sign(claims(), attacker_key, "rotated")
    with pytest.raises(JwtUnknownKidError):
        id_verifier.verify(rotated)
    fetcher.documents[JWKS_URI]["keys"].append(public_jwk(attacker_key, "rotated"))
    with pytest.raises(JwksWaitPeriodError):
        id_verifier.verify(rotated)
    clock.advance(10)
    assert id_verifier.verify(rotated)["sub"]
    assert fetcher.calls == [JWKS_URI] * 3


@pytest.mark.parametrize("kid", ["../../dev/null", "' OR 1=1", "' OR '1'='1' --", "/etc/passwd", "keys"])
def test_injection_kids_are_only_dictionary_keys(id_verifier, id_token, id_key, fetcher, kid):
    id_verifier.verify(id_token)
    with pytest.raises(JwtUnknownKidError) as err:
        id_verifier.verify(sign(claims(), id_key, kid))
    assert str(err.value) == f"JWK for kid {kid!r} not found in the JWKS at {JWKS_URI}"
    assert fetcher.calls == [JWKS_URI] * 2


def test_a_stream_of_bogus_kids_causes_one_refetch(id_verifier, id_token, id_key, fetcher):
    id_verifier.verify(id_token)
    for kid in ["../../dev/null", "' OR 1=1"] * 20:
        with pytest.raises(KidNotFoundInJwksError):
            id_verifier.verify(sign(claims(), id_key, kid))
    assert fetcher.calls == [JWKS_URI] * 2


@pytest.mark.parametrize(
    ("header", "error", "message"),
    [
        ({"alg": "RS256"}, JwtWithoutValidKidError, "^JWT header does not have a valid kid$"),
        ({"alg": "RS256", "kid": ""}, JwtWithoutValidKidError, "^JWT header does not have a valid kid$"),
        ({"alg": "RS256", "kid": 7}, JwtParseError, "^JWT header kid is not a string$"),
        ({"alg": "RS256", "kid": ["a"]}, JwtParseError, "^JWT header kid is not a string$"),
    ],
)
def test_kid_must_be_a_non_empty_string(id_verifier, fetcher, header, error, message):
    with pytest.raises(error, match=message):
        id_verifier.verify(forge(header, claims()))
    assert fetcher.calls == []


@pytest.mark.parametrize("header_name", ["jku", "x5u"])
def test_key_url_headers_are_never_fetched(id_verifier, attacker_key, fetcher, header_name):
    token = sign(claims(), attacker_key, "attacker", **{header_name: ATTACKER_URL})
    with pytest.raises(JwtUnknownKidError, match=r"^JWK for kid 'attacker' not found in the JWKS at "):
        id_verifier.verify(token)
    assert fetcher.calls == [JWKS_URI]


def test_embedded_jwk_header_is_never_used(id_verifier, attacker_key, fetcher):
    token = sign(claims(), attacker_key, ID_KID, jwk=public_jwk(attacker_key, ID_KID), jku=ATTACKER_URL)
    with pytest.raises(JwtInvalidSignatureError, match=r"^Invalid signature$"):
        id_verifier.verify(token)
    assert fetcher.calls == [JWKS_URI]


def test_jku_on_a_genuine_token_is_ignored_not_followed(id_verifier, id_key, fetcher):
    assert id_verifier.verify(sign(claims(), id_key, ID_KID, jku=ATTACKER_URL))["sub"]
    assert fetcher.calls == [JWKS_URI]


def test_concurrent_cold_start_downloads_the_jwks_once(make_verifier, fetcher, id_token):
    fetcher.delay = 0.05
    verifier = make_verifier()
    results: list[Any] = []
    threads = [threading.Thread(target=lambda: results.append(verifier.verify(id_token))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert fetcher.calls == [JWKS_URI]


def test_concurrent_unknown_kids_download_once(make_verifier, fetcher, id_key):
    fetcher.delay = 0.05
    verifier = make_verifier()
    errors: list[Exception] = []

    def attempt(kid: str) -> None:
        try:
            verifier.verify(sign(claims(), id_key, kid))
        except JwtError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(f"bogus-{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 8
    assert all(isinstance(e, JwtUnknownKidError) for e in errors)
    assert fetcher.calls == [JWKS_URI]


# ---------------------------------------------------------------- the JWKS and the selected JWK


def test_jwk_with_use_enc_is_refused(fetcher, id_verifier, id_key, id_token):
    fetcher.documents[JWKS_URI]["keys"][0] = public_jwk(id_key, ID_KID, use="enc")
    with pytest.raises(JwkInvalidUseError) as err:
        id_verifier.verify(id_token)
    assert str(err.value) == f"JWK '{ID_KID}' use not allowed: 'enc'. Expected: 'sig'"


def test_jwk_of_the_wrong_kty_is_refused(fetcher, id_verifier, ec_key, id_token):
    fetcher.documents[JWKS_URI]["keys"][0] = public_jwk(ec_key, ID_KID, alg=DROP)
    with pytest.raises(JwkInvalidKtyError) as err:
        id_verifier.verify(id_token)
    assert str(err.value) == f"JWK '{ID_KID}' kty not allowed: 'EC'. Expected: 'RSA'"


@pytest.mark.parametrize("member", ["n", "e"])
def test_rsa_jwk_needs_n_and_e(fetcher, id_verifier, id_key, id_token, member):
    fetcher.documents[JWKS_URI]["keys"][0] = public_jwk(id_key, ID_KID, **{member: DROP})
    with pytest.raises(JwkValidationError, match=rf"^JWK '{ID_KID}' {member} should be a non-empty string$"):
        id_verifier.verify(id_token)


def test_jwk_with_private_key_material_is_refused(fetcher, id_verifier, id_key, id_token):
    private = RSAAlgorithm.to_jwk(id_key, as_dict=True) | {"kid": ID_KID, "alg": "RS256", "use": "sig"}
    fetcher.documents[JWKS_URI]["keys"][0] = private
    with pytest.raises(JwkValidationError, match=r"holds private key material"):
        id_verifier.verify(id_token)


def test_rsa_key_below_2048_bits_is_refused(fetcher, id_verifier):
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    fetcher.documents[JWKS_URI]["keys"].append(public_jwk(weak, "weak"))
    token = forge({"alg": "RS256", "kid": "weak"}, claims())
    with pytest.raises(JwkValidationError, match=r"^JWK 'weak' is a 1024-bit RSA key; at least 2048 bits"):
        id_verifier.verify(token)


def test_ec_jwk_on_the_wrong_curve_is_refused(make_verifier, fetcher):
    p384 = ec.generate_private_key(ec.SECP384R1())
    fetcher.documents[JWKS_URI]["keys"].append(public_jwk(p384, "ec-384", alg=DROP))
    verifier = make_verifier(algorithms=("ES256",))
    with pytest.raises(JwkValidationError, match=r"crv not allowed for ES256: 'P-384'. Expected: 'P-256'"):
        verifier.verify(forge({"alg": "ES256", "kid": "ec-384"}, claims()))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "is not a JSON object"),
        ({}, "has no keys array"),
        ({"keys": {"kid": ID_KID}}, "has no keys array"),
        ({"keys": ["not-a-jwk"]}, "has a key that is not a JSON object"),
    ],
    ids=["array", "no-keys", "keys-object", "key-string"],
)
def test_malformed_jwks_is_refused_and_not_refetched_at_once(
    id_verifier, fetcher, id_token, document, message
):
    fetcher.documents[JWKS_URI] = document
    with pytest.raises(JwksValidationError, match=rf"^JWKS at {JWKS_URI} {message}$"):
        id_verifier.verify(id_token)
    with pytest.raises(JwksWaitPeriodError):
        id_verifier.verify(id_token)
    assert fetcher.calls == [JWKS_URI]


def test_download_failure_is_a_fetch_error_then_waits(id_verifier, fetcher, id_token, clock):
    jwks = fetcher.documents.pop(JWKS_URI)
    with pytest.raises(JwksFetchError, match=rf"^Failed to fetch {JWKS_URI}: connection refused"):
        id_verifier.verify(id_token)
    with pytest.raises(JwksWaitPeriodError):
        id_verifier.verify(id_token)
    fetcher.documents[JWKS_URI] = jwks
    clock.advance(10)
    assert id_verifier.verify(id_token)["sub"]
    assert fetcher.calls == [JWKS_URI] * 2


# ---------------------------------------------------------------- signature


def test_tampered_payload_fails_the_signature(id_verifier, id_token):
    header, _, signature = id_token.split(".")
    tampered = f"{header}.{b64json(claims(**{'cognito:groups': ['admin']}))}.{signature}"
    with pytest.raises(JwtInvalidSignatureError) as err:
        id_verifier.verify(tampered)
    assert str(err.value) == "Invalid signature"


def test_signature_by_another_key_under_a_known_kid_fails(id_verifier, attacker_key):
    with pytest.raises(JwtInvalidSignatureError, match=r"^Invalid signature$"):
        id_verifier.verify(sign(claims(), attacker_key, ID_KID))


def test_empty_signature_on_rs256_fails(id_verifier, id_token):
    with pytest.raises(JwtInvalidSignatureError, match=r"^Invalid signature$"):
        id_verifier.verify(id_token.rsplit(".", 1)[0] + ".")


def test_signature_is_checked_before_claims(id_verifier, id_key):
    expired = sign(claims(exp=int(NOW) - 3600, token_use="access", aud=OTHER_CLIENT_ID), id_key, ID_KID)
    header, payload, signature = expired.split(".")
    with pytest.raises(JwtInvalidSignatureError):
        id_verifier.verify(f"{header}.{payload}.{signature[:-4]}AAAA")
    with pytest.raises(JwtExpiredError):
        id_verifier.verify(expired)


# ---------------------------------------------------------------- claims


def test_missing_exp_is_rejected(id_verifier, id_key):
    with pytest.raises(JwtMissingExpError) as err:
        id_verifier.verify(sign(claims(exp=DROP), id_key, ID_KID))
    assert str(err.value) == "JWT payload has no exp claim; tokens without expiry are not accepted"


@pytest.mark.parametrize(
    ("exp", "shown"),
    [
        (int(NOW) - 1, "2023-11-14T22:13:19+00:00"),
        (int(NOW), "2023-11-14T22:13:20+00:00"),
    ],
)
def test_expired_token_is_rejected(id_verifier, id_key, exp, shown):
    with pytest.raises(JwtExpiredError) as err:
        id_verifier.verify(sign(claims(exp=exp), id_key, ID_KID))
    assert str(err.value) == f"Token expired at {shown}"
    assert err.value.actual == exp


def test_grace_does_not_stretch_beyond_its_seconds(make_verifier, id_key):
    with pytest.raises(JwtExpiredError):
        make_verifier(grace_seconds=10).verify(sign(claims(exp=int(NOW) - 10), id_key, ID_KID))


def test_nbf_in_the_future_is_rejected(id_verifier, id_key):
    with pytest.raises(JwtNotBeforeError) as err:
        id_verifier.verify(sign(claims(nbf=int(NOW) + 1), id_key, ID_KID))
    assert str(err.value) == "Token can't be used before 2023-11-14T22:13:21+00:00"


def test_far_future_nbf_is_rejected_with_a_readable_message(id_verifier, id_key):
    with pytest.raises(JwtNotBeforeError, match=r"^Token can't be used before 1e\+300$"):
        id_verifier.verify(sign(claims(nbf=1e300), id_key, ID_KID))


def test_token_from_another_pool_is_rejected_without_a_download(id_verifier, attacker_key, fetcher):
    foreign = sign(claims(iss=OTHER_POOL_ISSUER), attacker_key, "other-pool")
    with pytest.raises(JwtInvalidIssuerError) as err:
        id_verifier.verify(foreign)
    assert str(err.value) == f"Issuer not allowed: '{OTHER_POOL_ISSUER}'. Expected: '{ISSUER}'"
    assert (err.value.actual, err.value.expected) == (OTHER_POOL_ISSUER, ISSUER)
    assert fetcher.calls == []


@pytest.mark.parametrize(
    "iss",
    [
        OTHER_POOL_ISSUER,
        f"https://cognito-idp.eu-west-1.amazonaws.com/{POOL_ID}",
        f"{ISSUER}/",
        ISSUER.replace("https://", "http://"),
        ISSUER.upper(),
    ],
)
def test_issuer_must_match_exactly(id_verifier, id_key, iss):
    with pytest.raises(JwtInvalidIssuerError, match=r"^Issuer not allowed: "):
        id_verifier.verify(sign(claims(iss=iss), id_key, ID_KID))


def test_missing_issuer_is_rejected_after_the_signature(id_verifier, id_key, fetcher):
    with pytest.raises(JwtInvalidIssuerError) as err:
        id_verifier.verify(sign(claims(iss=DROP), id_key, ID_KID))
    assert str(err.value) == f"Issuer not allowed: None. Expected: '{ISSUER}'"
    assert fetcher.calls == [JWKS_URI]


def test_id_token_is_refused_where_an_access_token_is_expected(access_verifier, id_token):
    with pytest.raises(JwtInvalidTokenUseError) as err:
        access_verifier.verify(id_token)
    assert str(err.value) == "Token use not allowed: 'id'. Expected: 'access'"


def test_access_token_is_refused_where_an_id_token_is_expected(id_verifier, access_token):
    with pytest.raises(JwtInvalidTokenUseError) as err:
        id_verifier.verify(access_token)
    assert str(err.value) == "Token use not allowed: 'access'. Expected: 'id'"


@pytest.mark.parametrize(("token_use", "shown"), [("refresh", "'refresh'"), (DROP, "None"), (1, "1")])
def test_token_use_must_be_id_or_access_even_when_not_pinned(make_verifier, id_key, token_use, shown):
    verifier = make_verifier(token_use=None, client_id=None)
    payload = claims("id")
    if token_use is DROP:
        del payload["token_use"]
    else:
        payload["token_use"] = token_use
    with pytest.raises(JwtInvalidTokenUseError) as err:
        verifier.verify(sign(payload, id_key, ID_KID))
    assert str(err.value) == f"Token use not allowed: {shown}. Expected one of: id, access"


def test_id_token_for_another_client_is_rejected(id_verifier, id_key):
    with pytest.raises(JwtInvalidClientIdError) as err:
        id_verifier.verify(sign(claims(aud=OTHER_CLIENT_ID, client_id=CLIENT_ID), id_key, ID_KID))
    assert (
        str(err.value)
        == f"Client ID (\"audience\") not allowed: '{OTHER_CLIENT_ID}'. Expected one of: ['{CLIENT_ID}']"
    )


def test_access_token_for_another_client_is_rejected(access_verifier, access_key):
    with pytest.raises(JwtInvalidClientIdError) as err:
        access_verifier.verify(
            sign(claims("access", client_id=OTHER_CLIENT_ID, aud=CLIENT_ID), access_key, ACCESS_KID)
        )
    assert str(err.value) == f"Client ID not allowed: '{OTHER_CLIENT_ID}'. Expected one of: ['{CLIENT_ID}']"


def test_access_token_without_client_id_is_rejected(access_verifier, access_key):
    with pytest.raises(JwtInvalidClientIdError, match=r"^Client ID not allowed: None\."):
        access_verifier.verify(sign(claims("access", client_id=DROP), access_key, ACCESS_KID))


def test_groups_overlap_is_required_when_configured(make_verifier, id_key):
    verifier = make_verifier(groups=["admin", "ops"])
    assert verifier.verify(sign(claims(**{"cognito:groups": ["users", "ops"]}), id_key, ID_KID))
    with pytest.raises(JwtInvalidGroupError) as err:
        verifier.verify(sign(claims(**{"cognito:groups": ["users"]}), id_key, ID_KID))
    assert str(err.value) == "Cognito group not allowed: ['users']. Expected one of: ['admin', 'ops']"
    with pytest.raises(JwtInvalidGroupError) as err:
        verifier.verify(sign(claims(), id_key, ID_KID))
    assert str(err.value) == "Missing Cognito group. Expected one of: ['admin', 'ops']"


# ---------------------------------------------------------------- malformed tokens


NON_UTF8_JSON = b'{"a\xff": 1}'
OVERFLOW_EXP = b'{"exp": 1e400}'
NAN_EXP = b'{"exp": NaN}'
DUPLICATE_EXP = b'{"exp": 1, "exp": 9999999999}'


def _header() -> str:
    return b64json({"alg": "RS256", "kid": ID_KID})


def _payload() -> str:
    return b64json(claims())


MALFORMED = {
    "empty": ("", "^Empty JWT$"),
    "two-parts": (f"{_header()}.{_payload()}", "^JWT is not 3 dot-separated base64url parts"),
    "four-parts": (f"{_header()}.{_payload()}.c2ln.c2ln", "^JWT is not 3 dot-separated base64url parts"),
    "non-base64url": (f"{_header()}.{_payload()}+/=.c2ln", "^JWT is not 3 dot-separated base64url parts"),
    "bad-b64-length": (
        f"eyJhb.{_payload()}.c2ln",
        "^Invalid JWT. Header is not a valid JSON object: invalid",
    ),
    "non-json-header": (f"{b64(b'not json')}.{_payload()}.c2ln", "^Invalid JWT. Header is not a valid JSON"),
    "non-utf8-header": (
        f"{b64(NON_UTF8_JSON)}.{_payload()}.c2ln",
        "^Invalid JWT. Header is not a valid JSON",
    ),
    "array-header": (f"{b64json(['RS256'])}.{_payload()}.c2ln", "^Invalid JWT. Header is not a JSON object$"),
    "array-payload": (f"{_header()}.{b64json([1])}.c2ln", "^Invalid JWT. Payload is not a JSON object$"),
    "alg-not-string": (
        forge({"alg": ["RS256"], "kid": ID_KID}, claims()),
        "^JWT header alg is not a string$",
    ),
    "crit": (forge({"alg": "RS256", "kid": ID_KID, "crit": ["b64"], "b64": False}, claims()), "crit"),
    "aud-int": (
        forge({"alg": "RS256"}, claims(aud=123)),
        "^JWT payload aud claim is not a string or an array",
    ),
    "aud-mixed-list": (forge({"alg": "RS256"}, claims(aud=[CLIENT_ID, 1])), "aud claim is not a string or"),
    "exp-string": (
        forge({"alg": "RS256"}, claims(exp="9999999999")),
        "^JWT payload exp claim is not a number$",
    ),
    "exp-bool": (forge({"alg": "RS256"}, claims(exp=True)), "^JWT payload exp claim is not a number$"),
    "exp-overflow": (
        f"{_header()}.{b64(OVERFLOW_EXP)}.c2ln",
        "^JWT payload exp claim is not a number$",
    ),
    "exp-nan": (f"{_header()}.{b64(NAN_EXP)}.c2ln", "^Invalid JWT. Payload is not a valid JSON object: NaN"),
    "nbf-null": (forge({"alg": "RS256"}, claims(nbf=None)), "^JWT payload nbf claim is not a number$"),
    "iss-int": (forge({"alg": "RS256"}, claims(iss=1)), "^JWT payload iss claim is not a string$"),
    "sub-object": (forge({"alg": "RS256"}, claims(sub={})), "^JWT payload sub claim is not a string$"),
    "jti-int": (forge({"alg": "RS256"}, claims(jti=5)), "^JWT payload jti claim is not a string$"),
    "duplicate-claim": (
        f"{_header()}.{b64(DUPLICATE_EXP)}.c2ln",
        "^Invalid JWT. Payload is not a valid JSON object: duplicate member 'exp'$",
    ),
    "bad-signature-b64": (f"{_header()}.{_payload()}.a", "^Invalid JWT. Signature is not valid base64url"),
}


@pytest.mark.parametrize(("token", "message"), list(MALFORMED.values()), ids=list(MALFORMED))
def test_malformed_tokens_are_parse_errors(id_verifier, fetcher, token, message):
    with pytest.raises(JwtParseError, match=message):
        id_verifier.verify(token)
    assert fetcher.calls == []


@pytest.mark.parametrize("token", [None, b"a.b.c", 42], ids=repr)
def test_non_string_token_is_a_parse_error(id_verifier, token):
    with pytest.raises(JwtParseError, match=r"^JWT is not a string$"):
        id_verifier.verify(token)


# ---------------------------------------------------------------- configuration


def test_token_use_argument_is_mandatory():
    with pytest.raises(TypeError, match=r"token_use"):
        CognitoJwtVerifier(issuer=ISSUER, client_id=CLIENT_ID)


def test_client_id_argument_is_mandatory():
    with pytest.raises(TypeError, match=r"client_id"):
        CognitoJwtVerifier(issuer=ISSUER, token_use="id")


def test_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        CognitoJwtVerifier(ISSUER, "id", CLIENT_ID)


@pytest.mark.parametrize("token_use", ["refresh", "ID", ""])
def test_token_use_must_be_id_access_or_none(token_use):
    with pytest.raises(ValueError, match=r"token_use must be 'id', 'access' or None"):
        CognitoJwtVerifier(issuer=ISSUER, token_use=token_use, client_id=CLIENT_ID)


@pytest.mark.parametrize("client_id", ["", [], [""], [CLIENT_ID, 3]], ids=repr)
def test_client_id_must_be_real_ids_or_explicit_none(client_id):
    with pytest.raises(ValueError, match=r"client_id must be a non-empty string"):
        CognitoJwtVerifier(issuer=ISSUER, token_use="id", client_id=client_id)


@pytest.mark.parametrize("grace", [-1, float("nan"), True, "5"], ids=repr)
def test_grace_seconds_must_be_a_non_negative_number(grace):
    with pytest.raises(ValueError, match=r"grace_seconds must be a non-negative number"):
        CognitoJwtVerifier(issuer=ISSUER, token_use="id", client_id=CLIENT_ID, grace_seconds=grace)


@pytest.mark.parametrize(
    "issuer",
    [
        f"http://cognito-idp.{REGION}.amazonaws.com/{POOL_ID}",
        f"http://10.0.0.5:9229/cognito-idp/{POOL_ID}",
        f"ftp://127.0.0.1/cognito-idp/{POOL_ID}",
        f"{ISSUER}?x=1",
        f"https://user:pw@cognito-idp.{REGION}.amazonaws.com/{POOL_ID}",
        POOL_ID,
    ],
)
def test_issuer_must_be_https_or_loopback_http(issuer):
    with pytest.raises(ValueError, match=r"issuer must"):
        CognitoJwtVerifier(issuer=issuer, token_use="id", client_id=CLIENT_ID)


@pytest.mark.parametrize(
    ("region", "pool_id"),
    [
        ("eu-west-1", "us-east-1_AbCdEfGhI"),
        ("us-east-1", "AbCdEfGhI"),
        ("us-east-1", "us-east-1_AbC/../x"),
    ],
)
def test_for_user_pool_refuses_a_pool_id_of_another_region_or_shape(region, pool_id):
    with pytest.raises(ValueError, match=r"is not a user pool id of region"):
        CognitoJwtVerifier.for_user_pool(region, pool_id, token_use="id", client_id=CLIENT_ID)


def test_error_taxonomy():
    for error in (
        JwtParseError,
        JwtInvalidAlgorithmError,
        JwtWithoutValidKidError,
        JwtUnknownKidError,
        JwksFetchError,
        JwksValidationError,
        JwkValidationError,
        JwtInvalidSignatureError,
        JwtInvalidClaimError,
    ):
        assert issubclass(error, JwtError)
    for error in (
        JwtMissingExpError,
        JwtExpiredError,
        JwtNotBeforeError,
        JwtInvalidIssuerError,
        JwtInvalidTokenUseError,
        JwtInvalidClientIdError,
        JwtInvalidGroupError,
    ):
        assert issubclass(error, JwtInvalidClaimError)
    assert issubclass(JwksWaitPeriodError, JwtUnknownKidError)
    assert issubclass(JwkInvalidUseError, JwkValidationError)
    assert issubclass(JwkInvalidKtyError, JwkValidationError)
    assert KidNotFoundInJwksError is JwtUnknownKidError


# ---------------------------------------------------------------- the default fetcher, without a network


class _FakeResponse:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def read(self, amount: int) -> bytes:
        return self._body[:amount]

    def __enter__(self) -> _FakeResponse:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None


@dataclass
class _FakeOpener:
    outcome: Any
    handlers: tuple[Any, ...] = ()
    opened: list[tuple[str, float]] = field(default_factory=list)

    def build(self, *handlers: Any) -> _FakeOpener:
        self.handlers = handlers
        return self

    def open(self, request: Any, timeout: float) -> Any:
        self.opened.append((request.full_url, timeout))
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return _FakeResponse(self.outcome)


def _install_opener(monkeypatch, outcome: Any) -> _FakeOpener:
    opener = _FakeOpener(outcome)
    monkeypatch.setattr(urllib.request, "build_opener", opener.build)
    return opener


def test_fetch_jwks_uses_a_3_second_timeout_and_refuses_redirects(monkeypatch):
    opener = _install_opener(monkeypatch, b'{"keys": []}')
    assert jwt_verifier.fetch_jwks(JWKS_URI) == {"keys": []}
    assert opener.opened == [(JWKS_URI, 3.0)]
    (handler,) = opener.handlers
    assert handler().redirect_request(None, None, 302, "Found", {}, ATTACKER_URL) is None


@pytest.mark.parametrize(
    ("outcome", "error", "message"),
    [
        (urllib.error.URLError("timed out"), JwksFetchError, "timed out"),
        (b"x" * (jwt_verifier.JWKS_MAX_BYTES + 1), JwksFetchError, "response exceeds"),
        (b"<html>", JwksValidationError, "is not valid JSON"),
        (b"[]", JwksValidationError, "is not a JSON object"),
    ],
    ids=["timeout", "too-big", "html", "array"],
)
def test_fetch_jwks_failures(monkeypatch, outcome, error, message):
    _install_opener(monkeypatch, outcome)
    with pytest.raises(error, match=message):
        jwt_verifier.fetch_jwks(JWKS_URI)


def test_fetch_jwks_refuses_non_http_schemes(monkeypatch):
    opener = _install_opener(monkeypatch, b"{}")
    with pytest.raises(JwksFetchError, match=r"only http"):
        jwt_verifier.fetch_jwks("file:///etc/passwd")
    assert opener.opened == []


def test_import_does_no_network_io():
    probe = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise AssertionError('network used at import')\n"
        "socket.socket.connect = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "import chalicelib.auth.jwt_verifier as m\n"
        "m.CognitoJwtVerifier.for_user_pool('us-east-1', 'us-east-1_AbCdEfGhI', token_use='id',\n"
        "                                   client_id=None)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr

"""Verify Cognito ID and access tokens offline, against the user pool's JWKS.

Follows RFC 8725 (JSON Web Token Best Current Practices, https://www.rfc-editor.org/rfc/rfc8725) and
Cognito's "Verifying a JSON Web Token"
(https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html),
and mirrors the checks and error taxonomy of awslabs/aws-jwt-verify. Deliberate differences: a token
without ``exp`` is rejected; ``alg`` is checked before any JWKS download; a failed download, like a
download that lacks the wanted ``kid``, closes the JWKS URI for 10 s; the JWKS URL must be https (or
http on a loopback host, for the local emulator); RSA keys under 2048 bits and a ``crit`` header are refused.

Order of checks, each failing with its own :class:`JwtError` subclass:

1. parse: three base64url parts, JSON-object header and payload, typed registered claims;
2. ``alg`` is in the caller's allow-list of asymmetric algorithms (never ``none``, never ``HS*``);
3. an ``iss`` that is present must be the configured issuer, so foreign tokens cause no JWKS download;
4. ``kid`` selects a JWK from the issuer's JWKS only; ``jku``, ``x5u`` and ``jwk`` headers are ignored;
5. the JWK is a signature key of the type the algorithm needs, and its ``alg``, if any, is the header's;
6. the signature;
7. claims: ``exp`` (required), ``nbf``, ``iss``, ``token_use``, client id (``aud`` or ``client_id``),
   and optionally ``cognito:groups``.

Nothing here checks revocation: a signed-out token verifies until it expires.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, NoReturn
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from jwt.algorithms import Algorithm

__all__ = [
    "DEFAULT_ALGORITHMS",
    "JWKS_FETCH_TIMEOUT_SECONDS",
    "JWKS_PENALTY_SECONDS",
    "SUPPORTED_ALGORITHMS",
    "CognitoJwtVerifier",
    "JwkInvalidKtyError",
    "JwkInvalidUseError",
    "JwkValidationError",
    "JwksFetchError",
    "JwksValidationError",
    "JwksWaitPeriodError",
    "JwtError",
    "JwtExpiredError",
    "JwtInvalidAlgorithmError",
    "JwtInvalidClaimError",
    "JwtInvalidClientIdError",
    "JwtInvalidGroupError",
    "JwtInvalidIssuerError",
    "JwtInvalidSignatureError",
    "JwtInvalidTokenUseError",
    "JwtMissingExpError",
    "JwtNotBeforeError",
    "JwtParseError",
    "JwtUnknownKidError",
    "JwtWithoutValidKidError",
    "KidNotFoundInJwksError",
    "fetch_jwks",
]

SUPPORTED_ALGORITHMS: Final = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512")
DEFAULT_ALGORITHMS: Final = ("RS256",)
TOKEN_USES: Final = ("id", "access")
JWKS_PENALTY_SECONDS: Final = 10.0
JWKS_FETCH_TIMEOUT_SECONDS: Final = 3.0
JWKS_MAX_BYTES: Final = 256 * 1024
MIN_RSA_KEY_BITS: Final = 2048

_KTY_FOR_ALG: Final = {alg: ("RSA" if alg.startswith("RS") else "EC") for alg in SUPPORTED_ALGORITHMS}
_CRV_FOR_ALG: Final = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}
_LOOPBACK_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})
_JWT_SHAPE: Final = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_USER_POOL_ID: Final = re.compile(r"(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)_[A-Za-z0-9]+")

JwksFetcher = Callable[[str], Mapping[str, Any]]
Clock = Callable[[], float]


# ---------------------------------------------------------------- errors: one class per failed check


class JwtError(Exception):
    """The token was rejected; the subclass names the check that failed, the message says why."""


class JwtParseError(JwtError):
    """Not three base64url parts, header or payload not a JSON object, or a claim of the wrong type."""


class JwtInvalidAlgorithmError(JwtError):
    """Header ``alg`` is not in the allow-list, or differs from the ``alg`` of the selected JWK."""


class JwtWithoutValidKidError(JwtError):
    """Header ``kid`` is missing or not a non-empty string."""


class JwtUnknownKidError(JwtError):
    """No JWK with the token's ``kid`` in the issuer's JWKS, even after a refetch."""


KidNotFoundInJwksError = JwtUnknownKidError


class JwksWaitPeriodError(JwtUnknownKidError):
    """Unknown ``kid`` while the JWKS URI is in the penalty box, so the JWKS was not downloaded again."""


class JwksFetchError(JwtError):
    """The JWKS could not be downloaded."""


class JwksValidationError(JwtError):
    """The downloaded JWKS is not a JSON object with a ``keys`` array of objects."""


class JwkValidationError(JwtError):
    """The selected JWK cannot verify this token: missing or bad key material, wrong curve, weak key."""


class JwkInvalidUseError(JwkValidationError):
    """The selected JWK has a ``use`` other than ``sig``."""


class JwkInvalidKtyError(JwkValidationError):
    """The selected JWK's ``kty`` does not fit the token's algorithm."""


class JwtInvalidSignatureError(JwtError):
    """The signature does not verify with the selected JWK."""


class JwtInvalidClaimError(JwtError):
    """A payload claim failed its check; ``actual`` and ``expected`` hold the compared values."""

    def __init__(self, message: str, *, actual: object = None, expected: object = None) -> None:
        super().__init__(message)
        self.actual = actual
        self.expected = expected


class JwtMissingExpError(JwtInvalidClaimError):
    """The payload has no ``exp``; tokens that never expire are not accepted."""


class JwtExpiredError(JwtInvalidClaimError):
    """``exp`` (plus the grace period) is not after now."""


class JwtNotBeforeError(JwtInvalidClaimError):
    """``nbf`` (minus the grace period) is after now."""


class JwtInvalidIssuerError(JwtInvalidClaimError):
    """``iss`` is missing or not exactly the configured issuer."""


class JwtInvalidTokenUseError(JwtInvalidClaimError):
    """``token_use`` is not ``id``/``access``, or not the configured one."""


class JwtInvalidClientIdError(JwtInvalidClaimError):
    """``aud`` (ID token) or ``client_id`` (access token) is not an allowed app client."""


class JwtInvalidGroupError(JwtInvalidClaimError):
    """``cognito:groups`` has none of the required groups."""


def _show(value: object, limit: int = 80) -> str:
    """Token-supplied values end up in logs: repr escapes control characters, the cap bounds size."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _timestamp(seconds: float) -> str:
    try:
        return datetime.fromtimestamp(seconds, tz=UTC).isoformat()
    except (OverflowError, OSError, ValueError):
        return str(seconds)


# ---------------------------------------------------------------- parsing


@dataclass(frozen=True)
class _DecomposedJwt:
    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


def _b64url_decode(part: str) -> bytes:
    if len(part) % 4 == 1:
        raise ValueError("invalid base64url length")
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate member {_show(key)}")
        obj[key] = value
    return obj


def _json_object(part: str, what: str) -> dict[str, Any]:
    try:
        text = _b64url_decode(part).decode("utf-8")
        value = json.loads(text, object_pairs_hook=_unique_object, parse_constant=_reject_constant)
    except (ValueError, binascii.Error) as exc:
        raise JwtParseError(f"Invalid JWT. {what} is not a valid JSON object: {exc}") from None
    if not isinstance(value, dict):
        raise JwtParseError(f"Invalid JWT. {what} is not a JSON object")
    return value


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_audience(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(a, str) for a in value))


def _decompose(token: object) -> _DecomposedJwt:
    if not isinstance(token, str):
        raise JwtParseError("JWT is not a string")
    if not token:
        raise JwtParseError("Empty JWT")
    if not _JWT_SHAPE.fullmatch(token):
        raise JwtParseError("JWT is not 3 dot-separated base64url parts (header, payload, signature)")
    header_b64, payload_b64, signature_b64 = token.split(".")

    header = _json_object(header_b64, "Header")
    for name in ("alg", "kid"):
        if name in header and not isinstance(header[name], str):
            raise JwtParseError(f"JWT header {name} is not a string")
    if "crit" in header:
        raise JwtParseError(f"JWT header crit names unsupported extensions: {_show(header['crit'])}")

    payload = _json_object(payload_b64, "Payload")
    for name in ("exp", "nbf", "iat"):
        if name in payload and not _is_number(payload[name]):
            raise JwtParseError(f"JWT payload {name} claim is not a number")
    for name in ("iss", "sub", "jti", "scope"):
        if name in payload and not isinstance(payload[name], str):
            raise JwtParseError(f"JWT payload {name} claim is not a string")
    if "aud" in payload and not _is_audience(payload["aud"]):
        raise JwtParseError("JWT payload aud claim is not a string or an array of strings")

    try:
        signature = _b64url_decode(signature_b64)
    except (ValueError, binascii.Error) as exc:
        raise JwtParseError(f"Invalid JWT. Signature is not valid base64url: {exc}") from None
    return _DecomposedJwt(header, payload, f"{header_b64}.{payload_b64}".encode("ascii"), signature)


# ---------------------------------------------------------------- JWKS download and cache


def fetch_jwks(uri: str, *, timeout: float = JWKS_FETCH_TIMEOUT_SECONDS) -> dict[str, Any]:
    """Download and JSON-parse a JWKS. Redirects are not followed; the body is capped at JWKS_MAX_BYTES."""
    if urlsplit(uri).scheme not in ("https", "http"):
        raise JwksFetchError(f"Failed to fetch {uri}: only http(s) URIs are fetched")
    # Loaded with the first download (once per container): a route that checks no token never needs them.
    import http.client
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
            return None

    request = urllib.request.Request(uri, headers={"Accept": "application/json"})  # noqa: S310 (scheme checked)
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=timeout) as response:
            body = response.read(JWKS_MAX_BYTES + 1)
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise JwksFetchError(f"Failed to fetch {uri}: {exc}") from exc
    if len(body) > JWKS_MAX_BYTES:
        raise JwksFetchError(f"Failed to fetch {uri}: response exceeds {JWKS_MAX_BYTES} bytes")
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise JwksValidationError(f"JWKS at {uri} is not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise JwksValidationError(f"JWKS at {uri} is not a JSON object")
    return document


def _index_jwks(uri: str, document: object) -> dict[str, Mapping[str, Any]]:
    if not isinstance(document, Mapping):
        raise JwksValidationError(f"JWKS at {uri} is not a JSON object")
    keys = document.get("keys")
    if not isinstance(keys, list):
        raise JwksValidationError(f"JWKS at {uri} has no keys array")
    by_kid: dict[str, Mapping[str, Any]] = {}
    for jwk in keys:
        if not isinstance(jwk, Mapping):
            raise JwksValidationError(f"JWKS at {uri} has a key that is not a JSON object")
        kid = jwk.get("kid")
        if isinstance(kid, str):
            by_kid.setdefault(kid, jwk)
    return by_kid


class _JwksCache:
    """JWKS per URI. A download that fails, or that lacks the wanted kid, closes the URI for
    JWKS_PENALTY_SECONDS (aws-jwt-verify's SimplePenaltyBox); a download that finds it reopens the URI."""

    def __init__(self, fetcher: JwksFetcher, clock: Clock, penalty_seconds: float) -> None:
        self._fetcher = fetcher
        self._clock = clock
        self._penalty_seconds = penalty_seconds
        self._lock = threading.Lock()
        self._jwks: dict[str, dict[str, Mapping[str, Any]]] = {}
        self._closed_until: dict[str, float] = {}
        self._fetch_locks: dict[str, threading.Lock] = {}

    def get_jwk(self, uri: str, kid: str) -> Mapping[str, Any]:
        with self._lock:
            jwk = self._jwks.get(uri, {}).get(kid)
            if jwk is not None:
                return jwk
            fetch_lock = self._fetch_locks.setdefault(uri, threading.Lock())
        with fetch_lock:
            with self._lock:
                jwk = self._jwks.get(uri, {}).get(kid)
                if jwk is not None:
                    return jwk
                closed_until = self._closed_until.get(uri)
                if closed_until is not None and self._clock() < closed_until:
                    raise JwksWaitPeriodError(
                        f"JWK for kid {_show(kid)} not found in the cached JWKS; {uri} is not fetched "
                        f"again until its {self._penalty_seconds:g} s wait period ends"
                    )
            by_kid = self._download(uri)
            with self._lock:
                jwk = by_kid.get(kid)
                if jwk is not None:
                    self._closed_until.pop(uri, None)
                    return jwk
                self._closed_until[uri] = self._clock() + self._penalty_seconds
        raise JwtUnknownKidError(f"JWK for kid {_show(kid)} not found in the JWKS at {uri}")

    def refresh(self, uri: str) -> None:
        with self._lock:
            fetch_lock = self._fetch_locks.setdefault(uri, threading.Lock())
        with fetch_lock:
            self._download(uri)

    def _download(self, uri: str) -> dict[str, Mapping[str, Any]]:
        try:
            by_kid = _index_jwks(uri, self._fetcher(uri))
        except JwtError:
            self._close(uri)
            raise
        except Exception as exc:
            self._close(uri)
            raise JwksFetchError(f"Failed to fetch {uri}: {exc}") from exc
        with self._lock:
            self._jwks[uri] = by_kid
        return by_kid

    def _close(self, uri: str) -> None:
        with self._lock:
            self._closed_until[uri] = self._clock() + self._penalty_seconds


# ---------------------------------------------------------------- the verifier


def _id_set(value: str | Iterable[str] | None, name: str) -> frozenset[str] | None:
    if value is None:
        return None
    ids = frozenset([value]) if isinstance(value, str) else frozenset(value)
    if not ids or not all(isinstance(i, str) and i for i in ids):
        raise ValueError(f"{name} must be a non-empty string, a non-empty collection of them, or None")
    return ids


def _check_issuer_url(issuer: str) -> None:
    parts = urlsplit(issuer)
    if parts.query or parts.fragment or parts.username or not parts.hostname:
        raise ValueError(f"issuer must be a plain URL without query, fragment or credentials: {issuer!r}")
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS):
        return
    raise ValueError(f"issuer must use https (http only on a loopback host): {issuer!r}")


class CognitoJwtVerifier:
    """Verifies tokens of one Cognito user pool (or the local emulator's). Build it once per process and
    share it: it caches the JWKS and the keys built from it, and is safe to use from several threads."""

    def __init__(
        self,
        *,
        issuer: str,
        token_use: str | None,
        client_id: str | Iterable[str] | None,
        algorithms: Iterable[str] = DEFAULT_ALGORITHMS,
        grace_seconds: float = 0,
        groups: str | Iterable[str] | None = None,
        jwks_fetcher: JwksFetcher | None = None,
        clock: Clock | None = None,
    ) -> None:
        """
        :param issuer: the exact expected ``iss``; the JWKS is read from ``{issuer}/.well-known/jwks.json``.
        :param token_use: ``"id"`` or ``"access"``; pass None explicitly to accept either.
        :param client_id: the app client id(s) allowed in ``aud`` (ID token) or ``client_id`` (access
            token); pass None explicitly to skip the check.
        :param algorithms: the allowed signature algorithms, a subset of SUPPORTED_ALGORITHMS.
        :param grace_seconds: clock skew tolerated on ``exp`` and ``nbf``.
        :param groups: if given, ``cognito:groups`` must contain at least one of these.
        :param jwks_fetcher: ``uri -> parsed JWKS``; defaults to :func:`fetch_jwks`.
        :param clock: ``() -> epoch seconds`` for claim checks and the refetch penalty; defaults to time.time.
        """
        if not isinstance(issuer, str):
            raise TypeError("issuer must be a string")
        _check_issuer_url(issuer)
        if token_use not in (*TOKEN_USES, None):
            raise ValueError(f"token_use must be 'id', 'access' or None, not {token_use!r}")
        if isinstance(algorithms, str):
            raise TypeError("algorithms must be a collection of algorithm names, not a string")
        algorithms = tuple(algorithms)
        unsupported = [alg for alg in algorithms if alg not in SUPPORTED_ALGORITHMS]
        if not algorithms or unsupported:
            raise ValueError(f"algorithms must be a non-empty subset of {SUPPORTED_ALGORITHMS}: {algorithms}")
        if not _is_number(grace_seconds) or grace_seconds < 0:
            raise ValueError(f"grace_seconds must be a non-negative number, not {grace_seconds!r}")

        self.issuer = issuer
        self.jwks_uri = issuer.rstrip("/") + "/.well-known/jwks.json"
        self.token_use = token_use
        self.client_ids = _id_set(client_id, "client_id")
        self.groups = _id_set(groups, "groups")
        self.algorithms: tuple[str, ...] = algorithms
        self.grace_seconds = float(grace_seconds)
        self._clock: Clock = clock or time.time
        self._jwks = _JwksCache(jwks_fetcher or fetch_jwks, self._clock, JWKS_PENALTY_SECONDS)
        self._keys: dict[tuple[str, str], tuple[Mapping[str, Any], tuple[Algorithm, Any]]] = {}

    @classmethod
    def for_user_pool(cls, region: str, user_pool_id: str, **kwargs: Any) -> CognitoJwtVerifier:
        """A verifier for a real Cognito user pool: issuer ``https://cognito-idp.{region}.amazonaws.com/{id}``."""
        match = _USER_POOL_ID.fullmatch(user_pool_id)
        if match is None or match["region"] != region:
            raise ValueError(f"user_pool_id {user_pool_id!r} is not a user pool id of region {region!r}")
        return cls(issuer=f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}", **kwargs)

    def hydrate(self) -> None:
        """Download the JWKS now (e.g. at cold start) instead of on the first verify."""
        self._jwks.refresh(self.jwks_uri)

    def verify(self, token: str) -> dict[str, Any]:
        """Return the token's payload if every check passes; raise a :class:`JwtError` subclass otherwise."""
        jwt = _decompose(token)
        alg = self._check_algorithm(jwt.header)
        iss = jwt.payload.get("iss")
        if iss is not None and iss != self.issuer:
            self._reject_issuer(iss)
        kid = jwt.header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise JwtWithoutValidKidError("JWT header does not have a valid kid")
        jwk = self._jwks.get_jwk(self.jwks_uri, kid)
        algorithm, key = self._verification_key(jwk, kid, alg)
        if not algorithm.verify(jwt.signing_input, key, jwt.signature):
            raise JwtInvalidSignatureError("Invalid signature")
        self._check_claims(jwt.payload)
        return jwt.payload

    def _check_algorithm(self, header: Mapping[str, Any]) -> str:
        alg = header.get("alg")
        if alg is None:
            raise JwtInvalidAlgorithmError("JWT header has no alg")
        if alg not in self.algorithms:
            raise JwtInvalidAlgorithmError(
                f"JWT signature algorithm not allowed: {_show(alg)}. "
                f"Expected one of: {', '.join(self.algorithms)}"
            )
        return alg

    def _verification_key(self, jwk: Mapping[str, Any], kid: str, alg: str) -> tuple[Algorithm, Any]:
        use = jwk.get("use")
        if use is not None and use != "sig":
            raise JwkInvalidUseError(f"JWK {_show(kid)} use not allowed: {_show(use)}. Expected: 'sig'")
        jwk_alg = jwk.get("alg")
        if jwk_alg is not None and jwk_alg != alg:
            raise JwtInvalidAlgorithmError(
                f"JWT signature algorithm not allowed: {_show(alg)}. "
                f"Expected: {_show(jwk_alg)} (alg of JWK {_show(kid)})"
            )
        memo = self._keys.get((kid, alg))
        if memo is not None and memo[0] is jwk:
            return memo[1]
        resolved = self._build_key(jwk, kid, alg)
        self._keys[(kid, alg)] = (jwk, resolved)
        return resolved

    def _build_key(self, jwk: Mapping[str, Any], kid: str, alg: str) -> tuple[Algorithm, Any]:
        kty = _KTY_FOR_ALG[alg]
        if jwk.get("kty") != kty:
            raise JwkInvalidKtyError(
                f"JWK {_show(kid)} kty not allowed: {_show(jwk.get('kty'))}. Expected: {kty!r}"
            )
        required = ("n", "e") if kty == "RSA" else ("crv", "x", "y")
        for name in required:
            if not isinstance(jwk.get(name), str) or not jwk[name]:
                raise JwkValidationError(f"JWK {_show(kid)} {name} should be a non-empty string")
        if "d" in jwk:
            raise JwkValidationError(f"JWK {_show(kid)} holds private key material; a JWKS must be public")
        if kty == "EC" and jwk["crv"] != _CRV_FOR_ALG[alg]:
            raise JwkValidationError(
                f"JWK {_show(kid)} crv not allowed for {alg}: {_show(jwk['crv'])}. "
                f"Expected: {_CRV_FOR_ALG[alg]!r}"
            )
        from jwt import PyJWK  # PyJWT and cryptography load with the first key, not at every cold start
        from jwt.exceptions import PyJWTError

        try:
            pyjwk = PyJWK(dict(jwk), algorithm=alg)
            key = pyjwk.Algorithm.prepare_key(pyjwk.key)
        except (PyJWTError, TypeError, ValueError) as exc:
            raise JwkValidationError(f"JWK {_show(kid)} is not a valid {kty} public key: {exc}") from None
        if kty == "RSA" and key.key_size < MIN_RSA_KEY_BITS:
            raise JwkValidationError(
                f"JWK {_show(kid)} is a {key.key_size}-bit RSA key; "
                f"at least {MIN_RSA_KEY_BITS} bits are required"
            )
        return pyjwk.Algorithm, key

    def _reject_issuer(self, iss: object) -> NoReturn:
        raise JwtInvalidIssuerError(
            f"Issuer not allowed: {_show(iss)}. Expected: {self.issuer!r}", actual=iss, expected=self.issuer
        )

    def _check_claims(self, payload: Mapping[str, Any]) -> None:
        now = self._clock()
        exp = payload.get("exp")
        if exp is None:
            raise JwtMissingExpError("JWT payload has no exp claim; tokens without expiry are not accepted")
        if now >= exp + self.grace_seconds:
            raise JwtExpiredError(f"Token expired at {_timestamp(exp)}", actual=exp, expected=now)
        nbf = payload.get("nbf")
        if nbf is not None and now < nbf - self.grace_seconds:
            raise JwtNotBeforeError(f"Token can't be used before {_timestamp(nbf)}", actual=nbf, expected=now)

        iss = payload.get("iss")
        if iss != self.issuer:
            self._reject_issuer(iss)

        token_use = payload.get("token_use")
        if token_use not in TOKEN_USES:
            raise JwtInvalidTokenUseError(
                f"Token use not allowed: {_show(token_use)}. Expected one of: id, access",
                actual=token_use,
                expected=TOKEN_USES,
            )
        if self.token_use is not None and token_use != self.token_use:
            raise JwtInvalidTokenUseError(
                f"Token use not allowed: {token_use!r}. Expected: {self.token_use!r}",
                actual=token_use,
                expected=self.token_use,
            )

        if self.client_ids is not None:
            _check_client_id(payload, token_use, self.client_ids)
        if self.groups is not None:
            _check_groups(payload, self.groups)


def _check_client_id(payload: Mapping[str, Any], token_use: str, allowed: frozenset[str]) -> None:
    expected = sorted(allowed)
    if token_use == "id":
        aud = payload.get("aud")
        if allowed.isdisjoint([aud] if isinstance(aud, str) else aud or []):
            raise JwtInvalidClientIdError(
                f'Client ID ("audience") not allowed: {_show(aud)}. Expected one of: {expected}',
                actual=aud,
                expected=expected,
            )
        return
    client_id = payload.get("client_id")
    if not isinstance(client_id, str) or client_id not in allowed:
        raise JwtInvalidClientIdError(
            f"Client ID not allowed: {_show(client_id)}. Expected one of: {expected}",
            actual=client_id,
            expected=expected,
        )


def _check_groups(payload: Mapping[str, Any], allowed: frozenset[str]) -> None:
    expected = sorted(allowed)
    claim = payload.get("cognito:groups")
    if claim is None:
        raise JwtInvalidGroupError(f"Missing Cognito group. Expected one of: {expected}", expected=expected)
    groups = [claim] if isinstance(claim, str) else claim
    if not isinstance(groups, list) or allowed.isdisjoint(g for g in groups if isinstance(g, str)):
        raise JwtInvalidGroupError(
            f"Cognito group not allowed: {_show(claim)}. Expected one of: {expected}",
            actual=claim,
            expected=expected,
        )


_shared_lock = threading.Lock()
SHARED: dict[tuple[str, str, str], CognitoJwtVerifier] = {}


def shared_verifier(issuer: str, client_id: str, token_use: str = TOKEN_USES[1]) -> CognitoJwtVerifier:
    """One verifier per issuer, app client and token use for the whole process, built on first use, so its
    cached JWKS serves every call of a warm Lambda (and nothing is fetched at import time)."""
    key = (issuer, token_use, client_id)
    found = SHARED.get(key)
    if found is None:
        with _shared_lock:
            found = SHARED.get(key)
            if found is None:
                found = SHARED[key] = CognitoJwtVerifier(issuer=issuer, token_use=token_use, client_id=client_id)
    return found

"""Who may call the protected routes (me, sign-out, password/change): a Cognito access token of this app
client, from ``Authorization: Bearer <token>`` or, in cookie mode, the ``__Host-access`` cookie, verified
offline by :class:`chalicelib.auth.jwt_verifier.CognitoJwtVerifier` (token_use "access", client_id =
USER_POOL_CLIENT_ID, issuer = COGNITO_ISSUER).

Why a check inside the route's own Lambda instead of one of chalice's authorizers (``@bp.authorizer``,
CognitoUserPoolAuthorizer): those are API Gateway features. Chalice's custom authorizer is a TOKEN authorizer,
which sees a single header, so the access cookie of cookie mode could never reach it; API Gateway caches its
verdict per token (300 s by default), answers a refusal with its own ``{"message": "Unauthorized"}`` instead of
this API's error body, and runs it as a second Lambda with its own cold starts. `chalice local` and the chalice
test client only imitate that gateway. The route table marks a route protected and the edge
(:mod:`chalicelib.api.auth_routes`) calls :func:`authorize` before it parses the body: the same code path in
`chalice local`, the test client and AWS, and 401 answers in the same JSON shape as every other error.

Offline verification does not see revocation (a signed-out token verifies until it expires); the protected
routes then call Cognito with the token (GetUser, GlobalSignOut, ChangePassword), which refuses a revoked one.
The verifier is built lazily on first use and cached per (issuer, client id), so its JWKS cache survives
between invocations of a warm Lambda and nothing is fetched at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from chalicelib.api import cookies
from chalicelib.auth.jwt_verifier import (
    CognitoJwtVerifier,
    JwksFetchError,
    JwksValidationError,
    JwtError,
    JwtExpiredError,
    shared_verifier,
)
from chalicelib.observability import logger
from chalicelib.services.errors import InternalError, UnauthorizedError

MAX_TOKEN_CHARS: Final = 8192
MISSING_TOKEN: Final = "Access Token is required."
INVALID_TOKEN: Final = "Invalid Access Token"
EXPIRED_TOKEN: Final = "Access Token has expired"


@dataclass(frozen=True)
class Principal:
    """The caller of a protected route: the verified access token and its claims."""

    access_token: str
    claims: dict[str, Any]
    from_cookie: bool


def verifier(issuer: str, client_id: str) -> CognitoJwtVerifier:
    """The access-token verifier of one issuer and app client, built on first use."""
    return shared_verifier(issuer, client_id)


def presented_token(headers: Mapping[str, str]) -> tuple[str, bool] | None:
    """The access token and whether it came from the cookie; the Authorization header wins."""
    authorization = headers.get("authorization")
    if authorization is not None:
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise UnauthorizedError(INVALID_TOKEN)
        return token, False
    token = cookies.parse(headers.get("cookie")).get(cookies.ACCESS_COOKIE)
    return (token, True) if token else None


def authorize(headers: Mapping[str, str], *, issuer: str, client_id: str) -> Principal:
    """Verify the presented access token, or raise UnauthorizedError (401) / InternalError (JWKS unreachable)."""
    presented = presented_token(headers)
    if presented is None:
        raise UnauthorizedError(MISSING_TOKEN, error=None)
    token, from_cookie = presented
    if len(token) > MAX_TOKEN_CHARS:
        raise UnauthorizedError(INVALID_TOKEN)
    try:
        claims = verifier(issuer, client_id).verify(token)
    except JwtExpiredError:
        raise UnauthorizedError(EXPIRED_TOKEN) from None
    except (JwksFetchError, JwksValidationError):
        logger.exception("JWKS unavailable", extra={"issuer": issuer})
        raise InternalError() from None
    except JwtError as err:
        logger.info("access token refused", extra={"reason": type(err).__name__})
        raise UnauthorizedError(INVALID_TOKEN) from None
    return Principal(access_token=token, claims=claims, from_cookie=from_cookie)

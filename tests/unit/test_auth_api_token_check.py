"""The authorizer's wiring: nothing is built at import time; one verifier per issuer and client, configured
for access tokens of that client; where the token is taken from."""

from __future__ import annotations

import subprocess
import sys

import pytest

from chalicelib.api import authorizer
from chalicelib.services.errors import UnauthorizedError
from tests.conftest import ROOT

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI"


def test_importing_the_api_builds_no_verifier_and_no_client():
    code = ("import chalicelib.api.auth_routes, chalicelib.auth.jwt_verifier as a, chalicelib.aws as w; "
            "print(len(a.SHARED), len(w._clients))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                            env={"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "us-east-1"})
    assert result.stdout.split() == ["0", "0"]


def test_one_verifier_per_issuer_and_client():
    first = authorizer.verifier(ISSUER, "client-a")
    assert authorizer.verifier(ISSUER, "client-a") is first
    assert authorizer.verifier(ISSUER, "client-b") is not first
    assert authorizer.verifier(ISSUER.replace("AbCdEfGhI", "ZyXwVuTsR"), "client-a") is not first
    assert (first.issuer, first.token_use, first.client_ids) == (ISSUER, "access", frozenset({"client-a"}))


@pytest.mark.parametrize(("headers", "expected"), [
    ({}, None),
    ({"authorization": "Bearer abc"}, ("abc", False)),
    ({"authorization": "bearer  abc "}, ("abc", False)),
    ({"cookie": "__Host-access=xyz; other=1"}, ("xyz", True)),
    ({"authorization": "Bearer abc", "cookie": "__Host-access=xyz"}, ("abc", False)),
    ({"cookie": "__Host-id=xyz"}, None),
])
def test_presented_token(headers, expected):
    assert authorizer.presented_token(headers) == expected


@pytest.mark.parametrize("value", ["Basic abc", "Bearer", "Token abc", ""])
def test_a_non_bearer_authorization_header_is_refused(value):
    with pytest.raises(UnauthorizedError):
        authorizer.presented_token({"authorization": value})

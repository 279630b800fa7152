"""HTTP endpoints of the local Cognito Identity, registered on the Chalice app in stage local only:
``POST /cognito-identity`` (AWS JSON 1.1, ``X-Amz-Target: AWSCognitoIdentityService.<Action>``, with the
same CORS as ``/cognito-idp`` so the JS SDK works from a browser) and the JWKS of its OpenID tokens."""

from __future__ import annotations

import json
from typing import Any

from chalice import Response

import emulator
from emulator.identity import openid, state
from emulator.operations import load
from emulator.protocol import Service
from emulator.routes import CORS

COGNITO_IDENTITY = Service(target_prefix="AWSCognitoIdentityService", model="cognito-identity",
                           operations=load(model="cognito-identity", package="emulator.identity.operations"))


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None,
          content_type: str = "application/json") -> Response:
    return Response(body=json.dumps(body), status_code=status,
                    headers={"Content-Type": content_type, **(headers or {})})


def register(app: Any) -> None:
    @app.route("/cognito-identity", methods=["POST"], content_types=["*/*"], cors=CORS)
    def cognito_identity() -> Response:
        stack = emulator.stack()
        stack.start()
        request = app.current_request
        source_ip = (request.context.get("identity") or {}).get("sourceIp", "127.0.0.1")
        status, body, headers = COGNITO_IDENTITY.dispatch(stack.emulator, request.headers, request.raw_body,
                                                          source_ip)
        return _json(body, status, headers, content_type="application/x-amz-json-1.1")

    @app.route("/cognito-identity/.well-known/jwks.json", methods=["GET"], cors=True)
    def cognito_identity_jwks() -> Response:
        return _json(openid.jwks(state.of(emulator.EMULATOR)))

"""HTTP endpoints of the local stack, registered on the Chalice app in stage local only."""

from __future__ import annotations

import json
from typing import Any

from chalice import CORSConfig, Response

import emulator
from emulator import tokens
from emulator.operations import load
from emulator.protocol import Service

CORS = CORSConfig(
    allow_origin="*",
    allow_headers=["X-Amz-Target", "X-Amz-User-Agent", "X-Amz-Content-Sha256", "Cache-Control",
                   "amz-sdk-invocation-id", "amz-sdk-request"],
    expose_headers=["x-amzn-RequestId", "x-amzn-ErrorType"],
    max_age=600,
)

COGNITO_IDP = Service(target_prefix="AWSCognitoIdentityProviderService", model="cognito-idp", operations=load())


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None,
          content_type: str = "application/json") -> Response:
    return Response(body=json.dumps(body), status_code=status,
                    headers={"Content-Type": content_type, **(headers or {})})


def register(app: Any) -> None:
    @app.route("/cognito-idp", methods=["POST"], content_types=["*/*"], cors=CORS)
    def cognito_idp() -> Response:
        stack = emulator.stack()
        stack.start()
        request = app.current_request
        source_ip = (request.context.get("identity") or {}).get("sourceIp", "127.0.0.1")
        status, body, headers = COGNITO_IDP.dispatch(stack.emulator, request.headers, request.raw_body, source_ip)
        return _json(body, status, headers, content_type="application/x-amz-json-1.1")

    @app.route("/cognito-idp/{pool_id}/.well-known/jwks.json", methods=["GET"], cors=True)
    def jwks(pool_id: str) -> Response:
        pool = emulator.EMULATOR.store.pools.get(pool_id)
        if pool is None:
            return _json({"message": f"User pool {pool_id} does not exist."}, 404)
        return _json(tokens.jwks(pool))

    @app.route("/cognito-idp/{pool_id}/.well-known/openid-configuration", methods=["GET"], cors=True)
    def openid_configuration(pool_id: str) -> Response:
        if pool_id not in emulator.EMULATOR.store.pools:
            return _json({"message": f"User pool {pool_id} does not exist."}, 404)
        issuer = emulator.EMULATOR.issuer(pool_id)
        return _json({
            "issuer": issuer,
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "token"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "claims_supported": ["sub", "email", "email_verified", "phone_number", "phone_number_verified",
                                 "cognito:username", "cognito:groups"],
        })

    @app.route("/local/config", methods=["GET"], cors=True)
    def local_config() -> Response:
        stack = emulator.stack()
        stack.start()
        return _json(stack.config())

    @app.route("/local/outbox", methods=["GET"], cors=True)
    def local_outbox() -> Response:
        stack = emulator.stack()
        stack.start()
        return _json(stack.outbox())

    @app.route("/local/invocations", methods=["GET"], cors=True)
    def local_invocations() -> Response:
        return _json(list(reversed(emulator.EMULATOR.triggers.log.entries())))

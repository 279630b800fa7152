"""UpdateUserPoolClient: replaces the app client's configuration, as Cognito does ("If you don't provide a
value for an attribute, Amazon Cognito sets it to its default value"): a setting the request leaves out goes
back to its default (ExplicitAuthFlows to ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH and ALLOW_CUSTOM_AUTH,
PreventUserExistenceErrors to LEGACY, EnableTokenRevocation to true, ID and access tokens to 1 hour, refresh
tokens to 30 days, AuthSessionValidity to 3 minutes, ReadAttributes and WriteAttributes to none named, that
is every attribute, and no OAuth settings). The client keeps its id, CreationDate and secret (and how the
secret is managed when PublishSecretsInAWSSecretsManager is left out), and its name when ClientName is left
out; LastModifiedDate becomes now. The checks of CreateUserPoolClient apply. Tokens already issued keep
their expiry.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserPoolClient.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import Context
from emulator.operations._pool_shapes import client_type, known_members, validate_client_config

_KEPT = ("ClientSecret", "PublishSecretsInAWSSecretsManager")


def handle(ctx: Context, request: dict[str, Any]) -> dict[str, Any]:
    pool, client = ctx.pool_client(request["UserPoolId"], request["ClientId"])
    validate_client_config(request)
    config = known_members("UpdateUserPoolClient", request, drop=("UserPoolId", "ClientId", "ClientName"))
    with ctx.store.lock:
        config.update({k: client.config[k] for k in _KEPT if k in client.config and k not in config})
        client.config = config
        client.name = request.get("ClientName") or client.name
        client.modified = ctx.now()
    return {"UserPoolClient": client_type(client, pool)}

"""One module per Cognito Identity action (AWSCognitoIdentityService), named after it in snake_case
(`get_credentials_for_identity.py` for GetCredentialsForIdentity), each exposing
`handle(ctx, request) -> dict`; discovered by `emulator.operations.load(model="cognito-identity",
package="emulator.identity.operations")`. Any other action is answered UnsupportedOperationException."""

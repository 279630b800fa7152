"""The local Cognito Identity (identity pools): AWS JSON 1.1 on `POST /cognito-identity`, so
`boto3.client("cognito-identity", endpoint_url=...)` and the JS SDK work unchanged.

- state.py: identity pools, identities, linked logins; operations/: one module per action.
- logins.py: the Logins map verified (signature, iss, aud, expiry); roles.py: Cognito's role resolution;
  tags.py: principal tags; openid.py: Cognito Identity's OpenID tokens; sts.py: AssumeRoleWithWebIdentity.
- moto_iam.py: IAM enforced in the local stack's moto; provision.py: the demo's admin, roles, bucket, table.
- routes.py: the HTTP endpoints.
"""

"""The STS half of the enhanced flow: AssumeRoleWithWebIdentity against the local stack's moto, as Cognito
calls it for GetCredentialsForIdentity (https://docs.aws.amazon.com/cognito/latest/developerguide/
authentication-flow.html): session name ``CognitoIdentityCredentials``, one hour, the identity's OpenID
token, and, for an unauthenticated identity, Cognito's scope-down session policy
(AmazonCognitoUnAuthedIdentitiesSessionPolicy, version 3, below), so a guest's credentials reach no more
than the intersection of their role and that policy: no S3, no DynamoDB.

STS's refusal (trust policy, unknown role) becomes InvalidIdentityPoolConfigurationException, as in
Cognito; an unreachable STS, ExternalServiceException.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from emulator.identity.errors import ExternalServiceException, InvalidIdentityPoolConfigurationException

SESSION_NAME = "CognitoIdentityCredentials"
CREDENTIALS_SECONDS = 3600

# arn:aws:iam::aws:policy/AmazonCognitoUnAuthedIdentitiesSessionPolicy, v3 (AWS managed-policy reference).
UNAUTHENTICATED_SESSION_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "CognitoUnAuthedIdentitiesSessionPolicy",
        "Effect": "Allow",
        "Action": [
            "rum:PutRumEvents", "sagemaker:InvokeEndpoint", "polly:*", "comprehend:*", "translate:*",
            "transcribe:*", "rekognition:*", "mobiletargeting:*", "firehose:*", "personalize:*", "geo:GetMap*",
            "geo:SearchPlaceIndex*", "geo:GetPlace", "geo:CalculateRoute*", "geo:*Geofence", "geo:*Geofences",
            "geo:*DevicePosition*", "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptTo", "kms:ReEncryptFrom",
            "kms:GenerateDataKey", "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext",
            "kms:GenerateDataKeyWithoutPlaintext",
        ],
        "Resource": "*",
    }],
}

_CONFIG = Config(connect_timeout=2, read_timeout=10, retries={"max_attempts": 1})
_lock = threading.Lock()
_clients: dict[str, Any] = {}


def _client(endpoint: str, region: str) -> Any:
    key = f"{endpoint}|{region}"
    client = _clients.get(key)
    if client is None:
        with _lock:
            client = _clients.get(key)
            if client is None:
                # AssumeRoleWithWebIdentity is unsigned; the credentials only satisfy botocore's constructor.
                client = _clients[key] = boto3.session.Session().client(
                    "sts", endpoint_url=endpoint, region_name=region, config=_CONFIG,
                    aws_access_key_id="unsigned", aws_secret_access_key="unsigned")
    return client


def assume_role(endpoint: str, region: str, role_arn: str, token: str, *, unauthenticated: bool) -> dict[str, Any]:
    """Credentials in GetCredentialsForIdentity's shape (Expiration as epoch seconds)."""
    params: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": SESSION_NAME, "WebIdentityToken": token,
                              "DurationSeconds": CREDENTIALS_SECONDS}
    if unauthenticated:
        params["Policy"] = json.dumps(UNAUTHENTICATED_SESSION_POLICY, separators=(",", ":"))
    try:
        credentials = _client(endpoint, region).assume_role_with_web_identity(**params)["Credentials"]
    except ClientError:
        raise InvalidIdentityPoolConfigurationException() from None
    except BotoCoreError:
        raise ExternalServiceException() from None
    expiration = credentials["Expiration"]
    return {"AccessKeyId": credentials["AccessKeyId"], "SecretKey": credentials["SecretAccessKey"],
            "SessionToken": credentials["SessionToken"],
            "Expiration": expiration.timestamp() if isinstance(expiration, datetime) else expiration}

"""The AWS SDK for JavaScript v3 against the local identity pool (tests/js/identity_flow.test.mjs): a user of
group `admins` and a member of the demo pool, signed in with amazon-cognito-identity-js, get credentials
with GetId + GetCredentialsForIdentity and fromCognitoIdentityPool that moto honours for exactly what their
role allows; a guest gets the unauthenticated role; a tampered or malformed token is refused.

`make test` installs tests/js/node_modules with `npm ci --prefix tests/js` before pytest runs.
"""

from __future__ import annotations

import re
import time
from typing import Any

from tests.e2e.conftest import PASSWORD, RunningStack, unique
from tests.e2e.test_js_sdk import installed_sdk_version, node_binary, run_node_tests

PACKAGES = ("@aws-sdk/client-cognito-identity", "@aws-sdk/client-dynamodb", "@aws-sdk/client-s3",
            "@aws-sdk/client-sts", "@aws-sdk/credential-providers", "amazon-cognito-identity-js")


def demo_user(idp: Any, config: dict[str, Any], groups: tuple[str, ...] = ()) -> str:
    username = unique("js-id")
    idp.sign_up(ClientId=config["clientId"], Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    idp.admin_confirm_sign_up(UserPoolId=config["userPoolId"], Username=username)
    for group in groups:
        idp.admin_add_user_to_group(UserPoolId=config["userPoolId"], Username=username, GroupName=group)
    return username


def test_js_sdk_v3_exchanges_tokens_for_credentials_that_moto_enforces(stack: RunningStack, idp: Any) -> None:
    node = node_binary()
    for package in PACKAGES:
        installed_sdk_version(package)
    config = stack.config
    started = time.perf_counter()
    tap = run_node_tests(node, "identity_flow.test.mjs", minimum=5, timeout=120, env={
        "COGWORKS_BASE_URL": stack.base_url,
        "COGWORKS_ADMIN_USERNAME": demo_user(idp, config, ("admins",)),
        "COGWORKS_MEMBER_USERNAME": demo_user(idp, config),
        "COGWORKS_PASSWORD": PASSWORD,
    })
    elapsed = time.perf_counter() - started
    assert re.search(r"^# pass [5-9]\d*$", tap, re.MULTILINE), tap
    print(f"identity_flow.test.mjs: {elapsed:.1f} s")

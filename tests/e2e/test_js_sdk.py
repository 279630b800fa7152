"""amazon-cognito-identity-js against the local stack: Node runs tests/js unchanged, and a browser's CORS
checks on /cognito-idp would pass for the requests that SDK sends.

`make test` installs tests/js/node_modules with `npm ci --prefix tests/js` before pytest runs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import requests

from tests.e2e.conftest import PASSWORD, unique

JS_DIR = Path(__file__).resolve().parent.parent / "js"
SDK = "amazon-cognito-identity-js"
ORIGIN = "http://localhost:5173"
# What the SDK's Client.request sends besides the CORS-safelisted ones (src/Client.js).
SDK_HEADERS = {
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": "AWSCognitoIdentityProviderService.GetUser",
    "X-Amz-User-Agent": "aws-amplify/5.0.4 js",
    "Cache-Control": "no-store",
}


def node_binary() -> str:
    node = shutil.which("node")
    assert node, "node is not on PATH: the amazon-cognito-identity-js tests need Node.js 20 or newer"
    major = int(subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
                .stdout.strip().lstrip("v").split(".")[0])
    assert major >= 20, f"Node.js {major} found; these tests need 20 or newer (global fetch, node --test)"
    return node


def installed_sdk_version(package: str = SDK) -> str:
    """The installed version of a package of tests/js, which must be the one package.json pins."""
    pinned = json.loads((JS_DIR / "package.json").read_text())["dependencies"][package]
    installed = JS_DIR / "node_modules" / package / "package.json"
    assert installed.exists(), ("tests/js/node_modules is missing: run `npm ci --prefix tests/js` "
                                "(`make test` does it)")
    version = json.loads(installed.read_text())["version"]
    assert version == pinned, f"{package} {version} is installed, {pinned} is pinned: run `npm ci --prefix tests/js`"
    return version


def run_node_tests(node: str, test_file: str, env: dict[str, str], minimum: int, timeout: float = 100) -> str:
    """``node --test`` on one file of tests/js (a file path works the same on Node 20 and 22+); every test
    passes and there are at least ``minimum``. Returns the TAP output."""
    run = subprocess.run([node, "--test", "--test-reporter=tap", test_file], cwd=JS_DIR,
                         env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout, check=False)
    output = f"{run.stdout}\n{run.stderr}"
    assert run.returncode == 0, f"node --test {test_file} failed (exit {run.returncode}):\n{output}"
    counts = {name: int(n) for name, n in re.findall(r"^# (tests|pass|fail) (\d+)$", run.stdout, re.MULTILINE)}
    assert counts.get("fail") == 0 and counts.get("tests", 0) >= minimum and counts["pass"] == counts["tests"], output
    return run.stdout


def test_sdk_signs_up_confirms_signs_in_refreshes_and_signs_out(stack):
    node = node_binary()
    installed_sdk_version()
    run_node_tests(node, "sdk_flow.test.mjs", minimum=12, env={
        "COGWORKS_BASE_URL": stack.base_url, "COGWORKS_USER_POOL_ID": stack.config["userPoolId"],
        "COGWORKS_CLIENT_ID": stack.config["clientId"]})


def allowed_headers(response: requests.Response) -> set[str]:
    return {h.strip().lower() for h in response.headers.get("Access-Control-Allow-Headers", "").split(",")}


def test_browser_preflight_for_the_sdk_request_is_allowed(stack):
    preflight = requests.options(stack.idp_url, timeout=10, headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": ",".join(sorted(h.lower() for h in SDK_HEADERS)),
    })
    assert 200 <= preflight.status_code < 300
    assert preflight.headers.get("Access-Control-Allow-Origin") in ("*", ORIGIN)
    assert "POST" in {m.strip() for m in preflight.headers.get("Access-Control-Allow-Methods", "").split(",")}
    allowed = allowed_headers(preflight)
    assert "*" in allowed or {h.lower() for h in SDK_HEADERS} <= allowed, allowed


def test_browser_may_read_success_and_error_responses(stack):
    """The SDK parses the body of an error (its `__type`), so errors need the CORS headers too."""
    headers = {**SDK_HEADERS, "Origin": ORIGIN}
    error = requests.post(stack.idp_url, timeout=10, headers=headers, data=json.dumps({"AccessToken": "x"}))
    assert error.status_code == 400
    assert error.json() == {"__type": "NotAuthorizedException", "message": "Invalid Access Token"}
    assert error.headers.get("Access-Control-Allow-Origin") in ("*", ORIGIN)
    exposed = {h.strip().lower() for h in error.headers.get("Access-Control-Expose-Headers", "").split(",")}
    assert "x-amzn-errortype" in exposed
    username = unique("cors")
    sign_up = {"ClientId": stack.config["clientId"], "Username": username, "Password": PASSWORD,
               "UserAttributes": [{"Name": "email", "Value": f"{username}@example.com"}]}
    ok = requests.post(stack.idp_url, timeout=10, data=json.dumps(sign_up),
                       headers={**headers, "X-Amz-Target": "AWSCognitoIdentityProviderService.SignUp"})
    assert ok.status_code == 200
    assert ok.json()["UserConfirmed"] is False
    assert ok.headers.get("Access-Control-Allow-Origin") in ("*", ORIGIN)

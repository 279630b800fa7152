"""The wire protocol of POST /cognito-idp (AWS JSON 1.1), driven with raw HTTP: bad input of every kind gets
a 4xx with Cognito's error type and AWS's wording, never a 5xx or a stack trace, and the server keeps serving;
botocore maps the answers to its modeled exceptions; CORS lets a browser SDK call it; keep-alive does not stall.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of, unique

TARGET = "AWSCognitoIdentityProviderService."
AMZ_JSON = "application/x-amz-json-1.1"


def post(stack: Any, action: str | None, body: bytes | str, *, content_type: str | None = AMZ_JSON,
         headers: dict[str, str] | None = None) -> requests.Response:
    sent: dict[str, str] = dict(headers or {})
    if content_type is not None:
        sent["Content-Type"] = content_type
    if action is not None:
        sent["X-Amz-Target"] = action if "." in action or action.startswith("AWS") else TARGET + action
    data = body.encode() if isinstance(body, str) else body
    return requests.post(stack.idp_url, data=data, headers=sent, timeout=10)


def error(response: requests.Response) -> tuple[int, str, str]:
    body = response.json()
    assert set(body) == {"__type", "message"}
    assert response.headers["x-amzn-ErrorType"] == body["__type"]
    assert response.headers["Content-Type"] == AMZ_JSON
    assert "Traceback" not in response.text
    return response.status_code, body["__type"], body["message"]


def still_serving(stack: Any, seeded: dict[str, Any]) -> None:
    response = post(stack, "DescribeUserPool", json.dumps({"UserPoolId": seeded["userPoolId"]}))
    assert response.status_code == 200
    assert response.json()["UserPool"]["Id"] == seeded["userPoolId"]


def serialization(message: str) -> tuple[int, str, str]:
    return 400, "SerializationException", message


def invalid(message: str) -> tuple[int, str, str]:
    return 400, "InvalidParameterException", message


@pytest.mark.parametrize(("body", "expected"), [
    (b"{bad", serialization("The request body is not valid JSON.")),
    (b"[]", serialization("The request body must be a JSON object.")),
    (b'"UserPoolId"', serialization("The request body must be a JSON object.")),
    (b"null", serialization("The request body must be a JSON object.")),
    (b'{"UserPoolId": "\xff\xfe"}', serialization("The request body is not valid UTF-8.")),
    ('{"UserPoolId": "x"}'.encode("utf-16"), serialization("The request body is not valid UTF-8.")),
    (b"[" * 100_000, serialization("The request body is not valid JSON.")),
    (b'{"UserPoolId": ' + b"1" * 5000 + b"}", serialization("The request body is not valid JSON.")),
    (b'{"UserPoolId": "us-east-1_\\ud800"}', serialization("The request body is not valid JSON.")),
    (b'{"UserPoolId": 5}', serialization("NUMBER_VALUE can not be converted to String")),
    (b'{"UserPoolId": true}', serialization("BOOLEAN_VALUE can not be converted to String")),
    (b'{"UserPoolId": ["us-east-1_x"]}', serialization("Start of list found where not expected")),
    (b"", invalid("1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: "
                  "Member must not be null")),
    (b"{}", invalid("1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: "
                    "Member must not be null")),
    (b'{"UserPoolId": null}', invalid("1 validation error detected: Value null at 'userPoolId' failed to "
                                      "satisfy constraint: Member must not be null")),
    (b'{"UserPoolId": "no-underscore"}', invalid(
        "1 validation error detected: Value 'no-underscore' at 'userPoolId' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+")),
    # \w is ASCII in AWS's (Java/ECMA) patterns
    ('{"UserPoolId": "us-east-1_caf\u00e9"}'.encode(), invalid(
        "1 validation error detected: Value 'us-east-1_caf\u00e9' at 'userPoolId' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+")),
])
def test_bad_describe_user_pool_bodies_get_a_4xx_and_the_server_keeps_serving(stack, seeded, body, expected):
    assert error(post(stack, "DescribeUserPool", body)) == expected
    still_serving(stack, seeded)


def test_body_over_one_mebibyte_is_refused(stack, seeded):
    padding = " " * (1024 * 1024)
    body = '{"UserPoolId": "' + seeded["userPoolId"] + '"' + padding + "}"
    assert error(post(stack, "DescribeUserPool", body)) == serialization(
        "Request body is larger than 1048576 bytes.")
    still_serving(stack, seeded)


def test_body_of_exactly_one_mebibyte_is_accepted(stack, seeded):
    head = '{"UserPoolId": "' + seeded["userPoolId"] + '"'
    body = head + " " * (1024 * 1024 - len(head) - 1) + "}"
    assert len(body) == 1024 * 1024
    assert post(stack, "DescribeUserPool", body).status_code == 200


@pytest.mark.parametrize(("members", "expected"), [
    ({"Username": 5, "Password": PASSWORD}, serialization("NUMBER_VALUE can not be converted to String")),
    ({"Username": "u", "Password": PASSWORD, "ClientId": {"a": 1}},
     serialization("Start of structure or map found where not expected.")),
    ({"Username": "u", "Password": PASSWORD, "UserAttributes": {"Name": "email"}},
     serialization("Start of structure or map found where not expected.")),
    ({"Username": "u", "Password": PASSWORD, "UserAttributes": "email"},
     serialization("STRING_VALUE can not be converted to List")),
    ({"Username": "u", "Password": PASSWORD, "ClientMetadata": {"k": 1}},
     serialization("NUMBER_VALUE can not be converted to String")),
    ({"Password": PASSWORD}, invalid("1 validation error detected: Value null at 'username' failed to satisfy "
                                     "constraint: Member must not be null")),
    ({"Username": "a" * 129, "Password": PASSWORD}, invalid(
        "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have "
        "length less than or equal to 128")),
    ({"Username": "", "Password": PASSWORD}, invalid(
        "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have "
        "length greater than or equal to 1")),
    ({"Username": "u", "Password": "A" * 257}, invalid(
        "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have "
        "length less than or equal to 256")),
    ({"Username": "has space", "Password": PASSWORD}, invalid(
        "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy "
        "regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+")),
    ({"Username": "u", "Password": "has space 1A"}, invalid(
        "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy "
        "regular expression pattern: [\\S]+")),
    ({"Username": "a" * 129, "Password": "A" * 257}, invalid(
        "2 validation errors detected: Value at 'username' failed to satisfy constraint: Member must have "
        "length less than or equal to 128; Value at 'password' failed to satisfy constraint: Member must "
        "have length less than or equal to 256")),
    ({"Username": "u", "Password": PASSWORD, "UserAttributes": [{"Value": "x"}]}, invalid(
        "1 validation error detected: Value null at 'userAttributes.1.member.name' failed to satisfy "
        "constraint: Member must not be null")),
])
def test_bad_sign_up_members_get_aws_validation_errors(stack, seeded, members, expected):
    body = {"ClientId": seeded["clientId"], **members}
    assert error(post(stack, "SignUp", json.dumps(body))) == expected
    still_serving(stack, seeded)


def test_validation_messages_never_echo_sensitive_values(stack, seeded):
    secret = "Sensitive Secret 1!"
    body = {"ClientId": seeded["clientId"], "Username": "a" * 129, "Password": secret * 20}
    status, code, message = error(post(stack, "SignUp", json.dumps(body)))
    assert (status, code) == (400, "InvalidParameterException")
    assert "aaaa" not in message
    assert "Sensitive" not in message
    assert seeded["clientId"] not in message


def test_enum_violation_names_the_allowed_values(stack, seeded):
    body = {"ClientId": seeded["clientId"], "AuthFlow": "NOPE", "AuthParameters": {}}
    assert error(post(stack, "InitiateAuth", json.dumps(body))) == invalid(
        "1 validation error detected: Value 'NOPE' at 'authFlow' failed to satisfy constraint: Member must "
        "satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, "
        "ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]")
    still_serving(stack, seeded)


def test_nested_integer_range_uses_the_member_path(stack, seeded):
    body = {"PoolName": "p", "Policies": {"PasswordPolicy": {"MinimumLength": 5}}}
    assert error(post(stack, "CreateUserPool", json.dumps(body))) == invalid(
        "1 validation error detected: Value '5' at 'policies.passwordPolicy.minimumLength' failed to satisfy "
        "constraint: Member must have value greater than or equal to 6")


def test_catastrophic_pattern_input_is_bounded(stack, seeded):
    """EmailVerificationMessageByLink's pattern backtracks quadratically; a 20,000-char hostile value must
    neither hang the server nor pass."""
    body = {"PoolName": "p", "VerificationMessageTemplate": {"EmailMessageByLink": "{##" * 6666}}
    started = time.perf_counter()
    status, code, message = error(post(stack, "CreateUserPool", json.dumps(body)))
    assert time.perf_counter() - started < 3
    assert (status, code) == (400, "InvalidParameterException")
    assert message.startswith("1 validation error detected: Value '{##{##")
    assert message.endswith("at 'verificationMessageTemplate.emailMessageByLink' failed to satisfy constraint: "
                            "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*"
                            "\\{##[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*##\\}[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*")
    still_serving(stack, seeded)


@pytest.mark.parametrize(("target", "expected"), [
    ("Foo.DescribeUserPool", (400, "UnknownOperationException", "Unknown operation: 'Foo.DescribeUserPool'.")),
    (TARGET + "NoSuchThing", (400, "UnknownOperationException",
                              f"Unknown operation: '{TARGET}NoSuchThing'.")),
    (TARGET.rstrip("."), (400, "UnknownOperationException",
                          "Unknown operation: 'AWSCognitoIdentityProviderService'.")),
    (TARGET + "CreateUserPoolDomain", (
        400, "UnsupportedOperationException",
        "CreateUserPoolDomain is not supported by this local Cognito (cogworks emulator).")),
    (TARGET + "AdminLinkProviderForUser", (
        400, "UnsupportedOperationException",
        "AdminLinkProviderForUser is not supported by this local Cognito (cogworks emulator).")),
])
def test_unknown_and_unsupported_targets(stack, seeded, target, expected):
    assert error(post(stack, target, b"{}")) == expected
    still_serving(stack, seeded)


def test_missing_target_header(stack, seeded):
    assert error(post(stack, None, b"{}")) == (400, "UnknownOperationException", "Unknown operation: ''.")


@pytest.mark.parametrize(("content_type", "shown"), [("text/plain", "text/plain"), (None, "none"),
                                                     ("application/xml", "application/xml")])
def test_wrong_or_missing_content_type(stack, seeded, content_type, shown):
    body = json.dumps({"UserPoolId": seeded["userPoolId"]})
    assert error(post(stack, "DescribeUserPool", body, content_type=content_type)) == serialization(
        f"Unsupported content type '{shown}': use application/x-amz-json-1.1.")
    still_serving(stack, seeded)


@pytest.mark.parametrize("content_type", ["application/x-amz-json-1.1; charset=utf-8",
                                          "application/x-amz-json-1.0", "application/json"])
def test_json_content_types_are_accepted(stack, seeded, content_type):
    body = json.dumps({"UserPoolId": seeded["userPoolId"]})
    assert post(stack, "DescribeUserPool", body, content_type=content_type).status_code == 200


def test_malformed_body_with_application_json_is_still_cognitos_error(stack, seeded):
    assert error(post(stack, "DescribeUserPool", b"{bad", content_type="application/json")) == serialization(
        "The request body is not valid JSON.")


def test_success_carries_request_id_and_content_type(stack, seeded):
    response = post(stack, "DescribeUserPool", json.dumps({"UserPoolId": seeded["userPoolId"]}))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == AMZ_JSON
    assert len(response.headers["x-amzn-RequestId"]) == 36
    assert "x-amzn-ErrorType" not in response.headers


def test_botocore_raises_modeled_exceptions(stack, seeded):
    """With client-side validation off, boto3 sends what a buggy SDK would, and gets Cognito's exceptions."""
    client = _client_without_validation(stack)
    with pytest.raises(client.exceptions.InvalidParameterException) as exc:
        client.sign_up(ClientId=seeded["clientId"], Username="a" * 129, Password=PASSWORD)
    assert error_of(exc) == ("InvalidParameterException", "1 validation error detected: Value at 'username' "
                             "failed to satisfy constraint: Member must have length less than or equal to 128")
    with pytest.raises(client.exceptions.InvalidParameterException) as exc:
        client.initiate_auth(ClientId=seeded["clientId"], AuthFlow="NOPE", AuthParameters={})
    assert error_of(exc)[1].startswith("1 validation error detected: Value 'NOPE' at 'authFlow'")
    with pytest.raises(client.exceptions.UnsupportedOperationException) as exc:
        client.create_user_pool_domain(Domain="example", UserPoolId="us-east-1_AAAAAAAAA")
    assert error_of(exc) == ("UnsupportedOperationException",
                             "CreateUserPoolDomain is not supported by this local Cognito (cogworks emulator).")
    with pytest.raises(client.exceptions.ResourceNotFoundException) as exc:
        client.describe_user_pool(UserPoolId="us-east-1_AAAAAAAAA")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_AAAAAAAAA does not exist.")
    # Not in the cognito-idp model, so botocore has no class for it: a plain ClientError with the code.
    with pytest.raises(ClientError) as exc:
        client.sign_up(ClientId=seeded["clientId"], Username=5, Password=PASSWORD)
    assert error_of(exc) == ("SerializationException", "NUMBER_VALUE can not be converted to String")
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def _client_without_validation(stack: Any) -> Any:
    import boto3

    return boto3.client("cognito-idp", endpoint_url=stack.idp_url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(retries={"max_attempts": 1}, parameter_validation=False))


def test_cors_preflight_from_a_browser_origin(stack):
    response = requests.options(stack.idp_url, timeout=10, headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-amz-target,x-amz-user-agent"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "http://localhost:3000")
    allowed = {h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"content-type", "x-amz-target", "x-amz-user-agent"} <= allowed
    assert "POST" in response.headers["Access-Control-Allow-Methods"].split(",")


def test_error_responses_are_readable_by_a_browser(stack):
    response = post(stack, "DescribeUserPool", json.dumps({"UserPoolId": "us-east-1_AAAAAAAAA"}),
                    headers={"Origin": "http://localhost:3000"})
    assert error(response) == (400, "ResourceNotFoundException", "User pool us-east-1_AAAAAAAAA does not exist.")
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "http://localhost:3000")
    exposed = {h.strip().lower() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"x-amzn-errortype", "x-amzn-requestid"} <= exposed


def test_keep_alive_does_not_stall(stack, seeded):
    """chalice local sends headers and body in two writes; without TCP_NODELAY a keep-alive client waits for
    the delayed ACK (~40 ms) on every request."""
    body = json.dumps({"UserPoolId": seeded["userPoolId"]})
    headers = {"Content-Type": AMZ_JSON, "X-Amz-Target": TARGET + "DescribeUserPool"}
    durations = []
    with requests.Session() as session:
        session.post(stack.idp_url, data=body, headers=headers, timeout=10)
        for _ in range(50):
            started = time.perf_counter()
            response = session.post(stack.idp_url, data=body, headers=headers, timeout=10)
            durations.append(time.perf_counter() - started)
            assert response.status_code == 200
    assert statistics.median(durations) < 0.015, f"p50 {statistics.median(durations) * 1000:.1f} ms"


def test_a_real_call_after_a_storm_of_bad_input(stack, idp, seeded):
    for body in (b"{", b"[]", b"\xff", b"{}" * 1000):
        assert post(stack, "SignUp", body).status_code == 400
    username = unique()
    result = idp.sign_up(ClientId=seeded["clientId"], Username=username, Password=PASSWORD,
                         UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    assert result["UserConfirmed"] is False

"""emulator.validation against botocore's cognito-idp model, without HTTP: required members, types, lengths,
ranges, enums and patterns, with AWS's wording, and sensitive values never echoed."""

from __future__ import annotations

import time

import pytest

from emulator import validation
from emulator.errors import InvalidParameterException, SerializationException

MODEL = "cognito-idp"


def problems(operation: str, params: dict) -> str:
    with pytest.raises(InvalidParameterException) as exc:
        validation.validate(MODEL, operation, params)
    return exc.value.message


def serialization(operation: str, params: dict) -> str:
    with pytest.raises(SerializationException) as exc:
        validation.validate(MODEL, operation, params)
    return exc.value.message


def one(detail: str) -> str:
    return f"1 validation error detected: {detail}"


OPERATIONS = sorted(validation.service_model(MODEL).operation_names)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_reports_exactly_its_required_members(operation):
    shape = validation.service_model(MODEL).operation_model(operation).input_shape
    required = list(shape.required_members) if shape is not None else []
    if not required:
        validation.validate(MODEL, operation, {})
        return
    message = problems(operation, {})
    noun = "error" if len(required) == 1 else "errors"
    details = [f"Value null at '{name[:1].lower() + name[1:]}' failed to satisfy constraint: Member must not be null"
               for name in required]
    assert message == f"{len(required)} validation {noun} detected: " + "; ".join(details)


def test_valid_input_passes_and_unknown_members_are_ignored():
    validation.validate(MODEL, "SignUp", {"ClientId": "abc123", "Username": "alice", "Password": "Pa55word!",
                                          "UserAttributes": [{"Name": "email", "Value": "a@example.com"}],
                                          "ClientMetadata": {"k": "v"}, "NotInTheModel": {"x": [1]}})


def test_string_lengths():
    assert problems("DescribeUserPool", {"UserPoolId": "us-east-1_" + "a" * 50}) == one(
        f"Value 'us-east-1_{'a' * 50}' at 'userPoolId' failed to satisfy constraint: Member must have length less "
        f"than or equal to 55")
    assert problems("CreateGroup", {"UserPoolId": "us-east-1_a", "GroupName": ""}) == one(
        "Value '' at 'groupName' failed to satisfy constraint: Member must have length greater than or equal to 1")


def test_an_overlong_value_is_not_also_matched_against_the_pattern():
    message = problems("CreateUserPoolClient", {"UserPoolId": "us-east-1_a", "ClientName": "é" * 129})
    assert message.endswith("Member must have length less than or equal to 128")
    assert message.startswith("1 validation error detected")


def test_integer_ranges_with_the_nested_path():
    params = {"PoolName": "p", "Policies": {"PasswordPolicy": {"MinimumLength": 100}}}
    assert problems("CreateUserPool", params) == one(
        "Value '100' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have "
        "value less than or equal to 99")


def test_enum():
    assert problems("CreateUserPool", {"PoolName": "p", "MfaConfiguration": "SOMETIMES"}) == one(
        "Value 'SOMETIMES' at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: "
        "[OFF, ON, OPTIONAL]")


def test_list_members_are_numbered_from_one():
    params = {"ClientId": "c", "Username": "u", "UserAttributes": [{"Name": "email", "Value": "x"}, {"Value": "y"}]}
    assert problems("SignUp", params) == one(
        "Value null at 'userAttributes.2.member.name' failed to satisfy constraint: Member must not be null")


def test_list_length():
    params = {"UserPoolId": "us-east-1_a", "ClientName": "c", "AllowedOAuthFlows": ["code"] * 4}
    assert problems("CreateUserPoolClient", params) == one(
        "Value at 'allowedOAuthFlows' failed to satisfy constraint: Member must have length less than or equal to 3")


def test_several_problems_are_counted_and_joined():
    assert problems("AdminGetUser", {"UserPoolId": "bad"}) == (
        "2 validation errors detected: Value null at 'username' failed to satisfy constraint: Member must not be "
        "null; Value 'bad' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression "
        "pattern: [\\w-]+_[0-9a-zA-Z]+")


@pytest.mark.parametrize(("operation", "params", "hidden"), [
    ("SignUp", {"ClientId": "c", "Username": "u" * 129}, "uuu"),
    ("SignUp", {"ClientId": "c", "Username": "u", "Password": "secret value"}, "secret"),
    ("SignUp", {"ClientId": "c" * 129, "Username": "u"}, "ccc"),
    ("SignUp", {"ClientId": "c", "Username": "u", "SecretHash": "not base64!"}, "base64"),
    ("SignUp", {"ClientId": "c", "Username": "u", "UserAttributes": [{"Name": "email", "Value": "v" * 2049}]}, "vvv"),
    ("InitiateAuth", {"ClientId": "c", "AuthFlow": "USER_PASSWORD_AUTH",
                      "AuthParameters": {"PASSWORD": "p" * 131073}}, "ppp"),
    ("RespondToAuthChallenge", {"ClientId": "c", "ChallengeName": "SMS_MFA",
                                "ChallengeResponses": {"ANSWER": "a" * 131073}}, "aaa"),
    ("GetUser", {"AccessToken": "bad token"}, "bad token"),
])
def test_sensitive_values_are_never_echoed(operation, params, hidden):
    message = problems(operation, params)
    assert message.startswith("1 validation error detected: Value at '")
    assert hidden not in message


def test_sensitive_map_values_hide_their_keys_too():
    params = {"ClientId": "c", "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"p" * 10: "p" * 131073}}
    assert problems("InitiateAuth", params) == one(
        "Value at 'authParameters.value' failed to satisfy constraint: Member must have length less than or equal "
        "to 131072")


def test_plain_map_values_name_their_key():
    params = {"ClientId": "c", "Username": "u", "ClientMetadata": {"k": "v" * 131073}}
    assert problems("SignUp", params).startswith("1 validation error detected: Value 'vvv")
    assert problems("SignUp", params).endswith(
        "at 'clientMetadata.k.value' failed to satisfy constraint: Member must have length less than or equal "
        "to 131072")


@pytest.mark.parametrize(("params", "message"), [
    ({"UserPoolId": 5}, "NUMBER_VALUE can not be converted to String"),
    ({"UserPoolId": 5.5}, "NUMBER_VALUE can not be converted to String"),
    ({"UserPoolId": True}, "BOOLEAN_VALUE can not be converted to String"),
    ({"UserPoolId": {"a": 1}}, "Start of structure or map found where not expected."),
    ({"UserPoolId": ["a"]}, "Start of list found where not expected"),
])
def test_wrong_scalar_types_are_serialization_errors(params, message):
    assert serialization("DescribeUserPool", params) == message


@pytest.mark.parametrize(("params", "message"), [
    ({"PoolName": "p", "Policies": {"PasswordPolicy": {"MinimumLength": "8"}}},
     "STRING_VALUE can not be converted to Integer"),
    ({"PoolName": "p", "Policies": {"PasswordPolicy": {"MinimumLength": True}}},
     "BOOLEAN_VALUE can not be converted to Integer"),
    ({"PoolName": "p", "Policies": {"PasswordPolicy": {"RequireNumbers": "true"}}},
     "STRING_VALUE can not be converted to Boolean"),
    ({"PoolName": "p", "Policies": "strict"}, "STRING_VALUE can not be converted to Structure"),
    ({"PoolName": "p", "AutoVerifiedAttributes": "email"}, "STRING_VALUE can not be converted to List"),
    ({"PoolName": "p", "UserPoolTags": ["a"]}, "Start of list found where not expected"),
    ({"PoolName": "p", "UserPoolTags": 1}, "NUMBER_VALUE can not be converted to Map"),
])
def test_wrong_nested_types_are_serialization_errors(params, message):
    assert serialization("CreateUserPool", params) == message


def test_word_classes_are_ascii_as_in_aws_patterns():
    assert problems("CreateUserPool", {"PoolName": "caf\u00e9"}) == one(
        "Value 'caf\u00e9' at 'poolName' failed to satisfy constraint: Member must satisfy regular expression "
        "pattern: [\\w\\s+=,.@-]+")
    # \p{L} stays Unicode: a username may be any letter.
    validation.validate(MODEL, "AdminGetUser", {"UserPoolId": "us-east-1_a", "Username": "caf\u00e9-\u00fc\u00df"})


@pytest.mark.parametrize(("expr", "expected"), [
    (r"[\w+=/,.@-]+", r"[a-zA-Z0-9_+=/,.@-]+"),
    (r"\w+_\d{3}", r"[a-zA-Z0-9_]+_[0-9]{3}"),
    (r"[\S]+", r"[\S]+"),
    (r"[^\s]+", r"[^\s]+"),
    (r"[]\w]", r"[]a-zA-Z0-9_]"),
    (r"[^]\w]", r"[^]a-zA-Z0-9_]"),
    (r"\[\w\]", r"\[[a-zA-Z0-9_]\]"),
    (r"[\p{L}\p{N}]+", r"[\p{L}\p{N}]+"),
])
def test_ascii_classes_rewrites_only_word_and_digit(expr, expected):
    assert validation.ascii_classes(expr) == expected


def test_every_model_pattern_compiles():
    model = validation.service_model(MODEL)
    patterns = {model.shape_for(n).metadata["pattern"] for n in model.shape_names
                if "pattern" in model.shape_for(n).metadata}
    assert patterns
    assert [p for p in patterns if validation._pattern(p) is None] == []


def test_a_catastrophically_backtracking_value_is_bounded_and_fails():
    params = {"PoolName": "p", "VerificationMessageTemplate": {"EmailMessageByLink": "{##" * 6666}}
    started = time.perf_counter()
    message = problems("CreateUserPool", params)
    assert time.perf_counter() - started < 2
    assert "at 'verificationMessageTemplate.emailMessageByLink' failed to satisfy constraint: Member must satisfy " \
           "regular expression pattern" in message


def test_a_short_value_is_never_refused_for_want_of_time(monkeypatch):
    # Twenty concurrent sign-ups once made a valid password miss the wall-clock budget waiting for the GIL.
    monkeypatch.setattr(validation, "PATTERN_TIMEOUT_SECONDS", 1e-9)
    validation.validate(MODEL, "SignUp", {"ClientId": "c" * 26, "Username": "ada", "Password": "Correct-Horse-9"})
    long_but_valid = "Click {##here##} " + "x" * validation.UNTIMED_MAX_CHARS
    assert "emailMessageByLink' failed to satisfy constraint" in problems(
        "CreateUserPool", {"PoolName": "p", "VerificationMessageTemplate": {"EmailMessageByLink": long_but_valid}})


def test_patterns_still_accept_what_they_describe():
    validation.validate(MODEL, "CreateUserPool", {
        "PoolName": "p", "VerificationMessageTemplate": {"EmailMessageByLink": "Click {##here##} to verify."},
        "SmsVerificationMessage": "Your code is {####}"})


def test_empty_string_is_judged_by_length_not_pattern():
    assert problems("AdminGetUser", {"UserPoolId": "us-east-1_a", "Username": ""}) == one(
        "Value at 'username' failed to satisfy constraint: Member must have length greater than or equal to 1")


def test_operation_exists():
    assert validation.operation_exists(MODEL, "InitiateAuth")
    assert validation.operation_exists(MODEL, "ListUserPools")
    assert not validation.operation_exists(MODEL, "NoSuchThing")


def test_a_flood_of_problems_is_counted_but_only_the_first_ten_listed():
    params = {"ClientId": "c", "Username": "u", "UserAttributes": [{"Value": "v"}] * 5000}
    message = problems("SignUp", params)
    assert message.startswith("5000 validation errors detected: Value null at 'userAttributes.1.member.name' "
                              "failed to satisfy constraint: Member must not be null; ")
    assert message.count("; ") == 9
    assert message.endswith("Value null at 'userAttributes.10.member.name' failed to satisfy constraint: Member "
                            "must not be null")

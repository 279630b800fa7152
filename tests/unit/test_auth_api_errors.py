"""Cognito's errors as the auth API answers them: known codes keep their name and get a fitting status; trigger
and delivery failures keep their code but not their message; anything unknown is a generic 500."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from chalicelib.api.errors import error_response
from chalicelib.services.errors import (
    GENERIC_INTERNAL_MESSAGE,
    GENERIC_UPSTREAM_MESSAGE,
    CognitoError,
    RequestValidationError,
    from_client_error,
)


def client_error(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "SignUp")


@pytest.mark.parametrize(("code", "status"), [
    ("NotAuthorizedException", 401), ("UsernameExistsException", 409), ("InvalidPasswordException", 400),
    ("CodeMismatchException", 400), ("ExpiredCodeException", 400), ("LimitExceededException", 429),
    ("TooManyRequestsException", 429), ("UserLambdaValidationException", 400), ("UserNotConfirmedException", 403),
    ("PasswordResetRequiredException", 403), ("InvalidParameterException", 400),
])
def test_known_codes_keep_name_and_message(code, status):
    error = from_client_error(client_error(code, "Cognito says so."))
    assert (error.code, error.status_code, error.message) == (code, status, "Cognito says so.")


@pytest.mark.parametrize("code", ["UnexpectedLambdaException", "InvalidLambdaResponseException",
                                  "CodeDeliveryFailureException"])
def test_trigger_and_delivery_failures_are_502_with_a_generic_message(code):
    error = from_client_error(client_error(code, "PreSignUp invocation failed due to error AccessDeniedException."))
    assert (error.code, error.status_code, error.message) == (code, 502, GENERIC_UPSTREAM_MESSAGE)


@pytest.mark.parametrize("code", ["ResourceNotFoundException", "InternalErrorException", "AccessDeniedException",
                                  "UnsupportedOperationException", ""])
def test_unknown_codes_are_a_generic_internal_error(code):
    error = from_client_error(client_error(code, "User pool us-east-1_X does not exist."))
    assert (error.code, error.status_code, error.message) == ("InternalError", 500, GENERIC_INTERNAL_MESSAGE)


def test_user_not_found_reads_as_a_wrong_password():
    error = from_client_error(client_error("UserNotFoundException", "User does not exist."))
    assert isinstance(error, CognitoError)
    assert (error.code, error.status_code, error.message) == ("NotAuthorizedException", 401,
                                                               "Incorrect username or password.")
    assert error.source_code == "UserNotFoundException"


def test_the_edge_answers_any_exception_without_leaking_it():
    response = error_response(KeyError("secret-internal-detail"))
    assert response.status_code == 500
    assert "secret-internal-detail" not in response.body
    assert response.body == f'{{"error":{{"code":"InternalError","message":"{GENERIC_INTERNAL_MESSAGE}"}}}}'


def test_the_edge_keeps_status_code_and_headers_of_api_errors():
    response = error_response(RequestValidationError("username: is required"))
    assert (response.status_code, response.body) == (
        400, '{"error":{"code":"ValidationError","message":"username: is required"}}')
    assert response.headers["Cache-Control"] == "no-store"


def test_the_edge_maps_a_stray_client_error():
    response = error_response(client_error("LimitExceededException", "Attempt limit exceeded."))
    assert response.status_code == 429

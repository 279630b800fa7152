"""The request models against Cognito's botocore model, and the masking of a simulated code delivery."""

from __future__ import annotations

import typing

import botocore.session

from chalicelib.api.models import ChallengeName
from chalicelib.services.auth import CodeDelivery, mask, simulated_delivery
from chalicelib.services.cognito import CognitoConfig, CognitoIdp, UserContext

MODEL = botocore.session.get_session().get_service_model("cognito-idp")


def test_challenge_names_are_respond_to_auth_challenges():
    shape = MODEL.operation_model("RespondToAuthChallenge").input_shape.members["ChallengeName"]
    assert list(typing.get_args(ChallengeName)) == shape.enum


def test_user_context_data_goes_to_exactly_the_operations_that_take_it():
    takes_it = {op for op in MODEL.operation_names
                if "UserContextData" in MODEL.operation_model(op).input_shape.members}
    assert takes_it == {"SignUp", "ConfirmSignUp", "ResendConfirmationCode", "InitiateAuth", "RespondToAuthChallenge",
                        "ForgotPassword", "ConfirmForgotPassword"}


def test_user_context_data_is_capped_and_skips_what_is_missing():
    assert UserContext().as_user_context_data() == {}
    assert UserContext(ip_address="192.0.2.1", user_agent="x" * 5000).as_user_context_data() == {
        "IpAddress": "192.0.2.1", "EncodedData": "x" * 1024}


def test_secret_hash_is_base64_hmac_sha256_of_username_and_client_id():
    # base64(HMAC-SHA256(key="secret", msg="alice" + "client")), computed outside this code.
    config = CognitoConfig(region="us-east-1", user_pool_id="us-east-1_a", client_id="client",
                           client_secret="secret", issuer="https://example")
    assert CognitoIdp(None, config).secret_hash("alice") == "RTsve+FQ659UKyESgvLg9GYmZEL+QjzQsW/OjL77/b0="
    assert CognitoIdp(None, config.__class__(**{**config.__dict__, "client_secret": None})).secret_hash("a") is None


def test_mask_as_cognito_masks():
    assert mask("email", "jane.doe@example.com") == "j***@e***"
    assert mask("phone_number", "+15555550123") == "+*******0123"


def test_simulated_delivery_prefers_email_then_phone():
    assert simulated_delivery({"phone_number": "+15555550123", "email": "z@x.io"}) == CodeDelivery(
        destination="z***@x***", delivery_medium="EMAIL", attribute_name="email")
    assert simulated_delivery({"phone_number": "+15555550123"}) == CodeDelivery(
        destination="+*******0123", delivery_medium="SMS", attribute_name="phone_number")
    assert simulated_delivery({"name": "Z"}) is None

"""Every trigger module by its Cognito LambdaConfig key (for app.py, which registers them, and infra/, which
wires them to the pool). A trigger's Lambda never imports this module."""

from __future__ import annotations

from chalicelib.triggers import (
    create_auth_challenge,
    custom_message,
    define_auth_challenge,
    post_authentication,
    post_confirmation,
    pre_authentication,
    pre_sign_up,
    pre_token_generation,
    user_migration,
    verify_auth_challenge_response,
)

# LambdaConfig key -> trigger module; the Lambda function name is the module name.
TRIGGERS = {
    "PreSignUp": pre_sign_up,
    "CustomMessage": custom_message,
    "PostConfirmation": post_confirmation,
    "PreAuthentication": pre_authentication,
    "PostAuthentication": post_authentication,
    "DefineAuthChallenge": define_auth_challenge,
    "CreateAuthChallenge": create_auth_challenge,
    "VerifyAuthChallengeResponse": verify_auth_challenge_response,
    "PreTokenGeneration": pre_token_generation,
    "UserMigration": user_migration,
}

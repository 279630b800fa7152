"""Cognito user-pool triggers: one module, one Lambda, named after the snake_case of its LambdaConfig key.

Each handler wraps the raw event in its powertools data class, delegates to a service, and returns the
event, as Cognito requires (https://docs.aws.amazon.com/cognito/latest/developerguide/
cognito-user-pools-working-with-lambda-triggers.html).
"""

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

"""Cognito user-pool triggers: one module, one Lambda, named after the snake_case of its LambdaConfig key.

Each handler wraps the raw event in its powertools data class, delegates to a service, and returns the
event, as Cognito requires (https://docs.aws.amazon.com/cognito/latest/developerguide/
cognito-user-pools-working-with-lambda-triggers.html).

This package imports nothing: Lambda imports a trigger's own module (its handler is
``chalicelib.triggers.<name>.<name>``), and with it this package, so a trigger's cold start pays for its own
imports only. :mod:`chalicelib.triggers.registry` names them all, for the app and the stack.
"""

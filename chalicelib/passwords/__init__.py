"""Password rules the auth API applies before Cognito sees a new password (:mod:`chalicelib.passwords.policy`)."""

"""Compromised credentials: a k-anonymity store of breached-password hashes in DynamoDB
(:mod:`chalicelib.breach.store`), the check run where a password passes through the auth API
(:mod:`chalicelib.breach.check`), the per-pool policy shaped like Cognito's
CompromisedCredentialsRiskConfiguration (:mod:`chalicelib.breach.policy`), the users who must reset a
breached password (:mod:`chalicelib.breach.reset`), the optional online Pwned Passwords check
(:mod:`chalicelib.breach.online`) and zxcvbn's bundled list as a seed (:mod:`chalicelib.breach.seed`).
"""

"""The CustomMessage trigger's messages: Jinja2 templates per message type and locale (:mod:`.render`), and
whether the pool lets a trigger replace the email (:mod:`.email_account`).
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html
"""

"""Who may register: the PreSignUp rules (pure decision logic in :mod:`.rules` and :mod:`.engine`), their
storage (:mod:`.store`), the PreSignUp orchestration (:mod:`.service`) and what PostConfirmation records
(:mod:`.profiles`). https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html
"""

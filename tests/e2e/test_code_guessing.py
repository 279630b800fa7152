"""A sent code survives at most five wrong guesses: then even the right one is refused as expired."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, error_of, unique


def _wrong_guesses(call, count: int) -> None:
    for _ in range(count):
        with pytest.raises(ClientError) as exc:
            call("000000")
        assert error_of(exc)[0] == "CodeMismatchException"


def test_confirm_forgot_password_code_is_spent_after_five_wrong_guesses(stack, idp, seeded):
    client_id, username = seeded["clientId"], unique()
    email = f"{username}@example.com"
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": email}])
    idp.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=stack.latest_code(email))
    idp.forgot_password(ClientId=client_id, Username=username)
    code = stack.latest_code(email)
    new_password = PASSWORD + "x"

    def confirm(guess: str) -> None:
        idp.confirm_forgot_password(ClientId=client_id, Username=username, ConfirmationCode=guess,
                                    Password=new_password)

    _wrong_guesses(confirm, 5)
    with pytest.raises(ClientError) as exc:
        confirm(code)
    assert error_of(exc) == ("ExpiredCodeException", "Invalid code provided, please request a code again.")


def test_confirm_sign_up_code_is_spent_after_five_wrong_guesses(stack, idp, seeded):
    username = unique()
    email = f"{username}@example.com"
    idp.sign_up(ClientId=seeded["clientId"], Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": email}])
    code = stack.latest_code(email)

    def confirm(guess: str) -> None:
        idp.confirm_sign_up(ClientId=seeded["clientId"], Username=username, ConfirmationCode=guess)

    _wrong_guesses(confirm, 5)
    with pytest.raises(ClientError) as exc:
        confirm(code)
    assert error_of(exc) == ("ExpiredCodeException", "Invalid code provided, please request a code again.")

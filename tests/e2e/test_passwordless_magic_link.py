"""MAGIC_LINK through boto3 CUSTOM_AUTH against the local stack: the link (SES, the outbox) carries its token in
the fragment; the token answers the sign-in that asked for it, or a new sign-in that says it already has a link
(another device: the AWS sample's ``alreadyHaveMagicLink``); once only; a tampered one never."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import error_of
from tests.e2e.test_passwordless_helpers import (
    choose,
    link_token,
    message_to,
    passwordless_user,
    respond,
    sent_to,
)
from tests.helpers import INCORRECT

EXISTING = {"signInMethod": "MAGIC_LINK", "alreadyHaveMagicLink": "yes"}


@pytest.fixture()
def user(idp, make_pool):
    return passwordless_user(idp, make_pool)


def test_the_link_signs_in_the_sign_in_that_asked_for_it(stack, idp, user):
    challenge = choose(idp, user, "MAGIC_LINK")
    assert {k: challenge["ChallengeParameters"][k] for k in ("challenge", "deliveryMedium")} == {
        "challenge": "MAGIC_LINK", "deliveryMedium": "EMAIL"}
    message = message_to(stack, user["email"])
    assert message["subject"] == "Your sign-in link" and "code" not in message
    assert message["link"].startswith(stack.base_url + "/auth/passwordless/magic-link#")
    done = respond(idp, user, challenge["Session"], link_token(message["link"]))
    assert "AccessToken" in done["AuthenticationResult"]


def test_the_link_signs_in_a_new_sign_in_once(stack, idp, user):
    choose(idp, user, "MAGIC_LINK")
    token = link_token(message_to(stack, user["email"])["link"])
    other_device = choose(idp, user, "MAGIC_LINK", alreadyHaveMagicLink="yes")
    assert len(sent_to(stack, user["email"])) == 1
    assert "IdToken" in respond(idp, user, other_device["Session"], token, EXISTING)["AuthenticationResult"]
    replay = choose(idp, user, "MAGIC_LINK", alreadyHaveMagicLink="yes")
    again = respond(idp, user, replay["Session"], token, EXISTING)
    assert again["ChallengeParameters"]["challenge"] == "MAGIC_LINK"  # a wrong answer: the link is spent


def test_a_tampered_link_never_signs_in(stack, idp, user):
    challenge = choose(idp, user, "MAGIC_LINK")
    token = link_token(message_to(stack, user["email"])["link"])
    body, signature = token.split(".")
    for tampered in (body + "." + signature[::-1], body[:-2] + "AA." + signature):
        challenge = respond(idp, user, challenge["Session"], tampered)
        assert challenge["ChallengeParameters"]["challenge"] == "MAGIC_LINK"
    with pytest.raises(ClientError) as exc:
        respond(idp, user, challenge["Session"], token + "x")
    assert error_of(exc) == INCORRECT

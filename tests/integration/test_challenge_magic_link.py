"""MAGIC_LINK on the challenge engine (moto DynamoDB, a clock the test moves): a signed link in the fragment of
the landing URL, valid 15 minutes, once, for the user and the sign-in that asked for it; or, in a new sign-in
with ``alreadyHaveMagicLink``, while it is still the user's live link."""

from __future__ import annotations

import json
import re

import boto3
import pytest

from chalicelib.auth.challenges import crypto
from chalicelib.auth.challenges.base import UserFacingError
from chalicelib.models.challenge import ChallengeState
from tests.integration.test_challenge_helpers import Harness, choose, new_user

EXISTING = {"signInMethod": "MAGIC_LINK", "alreadyHaveMagicLink": "yes"}


@pytest.fixture()
def harness(stack) -> Harness:
    return Harness(allowed_link_origins=("https://spa.example",))


def link_for(harness: Harness, email: str) -> str:
    [link] = re.findall(r"https?://\S+", harness.sent_to(email)[-1].body)
    return link


def token_for(harness: Harness, email: str) -> str:
    return link_for(harness, email).split("#", 1)[1]


def test_the_link_points_to_the_landing_page_with_the_token_in_the_fragment(harness):
    user = new_user()
    sign_in = choose(harness, user, "MAGIC_LINK")
    assert sign_in.public == {"challenge": "MAGIC_LINK", "destination": "u***@e***", "deliveryMedium": "EMAIL"}
    [message] = harness.sent_to(user["email"])
    assert message.subject == "Your sign-in link" and "15 minutes" in message.body
    link = link_for(harness, user["email"])
    assert link.startswith("https://app.example/auth/passwordless/magic-link#")
    assert not re.search(r"(?<![\w-])\d{6,8}(?![\w-])", re.sub(r"https?://\S+", " ", message.body))
    assert sign_in.respond(token_for(harness, user["email"])) == "tokens"


def test_the_link_is_stored_only_as_a_salted_hash(harness):
    user = new_user()
    choose(harness, user, "MAGIC_LINK")
    token = token_for(harness, user["email"])
    table = boto3.resource("dynamodb", region_name="us-east-1").Table(ChallengeState.Meta.table_name)
    item = table.get_item(Key={"user_key": harness.store.user_key("us-east-1_Harness1", user["username"])})["Item"]
    text = json.dumps(item, default=str)
    assert token not in text and token.split(".")[1] not in text


def test_a_new_sign_in_with_already_have_magic_link_uses_the_live_link_and_sends_nothing(harness):
    user = new_user()
    choose(harness, user, "MAGIC_LINK")
    token = token_for(harness, user["email"])
    other_device = choose(harness, user, "MAGIC_LINK", **{"alreadyHaveMagicLink": "yes"})
    assert other_device.public["challenge"] == "MAGIC_LINK"
    assert len(harness.sent_to(user["email"])) == 1
    assert other_device.respond(token, EXISTING) == "tokens"


def test_a_link_works_once(harness):
    user = new_user()
    sign_in = choose(harness, user, "MAGIC_LINK")
    token = token_for(harness, user["email"])
    assert sign_in.respond(token) == "tokens"
    replay = choose(harness, user, "MAGIC_LINK", **{"alreadyHaveMagicLink": "yes"})
    assert replay.respond(token, EXISTING) == "challenge"


def test_a_link_expires_after_15_minutes(harness):
    user = new_user()
    sign_in = choose(harness, user, "MAGIC_LINK")
    harness.advance(900)
    assert sign_in.respond(token_for(harness, user["email"])) == "challenge"


def test_a_newer_link_or_code_kills_the_older_link(harness):
    user = new_user()
    choose(harness, user, "MAGIC_LINK")
    old = token_for(harness, user["email"])
    harness.advance(60)
    choose(harness, user, "EMAIL_OTP")
    late = choose(harness, user, "MAGIC_LINK", **{"alreadyHaveMagicLink": "yes"})
    assert late.respond(old, EXISTING) == "challenge"


def test_a_link_answers_only_the_sign_in_that_asked_for_it_in_its_session(harness):
    user = new_user()
    asked = choose(harness, user, "MAGIC_LINK")
    token = token_for(harness, user["email"])
    stranger = choose(harness, user, "MAGIC_LINK", **{"alreadyHaveMagicLink": "yes"})
    stranger.private["mode"] = "link"  # a round of another sign-in that did not say it already has a link
    assert not stranger.verify(token)
    assert asked.respond(token) == "tokens"


def test_a_link_of_another_user_is_refused(harness):
    alice, bob = new_user(), new_user()
    choose(harness, alice, "MAGIC_LINK")
    bobs = choose(harness, bob, "MAGIC_LINK", **{"alreadyHaveMagicLink": "yes"})
    assert bobs.respond(token_for(harness, alice["email"]), EXISTING) == "challenge"


def _flip(text: str) -> str:
    return text[:-1] + ("A" if text[-1] != "A" else "B")


@pytest.mark.parametrize("tamper", [
    _flip,
    lambda t: t.split(".")[0] + "." + _flip(t.split(".")[1][::-1])[::-1],
    lambda t: t.replace(".", ".."),
    lambda t: t + "#more",
    lambda t: t.split(".")[0],
    lambda t: "https://app.example/auth/passwordless/magic-link#" + t,
], ids=["signature", "signature-start", "dots", "suffix", "no-signature", "whole-url"])
def test_a_tampered_link_is_a_wrong_answer(harness, tamper):
    user = new_user()
    sign_in = choose(harness, user, "MAGIC_LINK")
    token = token_for(harness, user["email"])
    assert sign_in.respond(tamper(token)) == "challenge"
    assert sign_in.respond(token) == "tokens"


def test_a_forged_link_signed_with_another_key_is_refused(harness):
    user = new_user()
    sign_in = choose(harness, user, "MAGIC_LINK")
    forged = crypto.sign_link(b"f" * 32, crypto.LinkClaims("us-east-1_Harness1", user["username"],
                                                           sign_in.private["key"], int(harness.now) + 600))
    assert sign_in.respond(forged) == "challenge"


def test_a_client_may_point_the_link_to_an_allowed_origin_only(harness):
    user = new_user()
    choose(harness, user, "MAGIC_LINK", redirectUri="https://spa.example/callback#old")
    assert link_for(harness, user["email"]).startswith("https://spa.example/callback#")
    harness.advance(60)
    with pytest.raises(UserFacingError, match="redirectUri"):
        choose(harness, user, "MAGIC_LINK", redirectUri="https://evil.example/callback")

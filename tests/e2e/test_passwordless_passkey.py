"""PASSKEY through boto3 CUSTOM_AUTH against the local Cognito and the bundle's triggers, with the software
authenticator of tests/webauthn_authenticator.py: the round's public parameter ``options`` is the
PublicKeyCredentialRequestOptions JSON and the ANSWER the assertion's JSON; with a username (allowCredentials
listed) and usernameless (an API-signed challenge, ``passkeyMode: usernameless``); packed and none
attestation; several passkeys per user; synced passkeys (count 0); every bad assertion a clean wrong answer;
a challenge answers once, also under concurrent answers; a sign-in costs at most 4 DynamoDB requests."""

from __future__ import annotations

import base64
import json
import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.auth.challenges import passkey, totp
from chalicelib.auth.challenges.settings import ChallengeSettings
from tests.e2e.conftest import error_of
from tests.e2e.test_passwordless_helpers import (
    ALL_FIRST_FACTORS,
    FIRST,
    SECOND,
    DynamoCounter,
    choose,
    decoy_round,
    initiate,
    mark_enrolled,
    password_first,
    passwordless_user,
    respond,
    sub_of,
)
from tests.helpers import INCORRECT, capture_logs
from tests.webauthn_authenticator import UP, UV, SoftAuthenticator, tamper_client_data, unb64url


@pytest.fixture(autouse=True)
def policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_FIRST_FACTORS", FIRST)
    monkeypatch.setenv("AUTH_SECOND_FACTORS", SECOND)


def register(idp: Any, user: dict[str, str], authenticator: SoftAuthenticator, attestation: str = "none",
             name: str = "Laptop") -> str:
    """Register a passkey of ``authenticator`` for ``user`` (as the API's registration routes do)."""
    sub, now = sub_of(idp, user), time.time()
    owner = totp.owner_of(user["pool_id"], sub)
    settings, key = passkey.PasskeySettings.from_env(), ChallengeSettings.from_env().signing_key
    options = passkey.registration_options(settings, key, pool_id=user["pool_id"], sub=sub,
                                           username=user["username"], existing=passkey.credentials_of(owner), now=now)
    credential = authenticator.register(options, attestation=attestation)
    registered = passkey.verify_registration(settings, key, pool_id=user["pool_id"], sub=sub, credential=credential,
                                             now=now)
    assert passkey.save(owner, user["username"], registered, name, now)
    mark_enrolled(idp, user, "PASSKEY")
    return registered.credential_id


def options_of(challenge: dict[str, Any]) -> dict[str, Any]:
    return json.loads(challenge["ChallengeParameters"]["options"])


def answer(idp: Any, user: dict[str, str], challenge: dict[str, Any], assertion: dict[str, Any],
           metadata: dict[str, str] | None = None) -> dict[str, Any]:
    return respond(idp, user, challenge["Session"], json.dumps(assertion), metadata)


def signed_in(reply: dict[str, Any]) -> bool:
    return "AccessToken" in (reply.get("AuthenticationResult") or {})


def asked_again(reply: dict[str, Any]) -> bool:
    return reply["ChallengeParameters"].get("challenge") == "PASSKEY" and not signed_in(reply)


def usernameless_options(pool_id: str, now: float | None = None) -> dict[str, Any]:
    """What the API's usernameless options route answers."""
    challenge = passkey.usernameless_challenge(ChallengeSettings.from_env().signing_key, pool_id,
                                               time.time() if now is None else now)
    return passkey.request_options(passkey.PasskeySettings.from_env(), challenge, [])


USERNAMELESS = {"passkeyMode": "usernameless"}


@pytest.fixture()
def user(idp: Any, make_pool: Any) -> dict[str, str]:
    return passwordless_user(idp, make_pool)


@pytest.fixture()
def device(idp: Any, user: dict[str, str]) -> SoftAuthenticator:
    authenticator = SoftAuthenticator()
    register(idp, user, authenticator)
    return authenticator


def test_the_round_carries_request_options_listing_the_user_s_passkeys(idp, user):
    phone, key = SoftAuthenticator(), SoftAuthenticator()
    ids = {register(idp, user, phone), register(idp, user, key, "packed")}
    challenge = choose(idp, user, "PASSKEY")
    assert set(challenge["ChallengeParameters"]) == {"challenge", "options", "USERNAME"}
    options = options_of(challenge)
    assert {k: options[k] for k in ("rpId", "timeout", "userVerification")} == {
        "rpId": "localhost", "timeout": 120000, "userVerification": "required"}
    assert len(unb64url(options["challenge"])) >= 16
    assert {c["id"] for c in options["allowCredentials"]} == ids
    assert all(c["type"] == "public-key" and c["transports"] == ["hybrid", "internal"]
               for c in options["allowCredentials"])


@pytest.mark.parametrize("attestation", ["none", "packed"])
def test_a_passkey_signs_the_user_in(idp, user, attestation):
    device = SoftAuthenticator()
    register(idp, user, device, attestation)
    challenge = choose(idp, user, "PASSKEY")
    assert signed_in(answer(idp, user, challenge, device.assert_(options_of(challenge))))


def test_each_of_several_passkeys_signs_in_and_the_count_is_kept(idp, user):
    first, second = SoftAuthenticator(), SoftAuthenticator()
    register(idp, user, first)
    second_id = register(idp, user, second)
    for device in (second, first, second):
        challenge = choose(idp, user, "PASSKEY")
        assert signed_in(answer(idp, user, challenge, device.assert_(options_of(challenge))))
    owner = totp.owner_of(user["pool_id"], sub_of(idp, user))
    assert passkey.find(owner, second_id).sign_count == 2


def test_usernameless_sign_in_with_a_discoverable_credential(idp, user, device):
    options = usernameless_options(user["pool_id"])
    assert options["allowCredentials"] == []
    assertion = device.assert_(options)
    assert unb64url(assertion["response"]["userHandle"]) == device.credentials[0].user_handle
    challenge = choose(idp, user, "PASSKEY", **USERNAMELESS)
    assert options_of(challenge)["allowCredentials"] == []
    assert signed_in(answer(idp, user, challenge, assertion, {"signInMethod": "PASSKEY", **USERNAMELESS}))


def test_a_usernameless_assertion_answers_once(idp, user, device):
    assertion = device.assert_(usernameless_options(user["pool_id"]))
    assert signed_in(answer(idp, user, choose(idp, user, "PASSKEY", **USERNAMELESS), assertion))
    assert asked_again(answer(idp, user, choose(idp, user, "PASSKEY", **USERNAMELESS), assertion))


def test_a_synced_passkey_with_a_zero_count_signs_in_again_but_never_replays(idp, user):
    synced = SoftAuthenticator(counter=False, backup=True)
    credential_id = register(idp, user, synced)
    for _ in range(2):
        challenge = choose(idp, user, "PASSKEY")
        assert signed_in(answer(idp, user, challenge, synced.assert_(options_of(challenge))))
    item = passkey.find(totp.owner_of(user["pool_id"], sub_of(idp, user)), credential_id)
    assert (item.sign_count, item.backup_eligible, item.backed_up) == (0, True, True)
    replayed = synced.assert_(usernameless_options(user["pool_id"]))
    assert signed_in(answer(idp, user, choose(idp, user, "PASSKEY", **USERNAMELESS), replayed))
    assert asked_again(answer(idp, user, choose(idp, user, "PASSKEY", **USERNAMELESS), replayed))


def test_concurrent_answers_with_one_assertion_give_one_success(stack, idp, user):
    synced = SoftAuthenticator(counter=False, backup=True)
    register(idp, user, synced)
    assertion = synced.assert_(usernameless_options(user["pool_id"]))
    rounds = [choose(idp, user, "PASSKEY", **USERNAMELESS) for _ in range(5)]
    results: list[bool] = []
    barrier = threading.Barrier(len(rounds))

    def submit(challenge: dict[str, Any]) -> None:
        client = stack.client()
        barrier.wait()
        results.append(signed_in(answer(client, user, challenge, assertion)))

    threads = [threading.Thread(target=submit, args=(r,)) for r in rounds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [False] * 4 + [True]


def another_rp(device: SoftAuthenticator, options: dict[str, Any]) -> dict[str, Any]:
    return device.assert_(options, rp_id="evil.example")


BAD = {
    "tampered clientDataJSON": lambda d, o: tamper_client_data(d.assert_(o), crossOrigin=True),
    "tampered challenge": lambda d, o: tamper_client_data(d.assert_(o), challenge="A" * 43),
    "wrong origin": lambda d, o: d.assert_(o, origin="https://evil.example"),
    "wrong rpId": another_rp,
    "no user verification": lambda d, o: d.assert_(o, uv=False),
    "no user presence": lambda d, o: d.assert_(o, flags=UV),
    "registration type": lambda d, o: d.assert_(o, kind="webauthn.create"),
    "another challenge": lambda d, o: d.assert_(o, challenge=base64.urlsafe_b64encode(b"x" * 32).decode().rstrip("=")),
    "another user handle": lambda d, o: d.assert_(o, user_handle=b"\x01" * 32),
    "backup flags changed": lambda d, o: d.assert_(o, flags=UP | UV | 0x08),
    "bad signature": lambda d, o: {**(a := d.assert_(o)), "response": {**a["response"], "signature": "MEUCIQ"}},
}


@pytest.mark.parametrize("make", BAD.values(), ids=BAD.keys())
def test_a_bad_assertion_is_a_wrong_answer_and_the_right_one_still_works(idp, user, device, make):
    challenge = choose(idp, user, "PASSKEY")
    again = answer(idp, user, challenge, make(device, options_of(challenge)))
    assert asked_again(again)
    assert signed_in(answer(idp, user, again, device.assert_(options_of(again))))


@pytest.mark.parametrize("count", [0, 1])
def test_a_counter_that_does_not_grow_is_refused_as_a_possible_clone(idp, user, device, count):
    challenge = choose(idp, user, "PASSKEY")
    assert signed_in(answer(idp, user, challenge, device.assert_(options_of(challenge))))  # stored count: 1
    challenge = choose(idp, user, "PASSKEY")
    assert asked_again(answer(idp, user, challenge, device.assert_(options_of(challenge), sign_count=count)))


def test_an_assertion_for_an_earlier_round_is_refused(idp, user, device):
    first = choose(idp, user, "PASSKEY")
    stale = device.assert_(options_of(first))
    second = choose(idp, user, "PASSKEY")
    assert asked_again(answer(idp, user, second, stale))


def test_an_expired_usernameless_challenge_is_refused(idp, user, device):
    old = device.assert_(usernameless_options(user["pool_id"], now=time.time() - passkey.CHALLENGE_TTL - 1))
    assert asked_again(answer(idp, user, choose(idp, user, "PASSKEY", **USERNAMELESS), old))


def test_a_usernameless_assertion_needs_the_user_handle(idp, user, device):
    assertion = device.assert_(usernameless_options(user["pool_id"]), user_handle=None)
    assert asked_again(answer(idp, user, choose(idp, user, "PASSKEY", **USERNAMELESS), assertion))


def test_an_unknown_credential_and_another_user_s_credential_are_refused(idp, make_pool, user, device):
    stranger = SoftAuthenticator()
    stranger.register({"rp": {"id": "localhost"}, "user": {"id": "AAAA"}, "challenge": "AAAA"})
    other = passwordless_user(idp, make_pool)
    theirs = SoftAuthenticator()
    register(idp, other, theirs)
    challenge = choose(idp, user, "PASSKEY")
    options = options_of(challenge)
    unknown = answer(idp, user, challenge, stranger.assert_(options, credential=stranger.credentials[0]))
    assert asked_again(unknown)
    foreign = answer(idp, user, unknown, theirs.assert_(options_of(unknown), credential=theirs.credentials[0]))
    assert asked_again(foreign)
    with pytest.raises(ClientError) as exc:
        answer(idp, user, foreign, theirs.assert_(options_of(foreign), credential=theirs.credentials[0]))
    assert error_of(exc) == INCORRECT


ANSWERS = ["", "{}", "[]", "null", "not json", '{"type": "public-key"}', "\u0000\u0001binary", "{" * 3000,
           json.dumps({"id": "A" * 3000, "rawId": "A" * 3000, "type": "public-key", "response": {}}),
           json.dumps({"id": "a", "rawId": "a", "type": "public-key",
                       "response": {"clientDataJSON": "!!", "authenticatorData": "", "signature": ""}})]


@pytest.mark.parametrize("text", ANSWERS, ids=range(len(ANSWERS)))
def test_a_malformed_answer_is_a_clean_failure(idp, user, device, text):
    challenge = choose(idp, user, "PASSKEY")
    try:
        again = respond(idp, user, challenge["Session"], text)
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "InvalidParameterException"
        return
    assert asked_again(again)
    assert signed_in(answer(idp, user, again, device.assert_(options_of(again))))


def test_the_aws_sample_s_flat_assertion_is_read_too(idp, user, device):
    challenge = choose(idp, user, "PASSKEY")
    assertion = device.assert_(options_of(challenge))
    flat = {"credentialIdB64": assertion["id"], "authenticatorDataB64": assertion["response"]["authenticatorData"],
            "clientDataJSON_B64": assertion["response"]["clientDataJSON"],
            "signatureB64": assertion["response"]["signature"],
            "userHandleB64": assertion["response"]["userHandle"]}
    assert signed_in(answer(idp, user, challenge, flat))


def test_a_user_without_passkeys_and_an_unknown_user_get_alike_passkey_rounds_no_assertion_passes(idp, user):
    ghost = {**user, "username": "ghost-" + user["username"]}
    real, fake = initiate(idp, user), initiate(idp, ghost)
    assert {**real["ChallengeParameters"], "USERNAME": "-"} == {**fake["ChallengeParameters"], "USERNAME": "-"}
    rounds = [decoy_round(idp, who, "PASSKEY", "{}", started) for started, who in ((real, user), (fake, ghost))]
    assert set(rounds[0]) == set(rounds[1])
    assert [len(json.loads(r["options"])["allowCredentials"]) for r in rounds] == [1, 1]


def test_a_user_whose_attribute_outlived_the_passkeys_gets_a_stable_decoy_id(idp, user):
    mark_enrolled(idp, user, "PASSKEY")  # the attribute says PASSKEY, the table has none
    real = choose(idp, user, "PASSKEY")
    real_options = options_of(real)
    assert len(real_options["allowCredentials"]) == 1
    assert options_of(choose(idp, user, "PASSKEY"))["allowCredentials"] == real_options["allowCredentials"]
    device = SoftAuthenticator()
    device.register({"rp": {"id": "localhost"}, "user": {"id": "AAAA"}, "challenge": "AAAA"})
    assert asked_again(answer(idp, user, real, device.assert_(real_options, credential=device.credentials[0])))


def test_three_wrong_answers_end_the_attempt(idp, user, device):
    challenge = choose(idp, user, "PASSKEY")
    for _ in range(2):
        challenge = answer(idp, user, challenge, device.assert_(options_of(challenge), uv=False))
        assert asked_again(challenge)
    with pytest.raises(ClientError) as exc:
        answer(idp, user, challenge, device.assert_(options_of(challenge), uv=False))
    assert error_of(exc) == INCORRECT


def test_password_then_a_passkey(idp, make_pool):
    stepped = passwordless_user(idp, make_pool, policy={"stepUpAfter": ["PASSWORD"]})
    device = SoftAuthenticator()
    register(idp, stepped, device)
    selection = password_first(idp, stepped, stepped["password"])
    challenge = respond(idp, stepped, selection["Session"], "__select__", {"signInMethod": "PASSKEY"})
    assert signed_in(answer(idp, stepped, challenge, device.assert_(options_of(challenge))))


def test_preferred_user_verification_accepts_an_assertion_without_uv(idp, user, device, monkeypatch):
    monkeypatch.setenv("WEBAUTHN_USER_VERIFICATION", "preferred")
    challenge = choose(idp, user, "PASSKEY")
    assert options_of(challenge)["userVerification"] == "preferred"
    assert signed_in(answer(idp, user, challenge, device.assert_(options_of(challenge), uv=False)))


def test_the_selection_lists_passkey_before_and_after_registration_alike(idp, user):
    assert initiate(idp, user)["ChallengeParameters"]["methods"] == ALL_FIRST_FACTORS
    register(idp, user, SoftAuthenticator())
    assert initiate(idp, user)["ChallengeParameters"]["methods"] == ALL_FIRST_FACTORS


@pytest.mark.parametrize("mode", ["username", "usernameless"])
def test_a_sign_in_costs_at_most_four_requests_and_two_writes(idp, user, device, monkeypatch, mode):
    counter = DynamoCounter(monkeypatch)
    if mode == "username":
        challenge = choose(idp, user, "PASSKEY")
        assertion = device.assert_(options_of(challenge))
    else:
        assertion = device.assert_(usernameless_options(user["pool_id"]))
        challenge = choose(idp, user, "PASSKEY", **USERNAMELESS)
    assert signed_in(answer(idp, user, challenge, assertion))
    assert counter.requests <= 4 and counter.writes <= 2, counter.calls
    # Verify reads the user's state and the credential in one BatchGetItem.
    expected = {"Query": 1, "BatchGetItem": 1, "PutItem": 1} if mode == "username" else {"BatchGetItem": 1,
                                                                                         "PutItem": 1}
    assert dict(counter.calls) == expected


def test_nothing_secret_is_logged(idp, user, device):
    with capture_logs() as captured:
        challenge = choose(idp, user, "PASSKEY")
        bad = device.assert_(options_of(challenge), uv=False)
        again = answer(idp, user, challenge, bad)
        good = device.assert_(options_of(again))
        assert signed_in(answer(idp, user, again, good))
    text = captured.getvalue()
    assert '"reason":"InvalidAuthenticationResponse"' in text.replace(" ", "")
    for assertion in (bad, good):
        for value in (assertion["response"]["signature"], assertion["response"]["clientDataJSON"][:40],
                      assertion["response"]["userHandle"], options_of(again)["challenge"]):
            assert value not in text

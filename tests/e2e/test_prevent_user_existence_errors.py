"""PreventUserExistenceErrors ENABLED against LEGACY for sign-in and sign-up (cognito-contract.md §2 table).

ENABLED: an unknown user looks like a wrong password (password flows), gets a simulated PASSWORD_VERIFIER
step whose SALT and USER_ID_FOR_SRP are stable per name (SRP), or reaches the custom-auth triggers with
`userNotFound: true` and a challenge shaped like a real one. LEGACY: UserNotFoundException "User does not exist.".
SignUp reports a taken username either way.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from tests.e2e.conftest import ALL_TRIGGERS, PASSWORD, TRIGGER_ARN, error_of, register_trigger, unique
from tests.helpers import INCORRECT

NOT_FOUND = ("UserNotFoundException", "User does not exist.")
SALT = re.compile(r"^[1-9a-f][0-9a-f]{31}$")
CUSTOM_TRIGGERS = {"DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse"}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture(params=["ENABLED", "LEGACY"])
def mode(request) -> str:
    return request.param


@pytest.fixture()
def pool(idp, make_pool, mode) -> dict[str, str]:
    """A pool whose client has PreventUserExistenceErrors=mode, with one confirmed user."""
    pool_id, client_id = make_pool(client={"PreventUserExistenceErrors": mode})
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
    return {"pool_id": pool_id, "client_id": client_id, "username": username, "mode": mode}


def unknown_user_error(mode: str) -> tuple[str, str]:
    return INCORRECT if mode == "ENABLED" else NOT_FOUND


def test_password_sign_in_of_an_unknown_user(idp, pool):
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=pool["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": unique("ghost"), "PASSWORD": PASSWORD})
    assert error_of(exc) == unknown_user_error(pool["mode"])
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=pool["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": pool["username"], "PASSWORD": "Wrong-Password-1"})
    assert error_of(exc) == INCORRECT


def test_admin_password_sign_in_of_an_unknown_user(idp, pool):
    with pytest.raises(ClientError) as exc:
        idp.admin_initiate_auth(UserPoolId=pool["pool_id"], ClientId=pool["client_id"],
                                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                AuthParameters={"USERNAME": unique("ghost"), "PASSWORD": PASSWORD})
    assert error_of(exc) == unknown_user_error(pool["mode"])


def srp_start(idp: Any, pool: dict[str, str], username: str) -> tuple[AWSSRP, dict[str, str], dict[str, Any]]:
    helper = AWSSRP(username=username, password=PASSWORD, pool_id=pool["pool_id"], client_id=pool["client_id"],
                    client=idp)
    params = helper.get_auth_params()
    return helper, params, idp.initiate_auth(ClientId=pool["client_id"], AuthFlow="USER_SRP_AUTH",
                                             AuthParameters=params)


def test_srp_of_an_unknown_user_is_simulated_when_enabled(idp, make_pool):
    pool_id, client_id = make_pool(client={"PreventUserExistenceErrors": "ENABLED"})
    pool = {"pool_id": pool_id, "client_id": client_id}
    ghost = unique("ghost")
    _h, _p, first = srp_start(idp, pool, ghost)
    helper, params, second = srp_start(idp, pool, ghost)
    _h, _p, other = srp_start(idp, pool, unique("ghost"))
    for started in (first, second, other):
        assert started["ChallengeName"] == "PASSWORD_VERIFIER"
        assert set(started["ChallengeParameters"]) == {"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP",
                                                       "USERNAME"}
        assert SALT.match(started["ChallengeParameters"]["SALT"])
        assert UUID.match(started["ChallengeParameters"]["USER_ID_FOR_SRP"])
    first_params, second_params = first["ChallengeParameters"], second["ChallengeParameters"]
    assert first_params["SALT"] == second_params["SALT"]
    assert first_params["USER_ID_FOR_SRP"] == second_params["USER_ID_FOR_SRP"]
    assert first_params["SRP_B"] != second_params["SRP_B"]
    assert other["ChallengeParameters"]["SALT"] != first_params["SALT"]
    assert other["ChallengeParameters"]["USER_ID_FOR_SRP"] != first_params["USER_ID_FOR_SRP"]
    with pytest.raises(ClientError) as exc:
        idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="PASSWORD_VERIFIER",
                                      ChallengeResponses=helper.process_challenge(second_params, params))
    assert error_of(exc) == INCORRECT


def test_srp_salt_of_a_real_user_has_the_same_shape(idp, pool):
    _h, _p, started = srp_start(idp, pool, pool["username"])
    assert SALT.match(started["ChallengeParameters"]["SALT"])


def test_srp_of_an_unknown_user_is_not_found_in_legacy(idp, make_pool):
    pool_id, client_id = make_pool(client={"PreventUserExistenceErrors": "LEGACY"})
    with pytest.raises(ClientError) as exc:
        srp_start(idp, {"pool_id": pool_id, "client_id": client_id}, unique("ghost"))
    assert error_of(exc) == NOT_FOUND


def ask_three_times(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Knows nothing of userNotFound: whatever distinguishes users must come from the pool, not from here."""
    done = len(event["request"]["session"]) >= 3
    event["response"].update(issueTokens=False, failAuthentication=done,
                             challengeName=None if done else "CUSTOM_CHALLENGE")
    return event


def riddle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"].update(publicChallengeParameters={"riddle": "?"},
                             privateChallengeParameters={"answer": "echo"}, challengeMetadata="RIDDLE")
    return event


def judge(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["request"]
    event["response"]["answerCorrect"] = request["challengeAnswer"] == request["privateChallengeParameters"]["answer"]
    return event


def custom_pool(stack: Any, make_pool: Any, mode: str) -> tuple[str, str]:
    config: dict[str, Any] = {key: TRIGGER_ARN.format(name) for key, name in ALL_TRIGGERS.items()}
    for key, func in (("DefineAuthChallenge", ask_three_times), ("CreateAuthChallenge", riddle),
                      ("VerifyAuthChallengeResponse", judge)):
        config[key] = register_trigger(stack, func)
    return make_pool(triggers=config, client={"PreventUserExistenceErrors": mode})


def custom_events(stack: Any, pool_id: str, user_name: str) -> list[dict[str, Any]]:
    return [e for e in reversed(stack.invocations())
            if e["event"]["userPoolId"] == pool_id and e["event"]["userName"] == user_name]


def test_custom_auth_of_an_unknown_user_reaches_the_triggers_when_enabled(stack, idp, make_pool):
    pool_id, client_id = custom_pool(stack, make_pool, "ENABLED")
    real = unique()
    idp.sign_up(ClientId=client_id, Username=real, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": f"{real}@example.com"}])
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=real)
    ghost = unique("ghost")
    real_start = idp.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": real})
    ghost_start = idp.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": ghost})
    assert ghost_start["ChallengeName"] == real_start["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert set(ghost_start["ChallengeParameters"]) == set(real_start["ChallengeParameters"])
    assert ghost_start["ChallengeParameters"]["USERNAME"] == ghost
    assert len(ghost_start["Session"]) == len(real_start["Session"])
    result = ghost_start
    for _ in range(2):
        result = idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE",
                                               Session=result["Session"],
                                               ChallengeResponses={"USERNAME": ghost, "ANSWER": "x"})
        assert result["ChallengeName"] == "CUSTOM_CHALLENGE"
    with pytest.raises(ClientError) as exc:
        idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE", Session=result["Session"],
                                      ChallengeResponses={"USERNAME": ghost, "ANSWER": "x"})
    assert error_of(exc) == INCORRECT
    entries = custom_events(stack, pool_id, ghost)
    assert {e["trigger"] for e in entries} == CUSTOM_TRIGGERS
    assert all(e["event"]["request"]["userNotFound"] is True for e in entries)
    assert all(e["event"]["request"]["userAttributes"] == {} for e in entries)
    real_entries = [e for e in custom_events(stack, pool_id, real) if e["trigger"] in CUSTOM_TRIGGERS]
    assert len(real_entries) == 2
    assert all(e["event"]["request"]["userNotFound"] is False for e in real_entries)


def test_custom_auth_of_an_unknown_user_is_not_found_in_legacy(stack, idp, make_pool):
    pool_id, client_id = custom_pool(stack, make_pool, "LEGACY")
    ghost = unique("ghost")
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": ghost})
    assert error_of(exc) == NOT_FOUND
    assert custom_events(stack, pool_id, ghost) == []


def test_legacy_custom_auth_events_carry_no_user_not_found(stack, idp, make_pool):
    pool_id, client_id = custom_pool(stack, make_pool, "LEGACY")
    username = unique()
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD)
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
    idp.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": username})
    entries = custom_events(stack, pool_id, username)
    assert [e["trigger"] for e in entries][-3:] == ["PreAuthentication", "DefineAuthChallenge", "CreateAuthChallenge"]
    assert all("userNotFound" not in e["event"]["request"] for e in entries)


def test_sign_up_still_reports_a_taken_username(idp, pool):
    with pytest.raises(ClientError) as exc:
        idp.sign_up(ClientId=pool["client_id"], Username=pool["username"], Password=PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": "other@example.com"}])
    assert error_of(exc) == ("UsernameExistsException", "User already exists")

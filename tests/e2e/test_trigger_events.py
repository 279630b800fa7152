"""The exact events the local pool sends to the bundle's triggers, flow by flow, in Cognito's order.

Each flow is driven with boto3 (or pycognito's SRP helper) against the running stack; the events are read back
from /local/invocations. Every event is compared with Cognito's envelope, with the powertools sample events in
tests/events (key sets), and is parsed by the powertools data class the bundle's handler uses. ClientMetadata
routing follows cognito-contract.md §1.5; PreSignUp and CustomMessage responses are applied as §1.4 says.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes import cognito_user_pool_event as pt
from aws_lambda_powertools.utilities.data_classes.common import DictWrapper
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from tests.e2e.conftest import ALL_TRIGGERS, PASSWORD, TRIGGER_ARN, error_of, register_trigger, unique

EVENTS = Path(__file__).resolve().parent.parent / "events"
SDK = "aws-sdk-unknown-unknown"
ENVELOPE = {"version", "triggerSource", "region", "userPoolId", "userName", "callerContext", "request", "response"}
SAMPLES = {
    "PreSignUp": "cognitoPreSignUpEvent.json",
    "PostConfirmation": "cognitoPostConfirmationEvent.json",
    "PreAuthentication": "cognitoPreAuthenticationEvent.json",
    "PostAuthentication": "cognitoPostAuthenticationEvent.json",
    "DefineAuthChallenge": "cognitoDefineAuthChallengeEvent.json",
    "CreateAuthChallenge": "cognitoCreateAuthChallengeEvent.json",
    "VerifyAuthChallengeResponse": "cognitoVerifyAuthChallengeResponseEvent.json",
    "UserMigration": "cognitoUserMigrationEvent.json",
    "CustomMessage": "cognitoCustomMessageEvent.json",
}
DATA_CLASSES: dict[str, type[DictWrapper]] = {
    "PreSignUp": pt.PreSignUpTriggerEvent,
    "PostConfirmation": pt.PostConfirmationTriggerEvent,
    "PreAuthentication": pt.PreAuthenticationTriggerEvent,
    "PostAuthentication": pt.PostAuthenticationTriggerEvent,
    "DefineAuthChallenge": pt.DefineAuthChallengeTriggerEvent,
    "CreateAuthChallenge": pt.CreateAuthChallengeTriggerEvent,
    "VerifyAuthChallengeResponse": pt.VerifyAuthChallengeResponseTriggerEvent,
    "UserMigration": pt.UserMigrationTriggerEvent,
    "CustomMessage": pt.CustomMessageTriggerEvent,
}


def sample(trigger: str, version: str = "1") -> dict[str, Any]:
    if trigger == "PreTokenGeneration":
        name = "cognitoPreTokenGenerationEvent.json" if version == "1" else "cognitoPreTokenV2GenerationEvent.json"
    else:
        name = SAMPLES[trigger]
    return json.loads((EVENTS / name).read_text())


def touch(wrapper: DictWrapper, depth: int = 0) -> None:
    """Read every property of a powertools data class (and of the wrappers it returns), as a handler may."""
    for name in dir(type(wrapper)):
        if isinstance(getattr(type(wrapper), name, None), property):
            value = getattr(wrapper, name)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, DictWrapper) and depth < 3:
                    touch(item, depth + 1)


def check_event(entry: dict[str, Any]) -> dict[str, Any]:
    """Envelope exact, request a superset of the powertools sample's, and readable by the data class."""
    event, trigger = entry["event"], entry["trigger"]
    assert set(event) == ENVELOPE
    assert set(event["callerContext"]) == {"awsSdkVersion", "clientId"}
    assert event["callerContext"]["awsSdkVersion"] == SDK
    assert event["region"] == "us-east-1"
    reference = sample(trigger, event["version"])
    assert set(reference) == ENVELOPE
    assert set(reference["request"]) <= set(event["request"]), trigger
    if trigger == "PreTokenGeneration":
        cls = pt.PreTokenGenerationTriggerEvent if event["version"] == "1" else pt.PreTokenGenerationV2TriggerEvent
    else:
        cls = DATA_CLASSES[trigger]
    touch(cls(json.loads(json.dumps(event))))
    return event


class Invocations:
    """The trigger invocations of one pool, oldest first, read after each operation."""

    def __init__(self, stack: Any, pool_id: str) -> None:
        self.stack, self.pool_id, self.seen = stack, pool_id, 0

    def new(self) -> list[dict[str, Any]]:
        mine = [e for e in reversed(self.stack.invocations()) if e["event"]["userPoolId"] == self.pool_id]
        fresh, self.seen = mine[self.seen:], len(mine)
        for entry in fresh:
            check_event(entry)
        return fresh


def order(entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["trigger"], e["event"]["triggerSource"]) for e in entries]


def bundle_triggers(pre_token_version: str = "V2_0", **overrides: str) -> dict[str, Any]:
    config: dict[str, Any] = {key: TRIGGER_ARN.format(name) for key, name in ALL_TRIGGERS.items()}
    config["PreTokenGenerationConfig"] = {"LambdaVersion": pre_token_version,
                                          "LambdaArn": TRIGGER_ARN.format("pre_token_generation")}
    config.update(overrides)
    return config


def header(pool_id: str, client_id: str, user_name: str, source: str, version: str = "1") -> dict[str, Any]:
    return {"version": version, "triggerSource": source, "region": "us-east-1", "userPoolId": pool_id,
            "userName": user_name, "callerContext": {"awsSdkVersion": SDK, "clientId": client_id}}


def signed_up(idp: Any, stack: Any, client_id: str, pool_id: str, *, confirm: bool = True) -> dict[str, str]:
    username = unique()
    email = f"{username}@example.com"
    sub = idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                      UserAttributes=[{"Name": "email", "Value": email}])["UserSub"]
    if confirm:
        idp.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=stack.latest_code(email))
    return {"username": username, "email": email, "sub": sub}


def confirmed_attributes(user: dict[str, str]) -> dict[str, str]:
    return {"sub": user["sub"], "email": user["email"], "email_verified": "true", "cognito:user_status": "CONFIRMED"}


# --- SignUp, ConfirmSignUp, AdminConfirmSignUp ---------------------------------------------------------------


def test_sign_up_runs_pre_sign_up_then_custom_message_with_validation_data_and_client_metadata(
        stack, idp, make_pool):
    pool_id, client_id = make_pool()
    log = Invocations(stack, pool_id)
    username = unique()
    email = f"{username}@example.com"
    sub = idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                      UserAttributes=[{"Name": "email", "Value": email}],
                      ValidationData=[{"Name": "captcha", "Value": "ok"}],
                      ClientMetadata={"campaign": "spring"})["UserSub"]
    pre_sign_up, custom_message = log.new()
    assert pre_sign_up["event"] == {
        **header(pool_id, client_id, username, "PreSignUp_SignUp"),
        "request": {"userAttributes": {"email": email}, "validationData": {"captcha": "ok"},
                    "clientMetadata": {"campaign": "spring"}},
        "response": {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    }
    assert custom_message["event"] == {
        **header(pool_id, client_id, username, "CustomMessage_SignUp"),
        "request": {"userAttributes": {"sub": sub, "email": email, "cognito:user_status": "UNCONFIRMED"},
                    "codeParameter": "{####}", "linkParameter": "{##Click Here##}", "usernameParameter": None,
                    "clientMetadata": {"campaign": "spring"}},
        "response": {"smsMessage": None, "emailMessage": None, "emailSubject": None},
    }


def test_sign_up_without_validation_data_sends_null(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    log = Invocations(stack, pool_id)
    signed_up(idp, stack, client_id, pool_id, confirm=False)
    pre_sign_up = log.new()[0]["event"]
    assert pre_sign_up["request"]["validationData"] is None
    assert pre_sign_up["request"]["clientMetadata"] == {}


def test_confirm_sign_up_runs_post_confirmation_with_its_client_metadata(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    user = signed_up(idp, stack, client_id, pool_id, confirm=False)
    log = Invocations(stack, pool_id)
    log.new()
    idp.confirm_sign_up(ClientId=client_id, Username=user["username"],
                        ConfirmationCode=stack.latest_code(user["email"]), ClientMetadata={"step": "confirm"})
    [post_confirmation] = log.new()
    assert post_confirmation["event"] == {
        **header(pool_id, client_id, user["username"], "PostConfirmation_ConfirmSignUp"),
        "request": {"userAttributes": confirmed_attributes(user), "clientMetadata": {"step": "confirm"}},
        "response": {},
    }


def test_admin_confirm_sign_up_has_no_client_id(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    user = signed_up(idp, stack, client_id, pool_id, confirm=False)
    log = Invocations(stack, pool_id)
    log.new()
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=user["username"], ClientMetadata={"by": "admin"})
    [post_confirmation] = log.new()
    assert post_confirmation["event"] == {
        **header(pool_id, "CLIENT_ID_NOT_APPLICABLE", user["username"], "PostConfirmation_ConfirmSignUp"),
        "request": {"userAttributes": {"sub": user["sub"], "email": user["email"],
                                       "cognito:user_status": "CONFIRMED"},
                    "clientMetadata": {"by": "admin"}},
        "response": {},
    }


# --- InitiateAuth / RespondToAuthChallenge ---------------------------------------------------------------------


def test_user_password_auth_order_and_events(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    user = signed_up(idp, stack, client_id, pool_id)
    log = Invocations(stack, pool_id)
    log.new()
    idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", ClientMetadata={"device": "kiosk"},
                      AuthParameters={"USERNAME": user["username"], "PASSWORD": PASSWORD})
    entries = log.new()
    assert order(entries) == [("PreAuthentication", "PreAuthentication_Authentication"),
                              ("PreTokenGeneration", "TokenGeneration_Authentication"),
                              ("PostAuthentication", "PostAuthentication_Authentication")]
    pre_auth, pre_token, post_auth = (e["event"] for e in entries)
    attributes = confirmed_attributes(user)
    assert pre_auth == {**header(pool_id, client_id, user["username"], "PreAuthentication_Authentication"),
                        "request": {"userAttributes": attributes, "validationData": {"device": "kiosk"}},
                        "response": {}}
    assert pre_token == {
        **header(pool_id, client_id, user["username"], "TokenGeneration_Authentication", version="2"),
        "request": {"userAttributes": attributes,
                    "groupConfiguration": {"groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": None},
                    "scopes": ["aws.cognito.signin.user.admin"]},
        "response": {},
    }
    assert post_auth == {**header(pool_id, client_id, user["username"], "PostAuthentication_Authentication"),
                         "request": {"userAttributes": attributes, "newDeviceUsed": False},
                         "response": {}}


def test_pre_token_generation_v1_event_matches_the_v1_sample_exactly(stack, idp, make_pool):
    pool_id, client_id = make_pool(triggers=bundle_triggers("V1_0"))
    user = signed_up(idp, stack, client_id, pool_id)
    log = Invocations(stack, pool_id)
    log.new()
    idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                      AuthParameters={"USERNAME": user["username"], "PASSWORD": PASSWORD})
    pre_token = next(e["event"] for e in log.new() if e["trigger"] == "PreTokenGeneration")
    assert pre_token["version"] == "1"
    assert set(pre_token["request"]) == set(sample("PreTokenGeneration")["request"])
    assert pre_token["response"] == sample("PreTokenGeneration")["response"]


def test_admin_initiate_auth_sends_the_client_id_it_was_given(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    user = signed_up(idp, stack, client_id, pool_id)
    log = Invocations(stack, pool_id)
    log.new()
    idp.admin_initiate_auth(UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                            AuthParameters={"USERNAME": user["username"], "PASSWORD": PASSWORD})
    entries = log.new()
    assert [e["trigger"] for e in entries] == ["PreAuthentication", "PreTokenGeneration", "PostAuthentication"]
    assert {e["event"]["callerContext"]["clientId"] for e in entries} == {client_id}


def test_user_srp_auth_routes_each_call_s_client_metadata(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    user = signed_up(idp, stack, client_id, pool_id)
    log = Invocations(stack, pool_id)
    log.new()
    helper = AWSSRP(username=user["username"], password=PASSWORD, pool_id=pool_id, client_id=client_id,
                    client=idp)
    params = helper.get_auth_params()
    started = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params,
                                ClientMetadata={"phase": "initiate"})
    assert started["ChallengeName"] == "PASSWORD_VERIFIER"
    assert order(log.new()) == [("PreAuthentication", "PreAuthentication_Authentication")]
    idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="PASSWORD_VERIFIER",
                                  ChallengeResponses=helper.process_challenge(started["ChallengeParameters"],
                                                                              params),
                                  ClientMetadata={"phase": "respond"})
    entries = log.new()
    assert order(entries) == [("PreTokenGeneration", "TokenGeneration_Authentication"),
                              ("PostAuthentication", "PostAuthentication_Authentication")]
    assert [e["event"]["request"]["clientMetadata"] for e in entries] == [{"phase": "respond"}] * 2


def test_refresh_runs_only_pre_token_generation_refresh_tokens(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    user = signed_up(idp, stack, client_id, pool_id)
    tokens = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": user["username"], "PASSWORD": PASSWORD},
                               )["AuthenticationResult"]
    log = Invocations(stack, pool_id)
    log.new()
    idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", ClientMetadata={"not": "passed"},
                      AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    [pre_token] = log.new()
    assert pre_token["event"] == {
        **header(pool_id, client_id, user["username"], "TokenGeneration_RefreshTokens", version="2"),
        "request": {"userAttributes": confirmed_attributes(user),
                    "groupConfiguration": {"groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": None},
                    "scopes": ["aws.cognito.signin.user.admin"]},
        "response": {},
    }


def one_round_define(event: dict[str, Any], context: Any) -> dict[str, Any]:
    session = event["request"]["session"]
    if session and session[-1]["challengeResult"] is True:
        event["response"].update(issueTokens=True, failAuthentication=False)
    else:
        event["response"].update(challengeName="CUSTOM_CHALLENGE", issueTokens=False, failAuthentication=False)
    return event


def one_round_create(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"].update(publicChallengeParameters={"question": "6 x 7"},
                             privateChallengeParameters={"answer": "42"}, challengeMetadata="ARITHMETIC")
    return event


def one_round_verify(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["request"]
    event["response"]["answerCorrect"] = request["challengeAnswer"] == request["privateChallengeParameters"]["answer"]
    return event


@pytest.fixture()
def one_round_pool(stack, make_pool):
    return make_pool(triggers=bundle_triggers(
        DefineAuthChallenge=register_trigger(stack, one_round_define),
        CreateAuthChallenge=register_trigger(stack, one_round_create),
        VerifyAuthChallengeResponse=register_trigger(stack, one_round_verify)),
        client={"PreventUserExistenceErrors": "ENABLED"})


def test_custom_auth_order_events_and_client_metadata_routing(stack, idp, one_round_pool):
    pool_id, client_id = one_round_pool
    user = signed_up(idp, stack, client_id, pool_id)
    attributes = confirmed_attributes(user)
    log = Invocations(stack, pool_id)
    log.new()
    started = idp.initiate_auth(ClientId=client_id, AuthFlow="CUSTOM_AUTH", ClientMetadata={"phase": "initiate"},
                                AuthParameters={"USERNAME": user["username"]})
    assert started["ChallengeParameters"] == {"question": "6 x 7", "USERNAME": user["username"]}
    entries = log.new()
    assert order(entries) == [("PreAuthentication", "PreAuthentication_Authentication"),
                              ("DefineAuthChallenge", "DefineAuthChallenge_Authentication"),
                              ("CreateAuthChallenge", "CreateAuthChallenge_Authentication")]
    pre_auth, define, create = (e["event"] for e in entries)
    assert pre_auth["request"] == {"userAttributes": attributes, "validationData": {"phase": "initiate"},
                                   "userNotFound": False}
    assert define == {**header(pool_id, client_id, user["username"], "DefineAuthChallenge_Authentication"),
                      "request": {"userAttributes": attributes, "session": [], "userNotFound": False},
                      "response": {"challengeName": None, "issueTokens": None, "failAuthentication": None}}
    assert create == {**header(pool_id, client_id, user["username"], "CreateAuthChallenge_Authentication"),
                      "request": {"userAttributes": attributes, "session": [], "userNotFound": False,
                                  "challengeName": "CUSTOM_CHALLENGE"},
                      "response": {"publicChallengeParameters": None, "privateChallengeParameters": None,
                                   "challengeMetadata": None}}

    idp.respond_to_auth_challenge(ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE", Session=started["Session"],
                                  ChallengeResponses={"USERNAME": user["username"], "ANSWER": "42"},
                                  ClientMetadata={"phase": "respond"})
    entries = log.new()
    assert order(entries) == [("VerifyAuthChallengeResponse", "VerifyAuthChallengeResponse_Authentication"),
                              ("DefineAuthChallenge", "DefineAuthChallenge_Authentication"),
                              ("PreTokenGeneration", "TokenGeneration_Authentication"),
                              ("PostAuthentication", "PostAuthentication_Authentication")]
    verify, define, pre_token, post_auth = (e["event"] for e in entries)
    assert verify == {**header(pool_id, client_id, user["username"], "VerifyAuthChallengeResponse_Authentication"),
                      "request": {"userAttributes": attributes, "session": [], "userNotFound": False,
                                  "privateChallengeParameters": {"answer": "42"}, "challengeAnswer": "42",
                                  "clientMetadata": {"phase": "respond"}},
                      "response": {"answerCorrect": None}}
    assert define["request"] == {
        "userAttributes": attributes, "userNotFound": False, "clientMetadata": {"phase": "respond"},
        "session": [{"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True,
                     "challengeMetadata": "ARITHMETIC"}]}
    assert pre_token["request"]["clientMetadata"] == {"phase": "respond"}
    assert post_auth["request"]["clientMetadata"] == {"phase": "respond"}


def test_user_migration_gets_initiate_auth_client_metadata_as_validation_data(stack, idp, make_pool):
    pool_id, client_id = make_pool()
    log = Invocations(stack, pool_id)
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", ClientMetadata={"legacy": "db1"},
                          AuthParameters={"USERNAME": "legacy-user", "PASSWORD": "Legacy-Pass-1"})
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")
    [migration] = log.new()
    assert migration["event"] == {
        **header(pool_id, client_id, "legacy-user", "UserMigration_Authentication"),
        "request": {"password": "Legacy-Pass-1", "validationData": {"legacy": "db1"}},
        "response": {"userAttributes": None, "finalUserStatus": None, "messageAction": None,
                     "desiredDeliveryMediums": None, "forceAliasCreation": None},
    }


def migrate_confirmed(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"].update(userAttributes={"email": f"{event['userName']}@legacy.example",
                                             "email_verified": "true"},
                             finalUserStatus="CONFIRMED", messageAction="SUPPRESS")
    return event


def test_migrated_user_then_signs_in_through_the_usual_triggers(stack, idp, make_pool):
    pool_id, client_id = make_pool(triggers=bundle_triggers(UserMigration=register_trigger(stack, migrate_confirmed)))
    log = Invocations(stack, pool_id)
    username = unique("legacy")
    result = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": username, "PASSWORD": "Old-System-Pass-1"})
    assert "AccessToken" in result["AuthenticationResult"]
    assert order(log.new()) == [("UserMigration", "UserMigration_Authentication"),
                                ("PreAuthentication", "PreAuthentication_Authentication"),
                                ("PreTokenGeneration", "TokenGeneration_Authentication"),
                                ("PostAuthentication", "PostAuthentication_Authentication")]
    again = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                              AuthParameters={"USERNAME": username, "PASSWORD": "Old-System-Pass-1"})
    assert "AccessToken" in again["AuthenticationResult"]
    assert [e["trigger"] for e in log.new()] == ["PreAuthentication", "PreTokenGeneration", "PostAuthentication"]


# --- PreSignUp and CustomMessage responses ------------------------------------------------------------------


def auto_confirm_and_verify(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"].update(autoConfirmUser=True, autoVerifyEmail=True,
                             autoVerifyPhone="phone_number" in event["request"]["userAttributes"])
    return event


def test_pre_sign_up_auto_confirm_runs_post_confirmation_during_sign_up_and_sends_no_code(stack, idp, make_pool):
    pool_id, client_id = make_pool(triggers=bundle_triggers(PreSignUp=register_trigger(stack, auto_confirm_and_verify)))
    log = Invocations(stack, pool_id)
    username = unique()
    email, phone = f"{username}@example.com", "+14155550123"
    result = idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                         ClientMetadata={"via": "signup"},
                         UserAttributes=[{"Name": "email", "Value": email}, {"Name": "phone_number", "Value": phone}])
    assert result["UserConfirmed"] is True
    assert "CodeDeliveryDetails" not in result
    entries = log.new()
    assert order(entries) == [("PreSignUp", "PreSignUp_SignUp"),
                              ("PostConfirmation", "PostConfirmation_ConfirmSignUp")]
    assert entries[1]["event"]["request"] == {
        "userAttributes": {"sub": result["UserSub"], "email": email, "phone_number": phone,
                           "email_verified": "true", "phone_number_verified": "true",
                           "cognito:user_status": "CONFIRMED"},
        "clientMetadata": {"via": "signup"}}
    assert not [m for m in stack.outbox() if m["to"] in (email, phone)]
    user = idp.admin_get_user(UserPoolId=pool_id, Username=username)
    assert user["UserStatus"] == "CONFIRMED"
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email_verified"] == "true"
    assert attributes["phone_number_verified"] == "true"
    idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                      AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD})


def verify_email_only(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"]["autoVerifyEmail"] = True
    return event


def test_pre_sign_up_auto_verify_email_without_confirming_still_sends_a_code(stack, idp, make_pool):
    pool_id, client_id = make_pool(triggers=bundle_triggers(PreSignUp=register_trigger(stack, verify_email_only)))
    username = unique()
    email = f"{username}@example.com"
    result = idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                         UserAttributes=[{"Name": "email", "Value": email}])
    assert result["UserConfirmed"] is False
    assert result["CodeDeliveryDetails"]["AttributeName"] == "email"
    user = idp.admin_get_user(UserPoolId=pool_id, Username=username)
    assert user["UserStatus"] == "UNCONFIRMED"
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["email_verified"] == "true"


def test_pre_sign_up_auto_verify_email_without_an_email_is_refused(stack, idp, make_pool):
    pool_id, client_id = make_pool(triggers=bundle_triggers(PreSignUp=register_trigger(stack, verify_email_only)),
                                   pool={"AutoVerifiedAttributes": []})
    username = unique()
    with pytest.raises(ClientError) as exc:
        idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD)
    assert error_of(exc)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:
        idp.admin_get_user(UserPoolId=pool_id, Username=username)
    assert error_of(exc) == ("UserNotFoundException", "User does not exist.")


def custom_text(event: dict[str, Any], context: Any) -> dict[str, Any]:
    code = event["request"]["codeParameter"]
    event["response"].update(emailSubject="Welcome aboard", emailMessage=f"<b>Your code: {code}</b>",
                             smsMessage=f"Code {code}")
    return event


def custom_text_without_code(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"].update(emailSubject="Welcome", emailMessage="No code here")
    return event


DEVELOPER_EMAIL = {"EmailConfiguration": {
    "EmailSendingAccount": "DEVELOPER",
    "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/noreply@example.com",
}}


def test_custom_message_text_is_what_the_user_receives(stack, idp, make_pool):
    _pool_id, client_id = make_pool(triggers=bundle_triggers(CustomMessage=register_trigger(stack, custom_text)),
                                   pool=DEVELOPER_EMAIL)
    username = unique()
    email = f"{username}@example.com"
    idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": email}])
    message = next(m for m in stack.outbox() if m["to"] == email)
    assert message["subject"] == "Welcome aboard"
    assert message["body"] == f"<b>Your code: {message['code']}</b>"


def test_custom_message_without_the_code_placeholder_is_refused(stack, idp, make_pool):
    message = register_trigger(stack, custom_text_without_code)
    _pool_id, client_id = make_pool(triggers=bundle_triggers(CustomMessage=message), pool=DEVELOPER_EMAIL)
    username = unique()
    with pytest.raises(ClientError) as exc:
        idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    assert error_of(exc) == ("InvalidLambdaResponseException", "Unrecognizable lambda output")


def test_custom_email_message_needs_a_developer_email_account(stack, idp, make_pool):
    _pool_id, client_id = make_pool(triggers=bundle_triggers(CustomMessage=register_trigger(stack, custom_text)))
    username = unique()
    with pytest.raises(ClientError) as exc:
        idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD,
                    UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    assert error_of(exc) == ("InvalidLambdaResponseException", "Unrecognizable lambda output")

"""SetRiskConfiguration / DescribeRiskConfiguration: Cognito's shapes and validation, threat protection
required, client configuration overriding the pool's, and a request without configurations resetting its
scope."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import error_of

COMPROMISED = {"EventFilter": ["SIGN_UP", "SIGN_IN"], "Actions": {"EventAction": "BLOCK"}}
TAKEOVER = {"Actions": {"HighAction": {"Notify": False, "EventAction": "BLOCK"},
                        "MediumAction": {"Notify": False, "EventAction": "MFA_IF_CONFIGURED"},
                        "LowAction": {"Notify": False, "EventAction": "NO_ACTION"}}}
PLUS = {"UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}, "UserPoolTier": "PLUS"}


@pytest.fixture()
def plus_pool(make_pool):
    return make_pool(pool=PLUS)


def test_set_then_describe_the_pool_configuration(idp, plus_pool):
    pool_id, _client_id = plus_pool
    answer = idp.set_risk_configuration(UserPoolId=pool_id, CompromisedCredentialsRiskConfiguration=COMPROMISED,
                                        AccountTakeoverRiskConfiguration=TAKEOVER,
                                        RiskExceptionConfiguration={"SkippedIPRangeList": ["10.0.0.0/8"]})
    described = idp.describe_risk_configuration(UserPoolId=pool_id)["RiskConfiguration"]
    assert described == answer["RiskConfiguration"]
    assert described["UserPoolId"] == pool_id
    assert described["CompromisedCredentialsRiskConfiguration"] == COMPROMISED
    assert described["AccountTakeoverRiskConfiguration"] == TAKEOVER
    assert described["RiskExceptionConfiguration"] == {"SkippedIPRangeList": ["10.0.0.0/8"]}
    assert described["LastModifiedDate"]
    assert "ClientId" not in described


def test_a_client_configuration_overrides_the_pools_and_a_bare_request_resets_it(idp, plus_pool):
    pool_id, client_id = plus_pool
    idp.set_risk_configuration(UserPoolId=pool_id, CompromisedCredentialsRiskConfiguration=COMPROMISED)
    own = {"Actions": {"EventAction": "NO_ACTION"}}
    idp.set_risk_configuration(UserPoolId=pool_id, ClientId=client_id, CompromisedCredentialsRiskConfiguration=own)
    described = idp.describe_risk_configuration(UserPoolId=pool_id, ClientId=client_id)["RiskConfiguration"]
    assert (described["ClientId"], described["CompromisedCredentialsRiskConfiguration"]) == (client_id, own)
    # The client goes back to inheriting the pool's configuration.
    idp.set_risk_configuration(UserPoolId=pool_id, ClientId=client_id)
    inherited = idp.describe_risk_configuration(UserPoolId=pool_id, ClientId=client_id)["RiskConfiguration"]
    assert inherited["CompromisedCredentialsRiskConfiguration"] == COMPROMISED
    # And the pool to none at all.
    idp.set_risk_configuration(UserPoolId=pool_id)
    assert idp.describe_risk_configuration(UserPoolId=pool_id)["RiskConfiguration"] == {"UserPoolId": pool_id}


def test_threat_protection_must_be_on(idp, make_pool):
    pool_id, _client_id = make_pool()
    for call in (lambda: idp.describe_risk_configuration(UserPoolId=pool_id),
                 lambda: idp.set_risk_configuration(UserPoolId=pool_id,
                                                    CompromisedCredentialsRiskConfiguration=COMPROMISED)):
        with pytest.raises(idp.exceptions.UserPoolAddOnNotEnabledException) as exc:
            call()
        assert error_of(exc) == ("UserPoolAddOnNotEnabledException",
                                 "Advanced security features are not enabled for this user pool.")


def test_audit_mode_is_enough_to_configure(idp, make_pool):
    pool_id, _client_id = make_pool(pool={"UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}})
    idp.set_risk_configuration(UserPoolId=pool_id, CompromisedCredentialsRiskConfiguration=COMPROMISED)
    described = idp.describe_risk_configuration(UserPoolId=pool_id)["RiskConfiguration"]
    assert described["CompromisedCredentialsRiskConfiguration"] == COMPROMISED


def test_unknown_pool_and_client(idp, plus_pool):
    pool_id, _client_id = plus_pool
    with pytest.raises(idp.exceptions.ResourceNotFoundException) as exc:
        idp.describe_risk_configuration(UserPoolId="us-east-1_nothere00")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_nothere00 does not exist.")
    with pytest.raises(idp.exceptions.ResourceNotFoundException) as exc:
        idp.set_risk_configuration(UserPoolId=pool_id, ClientId="0" * 26)
    assert error_of(exc) == ("ResourceNotFoundException", f"User pool client {'0' * 26} does not exist.")


def test_wire_validation_of_the_shapes(idp, plus_pool, stack):
    import json

    import requests

    pool_id, _client_id = plus_pool

    def call(body: dict) -> tuple[int, dict]:
        reply = requests.post(stack.idp_url, data=json.dumps(body), timeout=10, headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityProviderService.SetRiskConfiguration"})
        return reply.status_code, reply.json()

    status, body = call({"UserPoolId": pool_id, "CompromisedCredentialsRiskConfiguration": {
        "Actions": {"EventAction": "MFA_REQUIRED"}}})
    assert (status, body) == (400, {"__type": "InvalidParameterException", "message": (
        "1 validation error detected: Value 'MFA_REQUIRED' at 'compromisedCredentialsRiskConfiguration.actions"
        ".eventAction' failed to satisfy constraint: Member must satisfy enum value set: [BLOCK, NO_ACTION]")})
    status, body = call({"UserPoolId": pool_id,
                         "CompromisedCredentialsRiskConfiguration": {"EventFilter": ["SIGN_IN"]}})
    assert (status, body["message"]) == (400, "1 validation error detected: Value null at "
                                              "'compromisedCredentialsRiskConfiguration.actions' failed to satisfy "
                                              "constraint: Member must not be null")


def test_bad_ip_ranges_and_takeover_actions_are_refused(idp, plus_pool):
    pool_id, _client_id = plus_pool
    with pytest.raises(idp.exceptions.InvalidParameterException) as exc:
        idp.set_risk_configuration(UserPoolId=pool_id, RiskExceptionConfiguration={"BlockedIPRangeList": ["10.0.0/33"]})
    assert error_of(exc) == ("InvalidParameterException", "Invalid IP range 10.0.0/33 in BlockedIPRangeList.")
    with pytest.raises(idp.exceptions.InvalidParameterException) as exc:
        idp.set_risk_configuration(UserPoolId=pool_id, AccountTakeoverRiskConfiguration={
            "Actions": {"HighAction": {"Notify": True, "EventAction": "BLOCK"}}})
    assert error_of(exc) == ("InvalidParameterException",
                             "NotifyConfiguration is required when an action notifies the user.")

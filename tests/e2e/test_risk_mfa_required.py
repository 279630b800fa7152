"""Done when of issue 5 against the running local stack: with SetRiskConfiguration asking MFA_REQUIRED for
medium and high risk, a password sign-in over HTTP from a new device is asked for a second factor (an email
code), which completes it; the user on their usual device and network signs in directly; AdminListUserAuthEvents
shows the step-up sign-in with its risk."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from chalicelib import aws
from chalicelib.risk import config as risk_config
from chalicelib.services.auth import AuthService, Tokens
from chalicelib.services.cognito import CognitoConfig, CognitoIdp, UserContext
from tests.helpers import PASSWORD, admin_user

PLUS = {"UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}, "UserPoolTier": "PLUS"}
TAKEOVER = {"Actions": {"LowAction": {"Notify": False, "EventAction": "NO_ACTION"},
                        "MediumAction": {"Notify": False, "EventAction": "MFA_REQUIRED"},
                        "HighAction": {"Notify": False, "EventAction": "MFA_REQUIRED"}}}
HOME_IP, HOME_DEVICE = "203.0.113.44", "usual-laptop-device-id-0001"
AGENT = "Mozilla/5.0 (Macintosh) Safari/17 e2e"


@pytest.fixture(params=[False, True], ids=["public-client", "client-with-secret"])
def user(request: pytest.FixtureRequest, idp: Any, make_pool: Any, use_pool: Any) -> dict[str, str]:
    """The API's app client without a secret (the local demo's) and with one (the deployed stack's)."""
    pool_id, client_id = make_pool(pool=PLUS, client={"PreventUserExistenceErrors": "ENABLED",
                                                      "GenerateSecret": request.param})
    idp.set_risk_configuration(UserPoolId=pool_id, AccountTakeoverRiskConfiguration=TAKEOVER)
    secret = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"].get("ClientSecret")
    use_pool(pool_id, client_id, secret)  # the running API (same process) talks to this pool
    risk_config.clear_cache()
    return {"pool_id": pool_id, **admin_user(idp, pool_id)}


def at_home(username: str) -> Any:
    """A sign-in from the user's usual laptop at home (the API's service, as the gateway would call it)."""
    service = AuthService(CognitoIdp(aws.cognito_idp(), CognitoConfig.from_env()))
    return service.sign_in(username, PASSWORD, UserContext(ip_address=HOME_IP, user_agent=AGENT), HOME_DEVICE)


def code_for(stack: Any, email: str) -> str:
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        for message in stack.outbox():
            if message["to"] == email and message.get("code"):
                return str(message["code"])
        time.sleep(0.1)
    raise AssertionError(f"no code sent to {email}")


def test_a_new_device_under_mfa_required_is_asked_for_a_second_factor(stack: Any, idp: Any,
                                                                      user: dict[str, str]) -> None:
    assert isinstance(at_home(user["username"]), Tokens)

    browser = requests.Session()
    asked = browser.post(f"{stack.base_url}/auth/sign-in", json={"username": user["username"], "password": PASSWORD},
                         headers={"User-Agent": AGENT}, timeout=30)
    assert asked.status_code == 200, asked.text
    challenge = asked.json()
    assert challenge["challenge"] == "CUSTOM_CHALLENGE" and "accessToken" not in challenge
    assert (challenge["parameters"]["challenge"], challenge["parameters"]["deliveryMedium"]) == ("EMAIL_OTP", "EMAIL")
    assert challenge["parameters"]["destination"] == f"{user['username'][0]}***@e***"
    assert "__Host-device" in asked.headers.get("Set-Cookie", "")

    done = browser.post(f"{stack.base_url}/auth/challenge", timeout=30, headers={"User-Agent": AGENT}, json={
        "username": user["username"], "session": challenge["session"], "challenge": challenge["challenge"],
        "responses": {"ANSWER": code_for(stack, user["email"])}})
    assert done.status_code == 200, done.text
    assert set(done.json()) >= {"accessToken", "idToken", "refreshToken"}

    events = idp.admin_list_user_auth_events(UserPoolId=user["pool_id"], Username=user["username"])["AuthEvents"]
    step_up, home = events[0], events[1]
    assert step_up["EventResponse"] == "Pass"  # recorded InProgress at the password, resolved at the code
    assert step_up["ChallengeResponses"] == [{"ChallengeName": "Password", "ChallengeResponse": "Success"},
                                             {"ChallengeName": "Mfa", "ChallengeResponse": "Success"}]
    assert step_up["EventRisk"]["RiskDecision"] == "AccountTakeover"
    assert step_up["EventRisk"]["RiskLevel"] in ("Medium", "High")
    assert step_up["EventContextData"]["IpAddress"] == "127.0.0.1"
    assert (home["EventResponse"], home["EventRisk"]["RiskLevel"]) == ("Pass", "Low")

    # The usual laptop at home is not asked.
    assert isinstance(at_home(user["username"]), Tokens)


def test_all_over_http_a_browser_at_home_gets_tokens_and_a_new_one_elsewhere_is_asked(stack: Any,
                                                                                       user: dict[str, str]) -> None:
    """As a new user tries it against `make run` from one machine: X-Cogworks-Source-Ip (stage local only)
    plays the addresses API Gateway would see."""
    def sign_in(browser: requests.Session, address: str) -> dict[str, Any]:
        reply = browser.post(f"{stack.base_url}/auth/sign-in", timeout=30,
                             json={"username": user["username"], "password": PASSWORD},
                             headers={"User-Agent": AGENT, "X-Cogworks-Source-Ip": address})
        assert reply.status_code == 200, reply.text
        return dict(reply.json())

    laptop = requests.Session()
    assert "accessToken" in sign_in(laptop, HOME_IP)  # the first sign-in: nothing to compare with
    assert "accessToken" in sign_in(laptop, HOME_IP)  # the usual device at home
    asked = sign_in(requests.Session(), "198.51.100.77")  # another browser, another network
    assert asked["challenge"] == "CUSTOM_CHALLENGE" and asked["parameters"]["challenge"] == "EMAIL_OTP"
    assert "accessToken" in sign_in(laptop, HOME_IP)

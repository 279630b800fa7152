"""GetTokensFromRefreshToken: REFRESH_TOKEN_AUTH's refresh (same checks and messages) with ClientMetadata for
PreTokenGeneration and the client's secret itself; with RefreshTokenRotation ENABLED, a new refresh token in the
same session, the submitted one refused after RetryGracePeriodSeconds, and REFRESH_TOKEN_AUTH refused."""

from __future__ import annotations

import concurrent.futures
import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.services.cognito import secret_hash
from tests.e2e.conftest import PASSWORD, error_of, register_trigger, unique
from tests.helpers import (
    REVOKED_ACCESS,
    REVOKED_REFRESH,
    assert_tokens_dead,
    claims_of,
    emulator_clock,
    refresh_auth,
    user_tokens,
)

INVALID_REFRESH = ("NotAuthorizedException", "Invalid Refresh Token")
ROTATED_OUT = ("RefreshTokenReuseException", "Refresh Token has been rotated")
ROTATING_REFUSED = ("{} is not available for a client with refresh token rotation enabled; "
                    "use GetTokensFromRefreshToken.")
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"]


def get_tokens(idp: Any, client_id: str, refresh_token: str, **extra: Any) -> dict[str, Any]:
    return idp.get_tokens_from_refresh_token(ClientId=client_id, RefreshToken=refresh_token,
                                             **extra)["AuthenticationResult"]


def refused(idp: Any, client_id: str, refresh_token: str, **extra: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as exc:
        get_tokens(idp, client_id, refresh_token, **extra)
    return error_of(exc)


def client_with(idp: Any, user: dict[str, str], rotation: dict[str, Any] | None, **settings: Any) -> str:
    """A second client of the user's pool with this RefreshTokenRotation (none if None) and password sign-in."""
    extra = {"RefreshTokenRotation": rotation} if rotation else {}
    return idp.create_user_pool_client(UserPoolId=user["pool_id"], ClientName=unique("client"),
                                       ExplicitAuthFlows=FLOWS, **extra, **settings)["UserPoolClient"]["ClientId"]


def rotating(idp: Any, user: dict[str, str], grace: int, **settings: Any) -> str:
    return client_with(idp, user, {"Feature": "ENABLED", "RetryGracePeriodSeconds": grace}, **settings)


def assert_signed_in(idp: Any, user: dict[str, str], tokens: dict[str, Any]) -> None:
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == user["username"]


# --- rotation off ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("rotation", [None, {"Feature": "DISABLED", "RetryGracePeriodSeconds": 30}])
def test_without_rotation_it_refreshes_like_refresh_token_auth(idp, confirmed_user, rotation):
    client_id = client_with(idp, confirmed_user, rotation)
    tokens = user_tokens(idp, confirmed_user, client_id)
    got = get_tokens(idp, client_id, tokens["RefreshToken"], DeviceKey="us-east-1_0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b")
    assert set(got) == {"AccessToken", "ExpiresIn", "TokenType", "IdToken"}
    assert (got["ExpiresIn"], got["TokenType"]) == (3600, "Bearer")
    assert_signed_in(idp, confirmed_user, got)
    via_initiate_auth = refresh_auth(idp, client_id, tokens["RefreshToken"])["AuthenticationResult"]
    assert set(via_initiate_auth) == set(got)
    before = claims_of(tokens["IdToken"])
    for kind in ("IdToken", "AccessToken"):
        ours, theirs = claims_of(got[kind]), claims_of(via_initiate_auth[kind])
        assert set(ours) == set(theirs)
        assert ours["origin_jti"] == theirs["origin_jti"] == before["origin_jti"]
        assert ours["auth_time"] == theirs["auth_time"] == before["auth_time"]
    assert_signed_in(idp, confirmed_user, get_tokens(idp, client_id, tokens["RefreshToken"]))


def test_client_metadata_reaches_pre_token_generation(stack, idp, confirmed_user):
    client_id, pool_id = confirmed_user["client_id"], confirmed_user["pool_id"]
    tokens = user_tokens(idp, confirmed_user)

    def last_pre_token_event() -> dict[str, Any]:  # /local/invocations lists the newest first
        return next(i["event"] for i in stack.invocations()
                    if i["trigger"] == "PreTokenGeneration" and i["event"]["userPoolId"] == pool_id)

    get_tokens(idp, client_id, tokens["RefreshToken"], ClientMetadata={"origin": "refresh-test"})
    event = last_pre_token_event()
    assert event["triggerSource"] == "TokenGeneration_RefreshTokens"
    assert event["request"]["clientMetadata"] == {"origin": "refresh-test"}
    idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", ClientMetadata={"origin": "initiate"},
                      AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    event = last_pre_token_event()
    assert event["triggerSource"] == "TokenGeneration_RefreshTokens"
    assert "clientMetadata" not in event["request"]


def test_a_client_with_a_secret_must_send_it(idp, confirmed_user):
    client = idp.create_user_pool_client(UserPoolId=confirmed_user["pool_id"], ClientName="server",
                                         GenerateSecret=True, ExplicitAuthFlows=FLOWS)["UserPoolClient"]
    client_id, secret = client["ClientId"], client["ClientSecret"]
    refresh_token = idp.admin_initiate_auth(
        UserPoolId=confirmed_user["pool_id"], ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": confirmed_user["username"], "PASSWORD": PASSWORD,
                        "SECRET_HASH": secret_hash(secret, confirmed_user["username"], client_id)},
    )["AuthenticationResult"]["RefreshToken"]
    assert refused(idp, client_id, refresh_token) == (
        "NotAuthorizedException", f"Client {client_id} is configured with secret but ClientSecret was not received")
    assert refused(idp, client_id, refresh_token, ClientSecret="x" * len(secret)) == (
        "NotAuthorizedException", f"Unable to verify secret for client {client_id}")
    assert_signed_in(idp, confirmed_user, get_tokens(idp, client_id, refresh_token, ClientSecret=secret))


def test_wrong_client_garbage_token_and_unknown_client(idp, confirmed_user):
    tokens = user_tokens(idp, confirmed_user)
    other = client_with(idp, confirmed_user, None)
    assert refused(idp, other, tokens["RefreshToken"]) == INVALID_REFRESH
    assert refused(idp, confirmed_user["client_id"], "not-a-token") == INVALID_REFRESH
    assert refused(idp, "nosuchclient0000000000000", tokens["RefreshToken"]) == (
        "ResourceNotFoundException", "User pool client nosuchclient0000000000000 does not exist.")


def test_revoked_token(idp, confirmed_user):
    tokens = user_tokens(idp, confirmed_user)
    idp.revoke_token(Token=tokens["RefreshToken"], ClientId=confirmed_user["client_id"])
    assert refused(idp, confirmed_user["client_id"], tokens["RefreshToken"]) == REVOKED_REFRESH
    assert_tokens_dead(idp, confirmed_user, tokens)


def test_disabled_user(idp, confirmed_user):
    tokens = user_tokens(idp, confirmed_user)
    idp.admin_disable_user(UserPoolId=confirmed_user["pool_id"], Username=confirmed_user["username"])
    assert refused(idp, confirmed_user["client_id"], tokens["RefreshToken"]) == REVOKED_REFRESH
    idp.admin_enable_user(UserPoolId=confirmed_user["pool_id"], Username=confirmed_user["username"])
    assert refused(idp, confirmed_user["client_id"], tokens["RefreshToken"]) == REVOKED_REFRESH


# --- rotation on ----------------------------------------------------------------------------------------------
def test_rotation_without_grace_refuses_the_old_token_at_once(idp, confirmed_user):
    client_id = rotating(idp, confirmed_user, 0)
    tokens = user_tokens(idp, confirmed_user, client_id)
    first = get_tokens(idp, client_id, tokens["RefreshToken"])
    assert set(first) == {"AccessToken", "ExpiresIn", "TokenType", "IdToken", "RefreshToken"}
    assert first["RefreshToken"] != tokens["RefreshToken"]
    assert_signed_in(idp, confirmed_user, first)
    assert refused(idp, client_id, tokens["RefreshToken"]) == ROTATED_OUT
    second = get_tokens(idp, client_id, first["RefreshToken"])
    assert second["RefreshToken"] not in (first["RefreshToken"], tokens["RefreshToken"])
    assert_signed_in(idp, confirmed_user, second)
    assert refused(idp, client_id, first["RefreshToken"]) == ROTATED_OUT
    assert_signed_in(idp, confirmed_user, first)


def test_the_old_token_works_during_the_grace_period_only(idp, confirmed_user):
    client_id = rotating(idp, confirmed_user, 10)
    now = [time.time()]
    with emulator_clock(lambda: now[0]):
        tokens = user_tokens(idp, confirmed_user, client_id)
        rotated = get_tokens(idp, client_id, tokens["RefreshToken"])
        now[0] += 9
        retried = get_tokens(idp, client_id, tokens["RefreshToken"])
        assert retried["RefreshToken"] != rotated["RefreshToken"]
        assert_signed_in(idp, confirmed_user, retried)
        now[0] += 2
        assert refused(idp, client_id, tokens["RefreshToken"]) == ROTATED_OUT
        for newer in (rotated, retried):
            assert_signed_in(idp, confirmed_user, get_tokens(idp, client_id, newer["RefreshToken"]))


def test_rotated_tokens_keep_auth_time_session_and_expiry(idp, confirmed_user):
    client_id = rotating(idp, confirmed_user, 0, RefreshTokenValidity=60,
                         TokenValidityUnits={"RefreshToken": "minutes"})
    now = [float(int(time.time()))]
    with emulator_clock(lambda: now[0]):
        tokens = user_tokens(idp, confirmed_user, client_id)
        now[0] += 30 * 60
        rotated = get_tokens(idp, client_id, tokens["RefreshToken"])
        before, after = claims_of(tokens["IdToken"]), claims_of(rotated["IdToken"])
        assert after["auth_time"] == before["auth_time"] == int(now[0]) - 30 * 60
        assert after["iat"] == int(now[0])
        assert after["origin_jti"] == before["origin_jti"]
        now[0] += 31 * 60
        assert refused(idp, client_id, rotated["RefreshToken"]) == ("NotAuthorizedException",
                                                                     "Refresh Token has expired")


@pytest.mark.parametrize(("flow", "admin"), [("REFRESH_TOKEN_AUTH", False), ("REFRESH_TOKEN", False),
                                             ("REFRESH_TOKEN_AUTH", True)])
def test_initiate_auth_refresh_is_refused_on_a_rotating_client(idp, confirmed_user, flow, admin):
    client_id = rotating(idp, confirmed_user, 0)
    tokens = user_tokens(idp, confirmed_user, client_id)
    call = idp.admin_initiate_auth if admin else idp.initiate_auth
    where = {"UserPoolId": confirmed_user["pool_id"]} if admin else {}
    with pytest.raises(ClientError) as exc:
        call(ClientId=client_id, AuthFlow=flow, AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]}, **where)
    assert error_of(exc) == ("InvalidParameterException", ROTATING_REFUSED.format(flow))
    assert "RefreshToken" in get_tokens(idp, client_id, tokens["RefreshToken"])


def rotated_chain(idp: Any, user: dict[str, str], client_id: str) -> list[dict[str, Any]]:
    """A sign-in and two rotations, each older token still inside the grace period."""
    chain = [user_tokens(idp, user, client_id)]
    for _ in range(2):
        chain.append(get_tokens(idp, client_id, chain[-1]["RefreshToken"]))
    return chain


def assert_chain_ended(idp: Any, client_id: str, chain: list[dict[str, Any]]) -> None:
    for tokens in chain:
        with pytest.raises(ClientError) as exc:
            idp.get_user(AccessToken=tokens["AccessToken"])
        assert error_of(exc) == REVOKED_ACCESS
        assert refused(idp, client_id, tokens["RefreshToken"]) == REVOKED_REFRESH


def test_revoking_the_newest_token_ends_the_whole_chain(idp, confirmed_user):
    client_id = rotating(idp, confirmed_user, 60)
    chain = rotated_chain(idp, confirmed_user, client_id)
    other_session = user_tokens(idp, confirmed_user, client_id)
    idp.revoke_token(Token=chain[-1]["RefreshToken"], ClientId=client_id)
    assert_chain_ended(idp, client_id, chain)
    assert_signed_in(idp, confirmed_user, get_tokens(idp, client_id, other_session["RefreshToken"]))


def test_global_sign_out_with_a_rotated_access_token_ends_the_chain(idp, confirmed_user):
    client_id = rotating(idp, confirmed_user, 60)
    chain = rotated_chain(idp, confirmed_user, client_id)
    idp.global_sign_out(AccessToken=chain[-1]["AccessToken"])
    assert_chain_ended(idp, client_id, chain)


# --- client configuration -------------------------------------------------------------------------------------
def test_create_describe_and_update_keep_refresh_token_rotation(idp, confirmed_user):
    pool_id = confirmed_user["pool_id"]
    enabled = {"Feature": "ENABLED", "RetryGracePeriodSeconds": 45}
    created = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="rotating",
                                          RefreshTokenRotation=enabled)["UserPoolClient"]
    client_id = created["ClientId"]

    def described() -> dict[str, Any]:
        return idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]

    assert created["RefreshTokenRotation"] == described()["RefreshTokenRotation"] == enabled
    disabled = {"Feature": "DISABLED", "RetryGracePeriodSeconds": 0}
    updated = idp.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id,
                                          RefreshTokenRotation=disabled)["UserPoolClient"]
    assert updated["RefreshTokenRotation"] == described()["RefreshTokenRotation"] == disabled
    idp.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id, RefreshTokenRotation={"Feature": "ENABLED"})
    assert described()["RefreshTokenRotation"] == {"Feature": "ENABLED"}
    idp.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert "RefreshTokenRotation" not in described()


def test_of_concurrent_rotations_without_grace_exactly_one_succeeds(idp, confirmed_user):
    client_id = rotating(idp, confirmed_user, 0)
    token = user_tokens(idp, confirmed_user, client_id)["RefreshToken"]
    barrier = threading.Barrier(8)

    def attempt(_: int) -> tuple[str, str] | dict[str, Any]:
        barrier.wait()
        try:
            return get_tokens(idp, client_id, token)
        except ClientError as exc:
            return exc.response["Error"]["Code"], exc.response["Error"]["Message"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(8)))
    issued = [r for r in results if isinstance(r, dict)]
    assert len(issued) == 1
    assert [r for r in results if not isinstance(r, dict)] == [ROTATED_OUT] * 7
    assert_signed_in(idp, confirmed_user, get_tokens(idp, client_id, issued[0]["RefreshToken"]))


def test_a_refresh_the_trigger_refuses_leaves_the_submitted_token_valid(stack, idp, make_pool):
    failing: list[bool] = []

    def flaky(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        if failing and event["triggerSource"] == "TokenGeneration_RefreshTokens":
            raise RuntimeError("token service unavailable")
        return event

    pool_id, client_id = make_pool(
        triggers={"PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": register_trigger(stack, flaky)}},
        client={"RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 0}})
    user = {"pool_id": pool_id, "client_id": client_id, "username": unique(), "password": PASSWORD}
    idp.sign_up(ClientId=client_id, Username=user["username"], Password=PASSWORD)
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=user["username"])
    token = user_tokens(idp, user, client_id)["RefreshToken"]
    failing.append(True)
    assert refused(idp, client_id, token) == ("UserLambdaValidationException",
                                              "PreTokenGeneration failed with error token service unavailable.")
    failing.clear()
    rotated = get_tokens(idp, client_id, token)
    assert_signed_in(idp, user, rotated)
    assert refused(idp, client_id, token) == ROTATED_OUT

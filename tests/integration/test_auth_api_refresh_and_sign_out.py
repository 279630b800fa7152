"""POST /auth/refresh and /auth/sign-out: new tokens for a live refresh token; a global sign-out revokes the
refresh token and the access token's family, so both are refused afterwards."""

from __future__ import annotations

from tests.helpers import claims_of


def test_refresh_answers_new_id_and_access_tokens(api, user, tokens):
    reply = api.post("/auth/refresh", {"refreshToken": tokens["refreshToken"]})
    assert reply.status == 200
    assert set(reply.json) == {"idToken", "accessToken", "expiresIn"}
    claims = claims_of(reply.json["accessToken"])
    assert claims["username"] == user["username"]
    assert api.get("/auth/me", headers=api.bearer(reply.json["accessToken"])).status == 200


def test_a_made_up_refresh_token_is_401(api):
    reply = api.post("/auth/refresh", {"refreshToken": "not.a.real.refresh.token"})
    assert reply.status == 401
    assert reply.error == ("NotAuthorizedException", "Invalid Refresh Token")


def test_refresh_without_a_token_in_body_or_cookie_is_a_validation_error(api):
    reply = api.post("/auth/refresh", {})
    assert reply.status == 400
    assert reply.error == ("ValidationError", "refreshToken: is required (in the body, or as the refresh cookie)")


def test_sign_out_revokes_the_access_and_refresh_tokens(api, tokens):
    reply = api.post("/auth/sign-out", headers=api.bearer(tokens["accessToken"]))
    assert (reply.status, reply.json) == (200, {"signedOut": True})

    me = api.get("/auth/me", headers=api.bearer(tokens["accessToken"]))
    assert me.status == 401
    assert me.error == ("NotAuthorizedException", "Access Token has been revoked")
    again = api.post("/auth/refresh", {"refreshToken": tokens["refreshToken"]})
    assert again.status == 401
    assert again.error[0] == "NotAuthorizedException"


def test_sign_out_needs_an_access_token(api):
    reply = api.post("/auth/sign-out")
    assert reply.status == 401
    assert reply.error == ("NotAuthorizedException", "Access Token is required.")

"""Identity providers other than a local user pool: pools configured with social providers
(SupportedLoginProviders), OpenID Connect providers (OpenIdConnectProviderARNs), SAML providers
(SamlProviderARNs) and a developer provider (DeveloperProviderName) are created and described as in Cognito.
Logins of providers a pool does not have are refused as Cognito refuses them; logins of configured
providers the local pool cannot verify offline get Cognito's offline checks, then a clear
NotAuthorizedException, never a 5xx, never a network wait. Developer-authenticated identities work end to
end: GetOpenIdTokenForDeveloperIdentity, LookupDeveloperIdentity, then GetCredentialsForIdentity."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.e2e.conftest import unique
from tests.e2e.identity_support import (
    REGION,
    assumed,
    caller_arn,
    claims_of,
    create_identity_pool,
    create_role,
    error_message,
    identity_client,
    new_user_pool,
)

ACCOUNT = "123456789012"
OIDC_ISSUER = "login.example.com/tenant-1"
OIDC_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OIDC_ISSUER}"
SAML_ARN = f"arn:aws:iam::{ACCOUNT}:saml-provider/CorpIdP"
SOCIAL = {"graph.facebook.com": "1234567890", "accounts.google.com": "123-abc.apps.googleusercontent.com",
          "www.amazon.com": "amzn1.application.0123456789"}
DEVELOPER = "login.cogworks.example"
DEVELOPER_LOGIN = "cognito-identity.amazonaws.com"

UNSUPPORTED = ("NotAuthorizedException", "Token is not from a supported provider of this identity pool.")
NOT_A_TOKEN = ("NotAuthorizedException", "Invalid login token. Not a valid OpenId Connect identity token.")
WRONG_ISSUER = ("NotAuthorizedException", "Invalid login token. Issuer doesn't match providerName")
BAD_SIGNATURE = ("NotAuthorizedException", "Invalid login token. Couldn't verify signed token.")
LOGINS_DONT_MATCH = ("NotAuthorizedException",
                     "Logins don't match. Please include at least one valid login for this identity or identity pool.")
NO_DEVELOPER = ("NotAuthorizedException", "This identity pool does not support the specified developer provider.")


def not_verified(provider: str) -> tuple[str, str]:
    return ("NotAuthorizedException", f"Invalid login token. Logins of {provider} are not verified by this local "
                                      "identity pool (cogworks emulator); use a Cognito user pool provider.")


@pytest.fixture(scope="module")
def ci(stack: Any) -> Any:
    return identity_client(stack)


@pytest.fixture(scope="module")
def signing_key() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def federated(ci: Any) -> str:
    """A pool with every kind of provider but a user pool, guests allowed."""
    return create_identity_pool(ci, unauthenticated=True, classic=True, SupportedLoginProviders=SOCIAL,
                                OpenIdConnectProviderARNs=[OIDC_ARN], SamlProviderARNs=[SAML_ARN])


def oidc_token(key: Any, iss: str, **claims: Any) -> str:
    now = int(time.time())
    return jwt.encode({"iss": iss, "aud": "client-1", "sub": "user-1", "iat": now, "exp": now + 600, **claims},
                      key, algorithm="RS256", headers={"kid": "remote-key"})


def refused(call: Callable[[], Any]) -> tuple[str, str]:
    started = time.perf_counter()
    with pytest.raises(ClientError) as exc:
        call()
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # Nothing is fetched from the network: the answer is immediate.
    assert time.perf_counter() - started < 5
    return error_message(exc)


def every_flow(ci: Any, pool_id: str, logins: dict[str, str]) -> set[tuple[str, str]]:
    """The answers of GetId, and of GetCredentialsForIdentity and GetOpenIdToken for a guest identity of the
    pool, to the same logins: Cognito checks them the same way in all three."""
    guest = ci.get_id(IdentityPoolId=pool_id)["IdentityId"]
    return {refused(lambda: ci.get_id(IdentityPoolId=pool_id, Logins=logins)),
            refused(lambda: ci.get_credentials_for_identity(IdentityId=guest, Logins=logins)),
            refused(lambda: ci.get_open_id_token(IdentityId=guest, Logins=logins))}


def test_pools_with_social_oidc_saml_and_developer_providers_are_created_and_described(ci: Any) -> None:
    name = unique("fed").replace("-", "_")
    created = ci.create_identity_pool(IdentityPoolName=name, AllowUnauthenticatedIdentities=False,
                                      SupportedLoginProviders=SOCIAL, OpenIdConnectProviderARNs=[OIDC_ARN],
                                      SamlProviderARNs=[SAML_ARN], DeveloperProviderName=DEVELOPER)
    pool_id = created.pop("IdentityPoolId")
    created.pop("ResponseMetadata")
    expected = {"IdentityPoolName": name, "AllowUnauthenticatedIdentities": False, "SupportedLoginProviders": SOCIAL,
                "OpenIdConnectProviderARNs": [OIDC_ARN], "SamlProviderARNs": [SAML_ARN],
                "DeveloperProviderName": DEVELOPER}
    assert created == expected
    described = ci.describe_identity_pool(IdentityPoolId=pool_id)
    described.pop("ResponseMetadata")
    assert described == {"IdentityPoolId": pool_id, **expected}

    # UpdateIdentityPool replaces the provider lists, but the developer provider name stays.
    updated = ci.update_identity_pool(IdentityPoolId=pool_id, IdentityPoolName=name,
                                      AllowUnauthenticatedIdentities=False, SamlProviderARNs=[SAML_ARN])
    assert (updated["SamlProviderARNs"], updated["DeveloperProviderName"]) == ([SAML_ARN], DEVELOPER)
    assert "SupportedLoginProviders" not in updated and "OpenIdConnectProviderARNs" not in updated
    assert refused(lambda: ci.update_identity_pool(
        IdentityPoolId=pool_id, IdentityPoolName=name, AllowUnauthenticatedIdentities=False,
        DeveloperProviderName="other.provider")) == (
        "InvalidParameterException", f"DeveloperProviderName cannot be changed once set (it is {DEVELOPER}).")


@pytest.mark.parametrize(("field", "arn", "kind"), [
    ("OpenIdConnectProviderARNs", f"arn:aws:iam::{ACCOUNT}:saml-provider/CorpIdP", "oidc-provider"),
    ("OpenIdConnectProviderARNs", "https://login.example.com/tenant", "oidc-provider"),
    ("SamlProviderARNs", OIDC_ARN, "saml-provider"),
])
def test_provider_arns_must_be_iam_provider_arns(ci: Any, field: str, arn: str, kind: str) -> None:
    assert refused(lambda: ci.create_identity_pool(IdentityPoolName=unique("bad").replace("-", "_"),
                                                   AllowUnauthenticatedIdentities=False, **{field: [arn]})) == (
        "InvalidParameterException", f"Invalid {field[:-1]}: {arn} is not an IAM {kind} ARN.")


@pytest.mark.parametrize("provider", ["accounts.google.com", "graph.facebook.com", "login.example.com", SAML_ARN,
                                      "cognito-idp.us-east-1.amazonaws.com/us-east-1_NotHere12"])
def test_logins_of_providers_the_pool_does_not_have_are_not_supported(ci: Any, signing_key: Any,
                                                                      provider: str) -> None:
    pool_id = create_identity_pool(ci, unauthenticated=True, classic=True)
    assert every_flow(ci, pool_id, {provider: oidc_token(signing_key, f"https://{provider}")}) == {UNSUPPORTED}


@pytest.mark.parametrize("provider", ["graph.facebook.com", "www.amazon.com", SAML_ARN])
def test_configured_providers_with_opaque_tokens_are_refused_clearly(ci: Any, federated: str,
                                                                     provider: str) -> None:
    assert every_flow(ci, federated, {provider: "EAABwzLixnjYBAOpaqueToken"}) == {not_verified(provider)}


@pytest.mark.parametrize(("provider", "issuer"), [("accounts.google.com", "https://accounts.google.com"),
                                                  (OIDC_ISSUER, f"https://{OIDC_ISSUER}")])
def test_openid_connect_providers_get_the_offline_checks_then_a_clear_refusal(ci: Any, federated: str,
                                                                              signing_key: Any, provider: str,
                                                                              issuer: str) -> None:
    assert every_flow(ci, federated, {provider: "not-a-jwt"}) == {NOT_A_TOKEN}
    assert every_flow(ci, federated, {provider: oidc_token(signing_key, "https://issuer.example.net")}) == {
        WRONG_ISSUER}
    assert every_flow(ci, federated, {provider: oidc_token(signing_key, issuer)}) == {not_verified(provider)}


def test_a_user_pool_of_aws_is_refused_the_same_way_each_time_when_its_keys_cannot_be_fetched(
        ci: Any, signing_key: Any) -> None:
    """A configured user pool that is not a local one: its JWKS is on AWS. Offline (or for a pool that
    does not exist there) the keys cannot be fetched, and every attempt gets the same clear refusal."""
    provider = f"cognito-idp.{REGION}.amazonaws.com/{REGION}_Remote{unique('x')[-6:].replace('-', '')}"
    pool_id = ci.create_identity_pool(IdentityPoolName=unique("remote").replace("-", "_"),
                                      AllowUnauthenticatedIdentities=False,
                                      CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": "client1"}],
                                      )["IdentityPoolId"]
    token = oidc_token(signing_key, f"https://{provider}", aud="client1", token_use="id")
    expected = ("NotAuthorizedException", f"Invalid login token. Couldn't verify signed token: the keys of "
                f"https://{provider} could not be fetched by this local identity pool (cogworks emulator), which "
                "verifies its own user pools offline.")
    for _ in range(2):
        started = time.perf_counter()
        with pytest.raises(ClientError) as exc:
            ci.get_id(IdentityPoolId=pool_id, Logins={provider: token})
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert error_message(exc) == expected
        assert time.perf_counter() - started < 10


def test_a_verifiable_login_beside_an_unverifiable_one_is_still_refused(ci: Any, idp: Any, make_pool: Any) -> None:
    users = new_user_pool(idp, make_pool)
    pool_id = create_identity_pool(ci, users, SupportedLoginProviders=SOCIAL)
    logins = {**users.logins(users.user()), "graph.facebook.com": "EAAB"}
    assert refused(lambda: ci.get_id(IdentityPoolId=pool_id, Logins=logins)) == not_verified("graph.facebook.com")
    assert ci.list_identities(IdentityPoolId=pool_id, MaxResults=10)["Identities"] == []


def test_role_mappings_and_principal_tags_accept_oidc_and_saml_providers(ci: Any, federated: str) -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/federated"
    mapping = {"Type": "Rules", "AmbiguousRoleResolution": "AuthenticatedRole", "RulesConfiguration": {
        "Rules": [{"Claim": "groups", "MatchType": "Contains", "Value": "admins", "RoleARN": role}]}}
    mappings = {OIDC_ISSUER: mapping, SAML_ARN: mapping, "accounts.google.com": mapping}
    ci.set_identity_pool_roles(IdentityPoolId=federated, Roles={"authenticated": role}, RoleMappings=mappings)
    assert ci.get_identity_pool_roles(IdentityPoolId=federated)["RoleMappings"] == mappings
    tags = ci.set_principal_tag_attribute_map(IdentityPoolId=federated, IdentityProviderName=OIDC_ISSUER,
                                              UseDefaults=False, PrincipalTags={"tenant": "tid"})
    assert tags["PrincipalTags"] == {"tenant": "tid"}
    ci.set_identity_pool_roles(IdentityPoolId=federated, Roles={})


# Developer-authenticated identities.

@pytest.fixture()
def developer_pool(ci: Any) -> str:
    return create_identity_pool(ci, DeveloperProviderName=DEVELOPER)


def developer_token(ci: Any, pool_id: str, user: str, **extra: Any) -> dict[str, Any]:
    return ci.get_open_id_token_for_developer_identity(IdentityPoolId=pool_id, Logins={DEVELOPER: user}, **extra)


def test_a_developer_identity_gets_a_token_then_credentials_of_the_authenticated_role(stack: Any, ci: Any,
                                                                                      developer_pool: str) -> None:
    role = create_role(stack, developer_pool)
    ci.set_identity_pool_roles(IdentityPoolId=developer_pool, Roles={"authenticated": role})
    first = developer_token(ci, developer_pool, "customer-42", PrincipalTags={"tenant": "acme"})
    identity_id = first["IdentityId"]
    assert identity_id.startswith(f"{REGION}:")
    claims = claims_of(first["Token"])
    assert claims["iss"] == "https://cognito-identity.amazonaws.com"
    assert (claims["aud"], claims["sub"]) == (developer_pool, identity_id)
    assert claims["amr"] == ["authenticated", DEVELOPER, f"{DEVELOPER}:{developer_pool}:customer-42"]
    assert claims["exp"] - claims["iat"] == 900
    assert claims["https://aws.amazon.com/tags"] == {"principal_tags": {"tenant": ["acme"]}}
    again = developer_token(ci, developer_pool, "customer-42", TokenDuration=86400)
    assert again["IdentityId"] == identity_id
    assert claims_of(again["Token"])["exp"] - claims_of(again["Token"])["iat"] == 86400

    answer = ci.get_credentials_for_identity(IdentityId=identity_id, Logins={DEVELOPER_LOGIN: first["Token"]})
    assert answer["IdentityId"] == identity_id
    assert caller_arn(stack, answer["Credentials"]) == assumed(role)
    assert ci.describe_identity(IdentityId=identity_id)["Logins"] == [DEVELOPER]
    # Without the token, the identity's logins are missing.
    assert refused(lambda: ci.get_credentials_for_identity(IdentityId=identity_id)) == LOGINS_DONT_MATCH


def test_developer_tokens_are_verified(ci: Any, developer_pool: str, signing_key: Any) -> None:
    answer = developer_token(ci, developer_pool, "customer-7")
    identity_id, token = answer["IdentityId"], answer["Token"]
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    forged = jwt.encode(claims_of(token), signing_key, algorithm="RS256", headers={"kid": jwt.get_unverified_header(
        token)["kid"]})
    other_pool = create_identity_pool(ci, DeveloperProviderName=DEVELOPER)
    other = developer_token(ci, other_pool, "customer-7")

    def credentials(pool_token: str, identity: str = identity_id) -> tuple[str, str]:
        return refused(lambda: ci.get_credentials_for_identity(IdentityId=identity,
                                                               Logins={DEVELOPER_LOGIN: pool_token}))

    assert credentials(tampered) == BAD_SIGNATURE
    assert credentials(forged) == BAD_SIGNATURE
    assert credentials("not-a-jwt") == NOT_A_TOKEN
    assert credentials(other["Token"]) == UNSUPPORTED
    # A pool without a developer provider has no use for such a login.
    plain = create_identity_pool(ci, unauthenticated=True)
    guest = ci.get_id(IdentityPoolId=plain)["IdentityId"]
    assert credentials(token, guest) == UNSUPPORTED


def test_only_the_pool_s_developer_provider_may_ask_for_a_token(ci: Any, developer_pool: str) -> None:
    plain = create_identity_pool(ci)
    assert refused(lambda: developer_token(ci, plain, "customer-1")) == NO_DEVELOPER
    assert refused(lambda: ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=developer_pool, Logins={"other.provider": "customer-1"})) == NO_DEVELOPER
    assert refused(lambda: developer_token(ci, developer_pool, "customer-1", TokenDuration=86401)) == (
        "InvalidParameterException", "1 validation error detected: Value '86401' at 'tokenDuration' failed to "
                                     "satisfy constraint: Member must have value less than or equal to 86400")


def test_developer_identifiers_link_to_identities_and_are_looked_up(ci: Any, developer_pool: str, idp: Any,
                                                                     make_pool: Any) -> None:
    first = developer_token(ci, developer_pool, "alice@corp")["IdentityId"]
    # A second identifier linked to the same identity, then a third one.
    assert ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=developer_pool, IdentityId=first, Logins={DEVELOPER: "alice-legacy-id"})["IdentityId"] == first
    developer_token(ci, developer_pool, "alice-legacy-id")
    second = developer_token(ci, developer_pool, "bob@corp")["IdentityId"]
    assert second != first

    by_identity = ci.lookup_developer_identity(IdentityPoolId=developer_pool, IdentityId=first, MaxResults=60)
    assert (by_identity["IdentityId"], by_identity["DeveloperUserIdentifierList"]) == (
        first, ["alice@corp", "alice-legacy-id"])
    assert "NextToken" not in by_identity
    page = ci.lookup_developer_identity(IdentityPoolId=developer_pool, IdentityId=first, MaxResults=1)
    assert page["DeveloperUserIdentifierList"] == ["alice@corp"]
    rest = ci.lookup_developer_identity(IdentityPoolId=developer_pool, IdentityId=first, MaxResults=1,
                                        NextToken=page["NextToken"])
    assert (rest["DeveloperUserIdentifierList"], "NextToken" in rest) == (["alice-legacy-id"], False)
    by_user = ci.lookup_developer_identity(IdentityPoolId=developer_pool, DeveloperUserIdentifier="bob@corp",
                                           MaxResults=10)
    assert (by_user["IdentityId"], by_user["DeveloperUserIdentifierList"]) == (second, ["bob@corp"])

    assert refused(lambda: ci.lookup_developer_identity(
        IdentityPoolId=developer_pool, IdentityId=first, DeveloperUserIdentifier="bob@corp", MaxResults=10)) == (
        "ResourceConflictException", f"Developer user identifier 'bob@corp' is not linked to identity '{first}'.")
    assert refused(lambda: ci.lookup_developer_identity(
        IdentityPoolId=developer_pool, DeveloperUserIdentifier="nobody", MaxResults=10)) == (
        "ResourceNotFoundException", "No identity is linked to developer user identifier 'nobody'.")
    assert refused(lambda: ci.lookup_developer_identity(IdentityPoolId=developer_pool, MaxResults=10)) == (
        "InvalidParameterException", "Either IdentityId or DeveloperUserIdentifier must be provided.")
    assert refused(lambda: ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=developer_pool, IdentityId=second, Logins={DEVELOPER: "alice@corp"})) == (
        "DeveloperUserAlreadyRegisteredException", "The provided developer user identifier is already registered "
                                                   "with Cognito under a different identity ID.")

    # A user pool login given beside the developer identifier is verified and linked to the same identity.
    users = new_user_pool(idp, make_pool)
    mixed_pool = create_identity_pool(ci, users, DeveloperProviderName=DEVELOPER)
    user = users.user()
    mixed = ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=mixed_pool, Logins={DEVELOPER: "carol", **users.logins(user)})
    assert ci.get_id(IdentityPoolId=mixed_pool, Logins=users.logins(user))["IdentityId"] == mixed["IdentityId"]
    assert sorted(ci.describe_identity(IdentityId=mixed["IdentityId"])["Logins"]) == sorted([DEVELOPER,
                                                                                             users.provider])
    assert refused(lambda: ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=mixed_pool, Logins={DEVELOPER: "dave", users.provider: "not-a-jwt"})) == NOT_A_TOKEN
    # Linking a new identifier to an identity that has logins needs one of them.
    assert refused(lambda: ci.get_open_id_token_for_developer_identity(
        IdentityPoolId=mixed_pool, IdentityId=mixed["IdentityId"], Logins={DEVELOPER: "erin"})) == LOGINS_DONT_MATCH

"""In-memory state of the local Cognito: pools, clients, users, groups, auth sessions, refresh tokens.

Mutations happen under `Store.lock` in short critical sections; triggers are never invoked while it is
held, because a trigger may call back into the emulator over HTTP.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

USER_STATUS_UNCONFIRMED = "UNCONFIRMED"
USER_STATUS_CONFIRMED = "CONFIRMED"
USER_STATUS_FORCE_CHANGE_PASSWORD = "FORCE_CHANGE_PASSWORD"
USER_STATUS_RESET_REQUIRED = "RESET_REQUIRED"


@dataclass
class SigningKey:
    """A development signing key; the parsed key objects are kept so signing does not re-parse PEM."""

    kid: str
    private_pem: bytes
    public_jwk: dict[str, Any]
    private_key: Any = None
    public_key: Any = None


@dataclass
class OneTimeCode:
    """A code sent to the user, kept only as a salted hash."""

    digest: str
    salt: str
    expires_at: float
    attribute: str = ""
    wrong_attempts: int = 0


@dataclass
class User:
    username: str
    sub: str
    attributes: dict[str, str]
    status: str
    created: float
    modified: float
    enabled: bool = True
    salt: str = ""
    verifier: str = ""
    password_set_at: float = 0.0
    temporary_password_expires_at: float = 0.0
    confirmation_code: OneTimeCode | None = None
    forgot_password_code: OneTimeCode | None = None
    attribute_codes: dict[str, OneTimeCode] = field(default_factory=dict)
    # email / phone_number values awaiting VerifyUserAttribute (UserAttributeUpdateSettings)
    pending_attributes: dict[str, str] = field(default_factory=dict)
    groups: set[str] = field(default_factory=set)
    totp_secret: str = ""
    totp_pending_secret: str = ""
    totp_verified: bool = False
    totp_last_step: int = -1
    preferred_mfa: str = ""
    sms_mfa_enabled: bool = False
    failed_attempts: int = 0
    locked_until: float = 0.0
    last_failure_at: float = 0.0

    def attribute_list(self, include_sub: bool = True) -> list[dict[str, str]]:
        items = [{"Name": "sub", "Value": self.sub}] if include_sub else []
        items += [{"Name": k, "Value": v} for k, v in self.attributes.items() if k != "sub"]
        return items

    def trigger_attributes(self) -> dict[str, str]:
        """userAttributes as triggers receive them: service attributes included, values as strings."""
        attrs = {"sub": self.sub, **{k: v for k, v in self.attributes.items() if k != "sub"}}
        attrs["cognito:user_status"] = self.status
        return attrs


@dataclass
class Group:
    name: str
    pool_id: str
    description: str = ""
    role_arn: str | None = None
    precedence: int | None = None
    created: float = 0.0
    modified: float = 0.0


@dataclass
class AppClient:
    client_id: str
    pool_id: str
    name: str
    config: dict[str, Any]
    secret: str | None = None
    created: float = 0.0
    modified: float = 0.0

    @property
    def auth_flows(self) -> list[str]:
        return self.config.get("ExplicitAuthFlows") or [
            "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"]

    @property
    def prevent_user_existence_errors(self) -> bool:
        return self.config.get("PreventUserExistenceErrors") == "ENABLED"

    @property
    def rotates_refresh_tokens(self) -> bool:
        return (self.config.get("RefreshTokenRotation") or {}).get("Feature") == "ENABLED"

    @property
    def refresh_token_grace_seconds(self) -> int:
        """How long a rotated-out refresh token stays usable (RetryGracePeriodSeconds, 0 when not given)."""
        return int((self.config.get("RefreshTokenRotation") or {}).get("RetryGracePeriodSeconds") or 0)


@dataclass
class UserPool:
    pool_id: str
    name: str
    region: str
    config: dict[str, Any]
    id_key: SigningKey
    access_key: SigningKey
    simulation_secret: bytes
    created: float = 0.0
    modified: float = 0.0
    users: dict[str, User] = field(default_factory=dict)
    clients: dict[str, AppClient] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    risk_configurations: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def lambda_config(self) -> dict[str, Any]:
        return self.config.get("LambdaConfig") or {}

    @property
    def username_attributes(self) -> list[str]:
        return self.config.get("UsernameAttributes") or []

    @property
    def alias_attributes(self) -> list[str]:
        return self.config.get("AliasAttributes") or []

    @property
    def auto_verified_attributes(self) -> list[str]:
        return self.config.get("AutoVerifiedAttributes") or []

    @property
    def mfa_configuration(self) -> str:
        return self.config.get("MfaConfiguration") or "OFF"

    def find_user(self, name: str) -> User | None:
        """By username, or by an email / phone_number used as username or alias, or by sub."""
        user = self.users.get(name)
        if user is not None:
            return user
        lookups = set(self.username_attributes) | set(self.alias_attributes)
        for candidate in self.users.values():
            if candidate.sub == name:
                return candidate
            for attr in lookups:
                if candidate.attributes.get(attr) == name and (
                        attr in self.username_attributes
                        or candidate.attributes.get(f"{attr}_verified") == "true"):
                    return candidate
        return None


@dataclass
class AuthSession:
    """State between InitiateAuth and RespondToAuthChallenge; the token is single use."""

    token: str
    pool_id: str
    client_id: str
    username: str
    flow: str
    challenge_name: str
    expires_at: float
    user_not_found: bool = False
    srp: Any = None
    secret_block: str = ""
    custom_session: list[dict[str, Any]] = field(default_factory=list)
    private_parameters: dict[str, str] = field(default_factory=dict)
    challenge_metadata: str | None = None
    admin: bool = False


@dataclass
class RefreshTokenRecord:
    """One refresh token. Every token rotated from it shares its origin_jti, auth_time and expiry: one
    session, revoked as a whole."""

    token: str
    pool_id: str
    client_id: str
    username: str
    origin_jti: str
    auth_time: int
    expires_at: float
    revoked: bool = False
    invalid_from: float | None = None  # set when rotated out: then + RetryGracePeriodSeconds


class Store:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.pools: dict[str, UserPool] = {}
        self.sessions: dict[str, AuthSession] = {}
        self.secret_blocks: dict[str, str] = {}
        self.refresh_tokens: dict[str, RefreshTokenRecord] = {}
        self.revoked_origin_jtis: set[str] = set()

    def reset(self) -> None:
        with self.lock:
            self.pools.clear()
            self.sessions.clear()
            self.secret_blocks.clear()
            self.refresh_tokens.clear()
            self.revoked_origin_jtis.clear()

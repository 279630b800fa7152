"""User-level services shared by operations: passwords, codes, message delivery, lockout, shapes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

from emulator import srp
from emulator.context import Context
from emulator.errors import (
    InvalidLambdaResponseException,
    InvalidParameterException,
    InvalidPasswordException,
    NotAuthorizedException,
    UserNotFoundException,
)
from emulator.outbox import Message
from emulator.state import AppClient, OneTimeCode, User, UserPool

SIGN_UP_CODE_TTL = 24 * 3600
FORGOT_PASSWORD_CODE_TTL = 3600
ATTRIBUTE_CODE_TTL = 24 * 3600
LOCKOUT_THRESHOLD = 5
MAX_CODE_ATTEMPTS = 5
LOCKOUT_MAX_SECONDS = 15 * 60
LOCKOUT_RESET_SECONDS = 15 * 60
CODE_PLACEHOLDER = "{####}"
USERNAME_PLACEHOLDER = "{username}"
SYMBOLS = set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")

DEFAULT_POLICY = {"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
                  "RequireNumbers": True, "RequireSymbols": True, "TemporaryPasswordValidityDays": 7}


def password_policy(pool: UserPool) -> dict[str, Any]:
    return {**DEFAULT_POLICY, **((pool.config.get("Policies") or {}).get("PasswordPolicy") or {})}


def check_password_policy(pool: UserPool, password: Any) -> None:
    """https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html"""
    if not isinstance(password, str) or not password:
        raise InvalidParameterException("Missing required parameter PASSWORD")
    policy = password_policy(pool)
    prefix = "Password did not conform with policy: "
    if len(password) < int(policy.get("MinimumLength") or 8):
        raise InvalidPasswordException(prefix + "Password not long enough")
    if policy.get("RequireLowercase") and not any(c.islower() for c in password):
        raise InvalidPasswordException(prefix + "Password must have lowercase characters")
    if policy.get("RequireUppercase") and not any(c.isupper() for c in password):
        raise InvalidPasswordException(prefix + "Password must have uppercase characters")
    if policy.get("RequireNumbers") and not any(c.isdigit() for c in password):
        raise InvalidPasswordException(prefix + "Password must have numeric characters")
    if policy.get("RequireSymbols") and not any(c in SYMBOLS for c in password):
        raise InvalidPasswordException(prefix + "Password must have symbol characters")


def set_password(pool: UserPool, user: User, password: str, now: float) -> None:
    """Keep only what SRP needs: a salt and the verifier g^x mod N. The password itself is dropped."""
    salt = srp.new_salt()
    user.salt = salt
    user.verifier = srp.verifier(srp.pool_name(pool.pool_id), user.username, password, salt)
    user.password_set_at = now


def password_matches(pool: UserPool, user: User, password: str) -> bool:
    if not user.verifier:
        return False
    return srp.password_matches(srp.pool_name(pool.pool_id), user.username, password, user.salt, user.verifier)


def new_code(length: int = 6) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(length))


def hash_code(code: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def make_code(code: str, ttl: float, now: float, attribute: str = "") -> OneTimeCode:
    salt = secrets.token_hex(8)
    return OneTimeCode(digest=hash_code(code, salt), salt=salt, expires_at=now + ttl, attribute=attribute)


def code_matches(stored: OneTimeCode | None, code: Any) -> bool:
    """Constant-time check of a sent code; after MAX_CODE_ATTEMPTS wrong guesses the code is spent, so a
    6-digit code cannot be brute-forced (callers hold the store lock)."""
    if stored is None or not isinstance(code, str):
        return False
    if hmac.compare_digest(stored.digest, hash_code(code, stored.salt)):
        return True
    stored.wrong_attempts += 1
    if stored.wrong_attempts >= MAX_CODE_ATTEMPTS:
        stored.expires_at = 0.0
    return False


def temporary_password() -> str:
    """A temporary password that satisfies any policy Cognito allows (length 6-99 aside)."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    core = "".join(secrets.choice(alphabet) for _ in range(10))
    return core + secrets.choice("ABCDEFGH") + secrets.choice("abcdefgh") + secrets.choice("23456789") + "!"


def secret_hash(client: AppClient, username: str) -> str:
    digest = hmac.new((client.secret or "").encode(), (username + client.client_id).encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


def check_secret_hash(client: AppClient, username: str, provided: Any) -> None:
    """Clients with a secret must prove it: SECRET_HASH = Base64(HMAC-SHA256(secret, username + clientId))."""
    if not client.secret:
        return
    if not isinstance(provided, str) or not provided:
        raise NotAuthorizedException(f"Client {client.client_id} is configured with secret but SECRET_HASH "
                                     f"was not received")
    if not hmac.compare_digest(provided, secret_hash(client, username)):
        raise NotAuthorizedException(f"Unable to verify secret hash for client {client.client_id}")


def mask(attribute: str, value: str) -> str:
    if attribute == "email" and "@" in value:
        local, domain = value.split("@", 1)
        return f"{local[:1]}***@{domain[:1]}***"
    return "+" + "*" * max(len(value) - 5, 0) + value[-4:]


def delivery_target(pool: UserPool, user: User, prefer: str | None = None) -> tuple[str, str] | None:
    """(attribute, medium) a code goes to: the pool's auto-verified attribute, email first."""
    order = [prefer] if prefer else []
    order += [a for a in pool.auto_verified_attributes if a not in order]
    order += [a for a in ("email", "phone_number") if a not in order]
    for attribute in order:
        if attribute and user.attributes.get(attribute):
            return attribute, "EMAIL" if attribute == "email" else "SMS"
    return None


def deliver(ctx: Context, pool: UserPool, user: User, *, source: str, code: str, client_id: str | None,
            client_metadata: dict[str, Any] | None = None, attribute: str | None = None,
            temporary_password_username: bool = False, to: str | None = None) -> dict[str, str] | None:
    """Send a code through the CustomMessage trigger (if any) and the outbox; return CodeDeliveryDetails.
    With `to`, the code goes there (a value of `attribute` not yet the user's) instead of the user's own."""
    if to and attribute:
        attr, address = attribute, to
    else:
        target = delivery_target(pool, user, attribute)
        if target is None:
            return None
        attr, address = target[0], user.attributes[target[0]]
    medium = "EMAIL" if attr == "email" else "SMS"
    subject, email_body, sms_body = default_message(pool, source)
    request: dict[str, Any] = {
        "userAttributes": user.trigger_attributes(),
        "codeParameter": CODE_PLACEHOLDER,
        "linkParameter": "{##Click Here##}",
        "usernameParameter": USERNAME_PLACEHOLDER if temporary_password_username else None,
        "clientMetadata": client_metadata or {},
    }
    response = ctx.triggers.run(pool, "CustomMessage", f"CustomMessage_{source}", user.username, request,
                                client_id=client_id)
    if response:
        custom_email, custom_sms = response.get("emailMessage"), response.get("smsMessage")
        if (custom_email or response.get("emailSubject")) and (
                (pool.config.get("EmailConfiguration") or {}).get("EmailSendingAccount") != "DEVELOPER"):
            raise InvalidLambdaResponseException("Unrecognizable lambda output")
        for text in (custom_email, custom_sms):
            if text is not None and (not isinstance(text, str) or CODE_PLACEHOLDER not in text
                                     or (temporary_password_username and USERNAME_PLACEHOLDER not in text)):
                raise InvalidLambdaResponseException("Unrecognizable lambda output")
        email_body = custom_email or email_body
        sms_body = custom_sms or sms_body
        subject = response.get("emailSubject") or subject
    body = (email_body if medium == "EMAIL" else sms_body)
    body = body.replace(CODE_PLACEHOLDER, code).replace(USERNAME_PLACEHOLDER, user.username)
    ctx.emulator.outbox.add(Message(channel="email" if medium == "EMAIL" else "sms", to=address,
                                    subject=subject if medium == "EMAIL" else None, body=body,
                                    sent_at=ctx.now(), source="cognito-idp", code=code))
    return {"Destination": mask(attr, address), "DeliveryMedium": medium, "AttributeName": attr}


def default_message(pool: UserPool, source: str) -> tuple[str, str, str]:
    config = pool.config
    template = config.get("VerificationMessageTemplate") or {}
    if source == "AdminCreateUser":
        invite = (config.get("AdminCreateUserConfig") or {}).get("InviteMessageTemplate") or {}
        return (invite.get("EmailSubject") or "Your temporary password",
                invite.get("EmailMessage") or "Your username is {username} and temporary password is {####}. ",
                invite.get("SMSMessage") or "Your username is {username} and temporary password is {####}. ")
    if source == "Authentication":
        return ("Your authentication code", "Your authentication code is {####}. ",
                "Your authentication code is {####}. ")
    return (template.get("EmailSubject") or config.get("EmailVerificationSubject") or "Your verification code",
            template.get("EmailMessage") or config.get("EmailVerificationMessage")
            or "Your verification code is {####}. ",
            template.get("SmsMessage") or config.get("SmsVerificationMessage")
            or "Your verification code is {####}. ")


def get_user(pool: UserPool, username: Any) -> User:
    user = pool.find_user(username) if isinstance(username, str) else None
    if user is None:
        raise UserNotFoundException("User does not exist.")
    return user


def attributes_from_list(items: list[dict[str, Any]] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        name, value = item.get("Name"), item.get("Value")
        if not isinstance(name, str):
            raise InvalidParameterException("Attribute name is required.")
        out[name] = value if isinstance(value, str) else ""
    return out


def user_type(user: User, *, key: str = "Attributes") -> dict[str, Any]:
    """UserType as ListUsers / AdminCreateUser return it."""
    return {"Username": user.username, key: user.attribute_list(), "UserCreateDate": user.created,
            "UserLastModifiedDate": user.modified, "Enabled": user.enabled, "UserStatus": user.status}


# Cognito's temporary lockout after 5 failed passwords: 2^(n-5) s, capped near 15 min, reset after 15 min
# without attempts (https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html).
def check_lockout(user: User, now: float) -> None:
    if user.failed_attempts and now - user.last_failure_at > LOCKOUT_RESET_SECONDS:
        user.failed_attempts = 0
        user.locked_until = 0.0
    if now < user.locked_until:
        raise NotAuthorizedException("Password attempts exceeded")


def record_failure(user: User, now: float) -> None:
    user.failed_attempts += 1
    user.last_failure_at = now
    if user.failed_attempts >= LOCKOUT_THRESHOLD:
        user.locked_until = now + min(2 ** (user.failed_attempts - LOCKOUT_THRESHOLD), LOCKOUT_MAX_SECONDS)


def record_success(user: User) -> None:
    user.failed_attempts = 0
    user.locked_until = 0.0

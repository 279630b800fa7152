"""User-attribute checks shared by SignUp, AdminCreateUser, (Admin)UpdateUserAttributes and
(Admin)DeleteUserAttributes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from emulator.errors import InvalidParameterException, UsernameExistsException
from emulator.operations._pool_shapes import STANDARD_ATTRIBUTES
from emulator.state import User, UserPool


def check_schema(pool: UserPool, attributes: dict[str, str]) -> None:
    check_known(pool, attributes)
    for name, value in attributes.items():
        if name in ("email_verified", "phone_number_verified") and value not in ("true", "false"):
            raise InvalidParameterException(f"Invalid value for {name}: must be true or false.")
        if name == "email" and value and ("@" not in value or value.startswith("@") or value.endswith("@")):
            raise InvalidParameterException("Invalid email address format.")
        if name == "phone_number" and value and not (value.startswith("+") and value[1:].isdigit()):
            raise InvalidParameterException("Invalid phone number format.")
    check_required(pool, attributes)


def known_attributes(pool: UserPool) -> set[str]:
    """The standard attributes and the `custom:` attributes of the pool's schema."""
    return set(STANDARD_ATTRIBUTES) | {f"custom:{c.get('Name')}" for c in pool.config.get("Schema") or []
                                       if c.get("Name") not in STANDARD_ATTRIBUTES}


def check_known(pool: UserPool, names: Iterable[str]) -> None:
    """Every name is an attribute of the pool's schema."""
    known = known_attributes(pool)
    for name in names:
        if name not in known:
            raise InvalidParameterException(
                f"Attributes did not conform to the schema: Type for attribute {{{name}}} could not be determined")


def check_required(pool: UserPool, attributes: dict[str, str]) -> None:
    """The schema's required attributes (other than sub) all have a value."""
    required = [c.get("Name") for c in pool.config.get("Schema") or [] if c.get("Required")]
    for name in required:
        if name and name != "sub" and not attributes.get(name):
            raise InvalidParameterException(
                f"Attributes did not conform to the schema: {name}: The attribute {name} is required")


def check_unique(pool: UserPool, attributes: dict[str, str], *, exclude: User | None = None) -> None:
    """Email or phone used as a username must belong to one user only."""
    for attr in pool.username_attributes:
        value = attributes.get(attr)
        if not value:
            continue
        for other in pool.users.values():
            if other is not exclude and other.attributes.get(attr) == value:
                label = "email" if attr == "email" else "phone_number"
                raise UsernameExistsException(f"An account with the given {label} already exists.")


def resolve_username(pool: UserPool, username: str, attributes: dict[str, Any]) -> str:
    """With UsernameAttributes the name given is an email or phone; Cognito files the user under a UUID."""
    if not pool.username_attributes:
        return username
    import uuid

    if "@" in username and "email" in pool.username_attributes:
        attributes.setdefault("email", username)
        return str(uuid.uuid4())
    if username.startswith("+") and "phone_number" in pool.username_attributes:
        attributes.setdefault("phone_number", username)
        return str(uuid.uuid4())
    raise InvalidParameterException("Username should be either an email or a phone number.")


def validation_data(items: list[dict[str, Any]] | None) -> dict[str, str] | None:
    if items is None:
        return None
    return {str(i.get("Name")): str(i.get("Value", "")) for i in items}

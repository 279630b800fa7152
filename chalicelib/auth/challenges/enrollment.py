"""Keeping the user attribute ``custom:authenticators`` in step with the authenticator tables.

The triggers cannot read the tables before DefineAuthChallenge decides (it is pure, and after SRP's
PASSWORD_VERIFIER no CreateAuthChallenge has run yet), so what a user enrolled reaches them as a user attribute
(chalicelib/auth/policy.py: TOTP and PASSKEY are offered only when it lists them, and a password then needs a
second factor). The auth API's authenticator routes change it with the signed-in user's own access token
(UpdateUserAttributes: no IAM permission on the pool, and nothing a user could not do with their token):

- before an authenticator is activated or stored, the attribute gains it: if that write fails, nothing is
  enrolled; if the enrollment then fails, the attribute is put back to what the tables hold;
- after one is deleted, the attribute becomes what the tables hold.

So the attribute can list an authenticator the user no longer has (for a moment, or after a failed write):
then a password needs a second factor the user may not have (fail closed; their other methods still work);
never the other way round.

The pool needs the attribute in its schema (``authenticators``, String, mutable, length 0 to 64), and the
app client the API uses must be allowed to write it. Cognito answers an unknown attribute with
InvalidParameterException: that is an operator's error and is logged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.auth.policy import ENROLLABLE, ENROLLED_ATTRIBUTE, enrolled_value
from chalicelib.observability import logger


def attributes_of(get_user_response: Mapping[str, Any]) -> dict[str, str]:
    """GetUser's ``UserAttributes`` as a mapping."""
    return {str(a.get("Name")): str(a.get("Value") or "") for a in get_user_response.get("UserAttributes") or []
            if isinstance(a, Mapping)}


def held(owner: str) -> frozenset[str]:
    """What the tables hold for ``owner``: an active TOTP secret, at least one passkey (two reads)."""
    from chalicelib.auth.challenges import passkey, totp

    found = set()
    if totp.describe(totp.load(owner)) is not None:
        found.add("TOTP")
    if passkey.credentials_of(owner):
        found.add("PASSKEY")
    return frozenset(found)


class EnrollmentNotRecorded(Exception):  # noqa: N818 (an operator's error, answered as an internal one)
    """The attribute could not be written (missing from the pool's schema, or not writable by the client)."""


def record(client: Any, access_token: str, current: Mapping[str, str], methods: Iterable[str]) -> dict[str, str]:
    """Set the attribute to ``methods`` (if it differs); the user's attributes as they now are."""
    from botocore.exceptions import ClientError

    value = enrolled_value(m for m in methods if m in ENROLLABLE)
    if (current.get(ENROLLED_ATTRIBUTE) or "") == value:
        return dict(current)
    try:
        client.update_user_attributes(AccessToken=access_token,
                                      UserAttributes=[{"Name": ENROLLED_ATTRIBUTE, "Value": value}])
    except ClientError as err:
        details = err.response.get("Error") or {}
        logger.error("authenticators attribute not written", extra={"code": details.get("Code"),
                                                                    "cognito_message": details.get("Message")})
        raise EnrollmentNotRecorded(str(details.get("Code") or "")) from None
    return {**current, ENROLLED_ATTRIBUTE: value}

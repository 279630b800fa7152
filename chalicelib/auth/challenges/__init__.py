"""The challenge plug-ins, by name: one module per sign-in method, one registry, no if/elif over methods.

Adding a method (TOTP, PASSKEY, ...): write ``chalicelib/auth/challenges/<name>.py`` with a subclass of
:class:`chalicelib.auth.challenges.base.Challenge` (read that module's docstring: what the framework does for
you and what you must do), add one line to :data:`REGISTRY`, add the name to the pool's policy (the default
lists of chalicelib/auth/policy.py, or ``AUTH_FIRST_FACTORS`` / ``AUTH_SECOND_FACTORS``), and run
tests/unit/test_challenge_registry.py, which checks every registered plug-in against the protocol. Importing
this package imports the plug-in modules, which must stay cheap: heavy libraries are imported inside the
functions that need them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from chalicelib.auth.challenges.base import Challenge
from chalicelib.auth.challenges.email_otp import EmailOtpChallenge
from chalicelib.auth.challenges.magic_link import MagicLinkChallenge
from chalicelib.auth.challenges.passkey import PasskeyChallenge
from chalicelib.auth.challenges.password import PasswordChallenge
from chalicelib.auth.challenges.sms_otp import SmsOtpChallenge
from chalicelib.auth.challenges.totp import TotpChallenge


class UnknownChallenge(LookupError):  # noqa: N818 (the name the plug-in contract uses)
    """No plug-in has this name."""


REGISTRY: Final[dict[str, Challenge]] = {
    plugin.NAME: plugin
    for plugin in (EmailOtpChallenge(), SmsOtpChallenge(), MagicLinkChallenge(), PasswordChallenge(),
                   TotpChallenge(), PasskeyChallenge())
}


def get(name: object) -> Challenge:
    """The plug-in called ``name``, or UnknownChallenge."""
    plugin = REGISTRY.get(name) if isinstance(name, str) else None
    if plugin is None:
        raise UnknownChallenge(str(name)[:64])
    return plugin


def custom_method_names() -> frozenset[str]:
    """The methods a selection round may offer (every plug-in Cognito does not run itself)."""
    return frozenset(name for name, plugin in REGISTRY.items() if plugin.CUSTOM)


def usable_methods(attributes: Mapping[str, Any]) -> frozenset[str]:
    """The registered methods whose plug-in this user can use (a verified email or phone, an enrolled
    authenticator; from the event's attributes, no I/O)."""
    values = {str(k): str(v) for k, v in attributes.items()}
    return frozenset(m for m in custom_method_names() if get(m).available(values))

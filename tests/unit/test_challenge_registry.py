"""The plug-in registry (chalicelib.auth.challenges): every registered method honours the protocol of base.py,
unknown names raise UnknownChallenge, and importing the plug-ins stays cheap (no boto3, no pynamodb)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from chalicelib.auth.challenges import REGISTRY, UnknownChallenge, custom_method_names, get
from chalicelib.auth.challenges.base import Challenge
from tests.conftest import ROOT

PLUGINS = sorted(REGISTRY.items())


@pytest.mark.parametrize(("name", "plugin"), PLUGINS, ids=[name for name, _ in PLUGINS])
def test_every_plug_in_honours_the_protocol(name, plugin):
    assert isinstance(plugin, Challenge)
    assert name == plugin.NAME and re.fullmatch(r"[A-Z][A-Z0-9_]{0,31}", name)
    assert plugin.__module__.startswith("chalicelib.auth.challenges.")
    if plugin.CUSTOM:
        assert type(plugin).create is not Challenge.create and type(plugin).verify is not Challenge.verify
    assert plugin.available({}) in (True, False)


def test_the_first_methods_are_registered():
    assert {"EMAIL_OTP", "SMS_OTP", "MAGIC_LINK", "PASSWORD"} <= set(REGISTRY)
    assert {"EMAIL_OTP", "SMS_OTP", "MAGIC_LINK"} <= custom_method_names()
    assert "PASSWORD" not in custom_method_names()  # Cognito runs it: never chosen in a custom round


@pytest.mark.parametrize("name", ["CARRIER_PIGEON", "", None, 7, "email_otp", "PROVIDE_AUTH_PARAMETERS"])
def test_an_unknown_name_raises_unknown_challenge(name):
    with pytest.raises(UnknownChallenge):
        get(name)


def test_importing_the_triggers_domain_loads_no_aws_sdk_or_orm():
    code = ("import sys, chalicelib.auth.challenges, chalicelib.auth.challenges.engine, chalicelib.auth.flow; "
            "print(sorted(m for m in ('boto3', 'pynamodb', 'chalicelib.messaging', 'chalicelib.models.challenge') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

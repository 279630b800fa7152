"""A trigger's Lambda imports its own module (handler ``chalicelib.triggers.<name>.<name>``), so its cold start
pays only for what that module imports: never another trigger, and for the custom-auth rounds that run on
every sign-in, none of the heavy libraries a round may not need (they are imported on first use)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.triggers.registry import TRIGGERS

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("boto3", "pynamodb", "pydantic", "jinja2", "webauthn", "cryptography")
PROBE = """
import json, sys
import {module}
print(json.dumps(sorted(sys.modules)))
"""


def loaded_by(module: str) -> set[str]:
    env = {"PATH": "/usr/bin:/bin", "COGWORKS_STAGE": "dev", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_EC2_METADATA_DISABLED": "true"}
    out = subprocess.run([sys.executable, "-c", PROBE.format(module=module)], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


@pytest.mark.parametrize("trigger", sorted(module.__name__ for module in TRIGGERS.values()))
def test_a_trigger_imports_no_other_trigger(trigger: str) -> None:
    others = {module.__name__ for module in TRIGGERS.values()} - {trigger}
    assert loaded_by(trigger) & (others | {"chalicelib.triggers.registry", "app"}) == set()


@pytest.mark.parametrize("trigger", ["define_auth_challenge", "create_auth_challenge",
                                     "verify_auth_challenge_response"])
def test_the_custom_auth_triggers_import_no_heavy_library(trigger: str) -> None:
    loaded = loaded_by(f"chalicelib.triggers.{trigger}")
    assert {name for name in HEAVY if name in loaded} == set()

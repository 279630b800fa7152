"""The README's list of served operations is the emulator's: an operation module added or removed without the
README saying so fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emulator.operations import load

README = Path(__file__).resolve().parents[2] / "README.md"


def listed(kind: str) -> tuple[int, set[str]]:
    """The count and names of the README bullet ``- <kind> (N): A, B, ....``."""
    text = README.read_text()
    found = re.search(rf"^- {kind} \((\d+)\): (.*?)\.\n(?=- |\n)", text, re.MULTILINE | re.DOTALL)
    assert found, f"README lists no {kind} operations"
    names = {name.strip() for name in found.group(2).replace("\n", " ").split(",")}
    return int(found.group(1)), names


@pytest.mark.parametrize(("kind", "model", "package"), [
    ("user pools", "cognito-idp", "emulator.operations"),
    ("identity pools", "cognito-identity", "emulator.identity.operations"),
])
def test_the_readme_lists_exactly_the_served_operations(kind: str, model: str, package: str) -> None:
    count, names = listed(kind)
    served = set(load(model=model, package=package))
    assert names == served, {"not listed": sorted(served - names), "not served": sorted(names - served)}
    assert count == len(served)

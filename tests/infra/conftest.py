"""`make package` run once per session into a temp dir: the merge template from infra/build_template.py, then
`chalice package --merge-template`, then infra/slim_package.py, exactly the steps of the Makefile target.

chalice reuses its cached deployment zip (.chalice/deployments/) while requirements.txt, app.py and
chalicelib/ are unchanged; otherwise it downloads the Lambda-platform wheels from PyPI (about 30 s).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STAGE = "dev"
EXISTING_POOL_ID = "us-east-1_Ab12Cd34E"


@dataclass
class Package:
    out: Path
    template: dict[str, Any]
    merge_template: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def sam(self) -> Path:
        return self.out / "sam.json"

    @property
    def zip(self) -> Path:
        return self.out / "deployment.zip"

    @property
    def resources(self) -> dict[str, Any]:
        return self.template["Resources"]


THROWAWAY_MODELS = {
    "__init__.py": "",
    "sessions.py": '''
from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.models.base import EnvTableName


class ByUser(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    created = NumberAttribute(range_key=True)


class Session(Model):
    class Meta:
        table_name = EnvTableName("SESSIONS_TABLE")

    session_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    created = NumberAttribute()
    expires = TTLAttribute()
    by_user = ByUser()
''',
}


def _run(*command: str | Path, pythonpath: Path | None = None) -> None:
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1"}
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    result = subprocess.run([str(c) for c in command], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600, check=False)
    if result.returncode:
        pytest.fail(f"{' '.join(map(str, command))} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def make_package(out: Path, *extra: str, slim: bool = True, pythonpath: Path | None = None) -> Package:
    """`make package` into ``out`` (extra arguments go to the template generator)."""
    seconds: dict[str, float] = {}
    merge = out.parent / f"{out.name}.merge.json"
    started = time.perf_counter()
    _run(sys.executable, "-m", "infra.build_template", "--stage", STAGE, "--output", merge, *extra,
         pythonpath=pythonpath)
    seconds["build_template"] = time.perf_counter() - started
    started = time.perf_counter()
    _run(BIN / "chalice", "package", "--stage", STAGE, "--merge-template", merge, out)
    seconds["chalice_package"] = time.perf_counter() - started
    try:
        with zipfile.ZipFile(out / "deployment.zip") as archive:
            bad = archive.testzip()
    except zipfile.BadZipFile as exc:
        bad = str(exc)
    if bad is not None:  # chalice writes its cache in place: an interrupted build leaves a broken zip behind
        pytest.fail(f"chalice's cached deployment package is corrupt ({bad}): delete .chalice/deployments/")
    if slim:
        started = time.perf_counter()
        _run(sys.executable, "-m", "infra.slim_package", out / "deployment.zip")
        seconds["slim_package"] = time.perf_counter() - started
    return Package(out, json.loads((out / "sam.json").read_text()), json.loads(merge.read_text()), seconds)


@pytest.fixture(scope="session")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Package]:
    yield make_package(tmp_path_factory.mktemp("package") / STAGE)


@pytest.fixture(scope="session")
def existing_pool_package(tmp_path_factory: pytest.TempPathFactory, package: Package) -> Package:
    """The variant that uses an existing user pool (only its template is examined)."""
    return make_package(tmp_path_factory.mktemp("package") / "existing-pool", "--user-pool-id", EXISTING_POOL_ID,
                        slim=False)


@pytest.fixture(scope="session")
def models_package(tmp_path_factory: pytest.TempPathFactory, package: Package) -> Package:
    """The variant whose models come from a throwaway package (no real model exists yet)."""
    root = tmp_path_factory.mktemp("models")
    (root / "throwaway_models").mkdir()
    for name, text in THROWAWAY_MODELS.items():
        (root / "throwaway_models" / name).write_text(text)
    return make_package(tmp_path_factory.mktemp("package") / "models", "--models-package", "throwaway_models",
                        slim=False, pythonpath=root)

"""The deployment zip is lean: only app.py, chalicelib/, chalice's runtime module and the runtime
requirements (less the SDK Lambda provides); no emulator, tests or dev tools; under 20 MB; and every
function's handler imports from it with nothing but the Lambda runtime's SDK beside it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import botocore
import pytest
from packaging.utils import canonicalize_name

from infra.slim_package import RUNTIME_PROVIDED, distributions, needed, requirements
from tests.infra.conftest import ROOT, Package

# The session fixture `package` builds the deployment zip on first use: ~30 s, more on a loaded machine.
pytestmark = pytest.mark.timeout(600)

MAX_ZIP_BYTES = 20 * 1024 * 1024
# What /var/runtime holds in the Lambda Python runtime besides the bootstrap: boto3 and its dependencies.
LAMBDA_RUNTIME_MODULES = ("boto3", "botocore", "s3transfer", "jmespath", "urllib3", "dateutil", "six.py")
DEV_ONLY = ("emulator/", "tests/", "infra/", "scripts/", "bench/", "docs/", ".chalice/", ".venv/")
# Dev tools: what requirements-dev.txt adds to requirements.txt (a package moved to requirements.txt leaves it).
DEV_DISTRIBUTIONS = ({r.name for r in requirements(ROOT / "requirements-dev.txt")}
                     - {r.name for r in requirements(ROOT / "requirements.txt")}) | {"chalice", "requests"}


@pytest.fixture(scope="module")
def entries(package: Package) -> list[str]:
    with zipfile.ZipFile(package.zip) as archive:
        return archive.namelist()


def test_zip_is_under_20_mb(package: Package) -> None:
    assert package.zip.stat().st_size < MAX_ZIP_BYTES


def test_no_emulator_tests_or_dev_tools(entries: list[str]) -> None:
    assert "app.py" in entries
    assert "chalicelib/triggers/__init__.py" in entries
    assert set(e for e in entries if e.startswith("chalice/")) == {"chalice/__init__.py", "chalice/app.py"}
    assert [e for e in entries if e.startswith(DEV_ONLY)] == []
    assert [e for e in entries if "__pycache__" in e or e.endswith(".pyc")] == []


def test_distributions_are_the_runtime_requirements_without_the_sdk(package: Package) -> None:
    with zipfile.ZipFile(package.zip) as archive:
        shipped = distributions(archive)
    assert not set(shipped) & {canonicalize_name(d) for d in DEV_DISTRIBUTIONS | RUNTIME_PROVIDED}
    assert {"pynamodb", "aws-lambda-powertools", "pyjwt", "cryptography", "jmespath"} <= set(shipped)
    assert set(shipped) == needed(requirements(ROOT / "requirements.txt"), shipped)


def test_every_handler_imports_with_only_the_runtime_sdk(package: Package, tmp_path: Path) -> None:
    task, runtime = tmp_path / "task", tmp_path / "runtime"
    with zipfile.ZipFile(package.zip) as archive:
        archive.extractall(task)
    runtime.mkdir()
    site_packages = Path(botocore.__file__).parent.parent
    for name in LAMBDA_RUNTIME_MODULES:
        (runtime / name).symlink_to(site_packages / name)
    handlers = sorted({r["Properties"]["Handler"] for r in package.resources.values()
                       if r["Type"] == "AWS::Serverless::Function"})
    script = (
        "import importlib, sys\n"
        f"sys.path[:0] = [{str(task)!r}, {str(runtime)!r}]\n"
        "for handler in sys.argv[1:]:\n"
        "    module, name = handler.rsplit('.', 1)\n"
        "    assert callable(getattr(importlib.import_module(module), name)), handler\n"
        "leaked = [m for m in sys.modules if m.split('.')[0] in ('emulator', 'moto', 'pytest', 'tests')]\n"
        "assert not leaked, leaked\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update({"COGWORKS_STAGE": "dev", "AWS_DEFAULT_REGION": "us-east-1"})
    # -I -S: no site-packages, no user site, no PYTHONPATH; only the zip and the runtime's SDK.
    result = subprocess.run([sys.executable, "-I", "-S", "-c", script, *handlers], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr

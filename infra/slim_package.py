"""Drop from chalice's deployment.zip the AWS SDK that the Lambda Python runtime already provides.

    python -m infra.slim_package build/dev/deployment.zip

pynamodb depends on botocore, so ``chalice package`` bundles botocore (about 16 MB of the 23 MB zip). The
Lambda Python runtimes ship boto3 and botocore
(https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html#python-sdk-included), so they are removed
together with every distribution that only they need (urllib3, python-dateutil, six, s3transfer): what is
kept is the closure of requirements.txt's ``Requires-Dist`` graph, with edges into :data:`RUNTIME_PROVIDED`
not followed, and markers evaluated for the Lambda runtime (Linux, the zip's CPython version). Files that
belong to no distribution (app.py, chalicelib/, chalice/) are kept, except bytecode (``__pycache__``).

The trade-off: the functions use the runtime's botocore, whose version AWS updates, instead of a pinned one.
pynamodb 6.1 needs botocore >= 1.12.54, which every current runtime exceeds.
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from infra.discover import ROOT

RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer"})
_DIST_INFO = re.compile(r"^(?P<dir>[^/]+\.dist-info)/METADATA$")


@dataclass(frozen=True)
class Distribution:
    name: str
    directory: str
    requires: tuple[Requirement, ...]
    files: frozenset[str]


def distributions(archive: zipfile.ZipFile) -> dict[str, Distribution]:
    names = set(archive.namelist())
    found: dict[str, Distribution] = {}
    for entry in names:
        match = _DIST_INFO.match(entry)
        if not match:
            continue
        directory = match["dir"]
        metadata = HeaderParser().parsestr(archive.read(entry).decode())
        record = f"{directory}/RECORD"
        files = {line.split(",")[0] for line in archive.read(record).decode().splitlines() if line} \
            if record in names else set()
        data = directory.removesuffix(".dist-info") + ".data/"
        files |= {n for n in names if n.startswith((directory + "/", data))}
        name = canonicalize_name(metadata["Name"])
        requires = tuple(Requirement(r) for r in metadata.get_all("Requires-Dist") or [])
        found[name] = Distribution(name, directory, requires, frozenset(files))
    return found


def _lambda_environment(python_version: str) -> dict[str, str]:
    environment = dict(default_environment())
    environment.update({"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                        "implementation_name": "cpython", "platform_python_implementation": "CPython",
                        "python_version": python_version, "python_full_version": f"{python_version}.0"})
    return environment


def needed(roots: Iterable[Requirement], installed: dict[str, Distribution],
           python_version: str = "3.11") -> set[str]:
    """The distributions the roots need at run time on Lambda, not counting what the runtime provides."""
    environment = _lambda_environment(python_version)
    keep: set[str] = set()
    visited: set[tuple[str, frozenset[str]]] = set()
    # (requirement, the extras its parent was installed with: they decide `extra == "..."` markers)
    pending: list[tuple[Requirement, frozenset[str]]] = [(r, frozenset()) for r in roots]
    while pending:
        requirement, parent_extras = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in RUNTIME_PROVIDED:
            continue
        if requirement.marker and not any(requirement.marker.evaluate({**environment, "extra": extra})
                                          for extra in (parent_extras or {""})):
            continue
        extras = frozenset(requirement.extras)
        if (name, extras) in visited:
            continue
        visited.add((name, extras))
        keep.add(name)
        dist = installed.get(name)
        if dist is not None:
            pending.extend((child, extras) for child in dist.requires)
    return keep


def requirements(path: Path) -> list[Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def slim(zip_path: Path, requirements_file: Path = ROOT / "requirements.txt") -> list[str]:
    """Rewrite ``zip_path`` without the runtime-provided SDK; return the distributions removed."""
    with zipfile.ZipFile(zip_path) as archive:
        found = distributions(archive)
        keep = needed(requirements(requirements_file), found)
        dropped = sorted(set(found) - keep)
        remove = {f for name in dropped for f in found[name].files}
        # chalice zips chalicelib/ as it is on disk; bytecode there is stale in Lambda (zip entries carry no
        # source mtime) and /var/task is read-only, so it is never used.
        remove |= {n for n in archive.namelist() if "__pycache__/" in n or n.endswith(".pyc")}
        with tempfile.NamedTemporaryFile(dir=zip_path.parent, suffix=".zip", delete=False) as handle:
            tmp = Path(handle.name)
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for info in archive.infolist():
                if info.filename not in remove:
                    out.writestr(info, archive.read(info), compress_type=zipfile.ZIP_DEFLATED)
    shutil.copymode(zip_path, tmp)
    shutil.move(tmp, zip_path)
    return dropped


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", type=Path, help="chalice's deployment.zip, rewritten in place")
    args = parser.parse_args(argv)
    before = args.zip.stat().st_size
    dropped = slim(args.zip)
    after = args.zip.stat().st_size
    print(f"{args.zip}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB (removed {', '.join(dropped) or 'nothing'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

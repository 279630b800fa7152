"""What the code declares that the stack must provide, read from the code itself.

- :func:`app_functions`: the Lambda functions `chalice package` creates from the app (their chalice names and
  the logical ids chalice gives them), and which Cognito trigger each one is
  (``chalicelib.triggers.registry.TRIGGERS``).
- :func:`table_models`: every pynamodb ``Model`` subclass defined under ``chalicelib.models``.
- :func:`import_closure` and :func:`aws_calls`: which packaged modules a function's handler reaches through
  its explicit imports, and which IAM-authorised AWS calls those modules name, so each function's role can
  grant exactly those (see :mod:`infra.iam`).

The call scan is lexical: it finds attribute names (``client.admin_get_user(...)``) and string constants
(``getattr(client, "admin_get_user")``) equal to an operation name. A name computed at run time escapes it;
don't do that in chalicelib. Modules reached only through a package ``__init__``'s own imports are not
attributed to a function (a package that imported all its modules would otherwise give each function the
grants of every sibling).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import botocore.session
from botocore import xform_name
from chalice import Chalice
from chalice.utils import to_cfn_resource_name
from pynamodb.models import Model

ROOT = Path(__file__).resolve().parent.parent
PACKAGED = "chalicelib"
API_HANDLER = "api_handler"
API_HANDLER_RESOURCE = "APIHandler"


@dataclass(frozen=True)
class Function:
    """One Lambda function of the packaged app."""

    name: str
    resource: str
    handler_modules: tuple[str, ...]
    trigger: str | None = None
    modules: frozenset[str] = field(default_factory=frozenset)


class DiscoveryError(RuntimeError):
    """The code declares something the stack cannot be built from."""


def _module_of(handler_string: str) -> str:
    return handler_string.rsplit(".", 1)[0]


def app_functions(app: Chalice, triggers: Mapping[str, ModuleType], root: Path = ROOT) -> list[Function]:
    """Every function chalice packages for ``app``, in chalice's order, with its trigger key if Cognito
    invokes it and the modules its handlers import (see :func:`import_closure`)."""
    if app.websocket_handlers:
        raise DiscoveryError("websocket handlers are not supported by infra/ yet")
    trigger_of = {module.__name__: key for key, module in triggers.items()}
    found: list[Function] = []
    if app.routes:
        view_modules = sorted({entry.view_function.__module__ for methods in app.routes.values()
                               for entry in methods.values()})
        found.append(Function(API_HANDLER, API_HANDLER_RESOURCE, tuple(view_modules)))
    sources: list[Any] = [*app.builtin_auth_handlers, *app.event_sources, *app.pure_lambda_functions]
    for source in sources:
        module = _module_of(source.handler_string)
        found.append(Function(source.name, to_cfn_resource_name(source.name), (module,), trigger_of.get(module)))
    claimed = [f.trigger for f in found if f.trigger]
    for key, module in triggers.items():
        if claimed.count(key) != 1:
            raise DiscoveryError(f"trigger {key} ({module.__name__}) must register exactly one Lambda function, "
                                 f"found {claimed.count(key)}")
    names = [f.resource for f in found]
    if len(set(names)) != len(names):
        raise DiscoveryError(f"two functions map to the same CloudFormation logical id: {names}")
    return [Function(f.name, f.resource, f.handler_modules, f.trigger,
                     frozenset(import_closure(f.handler_modules, root))) for f in found]


# ---------------------------------------------------------------- imports


def _source_file(module: str, root: Path) -> Path | None:
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _is_packaged(module: str) -> bool:
    return module == PACKAGED or module.startswith(PACKAGED + ".")


def _imports_of(module: str, path: Path, root: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield submodule if _source_file(submodule, root) else base


def import_closure(start: Iterable[str], root: Path = ROOT) -> set[str]:
    """``start`` plus every packaged (chalicelib) module they import, transitively, by explicit imports."""
    seen: set[str] = set()
    pending = list(start)
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        path = _source_file(module, root)
        if path is None:
            continue
        seen.add(module)
        pending.extend(m for m in _imports_of(module, path, root) if _is_packaged(m) and m not in seen)
    return seen


# ---------------------------------------------------------------- AWS calls

# IAM-authorised operations per service the scan looks for, as (boto3 service, IAM prefix, operations).
# cognito-idp: every operation botocore does not mark unauthenticated (`authtype: none`): the public
# operations (SignUp, InitiateAuth, GetUser, ...) are authorised by the app client or the access token, and
# IAM policies do not apply to them.
_MESSAGING_OPERATIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ses", "ses", ("SendEmail", "SendRawEmail", "SendTemplatedEmail", "SendBulkTemplatedEmail")),
    ("sesv2", "ses", ("SendEmail", "SendBulkEmail")),
    ("sns", "sns", ("Publish", "PublishBatch")),
)


@cache
def iam_operations() -> dict[str, str]:
    """Identifier as it may appear in code (snake_case method or PascalCase operation) -> IAM action."""
    session = botocore.session.get_session()
    model = session.get_service_model("cognito-idp")
    table: dict[str, str] = {}
    for name in model.operation_names:
        if model.operation_model(name).auth_type == "none":
            continue
        table[xform_name(name)] = table[name] = f"cognito-idp:{name}"
    for _service, prefix, operations in _MESSAGING_OPERATIONS:
        for name in operations:
            table[xform_name(name)] = table[name] = f"{prefix}:{name}"
    return table


def _identifiers(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            yield node.func.attr
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def aws_calls(modules: Iterable[str], root: Path = ROOT) -> set[str]:
    """The IAM actions of the AWS operations the given modules name (see the module docstring)."""
    table = iam_operations()
    actions: set[str] = set()
    for module in modules:
        path = _source_file(module, root)
        if path is not None:
            actions.update(table[name] for name in _identifiers(path) if name in table)
    return actions


# ---------------------------------------------------------------- tables


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def table_models(package: str = "chalicelib.models") -> list[type[Model]]:
    """Every Model subclass defined at the top level of a module under ``package`` (all its modules are
    imported) whose Meta has a ``table_name``, one per table: a subclass that shares its parent's table
    (pynamodb discriminators) is not listed again. No package, no tables."""
    try:
        root = importlib.import_module(package)
    except ModuleNotFoundError as exc:
        if exc.name != package:
            raise
        return []
    for info in pkgutil.walk_packages(getattr(root, "__path__", []), prefix=package + "."):
        importlib.import_module(info.name)
    models = [cls for cls in _subclasses(Model)
              if (cls.__module__ == package or cls.__module__.startswith(package + "."))
              and _defined_at_top_level(cls) and "table_name" in _meta_names(cls)]
    models = [cls for cls in models
              if not any(cls is not other and issubclass(cls, other) and table_var(cls) == table_var(other)
                         for other in models)]
    return sorted(set(models), key=lambda cls: (cls.__module__, cls.__qualname__))


def _defined_at_top_level(cls: type) -> bool:
    module = sys.modules.get(cls.__module__)
    return module is not None and getattr(module, cls.__name__, None) is cls


def _meta_attribute(cls: type[Model], name: str) -> Any:
    """``cls.Meta.<name>`` without running descriptors (an EnvTableName would read the environment)."""
    meta = getattr(cls, "Meta", None)
    for klass in getattr(meta, "__mro__", ()):
        if name in vars(klass):
            return vars(klass)[name]
    raise AttributeError(name)


def _meta_names(cls: type[Model]) -> set[str]:
    meta = getattr(cls, "Meta", None)
    return {name for klass in getattr(meta, "__mro__", ()) for name in vars(klass)}


def table_var(model: type[Model]) -> str:
    """The environment variable that holds ``model``'s table name (``Meta.table_name = EnvTableName(var)``)."""
    from chalicelib.models.base import EnvTableName

    table_name = _meta_attribute(model, "table_name")
    if not isinstance(table_name, EnvTableName):
        raise DiscoveryError(f"{model.__module__}.{model.__qualname__}: Meta.table_name must be "
                             f"EnvTableName(\"SOME_TABLE\") so the stack can wire it, not {table_name!r}")
    return table_name.var

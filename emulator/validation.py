"""Input validation from botocore's own service model: required members, types, lengths, patterns, enums.

Messages follow AWS's wording ("1 validation error detected: Value '...' at 'username' failed to satisfy
constraint: Member must have length less than or equal to 128"); sensitive values are not echoed.
"""

from __future__ import annotations

import functools
from typing import Any

import botocore.session
import regex

from emulator.errors import InvalidParameterException, SerializationException

_TYPES = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "long": (int,),
    "timestamp": (int, float, str),
    "blob": (str,),
    "structure": (dict,),
    "map": (dict,),
    "list": (list,),
}


@functools.lru_cache(maxsize=4)
def service_model(service: str) -> Any:
    return botocore.session.get_session().get_service_model(service)


# Patterns in the model follow ECMA 262 / Java, where \w and \d are ASCII-only and Unicode classes come
# from \p{...}; Python's are Unicode, so they are rewritten to ASCII ranges before compiling (regex.ASCII
# would also shrink \p{L} to ASCII). Some patterns backtrack quadratically on hostile input
# (EmailVerificationMessageByLinkType, 20,000 chars, takes seconds), so a match of a long value gets a time
# budget and a value that exhausts it fails the constraint. The budget is wall time: under concurrent requests
# a short, valid value could exhaust it waiting for the GIL, so values up to UNTIMED_MAX_CHARS (worst case
# about 15 ms of matching) have none.
PATTERN_TIMEOUT_SECONDS = 0.2
UNTIMED_MAX_CHARS = 1000
MAX_LISTED_PROBLEMS = 10
_ASCII_CLASSES = {"w": "a-zA-Z0-9_", "d": "0-9"}


def ascii_classes(expr: str) -> str:
    r"""`expr` with \w and \d replaced by their ASCII ranges, inside or outside a character class."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(expr):
        char = expr[i]
        if char == "\\" and i + 1 < len(expr):
            escaped = expr[i + 1]
            ranges = _ASCII_CLASSES.get(escaped)
            out.append(expr[i:i + 2] if ranges is None else ranges if in_class else f"[{ranges}]")
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            i += 1
            # a `]` right after `[` or `[^` is a literal member of the class
            for prefix in ("^", "]"):
                if i < len(expr) and expr[i] == prefix:
                    out.append(prefix)
                    i += 1
            continue
        if char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=512)
def _pattern(expr: str) -> Any:
    try:
        return regex.compile(ascii_classes(expr))
    except regex.error:
        return None


def _matches(compiled: Any, value: str) -> bool:
    timeout = PATTERN_TIMEOUT_SECONDS if len(value) > UNTIMED_MAX_CHARS else None
    try:
        return compiled.fullmatch(value, timeout=timeout) is not None
    except TimeoutError:
        return False


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _describe(shape: Any, value: Any, hidden: bool) -> str:
    if hidden or shape.type_name in ("structure", "map", "list"):
        return "Value"
    return f"Value '{value}'" if value is not None else "Value null"


def _type_error(shape: Any, value: Any) -> SerializationException:
    if isinstance(value, dict):
        return SerializationException("Start of structure or map found where not expected.")
    if isinstance(value, list):
        return SerializationException("Start of list found where not expected")
    kind = {str: "STRING_VALUE", bool: "BOOLEAN_VALUE", int: "NUMBER_VALUE", float: "NUMBER_VALUE"}.get(
        type(value), "VALUE")
    target = {"string": "String", "integer": "Integer", "long": "Long", "boolean": "Boolean",
              "structure": "Structure", "map": "Map", "list": "List", "timestamp": "Date",
              "blob": "Blob"}.get(shape.type_name, shape.type_name)
    return SerializationException(f"{kind} can not be converted to {target}")


def _check(shape: Any, value: Any, path: str, problems: list[str], hidden: bool = False) -> None:
    """Collect the constraint failures of `value`; `hidden` once any enclosing shape is sensitive (the values
    of AuthParameters and ChallengeResponses are plain strings inside a sensitive map)."""
    if value is None:
        return
    hidden = hidden or bool(shape.metadata.get("sensitive"))
    allowed = _TYPES.get(shape.type_name, (object,))
    if not isinstance(value, allowed) or (shape.type_name in ("integer", "long") and isinstance(value, bool)):
        raise _type_error(shape, value)
    meta = shape.metadata
    if shape.type_name == "string":
        if "min" in meta and len(value) < meta["min"]:
            problems.append(f"{_describe(shape, value, hidden)} at '{path}' failed to satisfy constraint: "
                            f"Member must have length greater than or equal to {meta['min']}")
        too_long = "max" in meta and len(value) > meta["max"]
        if too_long:
            problems.append(f"{_describe(shape, value, hidden)} at '{path}' failed to satisfy constraint: "
                            f"Member must have length less than or equal to {meta['max']}")
        enum = getattr(shape, "enum", None)
        if enum and value not in enum:
            problems.append(f"{_describe(shape, value, hidden)} at '{path}' failed to satisfy constraint: "
                            f"Member must satisfy enum value set: [{', '.join(enum)}]")
        pattern = meta.get("pattern")
        compiled = _pattern(pattern) if pattern and not too_long else None
        if compiled is not None and value and not _matches(compiled, value):
            problems.append(f"{_describe(shape, value, hidden)} at '{path}' failed to satisfy constraint: "
                            f"Member must satisfy regular expression pattern: {pattern}")
    elif shape.type_name in ("integer", "long"):
        if "min" in meta and value < meta["min"]:
            problems.append(f"{_describe(shape, value, hidden)} at '{path}' failed to satisfy constraint: "
                            f"Member must have value greater than or equal to {meta['min']}")
        if "max" in meta and value > meta["max"]:
            problems.append(f"{_describe(shape, value, hidden)} at '{path}' failed to satisfy constraint: "
                            f"Member must have value less than or equal to {meta['max']}")
    elif shape.type_name == "structure":
        for name in shape.required_members:
            if value.get(name) is None:
                problems.append(f"Value null at '{_join(path, name)}' failed to satisfy constraint: "
                                f"Member must not be null")
        for name, member in shape.members.items():
            if name in value:
                _check(member, value[name], _join(path, name), problems, hidden)
    elif shape.type_name == "list":
        _length(shape, len(value), path, problems)
        for index, item in enumerate(value):
            _check(shape.member, item, f"{path}.{index + 1}.member", problems, hidden)
    elif shape.type_name == "map":
        _length(shape, len(value), path, problems)
        for key, item in value.items():
            _check(shape.key, key, f"{path}.key", problems, hidden)
            _check(shape.value, item, f"{path}.value" if hidden else f"{path}.{key}.value", problems, hidden)


def _length(shape: Any, size: int, path: str, problems: list[str]) -> None:
    meta = shape.metadata
    if "min" in meta and size < meta["min"]:
        problems.append(f"Value at '{path}' failed to satisfy constraint: "
                        f"Member must have length greater than or equal to {meta['min']}")
    if "max" in meta and size > meta["max"]:
        problems.append(f"Value at '{path}' failed to satisfy constraint: "
                        f"Member must have length less than or equal to {meta['max']}")


def _join(path: str, name: str) -> str:
    return f"{path}.{_camel(name)}" if path else _camel(name)


def validate(service: str, operation: str, params: dict[str, Any]) -> None:
    """Raise InvalidParameterException (or SerializationException for a wrong type) like AWS does."""
    shape = service_model(service).operation_model(operation).input_shape
    if shape is None:
        return
    problems: list[str] = []
    _check(shape, params, "", problems)
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        # All are counted, the first MAX_LISTED_PROBLEMS shown: a 1 MiB list of bad items must not become a
        # ten-times larger error body.
        raise InvalidParameterException(f"{count} validation {noun} detected: "
                                        + "; ".join(problems[:MAX_LISTED_PROBLEMS]))


def operation_exists(service: str, operation: str) -> bool:
    return operation in service_model(service).operation_names

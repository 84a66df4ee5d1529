"""The configuration's JSON Schema (ztlint/schemas/config.schema.json), the one
description of `.ztlint.yaml` and `[tool.ztlint]`: editors complete and validate with
it (it is ready for SchemaStore), and the loader checks keys and types against it
before the finer checks in ztlint.config.

The check is written by hand from the schema rather than with `jsonschema`: it needs
only the keywords the schema uses for shape (type, properties, additionalProperties,
items, anyOf, $ref), costs nothing to import on the pre-commit path, and says what a
user needs: the key path, the expected type, and for an unknown key the nearest known
one. Values (severities, sizes, globs, trust) are judged by ztlint.config, whose
messages say more than a schema keyword can.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from functools import cache
from typing import Any

SCHEMA_FILE = "config.schema.json"


@cache
def schema() -> dict[str, Any]:
    # A plain file read: importlib.resources costs 30 ms to import on the hook's path.
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas", SCHEMA_FILE)
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def keys(path: tuple[str, ...] = ()) -> frozenset[str]:
    """The keys the schema knows at `path` (() for the top; ("semgrep",);
    ("exceptions", "[]") for an exception's keys)."""
    node = _resolve(schema())
    for part in path:
        node = _resolve(node["items"] if part == "[]" else node["properties"][part])
    return frozenset(node.get("properties", {}))


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not ref:
        return node
    target: dict[str, Any] = schema()
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return _resolve(target)


def suggestion(word: str, known: frozenset[str] | set[str]) -> str:
    """`did you mean 'x'?` for the nearest known key, else the list of known keys."""
    import difflib  # only when there is a mistake to explain

    near = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.6)
    if near:
        return f"did you mean '{near[0]}'?"
    return "known keys: " + ", ".join(sorted(known))


_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "boolean": "true or false",
    "number": "a number",
    "integer": "an integer",
    "null": "nothing",
}


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


def _fits(kind: str, value: Any) -> bool:
    actual = _type_of(value)
    return actual == kind or (kind == "number" and actual == "integer")


def _expected(node: dict[str, Any]) -> str:
    """What a schema node accepts, in words: `a string or a list of strings`."""
    node = _resolve(node)
    if "type" in node and "anyOf" in node:
        return _TYPE_WORDS.get(str(node["type"]), str(node["type"]))
    if "anyOf" in node:
        words = dict.fromkeys(_expected(n) for n in node["anyOf"])
        return " or ".join(words)
    if "enum" in node and "type" not in node:
        return "one of " + ", ".join(str(v) for v in node["enum"])
    kind = node.get("type")
    if kind == "array" and isinstance(node.get("items"), dict):
        inner = _expected(node["items"])
        plural = {"a string": "strings", "a mapping": "mappings", "a number": "numbers"}
        return f"a list of {plural.get(inner, inner)}"
    if isinstance(kind, str):
        return _TYPE_WORDS.get(kind, kind)
    return "a value"


def _shown(value: Any) -> str:
    kind = _type_of(value)
    word = _TYPE_WORDS.get(kind, kind)
    if kind in ("object", "array"):
        return word
    text = repr(value)
    return f"{word} ({text if len(text) <= 40 else text[:37] + '...'})"


class SchemaError(ValueError):
    """A config that does not fit the schema: `path` is the key path (`select`,
    `exceptions[0].reason`, `semgrep.timeout`) and the message says why."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def check(data: Any) -> None:
    """Raise SchemaError at the first key (in document order) whose shape the schema
    does not accept: an unknown key, or a value of the wrong type."""
    _check(schema(), data, "")


# What the keys of a mapping are called, where not `key`.
_KEY_WORDS = {"provenance": ("class", "classes")}


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _check(node: dict[str, Any], value: Any, path: str) -> None:
    node = _resolve(node)
    kind = node.get("type")
    if isinstance(kind, str) and not _fits(kind, value):
        raise SchemaError(path, f"expected {_expected(node)}, got {_shown(value)}")
    words = node.get("enum")
    # Which word is right is the loader's to say; a non-string is wrong here.
    if (
        kind is None
        and words
        and all(isinstance(w, str) for w in words)
        and not isinstance(value, str)
    ):
        raise SchemaError(path, f"expected {_expected(node)}, got {_shown(value)}")
    if "anyOf" in node:
        if not any(_accepts(option, value) for option in node["anyOf"]):
            # One option of the value's own type (a list, when a list is wrong inside):
            # its message names the inner key.
            same = [o for o in node["anyOf"] if _fits(str(_resolve(o).get("type")), value)]
            if len(same) == 1:
                _check(same[0], value, path)
            raise SchemaError(path, f"expected {_expected(node)}, got {_shown(value)}")
        for option in node["anyOf"]:
            if _accepts(option, value):
                _check(option, value, path)
                return
    if isinstance(value, Mapping) and kind == "object":
        props: dict[str, Any] = node.get("properties", {})
        extra = node.get("additionalProperties", True)
        for key, item in value.items():
            name = str(key)
            if name in props:
                _check(props[name], item, _join(path, name))
            elif extra is False:
                what, many = _KEY_WORDS.get(path, ("key", "keys"))
                near = suggestion(name, set(props)).replace("known keys", f"known {many}")
                raise SchemaError(path, f"unknown {what} '{name}' ({near})")
            elif isinstance(extra, dict):
                _check(extra, item, _join(path, name))
    elif isinstance(value, list) and kind == "array" and isinstance(node.get("items"), dict):
        for i, item in enumerate(value):
            _check(node["items"], item, f"{path}[{i}]")


def _accepts(node: dict[str, Any], value: Any) -> bool:
    """Whether the shape (types only, recursively) fits."""
    try:
        _check(node, value, "")
    except SchemaError:
        return False
    return True

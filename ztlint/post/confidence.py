"""The confidence threshold (--min-confidence), applied after suppressions and
exceptions were matched against every finding (none is reported unused because its
finding is hidden)."""

from __future__ import annotations

from collections.abc import Sequence

from ztlint.model import Confidence, Finding


def threshold(findings: Sequence[Finding], minimum: Confidence) -> tuple[list[Finding], int]:
    """The findings at or above `minimum`, and how many active ones fell below it."""
    shown = [f for f in findings if f.confidence >= minimum]
    below = sum(1 for f in findings if f.active) - sum(1 for f in shown if f.active)
    return shown, below

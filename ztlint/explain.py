"""`ztlint explain RULE`: the rule's page as Markdown, rendered for a terminal.

On a terminal the page is rendered with `rich` (the optional `rich` extra), imported
here and only here, so the scan path never pays for it; without rich, or when the
output is a pipe or a file, the Markdown itself is printed. A page whose docs show no
code under "Example" or "Use instead" gets the rule's own test fixtures as examples
(in a source checkout, where fixtures/ sits beside the package).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ztlint import docs
from ztlint.model import RuleMeta

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# One run of blanks (started where it starts: no rescans from inside it), an optional
# comment leader, then the annotation.
_ANNOTATION = re.compile(r"(?<!\s)\s*(?:(?:#|//|--|;|<!--)\s*)?ztlint-(?:expect|todo):.*$")
_FENCES = {
    ".go": "go",
    ".rs": "rust",
    ".py": "python",
    ".swift": "swift",
    ".ts": "ts",
    ".tsx": "tsx",
    ".js": "js",
    ".sh": "sh",
    ".lua": "lua",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".toml": "toml",
    ".xml": "xml",
}
_CONTEXT = 3  # lines shown around a fixture's first flagged line
_NEGATIVE_LINES = 15


def page(meta: RuleMeta, languages: Sequence[str], fixtures: Path = FIXTURES) -> str:
    """The rule's page as Markdown, with examples from its fixtures when its docs lack
    code under "Example" or "Use instead"."""
    text = docs.render_page(meta, languages).split("\n", 1)[1]
    flagged = "```" not in docs.section(meta, "Example")
    clean = "```" not in docs.section(meta, "Use instead")
    if not (flagged or clean) or not (fixtures / meta.id).is_dir():
        return text
    extra = _fixture_examples(meta, fixtures, flagged, clean)
    return text.rstrip("\n") + "\n\n" + extra if extra else text


def _fixture_examples(meta: RuleMeta, fixtures: Path, flagged: bool, clean: bool) -> str:
    folder = fixtures / meta.id
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix != ".expect")
    out: list[str] = []
    positive = next((p for p in files if p.name.startswith("positive_")), None)
    if flagged and positive is not None:
        snippet = _around_first_flag(positive)
        if snippet:
            out.append(_block(f"Flagged (`fixtures/{meta.id}/{positive.name}`)", positive, snippet))
    if clean:
        suffix = positive.suffix if positive is not None else None
        negatives = [p for p in files if p.name.startswith("negative_")]
        negative = next((p for p in negatives if p.suffix == suffix), None) or next(
            iter(negatives), None
        )
        if negative is not None:
            lines = _clean_lines(negative)[:_NEGATIVE_LINES]
            if lines:
                out.append(
                    _block(f"Not flagged (`fixtures/{meta.id}/{negative.name}`)", negative, lines)
                )
    if not out:
        return ""
    return "## Examples from the tests\n" + "\n".join(out)


def _block(title: str, path: Path, lines: list[str]) -> str:
    fence = _FENCES.get(path.suffix, "")
    body = "\n".join(lines).strip("\n")
    return f"{title}:\n```{fence}\n{body}\n```\n"


def _read(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _clean_lines(path: Path) -> list[str]:
    """The file's lines without ztlint's annotations (a line that held only one goes)."""
    out = []
    for line in _read(path):
        stripped = _ANNOTATION.sub("", line)
        if stripped != line and not stripped.strip():
            continue
        out.append(stripped.rstrip())
    return out


def _around_first_flag(path: Path) -> list[str]:
    lines = _read(path)
    for i, line in enumerate(lines):
        if "ztlint-expect:" in line:
            alone = not _ANNOTATION.sub("", line).strip()
            target = i + 1 if alone else i
            lo, hi = max(target - _CONTEXT, 0), min(target + _CONTEXT + 1, len(lines))
            window = lines[lo:hi]
            out = []
            for raw in window:
                stripped = _ANNOTATION.sub("", raw)
                if stripped != raw and not stripped.strip():
                    continue
                out.append(stripped.rstrip())
            return out
    return []


def render(markdown: str, terminal: bool, width: int | None = None) -> str:
    """The page for its reader: rendered by rich on a terminal when rich is installed,
    else the Markdown as it is."""
    if not terminal:
        return markdown
    try:
        from rich.console import Console
        from rich.markdown import Markdown
    except ImportError:
        return markdown
    console = Console(width=width, record=True, force_terminal=True)
    with console.capture() as captured:
        console.print(Markdown(markdown, hyperlinks=False))
    return captured.get()

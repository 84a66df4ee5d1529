"""Writes each rule's measured precision on the production panel into its docs.

    python bench/panel.py --checkouts DIR --held-out --json /tmp/panel.json
    python bench/precision_docs.py /tmp/panel.json
    python -m ztlint.docs                       # regenerate docs/rules/

The paragraph starting with `**Measured on the production panel**` at the end of a
rule's "What it does" section is replaced (or added): the default findings of the rule
on every repository of the panel, by verdict, and precision (true / (true + false)).
A rule with no default finding there says so: its precision is not measured, which is
not the same as perfect.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

RULES = Path(__file__).resolve().parent.parent / "rules"
MARK = "**Measured on the production panel**"


def paragraph(counts: dict[str, int], repositories: int) -> str:
    true, false, design = (counts.get(k, 0) for k in ("true", "false", "by-design"))
    total = true + false + design
    where = f"{MARK} ({repositories} repositories, `bench/panel`, default settings):"
    if not total:
        return f"{where} no finding, so no precision was measured."
    judged = f"precision {true / (true + false):.2f}" if true + false else "no true or false one"
    return (
        f"{where} {total} finding{'s' if total != 1 else ''}: {true} true, {false} false, "
        f"{design} accurate but by design; {judged}."
    )


def rewrite(docs: str, text: str) -> str:
    """Put `text` as the last paragraph of the first section (What it does)."""
    docs = re.sub(rf"\n{re.escape(MARK)}[^\n]*(\n[^\n#][^\n]*)*\n", "\n", docs)
    second = docs.find("\n## ", 1)
    head, tail = (docs, "") if second < 0 else (docs[:second], docs[second:])
    return head.rstrip("\n") + "\n\n" + text + "\n" + tail


def main() -> int:
    data = json.loads(Path(sys.argv[1]).read_text())
    if data.get("min_confidence") != "high":
        sys.exit("the figures must come from a scan at the default threshold")
    for folder in sorted(RULES.glob("ZT*-*")):
        docs_file = folder / "docs.md"
        rule_id = folder.name.split("-", 1)[0]
        if rule_id.startswith("ZT9") or not docs_file.is_file():
            continue
        counts = data["by_rule"].get(rule_id, {})
        new = rewrite(docs_file.read_text(), paragraph(counts, data["repositories"]))
        if new != docs_file.read_text():
            docs_file.write_text(new)
            print(f"updated {docs_file.relative_to(RULES.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

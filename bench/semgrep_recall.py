"""Recall and precision of ztlint against semgrep-rules' own test annotations.

    python bench/semgrep_recall.py PATH/TO/semgrep-rules [--rule tls-verification-disabled]

semgrep-rules test files mark statements with `ruleid: <rule>` (must match) and
`ok: <rule>` (must not). For each test file of the semgrep rules aimed at the same
threat as a ztlint rule, this scans the file with ztlint (that rule only, test code
included) and counts:

- a true positive: a `ruleid` statement with a ztlint finding inside it;
- a false negative: a `ruleid` statement without one;
- a false positive: a finding inside an `ok` statement, or outside every annotated
  statement.

A statement runs from the line after the annotation (or the annotated line itself for
a trailing annotation) to the end of the largest syntax node starting there.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ztlint.config import Config
from ztlint.engine import run
from ztlint.parsers import code
from ztlint.source import SourceText

# suite -> [(semgrep test file, semgrep rule id[, ztlint rule when it differs from the suite])]
SUITES: dict[str, list[tuple[str, ...]]] = {
    "containers": [
        (
            "yaml/docker-compose/security/exposing-docker-socket-volume.test.yaml",
            "exposing-docker-socket-volume",
            "docker-socket-mount",
        ),
        (
            "yaml/docker-compose/security/privileged-service.test.yaml",
            "privileged-service",
            "privileged-container",
        ),
        (
            "yaml/docker-compose/security/seccomp-confinement-disabled.test.yaml",
            "seccomp-confinement-disabled",
            "seccomp-disabled",
        ),
        (
            "yaml/kubernetes/security/exposing-docker-socket-hostpath.test.yaml",
            "exposing-docker-socket-hostpath",
            "docker-socket-mount",
        ),
        (
            "yaml/kubernetes/security/privileged-container.test.yaml",
            "privileged-container",
            "privileged-container",
        ),
        (
            "yaml/kubernetes/security/seccomp-confinement-disabled.test.yaml",
            "seccomp-confinement-disabled",
            "seccomp-disabled",
        ),
        ("yaml/kubernetes/security/hostipc-pod.test.yaml", "hostipc-pod", "host-namespace-shared"),
        (
            "yaml/kubernetes/security/hostnetwork-pod.test.yaml",
            "hostnetwork-pod",
            "host-namespace-shared",
        ),
        ("yaml/kubernetes/security/hostpid-pod.test.yaml", "hostpid-pod", "host-namespace-shared"),
        (
            "yaml/kubernetes/security/allow-privilege-escalation-true.test.yaml",
            "allow-privilege-escalation-true",
            "privilege-escalation-allowed",
        ),
    ],
    "tls-verification-disabled": [
        (
            "problem-based-packs/insecure-transport/go-stdlib/bypass-tls-verification.go",
            "bypass-tls-verification",
        ),
        ("python/requests/security/disabled-cert-validation.py", "disabled-cert-validation"),
        ("python/lang/security/unverified-ssl-context.py", "unverified-ssl-context"),
        (
            "python/lang/security/audit/network/disabled-cert-validation.py",
            "disabled-cert-validation",
        ),
        ("rust/lang/security/reqwest-accept-invalid.rs", "reqwest-accept-invalid"),
        ("rust/lang/security/rustls-dangerous.rs", "rustls-dangerous"),
        ("rust/lang/security/ssl-verify-none.rs", "ssl-verify-none"),
        (
            "problem-based-packs/insecure-transport/js-node/bypass-tls-verification.js",
            "bypass-tls-verification",
        ),
        (
            "javascript/sequelize/security/audit/sequelize-tls-disabled-cert-validation.js",
            "sequelize-tls-disabled-cert-validation",
        ),
    ],
}
LANGUAGE = {".go": "go", ".py": "python", ".rs": "rust", ".js": "javascript", ".ts": "typescript"}
# Containers that may start where their first statement starts: never "the statement".
CONTAINERS = {
    "statement_list",
    "block",
    "source_file",
    "program",
    "module",
    "declaration_list",
    "statement_block",
}
ANNOTATION = re.compile(r"(?:#|//)\s*(ruleid|ok|todoruleid|todook)\s*:\s*([\w.,\s-]+)")


@dataclass
class Statement:
    kind: str  # ruleid or ok
    start: int
    end: int
    hit: bool = False


def _yaml_end(lines: list[str], target: int) -> int:
    """A YAML statement: the line and every following line indented deeper."""
    text = lines[target - 1]
    indent = len(text) - len(text.lstrip(" -"))
    end = target
    for number in range(target + 1, len(lines) + 1):
        line = lines[number - 1]
        if not line.strip() or line.strip().startswith("#"):
            continue
        if len(line) - len(line.lstrip()) < indent or (
            len(line) - len(line.lstrip()) == indent and not text.lstrip().startswith("-")
        ):
            break
        if len(line) - len(line.lstrip()) <= len(text) - len(
            text.lstrip()
        ) and line.lstrip().startswith("-"):
            break
        end = number
    return end


def statements(path: Path, rule: str) -> list[Statement]:
    src = SourceText(path.read_text(encoding="utf-8"))
    yaml = path.suffix in (".yaml", ".yml")
    tree = None if yaml else code.parse(LANGUAGE[path.suffix], src)
    lines = src.lines
    out = []
    for number, line in enumerate(lines, 1):
        m = ANNOTATION.search(line)
        if m is None or m.group(1) not in ("ruleid", "ok"):
            continue
        if rule not in [r.strip() for r in m.group(2).split(",")]:
            continue
        target = number
        if not line[: m.start()].strip():  # alone on its line: the next code line
            target = number + 1
            while target <= len(lines) and (
                not lines[target - 1].strip() or lines[target - 1].strip().startswith(("//", "#"))
            ):
                target += 1
        text = lines[target - 1] if target <= len(lines) else ""
        if tree is None:
            end = _yaml_end(lines, target)
            out.append(Statement(m.group(1), target, end))
            continue
        col = len(text) - len(text.lstrip())
        byte_col = len(text[:col].encode())
        node = tree.root_node.descendant_for_point_range(
            (target - 1, byte_col), (target - 1, byte_col)
        )
        end = target
        while (
            node is not None
            and node.type not in CONTAINERS
            and node.start_point[0] == target - 1
            and node.start_point[1] == byte_col
        ):
            end = max(end, node.end_point[0] + 1)
            node = node.parent
        out.append(Statement(m.group(1), target, end))
    return out


def measure(checkout: Path, suite: str) -> tuple[int, int, int, list[str]]:
    tp = fn = fp = 0
    rows = []
    for entry in SUITES[suite]:
        rel, semgrep_rule = entry[0], entry[1]
        rule = entry[2] if len(entry) > 2 else suite
        config = Config(select=(rule,), tests="report")
        path = checkout / rel
        stmts = statements(path, semgrep_rule)
        report = run([rel], config, jobs=1, cwd=str(checkout))
        extra = 0
        for f in report.findings:
            inside = [s for s in stmts if s.start <= f.span.start_line <= s.end]
            if not inside:
                extra += 1
            for s in inside:
                s.hit = True
        f_tp = sum(1 for s in stmts if s.kind == "ruleid" and s.hit)
        f_fn = sum(1 for s in stmts if s.kind == "ruleid" and not s.hit)
        f_fp = sum(1 for s in stmts if s.kind == "ok" and s.hit) + extra
        tp, fn, fp = tp + f_tp, fn + f_fn, fp + f_fp
        rows.append(f"{rel:<84} {f_tp:>3} {f_fn:>3} {f_fp:>3}")
    return tp, fn, fp, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path)
    parser.add_argument("--rule", default="tls-verification-disabled", choices=sorted(SUITES))
    args = parser.parse_args()
    tp, fn, fp, rows = measure(args.checkout.resolve(), args.rule)
    print(f"{'file':<84}  TP  FN  FP")
    print("\n".join(rows))
    recall = tp / (tp + fn) if tp + fn else 1.0
    precision = tp / (tp + fp) if tp + fp else 1.0
    print(f"{args.rule}: TP {tp}, FN {fn}, FP {fp}; recall {recall:.3f}, precision {precision:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

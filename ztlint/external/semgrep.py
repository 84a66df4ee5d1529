"""semgrep as an optional deep engine, folded into ztlint's report.

semgrep pins its own dependencies, so it lives in its own environment; ztlint runs the
`semgrep` found on PATH (or given with --semgrep-bin) once over the files the native
scan read, with metrics, version checks and login off, and only with local rule files
and folders. Its JSON is turned into Findings here: the matched source text is never
kept (it may hold a secret), and messages are the rules' own templates, not semgrep's
text with metavariables filled in from the code. A rule whose metadata says
`ztlint-rule: <name>` reports as that ztlint rule; any other reports under its own id as
a rule of the `semgrep` component (a SARIF tool extension).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ztlint.config import ConfigError
from ztlint.model import Confidence, NoticeLevel, Notification, RuleMeta, Severity, Span
from ztlint.notices import SEMGREP_FAILED

BUILTIN = "builtin"
COMPONENT = "semgrep"
FAILED = SEMGREP_FAILED
INSTALL = (
    "semgrep is not installed. It pins its own dependencies, so install it in an "
    "environment of its own, e.g. `pipx install semgrep` (or `python3 -m venv "
    "~/.semgrep && ~/.semgrep/bin/pip install semgrep`), then put it on PATH or pass "
    "--semgrep-bin PATH"
)
# Configs that semgrep fetches from its registry or a URL: they need the network.
_REMOTE = re.compile(r"^(auto|[a-z]+://.*|(p|r|s|c|ruleset|policy|supply-chain|secrets)(/.*)?)$")
_CWE = re.compile(r"CWE-(\d+)", re.I)


def _argv_budget() -> int:
    """Bytes of target paths one semgrep command line may carry: half the system's
    limit on arguments plus environment, less the environment. Beyond it (some hundred
    thousand files) the targets are split over several runs."""
    try:
        limit = os.sysconf("SC_ARG_MAX")
    except (AttributeError, ValueError, OSError):
        limit = 256 * 1024
    env = sum(len(k) + len(v) + 2 for k, v in os.environ.items())
    return max(64 * 1024, limit // 2 - env)


_SEVERITY = {
    "CRITICAL": Severity.CRITICAL,
    "ERROR": Severity.HIGH,
    "HIGH": Severity.HIGH,
    "WARNING": Severity.MEDIUM,
    "MEDIUM": Severity.MEDIUM,
    "INFO": Severity.LOW,
    "LOW": Severity.LOW,
}
_CONFIDENCE = {"HIGH": Confidence.HIGH, "MEDIUM": Confidence.MEDIUM, "LOW": Confidence.LOW}


@dataclass(frozen=True)
class SemgrepRule:
    """A rule as written in a local semgrep config file."""

    id: str
    message: str  # the template, metavariables unfilled
    severity: Severity
    confidence: Confidence
    cwe: int
    references: tuple[str, ...]
    ztlint_rule: str | None
    source: str  # the config file it came from

    def meta(self) -> RuleMeta:
        first = self.message.split(". ")[0].rstrip(".")
        title = first if len(first) <= 120 else first[:119] + "…"
        refs = "\n".join(f"- <{r}>" for r in self.references)
        docs = f"## What it does\n{self.message}\n"
        if refs:
            docs += f"\n## References\n{refs}\n"
        return RuleMeta(
            id=self.id,
            name=self.id,
            title=title or self.id,
            severity=self.severity,
            confidence=self.confidence,
            cwe=self.cwe,
            message=self.message,
            fix="See the rule's message and references.",
            docs=docs,
            references=self.references,
            component=COMPONENT,
        )


@dataclass(frozen=True)
class Setup:
    binary: str
    configs: tuple[str, ...]  # absolute paths of rule files and folders
    rules: tuple[SemgrepRule, ...]
    timeout: float


@dataclass(frozen=True)
class Match:
    check_id: str
    path: str  # relative to the scanned root, "/"-separated
    span: Span
    severity: str


def builtin_dir() -> Path:
    from ztlint.registry import rules_dir

    return rules_dir() / "semgrep"


def resolve_configs(configs: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """Absolute paths of the configs, each given with the folder it is relative to;
    `builtin` is ztlint's own rules/semgrep. A registry name, `auto` or a URL is
    refused: they need the network."""
    out: list[str] = []
    for config, base in configs:
        if config == BUILTIN:
            path = str(builtin_dir())
        else:
            path = os.path.normpath(os.path.join(base, os.path.expanduser(config)))
            if not os.path.exists(path):
                if _REMOTE.match(config):
                    raise ConfigError(
                        f"--semgrep {config}: registry and URL configs need the network; "
                        "ztlint runs semgrep only with local rule files and folders "
                        f"(or `{BUILTIN}`)"
                    )
                raise ConfigError(f"--semgrep {config}: no such rule file or folder")
        if path not in out:
            out.append(path)
    return tuple(out)


def _which(name: str) -> str | None:
    """`name` on PATH, searching only its absolute entries: an empty or relative entry
    (`.`) means the working directory, often the scanned repository, whose own
    `semgrep` must never run."""
    entries = [p for p in os.environ.get("PATH", os.defpath).split(os.pathsep) if os.path.isabs(p)]
    found = shutil.which(name, path=os.pathsep.join(entries)) if entries else None
    return os.path.abspath(found) if found else None


def find_binary(explicit: str | None) -> str:
    """The semgrep to run, as an absolute path. It is named only by the command line,
    a trusted config (ztlint.config) or PATH."""
    if explicit:
        path = _which(explicit) if os.sep not in explicit else explicit
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return os.path.abspath(path)
        raise ConfigError(f"--semgrep-bin {explicit}: not an executable file. {INSTALL}")
    found = _which("semgrep")
    if found is None:
        raise ConfigError(INSTALL)
    return found


def _rule_files(path: str) -> list[Path]:
    p = Path(path)
    if p.is_file():
        return [p]
    return sorted(
        f
        for f in p.rglob("*")
        if f.suffix in (".yaml", ".yml")
        and f.is_file()
        and not any(part.startswith(".") for part in f.relative_to(p).parts)
    )


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _one_rule(raw: Mapping[str, Any], source: str) -> SemgrepRule | None:
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        return None
    meta = raw.get("metadata")
    meta = meta if isinstance(meta, Mapping) else {}
    cwe_field = meta.get("cwe")
    cwes = cwe_field if isinstance(cwe_field, list) else [cwe_field]
    cwe = next((int(m.group(1)) for c in cwes if (m := _CWE.search(str(c)))), 0)
    refs = meta.get("references")
    refs = refs if isinstance(refs, list) else [refs] if refs else []
    for key in ("source", "shortlink"):
        if isinstance(meta.get(key), str):
            refs.append(meta[key])
    target = meta.get("ztlint-rule")
    return SemgrepRule(
        id=rule_id.strip(),
        message=_text(raw.get("message")) or f"semgrep rule {rule_id} matched",
        severity=_SEVERITY.get(str(raw.get("severity", "")).upper(), Severity.INFO),
        confidence=_CONFIDENCE.get(str(meta.get("confidence", "")).upper(), Confidence.MEDIUM),
        cwe=cwe,
        references=tuple(dict.fromkeys(str(r) for r in refs if str(r).startswith("http"))),
        ztlint_rule=str(target).strip() if isinstance(target, str) and target.strip() else None,
        source=source,
    )


def load_rules(configs: Sequence[str]) -> tuple[SemgrepRule, ...]:
    """The rules the configs define, read with the safe YAML loader. A file that does
    not load is left to semgrep, whose error becomes a notification."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    out: dict[str, SemgrepRule] = {}
    for config in configs:
        for path in _rule_files(config):
            try:
                data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, YAMLError):
                continue
            rules = data.get("rules") if isinstance(data, Mapping) else None
            for raw in rules if isinstance(rules, list) else []:
                if isinstance(raw, Mapping) and (rule := _one_rule(raw, str(path))):
                    out.setdefault(rule.id, rule)
    return tuple(out[k] for k in sorted(out))


def prepare(configs: Sequence[tuple[str, str]], binary: str | None, timeout: float) -> Setup | None:
    """Check everything before the scan starts: bad configs or a missing semgrep are a
    ConfigError (exit 2), never a half-done run."""
    if not configs:
        return None
    resolved = resolve_configs(configs)
    return Setup(find_binary(binary), resolved, load_rules(resolved), timeout)


def _environment() -> dict[str, str]:
    # No token reaches semgrep (so no login), no metrics, no version check.
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMGREP_")}
    env["SEMGREP_SEND_METRICS"] = "off"
    env["SEMGREP_ENABLE_VERSION_CHECK"] = "0"
    return env


def _parts(targets: Sequence[str], budget: int) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    size = 0
    for t in targets:
        if parts[-1] and size + len(t) + 1 > budget:
            parts.append([])
            size = 0
        parts[-1].append(t)
        size += len(t) + 1
    return parts


def _failed(message: str, path: str | None = None, rule_id: str | None = None) -> Notification:
    return Notification(FAILED, message, NoticeLevel.WARNING, path, rule_id=rule_id)


def _unfinished(message: str) -> Notification:
    """semgrep checked nothing it could report (did not start, did not finish, gave no
    JSON): an error, which fails the run unless --allow-unchecked, so that neither a
    config's short timeout nor a file that stalls semgrep hides its findings."""
    return Notification(
        FAILED, f"{message}; the run fails unless --allow-unchecked", NoticeLevel.ERROR
    )


def run(
    setup: Setup, targets: Sequence[str], root: str, jobs: int, max_bytes: int
) -> tuple[list[Match], list[Notification]]:
    """Run semgrep over `targets` (paths relative to `root`). A failing semgrep is a
    notification; whatever it did report is kept."""
    matches: list[Match] = []
    notes: list[Notification] = []
    if not targets:
        return matches, notes
    base = [
        setup.binary,
        "scan",
        "--json",
        "--quiet",
        "--metrics=off",
        "--disable-version-check",
        "--no-rewrite-rule-ids",
        "--no-git-ignore",
        f"--jobs={max(1, jobs)}",
        f"--max-target-bytes={max_bytes}",
    ]
    for config in setup.configs:
        base.append(f"--config={config}")
    for part in _parts(targets, _argv_budget()):
        argv = [*base, "--", *part]
        try:
            proc = subprocess.Popen(
                argv,
                cwd=root,
                env=_environment(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            notes.append(_unfinished(f"semgrep could not start: {exc.strerror or exc}"))
            return matches, notes
        try:
            out, err = proc.communicate(timeout=setup.timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            notes.append(_unfinished(f"semgrep did not finish within {setup.timeout:g} s"))
            continue
        found, more = _read_output(out, err, proc.returncode, root)
        matches.extend(found)
        notes.extend(more)
    return matches, notes


def _relative(path: str, root: str) -> str:
    full = os.path.normpath(os.path.join(root, path))
    return os.path.relpath(full, root).replace(os.sep, "/")


def _read_output(
    out: bytes, err: bytes, code: int, root: str
) -> tuple[list[Match], list[Notification]]:
    try:
        data = json.loads(out.decode("utf-8", "replace"))
    except ValueError:
        data = None
    if not isinstance(data, dict):
        lines = [ln.strip() for ln in err.decode("utf-8", "replace").splitlines() if ln.strip()]
        tail = f": {lines[-1][:200]}" if lines else ""
        return [], [_unfinished(f"semgrep failed with exit code {code} and no JSON output{tail}")]
    matches = []
    for item in data.get("results") or []:
        try:
            start, end = item["start"], item["end"]
            matches.append(
                Match(
                    check_id=str(item["check_id"]),
                    path=_relative(str(item["path"]), root),
                    span=Span(
                        int(start["line"]), int(start["col"]), int(end["line"]), int(end["col"])
                    ),
                    severity=str((item.get("extra") or {}).get("severity", "")),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    notes = [_error_note(e, root) for e in data.get("errors") or [] if isinstance(e, dict)]
    if code not in (0, 1) and not notes:
        notes.append(_failed(f"semgrep exited with code {code}"))
    return matches, notes


def _error_note(error: Mapping[str, Any], root: str) -> Notification:
    """semgrep's error, without text quoted from scanned files: a rule's own problem
    keeps its first line; a problem with a target file is named by its type only."""
    kind = _text(error.get("type")) or "error"
    if isinstance(error.get("type"), list):  # some versions nest the type
        kind = _text(error["type"][0])
    rule_id = error.get("rule_id") if isinstance(error.get("rule_id"), str) else None
    path = error.get("path") if isinstance(error.get("path"), str) else None
    rel = _relative(path, root) if path else None
    if rel is not None and not rel.startswith("../"):
        detail = f"semgrep: {kind} in this file" + (f" (rule {rule_id})" if rule_id else "")
        return _failed(detail, rel, rule_id)
    message = str(error.get("message") or "").strip().splitlines()
    first = message[0][:300] if message else ""
    return _failed(f"semgrep: {kind}" + (f": {first}" if first else ""), rule_id=rule_id)


def exact_span(data: bytes, span: Span) -> Span:
    """semgrep counts columns in bytes; ztlint in code points."""
    lines = data.split(b"\n")

    def col(line: int, c: int) -> int:
        if not 1 <= line <= len(lines):
            return c
        return len(lines[line - 1][: c - 1].decode("utf-8", "replace")) + 1

    return Span(
        span.start_line,
        col(span.start_line, span.start_col),
        span.end_line,
        col(span.end_line, span.end_col),
    )


def line_digest(data: bytes, line: int) -> str:
    """A fingerprint anchor for a match's first line that does not carry its text:
    string literals are blanked (that is where secrets live), whitespace dropped."""
    lines = data.split(b"\n")
    text = lines[line - 1].decode("utf-8", "replace") if 1 <= line <= len(lines) else ""
    text = re.sub(r"(['\"`]).*?(?<!\\)\1", r"\1\1", text)
    return hashlib.sha256("".join(text.split()).encode()).hexdigest()[:16]

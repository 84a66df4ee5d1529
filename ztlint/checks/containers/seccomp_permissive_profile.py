"""Seccomp profiles that do not confine, and the workloads that use them.

A profile is judged the way Docker applies it: a rule whose `includes.caps` names a
capability only applies to containers that have it (Docker's default profile allows
`mount` to CAP_SYS_ADMIN holders only), a rule with an argument filter is not a blanket
allow, and `ptrace` gated on kernel 4.8 or later is safe (seccomp is re-checked after
ptrace from 4.8, which is why Docker allows it). Docker's default profile, and profiles
copied from it, therefore pass.

A permissive profile that nothing in the repository references is reported at low
severity; one that compose (`seccomp:path`, `seccomp=path`) or Kubernetes
(`localhostProfile`) points at is reported at the profile and at each reference.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass
from typing import Any

from ztlint import classify
from ztlint.checks.compose import services
from ztlint.checks.containers._common import script_run
from ztlint.checks.workloads import file_pod_specs, security_contexts
from ztlint.model import Related, Severity, Span
from ztlint.parsers.data import Mapping, Node, Scalar, Sequence
from ztlint.rule import FileContext, Hit

ESCAPE_SYSCALLS = frozenset(
    {
        "ptrace",
        "mount",
        "umount2",
        "unshare",
        "setns",
        "pivot_root",
        "bpf",
        "keyctl",
        "init_module",
        "finit_module",
        "kexec_load",
        "kexec_file_load",
        "open_by_handle_at",
    }
)
ALLOWING = frozenset({"SCMP_ACT_ALLOW", "SCMP_ACT_LOG"})
_SECCOMP_OPT = re.compile(r"^\s*seccomp\s*[:=]\s*(.+?)\s*$", re.I)


@dataclass(frozen=True)
class Problem:
    span: Span
    message: str


@dataclass(frozen=True)
class Profile:
    path: str
    problems: tuple[Problem, ...]
    head: Span  # where to point a reference's related location


@dataclass(frozen=True)
class Reference:
    target: str  # repository-relative path, or a suffix for Kubernetes localhostProfile
    suffix: bool
    span: Span
    who: str
    entity: str | None

    @property
    def reads(self) -> str | None:
        """The profile the engine reads for context when only this file was named."""
        return None if self.suffix else self.target


def _kernel_at_least(text: str | None, major: int, minor: int) -> bool:
    m = re.match(r"(\d{1,9})\.(\d{1,9})(?!\d)", text or "")  # int() of 5,000 digits raises
    return m is not None and (int(m.group(1)), int(m.group(2))) >= (major, minor)


def _names(rule: Mapping) -> list[Scalar]:
    names = rule.get("names")
    if isinstance(names, Sequence):
        return [n for n in names.items if isinstance(n, Scalar)]
    single = rule.get("name")
    return [single] if isinstance(single, Scalar) else []


def evaluate(doc: Node) -> list[Problem]:
    """The ways a profile fails to confine, each at its place in the file: a Docker or
    OCI profile, an OCI runtime bundle's `linux.seccomp` (runc, crun, youki, gVisor's
    runsc), or a Firecracker seccompiler filter file."""
    if not isinstance(doc, Mapping):
        return []
    linux = doc.get_map("linux")
    if linux is not None and doc.entry("ociVersion") is not None:
        seccomp = linux.get_map("seccomp")
        return (
            _evaluate_profile(seccomp, "the OCI runtime's seccomp filter (linux.seccomp)")
            if seccomp is not None
            else []
        )
    if doc.entry("defaultAction") is None:
        return list(_seccompiler(doc))
    return _evaluate_profile(doc, "seccomp profile")


# Firecracker's seccompiler actions that let a syscall through.
_SECCOMPILER_ALLOWING = frozenset({"allow", "log"})


def _seccompiler(doc: Mapping) -> Iterator[Problem]:
    """Firecracker's seccompiler JSON: a filter per thread (`vmm`, `api`, `vcpu`), each
    with `default_action` for the syscalls its `filter` list does not name."""
    for thread, spec in doc.items():
        if not isinstance(spec, Mapping) or spec.get("filter") is None:
            continue
        entry = spec.entry("default_action")
        if entry is None or not isinstance(entry[1], Scalar):
            continue
        action = entry[1].value.strip().lower()
        if action not in _SECCOMPILER_ALLOWING:
            continue
        rules = spec.get_seq("filter")
        count = len(rules.items) if rules is not None else 0
        listed = (spec.get_str("filter_action") or "").strip().lower()
        what = (
            f"its {count} rules only allow what is allowed anyway"
            if listed in _SECCOMPILER_ALLOWING
            else f"it blocks only {count}"
        )
        yield Problem(
            entry[0].span,
            f"seccompiler filter for thread '{thread.value}' allows every syscall by default ({action}); {what}",
        )


def _evaluate_profile(doc: Mapping, what: str) -> list[Problem]:
    default = doc.entry("defaultAction")
    if default is None:
        return []
    key, action = default
    if isinstance(action, Scalar) and action.value.strip().upper() in ALLOWING:
        rules = doc.get_seq("syscalls")
        blocked = sum(len(_names(r)) for r in rules.items if isinstance(r, Mapping)) if rules else 0
        return [
            Problem(
                key.span,
                f"{what} allows every syscall by default ({action.value}); it blocks only {blocked}",
            )
        ]
    problems = []
    rules = doc.get_seq("syscalls")
    for rule in rules.items if rules is not None else []:
        if not isinstance(rule, Mapping):
            continue
        rule_action = rule.get_str("action") or ""
        if rule_action.strip().upper() not in ALLOWING:
            continue
        args = rule.get_seq("args")
        if args is not None and args.items:
            continue  # an argument filter: not a blanket allow
        includes = rule.get_map("includes")
        caps = includes.get_seq("caps") if includes is not None else None
        if caps is not None and caps.items:
            continue  # applies only to containers that hold the capability
        min_kernel = includes.get_str("minKernel") if includes is not None else None
        for name in _names(rule):
            syscall = name.value.strip()
            if syscall not in ESCAPE_SYSCALLS:
                continue
            if syscall == "ptrace" and _kernel_at_least(min_kernel, 4, 8):
                continue
            problems.append(
                Problem(name.span, f"{what} allows {syscall} without an argument filter")
            )
    return problems


def _compose_refs(ctx: FileContext) -> Iterator[Reference]:
    base = posixpath.dirname(ctx.path)
    for doc in ctx.documents():
        for name, service in services(doc):
            opts = service.get_seq("security_opt")
            for item in opts.items if opts is not None else []:
                m = _SECCOMP_OPT.match(item.value) if isinstance(item, Scalar) else None
                if m is None or m.group(1).lower() in ("unconfined", "default", "builtin"):
                    continue
                raw = m.group(1).strip("\"'")
                if raw.startswith("/"):
                    continue  # a host path: not in the repository
                target = posixpath.normpath(posixpath.join(base, raw))
                assert isinstance(item, Scalar)
                yield Reference(target, False, item.span, f"service '{name}'", name)


def _k8s_refs(ctx: FileContext) -> Iterator[Reference]:
    for pod in file_pod_specs(ctx):
        for sc, who in security_contexts(pod):
            profile = sc.get_map("seccompProfile")
            local = profile.get("localhostProfile") if profile is not None else None
            if isinstance(local, Scalar) and local.value.strip():
                yield Reference(
                    posixpath.normpath(local.value.strip()), True, local.span, who, pod.name
                )


def collect(ctx: FileContext) -> Iterator[Any]:
    if classify.SECCOMP in ctx.kinds:
        for doc in ctx.documents():
            problems = tuple(evaluate(doc))
            head = doc.span if isinstance(doc, Mapping) else Span(1, 1, 1, 1)
            yield Profile(
                ctx.path,
                problems,
                Span(head.start_line, head.start_col, head.start_line, head.start_col),
            )
    if "seccomp" not in ctx.lower():
        return
    # Documents are parsed only when a reference can be in them: a `seccomp:` or
    # `seccomp=` security option, a `localhostProfile` key.
    if classify.COMPOSE in ctx.kinds and "security_opt" in ctx.text:
        yield from _compose_refs(ctx)
    if classify.KUBERNETES in ctx.kinds and "localhostProfile" in ctx.text:
        yield from _k8s_refs(ctx)
    if ctx.kinds & SCRIPT_KINDS and "--security-opt" in ctx.text:
        yield from _script_refs(ctx)


# Files whose scripts may start containers with a profile (`--security-opt seccomp=...`).
SCRIPT_KINDS = frozenset({"bash", classify.DOCKERFILE, classify.WORKFLOW, classify.MAKEFILE})


def _script_refs(ctx: FileContext) -> Iterator[Reference]:
    """`docker run --security-opt seccomp=profiles/agent.json`: the runtime reads the
    path from its working directory, which the script does not say; the profile is found
    by the path's tail."""
    if not script_run.may_start_container(ctx):
        return
    for run in script_run.run_commands(ctx):
        for opt in run.options:
            m = _SECCOMP_OPT.match(opt.value) if opt.name == "--security-opt" else None
            if m is None or m.group(1).lower() in ("unconfined", "default", "builtin"):
                continue
            raw = m.group(1).strip("\"'")
            if raw.startswith(("/", "~", "$")):
                continue  # a host path or a variable: not known in the repository
            parts = [p for p in posixpath.normpath(raw).split("/") if p not in ("..", ".")]
            if parts:
                yield Reference("/".join(parts), True, opt.span, run.who, run.image)


def _resolve(
    ref: Reference, profiles: dict[str, Profile], by_tail: dict[str, list[Profile]]
) -> Profile | None:
    if not ref.suffix:
        return profiles.get(ref.target)
    matches = by_tail.get(ref.target, [])
    return matches[0] if len(matches) == 1 else None


def _by_tail(profiles: dict[str, Profile]) -> dict[str, list[Profile]]:
    """Profiles by every tail of their path that starts a name (`a/b/p.json`:
    `a/b/p.json`, `b/p.json`, `p.json`), so that a reference by suffix is one lookup
    rather than a pass over every profile."""
    out: dict[str, list[Profile]] = {}
    for path, profile in profiles.items():
        names = path.split("/")
        for k in range(len(names)):
            out.setdefault("/".join(names[k:]), []).append(profile)
    return out


def check(facts: MappingABC[str, tuple[Any, ...]]) -> Iterator[Hit]:
    profiles = {f.path: f for items in facts.values() for f in items if isinstance(f, Profile)}
    by_tail = _by_tail(profiles)
    refs = [(path, f) for path, items in facts.items() for f in items if isinstance(f, Reference)]
    used: dict[str, list[tuple[str, Reference]]] = {}
    for path, ref in refs:
        profile = _resolve(ref, profiles, by_tail)
        if profile is not None and profile.problems:
            used.setdefault(profile.path, []).append((path, ref))
            first = profile.problems[0]
            yield Hit(
                span=ref.span,
                message=f"{ref.who} uses {profile.path}, a seccomp profile that does not confine",
                entity=ref.entity,
                related=(Related(profile.path, first.span, first.message),),
                path=path,
            )
    for path, profile in sorted(profiles.items()):
        users = used.get(path, [])
        for problem in profile.problems:
            yield Hit(
                span=problem.span,
                message=problem.message
                + ("" if users else " (no workload in the repository uses it)"),
                severity=None if users else Severity.LOW,
                related=tuple(Related(p, r.span, f"used by {r.who}") for p, r in users),
                path=path,
            )

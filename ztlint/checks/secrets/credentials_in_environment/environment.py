"""Credentials passed to containers through environment variables.

Environment variables are visible in `docker inspect`, in `/proc/<pid>/environ` to
anything that can read the process, in crash dumps and in child processes. A literal
value is also committed (high); an interpolated one (`${DB_PASSWORD}`) still travels
through the environment (medium). A `*_FILE` variable pointing at a mounted secret, and
a Kubernetes `secretKeyRef`, are the fix.

The interpolated and pass-through credentials of one compose file are one decision of
its author (take the secrets from the operator's environment) and one finding, at the
first of them, naming every service and variable, the others its related locations. A
literal is committed where it stands: one finding per variable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from ztlint import classify
from ztlint.checks.compose import services
from ztlint.checks.shell import (
    Instruction,
    dockerfile_instructions,
    dockerfile_stages,
    shipped_stages,
)
from ztlint.model import Confidence, Related, Severity, Span
from ztlint.parsers.data import Mapping, Node, Scalar, Sequence, walk
from ztlint.rule import FileContext, Hit
from ztlint.semantics.credentials import classify_value, stand_in
from ztlint.semantics.placeholder import REFERENCE, is_placeholder
from ztlint.semantics.vocabulary import words


def _hit(
    name: str,
    kind: str,
    span: Span,
    entity: str | None,
    where: str,
    secret: Span | None,
    weak: bool = False,
) -> Hit:
    confidence = Confidence.MEDIUM if weak else None
    if kind == "literal":
        return Hit(
            span=span,
            message=f"{where} sets credential {name} to a literal value in the environment",
            severity=Severity.HIGH,
            confidence=confidence,
            entity=entity,
            secret_spans=(secret,) if secret is not None else (),
        )
    return Hit(
        span=span,
        message=f"{where} passes credential {name} through the environment; mount it as a secret file",
        severity=Severity.MEDIUM,
        confidence=confidence,
        entity=entity,
    )


@dataclass(frozen=True)
class _Passed:
    """A credential a compose service takes from the operator's environment."""

    service: str
    name: str
    span: Span
    weak: bool  # its fallback is a stand-in (`${DB_PASSWORD:-postgres}`)


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _compose_group(path: str, passed: list[_Passed]) -> Hit:
    """One finding for the credentials a compose file takes from the environment, at
    the first of them, the others related locations. Confidence is lowered only when
    every one of them falls back to a stand-in (a local development stack)."""
    first = passed[0]
    weak = all(p.weak for p in passed)
    by_service: dict[str, list[str]] = {}
    for p in passed:
        names = by_service.setdefault(p.service, [])
        if p.name not in names:
            names.append(p.name)
    if len(passed) == 1:
        place = f"service '{first.service}'"
        hit = _hit(first.name, "interpolated", first.span, first.service, place, None, weak)
        return replace(hit, group=_GROUP)
    count = len(passed)
    noun = "services" if len(by_service) > 1 else "service"
    listed = _listed([f"'{s}' ({', '.join(names)})" for s, names in by_service.items()])
    verb = "take" if len(by_service) > 1 else "takes"
    return Hit(
        span=first.span,
        message=(
            f"{noun} {listed} {verb} {count} credentials from the environment; "
            "mount them as secret files"
        ),
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM if weak else None,
        # One service: its node is what a change must touch (--diff); several: none.
        entity=first.service if len(by_service) == 1 else None,
        related=tuple(
            Related(path, p.span, f"service '{p.service}' takes {p.name} from the environment")
            for p in passed[1:]
        ),
        group=_GROUP,
    )


# The credentials a file's compose documents take from the environment are one finding
# even when a script writes the file in several heredocs (one per service).
_GROUP = "environment"


def _stand_in_value(value: str) -> bool:
    """A placeholder that is no reference: a reference (`$(VAR)`, `{{ .Values.x }}`)
    brings a real credential in; a stand-in is replaced by hand before deploying."""
    text = value.strip().strip("\"'")
    return is_placeholder(text) and not REFERENCE.search(text)


def _stand_in_hit(name: str, span: Span, entity: str | None, where: str) -> Hit:
    """A manifest's value that stands in for the credential (`TOKEN_VALUE`,
    `REPLACE_MASTER_KEY`, `<token>`): nothing is committed; the deployment step that
    fills it in puts the credential in the environment all the same."""
    return Hit(
        span=span,
        message=(
            f"{where} passes credential {name} through the environment once its stand-in "
            "value is filled in; mount it as a secret file"
        ),
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        entity=entity,
    )


def _entries(block: Node) -> Iterator[tuple[str, str | None, Node, Node | None]]:
    """(name, value, node to report, value node) of a compose or Kubernetes env block."""
    if isinstance(block, Mapping):
        for key, value in block.items():
            text = value.value if isinstance(value, Scalar) and value.kind != "null" else None
            yield key.value, text, value if isinstance(value, Scalar) else key, value
    elif isinstance(block, Sequence):
        for item in block.items:
            if isinstance(item, Scalar):
                name, sep, text = item.value.partition("=")
                yield name.strip(), text if sep else None, item, item
            elif isinstance(item, Mapping):
                var = item.get_str("name")
                if var is None or item.get("valueFrom") is not None:
                    continue  # secretKeyRef and friends
                val = item.get("value")
                if isinstance(val, Scalar):
                    yield var, val.value, val, val
                else:
                    yield var, None, item, None


# The settings that name an account or a database (`MYSQL_USER`, `POSTGRES_DB`,
# `RABBITMQ_DEFAULT_USER`): a password equal to one of them is a throwaway, a local
# stack's own (`MYSQL_USER: app`, `MYSQL_PASSWORD: app`); no deployment keeps it.
_ACCOUNT_WORDS = frozenset({"user", "username", "db", "database", "name", "login"})


def _account_names(pairs: Iterable[tuple[str, str | None]]) -> frozenset[str]:
    """The values of the settings among (name, value) pairs that name an account or a
    database, lowered."""
    names = set()
    for name, value in pairs:
        text = (value or "").strip().strip("\"'").lower()
        if (
            len(text) >= 2
            and not text.startswith("$")
            and classify_value(name, value) is None
            and _ACCOUNT_WORDS.intersection(words(name))
        ):
            names.add(text)
    return frozenset(names)


def _echoes_account(value: str | None, accounts: frozenset[str]) -> bool:
    return (value or "").strip().strip("\"'").lower() in accounts


# The keywords of a JSON Schema (OpenAPI) property: a CRD's or an OpenAPI dump's schema
# of a container declares `image` and `env` as properties, it sets neither.
_SCHEMA_WORDS = frozenset({"type", "$ref", "description", "properties", "items", "allOf", "oneOf"})


def _image(node: Node | None) -> bool:
    """A container's image: a string, or a chart's `{repository, tag}`; not the schema of
    an `image` property."""
    if isinstance(node, Scalar):
        return True
    return isinstance(node, Mapping) and not any(k.value in _SCHEMA_WORDS for k, _ in node.items())


def detect(ctx: FileContext) -> Iterator[Hit]:
    if classify.COMPOSE in ctx.kinds:
        for doc in ctx.documents():
            passed: list[_Passed] = []
            for service, definition in services(doc):
                block = definition.get("environment")
                if block is None:
                    continue
                accounts = _account_names((n, v) for n, v, _, _ in _entries(block))
                for name, value, node, value_node in _entries(block):
                    kind = classify_value(name, value)
                    if kind is None:
                        continue
                    weak = stand_in(value) or _echoes_account(value, accounts)
                    if kind != "literal":
                        passed.append(_Passed(service, name, node.span, weak))
                        continue
                    secret = value_node.span if isinstance(value_node, Scalar) and value else None
                    place = f"service '{service}'"
                    yield _hit(name, kind, node.span, service, place, secret, weak)
            if passed:
                yield _compose_group(ctx.path, passed)
    if classify.KUBERNETES in ctx.kinds:
        for doc in ctx.documents():
            if not isinstance(doc, Mapping):
                continue
            meta = doc.get_map("metadata")
            workload = meta.get_str("name") if meta is not None else None
            for node, _ in walk(doc):
                if not isinstance(node, Mapping) or not _image(node.get("image")):
                    continue
                block = node.get("env")
                container = node.get_str("name") or "container"
                for name, value, where, value_node in _entries(block) if block is not None else ():
                    kind = classify_value(name, value)
                    if kind is None:
                        continue
                    place = f"container '{container}'"
                    if value is not None and _stand_in_value(value):
                        yield _stand_in_hit(name, where.span, workload, place)
                        continue
                    secret = value_node.span if isinstance(value_node, Scalar) and value else None
                    yield _hit(name, kind, where.span, workload, place, secret)
    if classify.DOCKERFILE in ctx.kinds:
        yield from _dockerfile(ctx)


_DOCKER_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:(=)(\"[^\"]*\"|'[^']*'|\S*)|\s+(.+))?")


def _dockerfile(ctx: FileContext) -> Iterator[Hit]:
    pairs = list(_dockerfile_pairs(ctx))
    accounts = _account_names((name, value) for _, _, name, value in pairs)
    # A build stage the final image is not built on (`FROM node AS builder`, whose
    # output is copied out) sets its environment for the build alone: the running
    # container never has it.
    stages, staged = dockerfile_stages(dockerfile_instructions(ctx.source))
    shipped = shipped_stages(stages)
    build_only = {i.line for index, i in staged if index >= 0 and index not in shipped}
    for instr, m, name, value in pairs:
        if instr.line in build_only:
            continue
        kind = classify_value(name, value)
        if kind is None:
            continue
        if instr.keyword == "ARG" and value is None:
            kind = "interpolated"
        body = instr.body
        row = instr.line + body[: m.start()].count("\n")
        col = ctx.source.line(row).find(name) + 1
        span = Span(row, col, row, col + len(m.group(0).rstrip()))
        secret = None
        if kind == "literal" and value:
            vcol = ctx.source.line(row).find(value, col - 1) + 1
            secret = Span(row, vcol, row, vcol + len(value)) if vcol > 0 else None
        weak = kind == "literal" and _echoes_account(value, accounts)
        yield _hit(name, kind, span, None, f"Dockerfile {instr.keyword}", secret, weak)


def _dockerfile_pairs(
    ctx: FileContext,
) -> Iterator[tuple[Instruction, re.Match[str], str, str | None]]:
    """Every `ENV` and `ARG` pair of a Dockerfile: (instruction, match, name, value)."""
    for instr in dockerfile_instructions(ctx.source):
        if instr.keyword not in ("ENV", "ARG"):
            continue
        body = instr.body
        if not body.strip():  # `ENV` and nothing (or only a form feed) after it
            continue
        legacy = instr.keyword == "ENV" and "=" not in body.split(None, 1)[0]
        matches = (
            [_DOCKER_PAIR.match(body.strip())] if legacy else list(_DOCKER_PAIR.finditer(body))
        )
        for m in matches:
            if m is not None:
                yield instr, m, m.group(1), (m.group(3) if m.group(2) else m.group(4))

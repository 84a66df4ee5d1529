"""Debug modes left on: gVisor's debug, strace and packet logging (in `runsc.toml`, the
containerd shim's `[runsc_config]`, or `runtimeArgs` in Docker's `daemon.json`), and
Envoy started at debug or trace log level. Debug logs capture file paths, environment
contents and network details (the seed's finding 10)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ztlint import classify
from ztlint.checks.compose import services
from ztlint.parsers.data import Mapping, Node, Scalar, Sequence, walk
from ztlint.rule import FileContext, Hit

GVISOR_FLAGS = ("debug", "strace", "log-packets", "profile")
_RUNTIME_ARG = re.compile(
    r"^--?(debug|strace|log-packets|profile)(=(true|1))?$|^--?debug-log(=\S+)?$", re.I
)
_LOG_LEVEL = re.compile(r"^(?:-l|--log-level|--component-log-level)$")


def _on(node: Node | None) -> bool:
    return isinstance(node, Scalar) and node.truthy() is True


def detect_gvisor(ctx: FileContext) -> Iterator[Hit]:
    for doc in ctx.documents():
        if not isinstance(doc, Mapping):
            continue
        tables = [doc]
        nested = doc.get_map("runsc_config")
        if nested is not None:
            tables.append(nested)
        for table in tables:
            for key, value in table.entries:
                if key.value in GVISOR_FLAGS and _on(value):
                    yield Hit(
                        span=key.span,
                        message=f"gVisor {key.value} is on: its logs capture syscalls, paths and environment",
                    )
                elif key.value == "debug-log" and isinstance(value, Scalar) and value.value.strip():
                    yield Hit(span=key.span, message=f"gVisor writes debug logs to {value.value}")


def detect_daemon_json(ctx: FileContext) -> Iterator[Hit]:
    for doc in ctx.documents():
        for node, _ in walk(doc):
            if not isinstance(node, Mapping):
                continue
            args = node.get_seq("runtimeArgs")
            for arg in args.items if args is not None else []:
                if isinstance(arg, Scalar) and _RUNTIME_ARG.match(arg.value.strip()):
                    yield Hit(
                        span=arg.span,
                        message=f"container runtime started with {arg.value}: debug logs capture syscalls and environment",
                    )


def _argv(node: Node | None) -> list[Scalar]:
    if isinstance(node, Sequence):
        return [n for n in node.items if isinstance(n, Scalar)]
    if isinstance(node, Scalar):
        parts = node.value.split()
        return [Scalar(node.span, p) for p in parts]
    return []


def _envoy_debug(tokens: list[Scalar]) -> Scalar | None:
    for i, token in enumerate(tokens):
        text = token.value.strip()
        level = None
        if _LOG_LEVEL.match(text) and i + 1 < len(tokens):
            level = tokens[i + 1].value.strip().lower()
        elif text.startswith("--log-level="):
            level = text.split("=", 1)[1].lower()
        if level is not None and (
            level in ("debug", "trace") or re.search(r":(debug|trace)\b", level)
        ):
            return token
    return None


def detect_envoy_log_level(ctx: FileContext) -> Iterator[Hit]:
    if classify.COMPOSE in ctx.kinds:
        for doc in ctx.documents():
            for name, service in services(doc):
                tokens = _argv(service.get("entrypoint")) + _argv(service.get("command"))
                image = service.get_str("image") or ""
                if "envoy" in image or any("envoy" in t.value for t in tokens):
                    token = _envoy_debug(tokens)
                    if token is not None:
                        yield Hit(
                            span=token.span,
                            message=f"service '{name}' runs Envoy at debug log level",
                            entity=name,
                        )
    if classify.KUBERNETES in ctx.kinds:
        for doc in ctx.documents():
            for node, _ in walk(doc):
                if not isinstance(node, Mapping) or node.get("image") is None:
                    continue
                tokens = _argv(node.get("command")) + _argv(node.get("args"))
                image = node.get_str("image") or ""
                if "envoy" in image or any("envoy" in t.value for t in tokens):
                    token = _envoy_debug(tokens)
                    if token is not None:
                        name = node.get_str("name") or "container"
                        yield Hit(
                            span=token.span,
                            message=f"container '{name}' runs Envoy at debug log level",
                        )

"""ZT402 admin-interface-exposed: the parts a query or a `match:` cannot express.

- Go programs that expose net/http/pprof beyond loopback: importing the package
  registers its handlers on http.DefaultServeMux, so `http.ListenAndServe(":6060", nil)`
  serves heap dumps, goroutine stacks and CPU profiles to anyone who can reach the port.
- kubelet: `--anonymous-auth=true` on a kubelet command line (or a kubeadm
  `kubeletExtraArgs`), `--authorization-mode` with `AlwaysAllow` (kubelet or
  kube-apiserver); and in a `KubeletConfiguration`, `authentication.anonymous.enabled:
  true` or `authorization.mode: AlwaysAllow` (rule.yaml, declarative). Explicit
  settings only: the flags' insecure defaults are not reported where they are omitted.
- Envoy's admin interface on an address others can reach.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from tree_sitter import QueryCursor

from ztlint.checks import configtext, envoy
from ztlint.model import Confidence, Severity, Span
from ztlint.parsers import code
from ztlint.parsers.data import Mapping, Scalar
from ztlint.rule import FileContext, Hit

_IMPORT = re.compile(r'"net/http/pprof"')
_QUERY = """
((call_expression
   function: (selector_expression operand: (identifier) @pkg field: (field_identifier) @fn)
   arguments: (argument_list . (_) @addr . (nil))) @call
 (#eq? @pkg "http")
 (#any-of? @fn "ListenAndServe" "ListenAndServeTLS"))
"""


def _loopback(addr: str) -> bool:
    host = addr.strip('"`').rsplit(":", 1)[0].strip("[]")
    return host in ("localhost", "::1") or host.startswith("127.")


def detect_go(ctx: FileContext) -> Iterator[Hit]:
    if not _IMPORT.search(ctx.text):
        return
    query = code.compile_query("go", _QUERY)
    for _, captures in QueryCursor(query).matches(ctx.tree().root_node):
        addr = captures["addr"][0]
        text = code.node_text(ctx.source, addr)
        literal = addr.type in ("interpreted_string_literal", "raw_string_literal")
        if literal and _loopback(text):
            continue
        yield Hit(
            span=code.node_span(ctx.source, captures["call"][0]),
            message=f"net/http/pprof is served on {text if literal else 'a configured address'} through the default mux",
            severity=None if literal else Severity.MEDIUM,
            confidence=None if literal else Confidence.LOW,
        )


# --- Envoy's admin interface --------------------------------------------------------------


def _exposed(address: str) -> bool:
    text = address.strip().strip("[]")
    if text in ("localhost",) or text.startswith("127.") or "{{" in text:
        return False  # (a template's action: the address is not known here)
    try:
        return not ipaddress.ip_address(text).is_loopback
    except ValueError:
        return True  # a hostname: resolves to whatever it resolves to


def detect_envoy(ctx: FileContext) -> Iterator[Hit]:
    for doc in envoy.documents(ctx):
        if not isinstance(doc.root, Mapping):
            continue
        admin = doc.root.get_map("admin")
        address = admin.get_map("address") if admin is not None else None
        socket = address.get_map("socket_address") if address is not None else None
        node = socket.get("address") if socket is not None else None
        if isinstance(node, Scalar) and _exposed(node.value):
            yield doc.hit(
                Hit(
                    span=node.span,
                    message=f"Envoy admin interface listens on {node.value}: anyone who reaches it can read config and stats and shut Envoy down",
                )
            )


# --- kubelet and kube-apiserver flags -----------------------------------------------------

# The program a command line or an arguments block belongs to (`--etcd-servers` is not
# etcd; k3s passes kubelet flags as `--kubelet-arg=`).
_PROGRAM = re.compile(
    r"(?:(?<![\w-])|(?<=--))(kubelet(?:ExtraArgs|-arg)?|kube-apiserver|apiServer|"
    r"kube-controller-manager|kube-scheduler|kube-proxy|etcd)(?![\w-])"
)


_ANONYMOUS = re.compile(r"(?<![\w-])(?:--)?anonymous-auth[\"']?(?:\s*[=:]\s*|\s+)[\"']?true\b")


_ALWAYS_ALLOW = re.compile(
    r"(?<![\w-])(?:--)?authorization-mode[\"']?(?:\s*[=:]\s*|\s+)[\"']?[\w,]*\bAlwaysAllow\b"
)


# A YAML key whose block text is prose for a reader (a benchmark's remediation, a
# check's description), not a setting or a script: a flag quoted there is advice.
_PROSE_KEYS = frozenset(
    {"remediation", "description", "help", "text", "message", "summary", "details",
     "notes", "note", "explanation", "rationale", "guidance", "usage", "doc", "docs"}
)  # fmt: skip
_BLOCK_START = re.compile(r"^([ \t]*)(?:-[ \t]+)?([\w.-]+):[ \t]*[|>][-+0-9]*[ \t]*(?:#.*)?$")


def _prose_lines(ctx: FileContext) -> set[int]:
    """The line numbers of YAML block scalars under a prose key (`remediation: |`)."""
    if not ctx.path.endswith((".yml", ".yaml")):
        return set()
    out: set[int] = set()
    lines = ctx.source.lines
    number = 0
    while number < len(lines):
        m = _BLOCK_START.match(lines[number])
        number += 1
        if m is None or m.group(2).lower() not in _PROSE_KEYS:
            continue
        indent = m.start(2)  # the key's column: its text is indented past it
        while number < len(lines):
            line = lines[number]
            if line.strip() and len(line) - len(line.lstrip()) <= indent:
                break
            number += 1
            out.add(number)
    return out


def detect_kube_flags(ctx: FileContext) -> Iterator[Hit]:
    if not configtext.reads_settings(ctx):
        return
    program = ""
    prose = _prose_lines(ctx)
    for number, line in enumerate(ctx.source.lines, 1):
        if configtext.COMMENT_LINE.match(line) or number in prose:
            continue
        for m in _PROGRAM.finditer(line):
            program = m.group(1)
        kubelet = program.startswith("kubelet")
        anonymous = _ANONYMOUS.search(line)
        if anonymous is not None and kubelet:
            yield Hit(
                span=Span(number, anonymous.start() + 1, number, anonymous.end() + 1),
                message="kubelet --anonymous-auth=true: anyone who reaches port 10250 is "
                "served as system:anonymous",
            )
        allow = _ALWAYS_ALLOW.search(line)
        if allow is not None and (kubelet or program in ("kube-apiserver", "apiServer")):
            who = "kubelet" if kubelet else "kube-apiserver"
            yield Hit(
                span=Span(number, allow.start() + 1, number, allow.end() + 1),
                message=f"{who} --authorization-mode AlwaysAllow: every authenticated (or "
                "anonymous) request is allowed",
            )

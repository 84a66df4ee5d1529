"""TLS verification turned off through a default: a client function or class whose
`verify`-like parameter defaults to the insecure value (`verify=False`,
`insecure=True`), where that parameter reaches a TLS setting, and whose callers in the
repository never pass it. Every caller then gets an unverified connection without
writing `verify=False` anywhere a reader (or ztlint) would see it.

Python. The parameter reaches a TLS setting when it is passed on to a verification
keyword (`requests.get(url, verify=verify)`, `ssl=...`, `cert_reqs=...`), assigned to
`check_hostname`, `verify_mode` or a session's `verify`, or chooses `CERT_NONE`; also
through an attribute of `self` that the class's methods use that way.

Callers are found by name across the repository's Python files (`fetch(...)`,
`client.fetch(...)`, `Client(...)` for `__init__`). A caller sets the parameter when it
passes it by keyword, positionally, or through `**kwargs`/`*args`. The finding is at
the default, with the calls that rely on it as related locations:

- no caller sets it: the rule's confidence;
- some callers set it and others do not: medium confidence;
- no caller in the repository: medium confidence (callers elsewhere get the default);
- every caller sets it: nothing is reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks import codeutil
from ztlint.model import Confidence, Related, Span
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit

# Parameters whose false value turns verification off.
VERIFY_NAMES = frozenset(
    {
        "verify", "verify_ssl", "ssl_verify", "verify_tls", "tls_verify", "verify_certs",
        "verify_cert", "verify_certificate", "verify_certificates", "validate_certs",
        "check_hostname", "verify_peer", "ssl_verify_cert", "cert_verify", "verify_https",
    }
)  # fmt: skip
# Parameters whose true value turns verification off.
INSECURE_NAMES = frozenset(
    {
        "insecure", "skip_verify", "skip_tls_verify", "insecure_skip_verify", "no_verify",
        "skip_ssl_verify", "ssl_insecure", "tls_insecure", "insecure_tls", "insecure_ssl",
        "ignore_ssl_errors", "disable_ssl_verification", "disable_tls_verification",
        "skip_verification", "ssl_no_verify", "tls_skip_verify",
    }
)  # fmt: skip
NAMES = VERIFY_NAMES | INSECURE_NAMES
# Keyword arguments and attributes through which a value sets verification.
_TLS_KEYWORDS = NAMES | {"ssl", "cert_reqs", "verify_mode", "ssl_context"}
_TLS_ATTRIBUTES = frozenset({"check_hostname", "verify_mode", "verify"})
_WORD = re.compile(r"\b(" + "|".join(sorted(NAMES, key=len, reverse=True)) + r")\b")
_CALLED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*\(")


@dataclass(frozen=True)
class DefaultOff:
    """A parameter whose default turns verification off and that reaches TLS."""

    name: str  # what callers call: the function, or the class for __init__
    qualified: str  # `Client.__init__`, `fetch`
    parameter: str
    index: int  # position among the positional arguments a caller writes; -1 keyword-only
    default: str
    span: Span
    reaches: str  # how it reaches TLS, for the message


@dataclass(frozen=True)
class CallSite:
    name: str
    span: Span
    keywords: frozenset[str]
    positional: int
    spread: bool  # `*args` or `**kwargs`: anything may be passed


@dataclass(frozen=True)
class CalledNames:
    """A file that names no verification parameter: which names it calls. A call there
    cannot pass such a parameter by keyword."""

    names: frozenset[str]


def collect(ctx: FileContext) -> Iterator[Any]:
    if ctx.parser != "python":
        return
    text = ctx.text
    if _WORD.search(text) is None:
        # One C-speed pass: which names the file calls (a definition's own name too,
        # which at worst adds a caller that relies on the default).
        yield CalledNames(frozenset(_CALLED.findall(text)))
        return
    root = ctx.tree().root_node
    yield from _definitions(ctx, root)
    yield from _calls(ctx, root)


# --- definitions ----------------------------------------------------------------------


def _insecure_default(sem: semantics.Semantics, name: str, value: Node) -> str | None:
    found = sem.const(value)
    if found is None or found.text == "None" or found.string:
        return None
    if name in VERIFY_NAMES and found.falsy:
        return found.text
    if name in INSECURE_NAMES and found.truthy:
        return found.text
    return None


def _definitions(ctx: FileContext, root: Node) -> Iterator[DefaultOff]:
    sem = semantics.of(ctx)
    for function in codeutil.walk(root):
        if function.type != "function_definition":
            continue
        params = function.child_by_field_name("parameters")
        name_node = function.child_by_field_name("name")
        if params is None or name_node is None:
            continue
        fname = sem.text(name_node)
        owner = _class_of(function)
        method = owner is not None and not _decorated(sem, function, "staticmethod")
        index = -1 if method else 0  # `self` or `cls` is not written by callers
        keyword_only = False
        for p in params.named_children:
            if p.type == "keyword_separator":
                keyword_only = True
                continue
            if p.type in ("list_splat_pattern", "dictionary_splat_pattern"):
                keyword_only = keyword_only or p.type == "list_splat_pattern"
                continue
            if p.type == "positional_separator":
                continue
            position = -1 if keyword_only or index < 0 else index
            index += 1
            if p.type not in ("default_parameter", "typed_default_parameter"):
                continue
            pname_node, value = p.child_by_field_name("name"), p.child_by_field_name("value")
            if pname_node is None or value is None:
                continue
            pname = sem.text(pname_node)
            if pname not in NAMES:
                continue
            default = _insecure_default(sem, pname, value)
            if default is None:
                continue
            reaches = _reaches_tls(sem, function, owner, pname)
            if reaches is None:
                continue
            cls_name = sem.text(owner.child_by_field_name("name") or owner) if owner else ""
            called = cls_name if fname == "__init__" and owner is not None else fname
            yield DefaultOff(
                name=called,
                qualified=f"{cls_name}.{fname}" if owner is not None else fname,
                parameter=pname,
                index=position,
                default=default,
                span=code.node_span(ctx.source, p),
                reaches=reaches,
            )


def _class_of(function: Node) -> Node | None:
    parent = function.parent
    if parent is not None and parent.type == "decorated_definition":
        parent = parent.parent
    if parent is not None and parent.type == "block":
        parent = parent.parent
    return parent if parent is not None and parent.type == "class_definition" else None


def _decorated(sem: semantics.Semantics, function: Node, name: str) -> bool:
    parent = function.parent
    if parent is None or parent.type != "decorated_definition":
        return False
    return any(
        sem.text(d).lstrip("@").strip() == name
        for d in parent.named_children
        if d.type == "decorator"
    )


def _mentions(sem: semantics.Semantics, node: Node, name: str) -> bool:
    return any(n.type == "identifier" and sem.text(n) == name for n in codeutil.walk(node))


def _mentions_attribute(sem: semantics.Semantics, node: Node, *, attribute: str) -> bool:
    return any(
        n.type == "attribute" and sem.text(n) == f"self.{attribute}" for n in codeutil.walk(node)
    )


def _tls_use(sem: semantics.Semantics, scope: Node, uses: Callable[[Node], bool]) -> str | None:
    """How a value (`uses(node)` says whether a node holds it) sets verification in
    `scope`, or None."""
    for node in codeutil.walk(scope):
        if node.type == "keyword_argument":
            key, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if (
                key is not None
                and value is not None
                and sem.text(key) in _TLS_KEYWORDS
                and uses(value)
            ):
                return f"passed as {sem.text(key)}="
        elif node.type == "assignment":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if (
                left is not None
                and right is not None
                and left.type == "attribute"
                and (attr := left.child_by_field_name("attribute")) is not None
                and sem.text(attr) in _TLS_ATTRIBUTES
                and uses(right)
            ):
                return f"assigned to .{sem.text(attr)}"
        elif node.type == "conditional_expression" and "CERT_NONE" in sem.text(node) and uses(node):
            return "chooses ssl.CERT_NONE"
    return None


def _reaches_tls(
    sem: semantics.Semantics, function: Node, owner: Node | None, name: str
) -> str | None:
    body = function.child_by_field_name("body")
    if body is None:
        return None
    direct = _tls_use(sem, body, lambda n: _mentions(sem, n, name))
    if direct is not None or owner is None:
        return direct
    # Kept on the instance (`self.verify = verify`) and used by the class's methods.
    for node in codeutil.walk(body):
        if node.type != "assignment":
            continue
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if (
            left is None
            or right is None
            or left.type != "attribute"
            or not sem.text(left).startswith("self.")
            or not _mentions(sem, right, name)
        ):
            continue
        attribute = sem.text(left)[len("self.") :]
        found = _tls_use(sem, owner, partial(_mentions_attribute, sem, attribute=attribute))
        if found is not None:
            return f"kept as self.{attribute}, {found}"
    return None


# --- calls ------------------------------------------------------------------------------


def _calls(ctx: FileContext, root: Node) -> Iterator[CallSite]:
    sem = semantics.of(ctx)
    for node in codeutil.walk(root):
        if node.type != "call":
            continue
        function = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if function is None or args is None or args.type != "argument_list":
            continue
        if function.type == "identifier":
            name = sem.text(function)
        elif function.type == "attribute":
            attr = function.child_by_field_name("attribute")
            name = sem.text(attr) if attr is not None else ""
        else:
            continue
        keywords, positional, spread = set(), 0, False
        for arg in args.named_children:
            if arg.type == "keyword_argument":
                key = arg.child_by_field_name("name")
                if key is not None:
                    keywords.add(sem.text(key))
            elif arg.type in ("list_splat", "dictionary_splat"):
                spread = True
            elif arg.type != "comment":
                positional += 1
        yield CallSite(
            name,
            code.node_span(ctx.source, node),
            frozenset(keywords & NAMES),
            positional,
            spread,
        )


# --- the project ------------------------------------------------------------------------


def _sets(call: CallSite, d: DefaultOff) -> bool:
    return (
        call.spread or d.parameter in call.keywords or (d.index >= 0 and call.positional > d.index)
    )


_MAX_RELATED = 10


def check(facts: Mapping[str, tuple[Any, ...]]) -> Iterator[Hit]:
    defs = [(p, f) for p, items in facts.items() for f in items if isinstance(f, DefaultOff)]
    if not defs:
        return
    wanted = {d.name for _, d in defs}
    calls: dict[str, list[tuple[str, CallSite]]] = {}
    unseen: dict[str, list[str]] = {}
    for path, items in facts.items():
        for f in items:
            if isinstance(f, CallSite) and f.name in wanted:
                calls.setdefault(f.name, []).append((path, f))
            elif isinstance(f, CalledNames):
                for name in f.names & wanted:
                    unseen.setdefault(name, []).append(path)
    for path, d in defs:
        sites = calls.get(d.name, [])
        setting = [(p, c) for p, c in sites if _sets(c, d)]
        relying = [(p, c.span, "") for p, c in sites if not _sets(c, d)]
        # A file that only calls it by name: the file is the location.
        relying += [(p, Span(1, 1, 1, 1), " (by name)") for p in unseen.get(d.name, [])]
        if setting and not relying:
            continue  # every caller sets it
        if relying and not setting:
            confidence, who = None, f"no caller in the repository passes {d.parameter}"
        elif relying:
            confidence, who = (
                Confidence.MEDIUM,
                f"{len(relying)} of {len(relying) + len(setting)} calls do not pass {d.parameter}",
            )
        else:
            confidence, who = (
                Confidence.MEDIUM,
                "no caller in the repository; callers elsewhere get the default",
            )
        yield Hit(
            span=d.span,
            message=f"{d.qualified}() defaults {d.parameter}={d.default}, which is {d.reaches}"
            f" and turns TLS verification off; {who}",
            confidence=confidence,
            entity=d.qualified,
            related=tuple(
                Related(p, span, f"calls {d.name}(){how} without {d.parameter}")
                for p, span, how in sorted(relying)[:_MAX_RELATED]
            ),
            path=path,
        )

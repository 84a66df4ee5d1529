"""rustls certificate verifiers that accept every certificate.

rustls has no switch to turn verification off: code does it by installing its own
`ServerCertVerifier` through `dangerous()` (or `DangerousClientConfig`), and the usual
one (`NoVerifier`, `SkipServerVerification`, also in quinn examples) returns
`Ok(ServerCertVerified::assertion())` without looking at the certificate. A verifier
that can reject (returns an `Err`) or delegates to a webpki or platform verifier is a
real verifier and not a finding. On the server side, a `ClientCertVerifier` that
accepts every client does the same to mTLS.

What an install call is given is resolved through bindings and `Arc::new`: rustls' own
`WebPkiServerVerifier`/`WebPkiClientVerifier` (`::builder(roots).build()`, often bound to
a local first) and the platform verifier are the standard verifiers, not findings; a
verifier type declared in the file is judged by its body; anything else is a custom
verifier defined elsewhere (low confidence).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks import codeutil
from ztlint.checks.transport._common import gating
from ztlint.model import Confidence, Related, Severity
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit

_TRAITS = {"ServerCertVerifier": "verify_server_cert", "ClientCertVerifier": "verify_client_cert"}
_INSTALLS = {
    "set_certificate_verifier",
    "with_custom_certificate_verifier",
    "with_client_cert_verifier",
    "set_client_certificate_verifier",
}
# Calls that mean the body really verifies (delegation to webpki or the platform).
_VERIFIES = re.compile(
    r"\bverify_\w+\s*\(|WebPki\w*|webpki::|EndEntityCert|verify_is_valid_for|rustls_platform_verifier|"
    r"Verifier::new|\.verify\s*\("
)
_TYPE_NAME = re.compile(r"\b([A-Z][A-Za-z0-9_]*)\b")
# rustls' own verifiers and the platform's: what an install call gets when it verifies
# the standard way.
_STANDARD = re.compile(
    r"\bWebPki(?:Server|Client)Verifier::(?:builder\w*|new)\b|\brustls_platform_verifier::|"
    r"\bplatform_verifier\b|\bVerifier::new(?:_with_extra_roots)?\b"
)
_SHARED = re.compile(r"(^|::)(Arc|Rc|Box)::(new|from)$")


@dataclass
class _Verifier:
    name: str
    method: Node  # the verify_* function
    accepts_all: bool
    installed: bool = False


def _installed(sem: semantics.Semantics, arg: Node) -> Node:
    """What an install call is given, through bindings and `Arc::new(...)`."""
    node = arg
    for _ in range(4):
        node, _key = sem.value_of(node)
        if node.type != "call_expression":
            break
        function = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if function is None or args is None or len(args.named_children) != 1:
            break
        if not _SHARED.search(sem.text(function)):
            break
        node = args.named_children[0]
    return node


def _accepts_all(ctx: FileContext, body: Node | None) -> bool:
    if body is None:
        return False
    text = code.node_text(ctx.source, body)
    if "assertion()" not in text:
        return False
    return "Err(" not in text and "?" not in text and not _VERIFIES.search(text)


def _verifiers(ctx: FileContext, root: Node) -> dict[str, _Verifier]:
    out: dict[str, _Verifier] = {}
    for impl in codeutil.nodes_of(ctx, "impl_item"):
        trait = impl.child_by_field_name("trait")
        target = impl.child_by_field_name("type")
        body = impl.child_by_field_name("body")
        if trait is None or target is None or body is None:
            continue
        trait_name = code.node_text(ctx.source, trait).rsplit("::", 1)[-1]
        method_name = _TRAITS.get(trait_name.split("<", 1)[0])
        if method_name is None:
            continue
        for fn in body.named_children:
            name = fn.child_by_field_name("name") if fn.type == "function_item" else None
            if name is not None and code.node_text(ctx.source, name) == method_name:
                type_name = code.node_text(ctx.source, target).split("<", 1)[0].rsplit("::", 1)[-1]
                out[type_name] = _Verifier(
                    type_name, fn, _accepts_all(ctx, fn.child_by_field_name("body"))
                )
    return out


def detect(ctx: FileContext) -> Iterator[Hit]:
    root = ctx.tree().root_node
    verifiers = _verifiers(ctx, root)
    sem = semantics.of(ctx)
    for call in codeutil.nodes_of(ctx, "call_expression"):
        function = call.child_by_field_name("function")
        if function is None or function.type != "field_expression":
            continue
        field = function.child_by_field_name("field")
        args = call.child_by_field_name("arguments")
        if field is None or args is None or code.node_text(ctx.source, field) not in _INSTALLS:
            continue
        method = code.node_text(ctx.source, field)
        span = code.node_span(ctx.source, call)
        start = code.node_span(ctx.source, field)
        span = type(span)(start.start_line, start.start_col, span.end_line, span.end_col)
        given = [_installed(sem, a) for a in args.named_children]
        text = " ".join(sem.text(g) for g in given)
        named = [n for n in _TYPE_NAME.findall(text) if n in verifiers]
        if not named and _STANDARD.search(text):
            continue  # rustls' own or the platform's verifier
        if named:
            verifier = verifiers[named[0]]
            verifier.installed = True
            if not verifier.accepts_all:
                continue
            where = code.node_span(ctx.source, verifier.method)
            message = f"{method} installs {verifier.name}, which accepts every certificate without checking it"
            # Installed only in a branch on a setting (`if accept_invalid_certs {`, the
            # `else` of `if verify {`): a mode the caller or deployer picks.
            switch = gating.any_branch(ctx, call)
            yield Hit(
                span=span,
                message=message
                if switch is None
                else f"{message}; {gating.GATED_MESSAGE.format(switch)}",
                related=(Related(ctx.path, where, f"{verifier.name} accepts every certificate"),),
                severity=None if switch is None else Severity.MEDIUM,
                confidence=None if switch is None else Confidence.MEDIUM,
            )
        else:
            yield Hit(
                span=span,
                message=f"{method} installs a custom certificate verifier defined elsewhere; check that it verifies",
                severity=Severity.MEDIUM,
                confidence=Confidence.LOW,
            )
    for verifier in verifiers.values():
        if verifier.accepts_all and not verifier.installed:
            name = verifier.method.child_by_field_name("name") or verifier.method
            yield Hit(
                span=code.node_span(ctx.source, name),
                message=f"{verifier.name} accepts every certificate without checking it",
            )

"""Kubernetes Secret manifests committed with their values.

A `kind: Secret` keeps its values only base64-encoded: anyone who reads the manifest has
them. Real keys and passwords are high. Placeholders ("REPLACE_ME", "changeme", a dummy
certificate) are still reported, because a manifest applied as is ships the placeholder
to production (the seed's H4). Certificates alone are public. SOPS-encrypted files
(`sops:` metadata, `ENC[...]` values), templated values and other kinds (SealedSecret,
ExternalSecret) are not findings.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

from ztlint.model import Severity, Span
from ztlint.parsers.data import Mapping, Scalar
from ztlint.rule import FileContext, Hit
from ztlint.semantics.tokens import entropy

_PLACEHOLDER = re.compile(
    r"(?i)replace[_-]?me|change[_-]?me|placeholder|dummy|example|todo|fixme|your[_-]|<[^>]*>|^x+$|"
    r"^(secret|password|passwd|token|test|default|admin|none|null)$"
)
_PEM = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)
# Filled in before the manifest is applied: a template action, `${VAR}`, a whole value
# that is a shell or envsubst reference (`$cert`, `$(cat tls.key)`: a script writing
# the manifest from a heredoc), SOPS.
_TEMPLATED = re.compile(r"\{\{|\$\{|^ENC\[|^\$[A-Za-z_]\w*$|^\$\(")


def _decode(value: str, encoded: bool) -> str:
    if not encoded:
        return value
    try:
        return base64.b64decode(value.strip(), validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return value


def _judge(text: str) -> str:
    """'cert', 'placeholder' or 'secret' for one decoded value."""
    blocks = _PEM.findall(text)
    if blocks:
        if all("PRIVATE KEY" not in label for label, _ in blocks):
            body_ok = all(len(re.sub(r"\s", "", body)) > 100 for _, body in blocks)
            return "cert" if body_ok else "placeholder"
        bodies = [re.sub(r"\s", "", body) for label, body in blocks if "PRIVATE KEY" in label]
        return "secret" if all(len(b) > 60 and entropy(b) > 4.5 for b in bodies) else "placeholder"
    stripped = text.strip()
    if len(stripped) < 4 or _PLACEHOLDER.search(stripped) or len(set(stripped)) < 4:
        return "placeholder"
    return "secret"


def detect_kubernetes(ctx: FileContext) -> Iterator[Hit]:
    for doc in ctx.documents():
        if (
            not isinstance(doc, Mapping)
            or doc.get_str("kind") != "Secret"
            or doc.get("sops") is not None
        ):
            continue
        meta = doc.get_map("metadata")
        name = meta.get_str("name") if meta is not None else None
        for key, encoded in (("data", True), ("stringData", False)):
            entry = doc.entry(key)
            if entry is None:
                continue
            key_node, block = entry
            if not isinstance(block, Mapping):
                continue
            verdicts: dict[str, str] = {}
            spans: list[Span] = []
            for k, v in block.items():
                if (
                    not isinstance(v, Scalar)
                    or not v.value.strip()
                    or _TEMPLATED.search(v.value)
                    or (ctx.template is not None and ctx.template.templated(v))
                ):
                    continue
                verdict = _judge(_decode(v.value, encoded))
                verdicts[k.value] = verdict
                if verdict != "cert":
                    spans.append(v.span)
            real = [k for k, v in verdicts.items() if v == "secret"]
            placeholders = [k for k, v in verdicts.items() if v == "placeholder"]
            if not real and not placeholders:
                continue
            who = f"Secret '{name}'" if name else "Secret"
            span = Span(
                key_node.span.start_line,
                key_node.span.start_col,
                block.span.end_line,
                block.span.end_col,
            )
            if real:
                yield Hit(
                    span=span,
                    message=f"{who} commits its {key} values ({', '.join(real + placeholders)})",
                    entity=name,
                    secret_spans=tuple(spans),
                )
            else:
                yield Hit(
                    span=span,
                    message=f"{who} commits placeholder {key} ({', '.join(placeholders)}) that will ship to production as is",
                    severity=Severity.MEDIUM,
                    entity=name,
                    secret_spans=tuple(spans),
                )

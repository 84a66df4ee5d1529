"""Kubernetes Secret manifests committed with their values.

A `kind: Secret` keeps its values only base64-encoded: anyone who reads the manifest has
them. Real keys and passwords are high. Placeholders ("REPLACE_ME", "changeme", a dummy
certificate) are still reported, because a manifest applied as is ships the placeholder
to production (the seed's H4); those of a Secret whose URLs name only the loopback and
in-cluster services (a local development overlay) are medium confidence. A URL with no
password in it is a setting, not a secret, and so is a configuration file kept as one
entry (YAML, INI or JSON) whose credential keys are all empty (a chart's defaults
rendered into a Secret). Certificates alone are public. A `data` value outside base64's alphabet
(`<private-placeholder>`) is a slot a script fills before applying: no API server takes it
as it is. SOPS-encrypted files
(`sops:` metadata, `ENC[...]` values), templated values and other kinds (SealedSecret,
ExternalSecret) are not findings.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator

from ztlint.checks.transport._common.hosts import host_trust
from ztlint.model import Confidence, Severity, Span
from ztlint.parsers.data import Mapping, Scalar
from ztlint.rule import FileContext, Hit
from ztlint.semantics.credentials import is_credential_name, is_well_known_default
from ztlint.semantics.placeholder import is_local_host
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


# A character outside the standard base64 alphabet (and the line breaks a long value
# is folded with): a `data` value Kubernetes would refuse as it is.
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=\s]")


def _decode(value: str, encoded: bool) -> str:
    if not encoded:
        return value
    try:
        return base64.b64decode(value.strip(), validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return value


_URL = re.compile(
    r"^[a-z][a-z0-9+.-]*://(?:([^:@/\s]*)(?::([^@/\s]*))?@)?(\[[^\]]+\]|[^:/?#\s]+)", re.I
)


def _judge(text: str) -> str:
    """'cert', 'placeholder', 'secret' or 'setting' (a URL with no password in it) for
    one decoded value."""
    url = _URL.match(text.strip())
    if url is not None:
        password = url.group(2)
        if not password:
            return "setting"
        return (
            "placeholder" if _placeholder(password) or is_well_known_default(password) else "secret"
        )
    blocks = _PEM.findall(text)
    if blocks:
        if all("PRIVATE KEY" not in label for label, _ in blocks):
            body_ok = all(len(re.sub(r"\s", "", body)) > 100 for _, body in blocks)
            return "cert" if body_ok else "placeholder"
        bodies = [re.sub(r"\s", "", body) for label, body in blocks if "PRIVATE KEY" in label]
        return "secret" if all(len(b) > 60 and entropy(b) > 4.5 for b in bodies) else "placeholder"
    document = _config_document(text)
    if document is not None:
        return document
    return "placeholder" if _placeholder(text) else "secret"


# A line of a YAML, INI or properties document: `key: value`, `key = value`, `- key: v`.
_CONFIG_LINE = re.compile(r"^[ \t]*(?:-[ \t]+)?([A-Za-z_][\w.-]{0,80})[ \t]*[:=][ \t]*(.*)$")
_EMPTY_VALUES = frozenset({"", '""', "''", "null", "~", "[]", "{}"})


def _config_document(text: str) -> str | None:
    """A configuration file kept as one entry (`config.yaml: <base64>`): 'secret' when
    a credential-named key in it holds a value, 'setting' when every such key is empty
    (a chart's defaults rendered into a Secret), None when the text is no such document."""
    stripped = text.strip()
    if stripped[:1] == "{" and stripped[-1:] == "}" and len(stripped) < 100_000:
        try:
            loaded = json.loads(stripped)
        except (ValueError, RecursionError):  # not JSON, or nested past the parser's depth
            return None
        return "secret" if _json_credentials(loaded, 0) else "setting"
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if len(lines) < 3:
        return None
    pairs = [m for ln in lines[:2000] if (m := _CONFIG_LINE.match(ln)) is not None]
    if len(pairs) * 10 < len(lines) * 6:
        return None
    for m in pairs:
        value = m.group(2).split(" #", 1)[0].strip()
        if value in _EMPTY_VALUES or _TEMPLATED.search(value):
            continue
        if is_credential_name(m.group(1), env=m.group(1).isupper()):
            return "secret"
    return "setting"


def _json_credentials(value: object, depth: int) -> bool:
    """Whether a JSON document holds a non-empty value under a credential-named key."""
    if depth > 20:
        return False
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)):
                if _json_credentials(v, depth + 1):
                    return True
            elif (
                is_credential_name(str(k))
                and v not in (None, "", False)
                and not (isinstance(v, str) and _TEMPLATED.search(v))
            ):
                return True
    elif isinstance(value, list):
        return any(_json_credentials(v, depth + 1) for v in value[:1000])
    return False


# What a setting's value looks like: a switch, a number or a duration, one lower-case
# word (an engine, a mode), a cloud region.
_SETTING_VALUE = re.compile(
    r"(?i:true|false|yes|no|on|off|enabled|disabled|none|null)|\d+(?:\.\d+)?[a-z]{0,3}|"
    r"[a-z][a-z0-9]{0,15}|[a-z]{2}-[a-z]+-\d"
)


def _credential_entry(key: str, text: str) -> bool:
    """An entry that holds a credential: any entry of the Secret (the kind says so) but
    a setting the app keeps beside them, whose key names no credential and whose value
    is a setting's (`DB_ENGINE: mongo`, `DB_MANUAL_MIGRATION: 'true'`, `REGION:
    us-east-1`)."""
    stripped = text.strip()
    return (
        is_credential_name(key, env=True)
        or re.search(r"\.(?:crt|cert|key|pem|p12|pfx|jks)$", key) is not None  # tls.crt
        or _SETTING_VALUE.fullmatch(stripped) is None
    )


def _written_by_template(ctx: FileContext, value: Scalar) -> bool:
    """A value a template action wrote: a scalar the values were put into, or a block
    scalar whose lines hold actions (`config.yaml: |` filled by `{{ toYaml .Values.x }}`):
    what it holds comes from the values at install time."""
    if ctx.template is not None and ctx.template.templated(value):
        return True
    span = value.span
    if span.end_line <= span.start_line:
        return False
    lines = ctx.source.lines[span.start_line - 1 : span.end_line]
    return any("{{" in line for line in lines)


def _placeholder(text: str) -> bool:
    stripped = text.strip()
    return len(stripped) < 4 or bool(_PLACEHOLDER.search(stripped)) or len(set(stripped)) < 4


def _local_deployment(values: list[str]) -> bool:
    """The Secret's URLs name the loopback and no public host (`NEXTAUTH_URL:
    http://localhost:5225` beside an in-cluster `db:5432`): the settings of a local
    development deployment, whose stand-ins guard nothing."""
    hosts = [m.group(3) for v in values if (m := _URL.match(v.strip())) is not None]
    return any(is_local_host(h) for h in hosts) and all(host_trust(h) != "public" for h in hosts)


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
            decoded: list[str] = []
            spans: list[Span] = []
            for k, v in block.items():
                if (
                    not isinstance(v, Scalar)
                    or not v.value.strip()
                    or _TEMPLATED.search(v.value)
                    or (ctx.template is not None and _written_by_template(ctx, v))
                    or (encoded and _NOT_BASE64.search(v.value.strip()))
                ):
                    # (`data: {private: <private-placeholder>}`: no API server takes a
                    # value outside base64's alphabet, so a script fills the slot first.)
                    continue
                text = _decode(v.value, encoded)
                decoded.append(text)
                verdict = _judge(text)
                if verdict in ("secret", "placeholder") and not _credential_entry(k.value, text):
                    verdict = "setting"  # `DB_ENGINE: mongo`, `DB_MANUAL_MIGRATION: 'true'`
                if verdict == "setting":
                    continue
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
            elif _local_deployment(decoded):
                # Shown with --min-confidence medium: a local deployment's stand-ins.
                yield Hit(
                    span=span,
                    message=f"{who} commits placeholder {key} ({', '.join(placeholders)}) "
                    "of a local deployment (its URLs name only the loopback and in-cluster "
                    "services): replace them before any other deployment uses the manifest",
                    severity=Severity.MEDIUM,
                    confidence=Confidence.MEDIUM,
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

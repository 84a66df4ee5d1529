"""ZT511 in Envoy: a CORS policy that accepts any origin with credentials."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ztlint.checks import envoy
from ztlint.parsers.data import Mapping, Scalar
from ztlint.rule import FileContext, Hit

_ANY_REGEX = re.compile(r"^\^?\.[*+]\$?$")


def _any_origin(policy: Mapping) -> str | None:
    for key in ("allow_origin_string_match", "allow_origin"):
        matchers = policy.get_seq(key)
        for m in matchers.items if matchers is not None else []:
            if isinstance(m, Scalar) and m.value.strip() == "*":
                return "*"
            if isinstance(m, Mapping):
                if m.get_str("exact") == "*":
                    return "exact *"
                for empty in ("prefix", "suffix", "contains"):
                    if m.get_str(empty) == "":
                        return f"an empty {empty}"
                regex = m.get_map("safe_regex")
                if regex is not None and _ANY_REGEX.match(regex.get_str("regex") or ""):
                    return f"regex {regex.get_str('regex')}"
    legacy = policy.get_seq("allow_origin_regex")
    for r in legacy.items if legacy is not None else []:
        if isinstance(r, Scalar) and _ANY_REGEX.match(r.value):
            return f"regex {r.value}"
    return None


def detect(ctx: FileContext) -> Iterator[Hit]:
    for doc in envoy.documents(ctx):
        for m in envoy.mappings(doc.root):
            is_policy = envoy.type_url(m).endswith("cors.v3.CorsPolicy") or any(
                m.get(k) is not None
                for k in ("allow_origin_string_match", "allow_origin", "allow_origin_regex")
            )
            if not is_policy or not envoy.truthy(m.get("allow_credentials")):
                continue
            origin = _any_origin(m)
            if origin is None:
                continue
            where = m.key_node("allow_credentials")
            yield doc.hit(
                Hit(
                    span=(where or m).span,
                    message=f"Envoy CORS policy accepts any origin ({origin}) with credentials: any site can make authenticated requests",
                )
            )

"""Private keys, tokens and credentials written to files other users can read.

A key written with mode 0644 (or with the default mode, which the umask usually makes
0644) is readable by every account and every process on the host (the seed's D).
Reported:
- Go `os.WriteFile(path, data, mode)`, `os.OpenFile(path, flags, mode)` and
  `os.Chmod(path, mode)` with group or other bits in the mode, and `os.Create(path)` with
  no `Chmod` or umask in the function;
- Python `os.open(path, flags, mode)` and `os.chmod(path, mode)` with those bits, and
  `open(path, "w")` / `Path(path).write_text` / `write_bytes` with no `os.chmod`,
  `os.umask`, `os.open` or `opener=` in the same function;
- Rust `fs::write(path, ..)` and `File::create(path)` with no `.mode(..)`,
  `set_permissions` or `OpenOptionsExt` in the function;
- Node `fs.writeFile(Sync)(path, data)` with no `mode` option or a loose one;
when the path names a private key, token or credential (`keyPath`, `"server.key"`,
`id_ed25519`, `token_file`, `credentials.json`). Certificates and public keys are
public; they are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from tree_sitter import Node

from ztlint.checks.codeutil import calls, enclosing_function
from ztlint.checks.codeutil import text as _text
from ztlint.model import Confidence
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics.vocabulary import words

_PUBLIC = frozenset(
    {"pub", "public", "cert", "certs", "crt", "certificate", "ca", "chain", "csr", "fullchain",
     "cacert", "cacerts"}
)  # fmt: skip
_PATH_SECRET = re.compile(
    r"(?i)(^|[^a-z])(private|priv|secret|signing|ssh|tls|client|server|host)?[_.-]?key(file|path|_file|_path)?([^a-z]|$)|"
    r"\.(key|p12|pfx|jks|pem)\b|id_(rsa|dsa|ecdsa|ed25519)|token|secret|credential|passw|\.netrc|\.pgpass|kubeconfig|(^|[^a-z])sk[_.-]?(file|path)"
)
_SAFE_NEARBY = re.compile(
    r"os\.chmod|umask|os\.open\(|opener\s*=|\.mode\(|set_permissions|OpenOptionsExt|PermissionsExt|chmodSync|chmod\(|Chmod\(|Umask\("
)


def _loose(mode_text: str) -> str | None:
    """The octal mode when it gives group or others any access."""
    text = mode_text.strip().lower().replace("_", "")
    m = re.fullmatch(r"(0o|0)?([0-7]{3,4})", text)
    if not m:
        return None
    value = int(m.group(2), 8)
    return oct(value) if value & 0o077 else None


def _names_secret(ctx: FileContext, path: Node) -> bool:
    text = _text(ctx, path)
    ws = set(words(text))
    if ws & _PUBLIC and not ({"private", "priv", "secret"} & ws):
        return False
    if {"cache", "monkey", "keyboard", "keys", "hotkey", "keyword"} & ws:
        return False
    return bool(_PATH_SECRET.search(text) or _KEY_STORE.search(text))


# A key store named in a variable (`p12File`, `pfxPath`, `keystore_path`): a PKCS#12 or
# Java key store holds the private key with its certificate.
# (A word of its own: any letter may follow, `p12File`, but no digit, `p123`.)
_KEY_STORE = re.compile(r"(?i)(?<![a-z0-9])(?:p12|pfx|pkcs12|keystore|jks)(?![0-9])")


# Calls that create a file (or a folder) only its owner can read: Python's tempfile
# (NamedTemporaryFile, mkstemp, mkdtemp: 0600 and 0700), Go's os.CreateTemp and
# os.MkdirTemp, Rust's tempfile crate, and wrappers named for them (`make_tmp()`).
_TEMP_CALL = r"[\w.:]*(?i:temp|tmp|mkstemp|mkdtemp)[\w.:]*\s*\("


def _private_temp(ctx: FileContext, call: Node, path: Node) -> bool:
    """The path is (inside) a temporary file or folder made owner-only, so the default
    mode of the later write does not apply: `with make_tmp() as key_path: open(key_path, "w")`."""
    if re.match(_TEMP_CALL, _text(ctx, path)):
        return True
    root = re.match(r"[A-Za-z_]\w*", _text(ctx, path).lstrip("f\"'&* "))
    function = enclosing_function(call)
    if root is None or function is None:
        return False
    scope = _text(ctx, function)
    names = [root.group(0)]
    # `path = handle.name` of a `with NamedTemporaryFile() as handle`: one hop back
    alias = re.search(rf"\b{re.escape(names[0])}\s*=\s*([A-Za-z_]\w*)\.name\b", scope)
    if alias is not None:
        names.append(alias.group(1))
    return any(
        re.search(rf"{_TEMP_CALL}[^\n]*\bas\s+\(?{name}\b", scope)
        or re.search(rf"\b{name}(\s*,\s*\w+)*\s*:?=\s*{_TEMP_CALL}", scope)
        or re.search(rf"\b\w+\s*,\s*{name}\s*=\s*[\w.]*mkstemp\(", scope)
        for name in map(re.escape, names)
    )


# A helper named for making a file owner-only (`secure_file`, `restrict_permissions`,
# `chmod_private`, `protect`): the function's author says what it does to the path.
_RESTRICTS = re.compile(r"(?i)secure|protect|restrict|chmod|permission|private|lockdown|lock_down")


def _restricted_after(ctx: FileContext, call: Node, path: Node) -> str | None:
    """The helper a later statement of the same function hands the same path to, when
    its name says it makes the file owner-only (`secure_file(&key_path)?` after
    `File::create(&key_path)?`)."""
    function = enclosing_function(call)
    if function is None:
        return None
    target = _text(ctx, path).lstrip("&* ").strip()
    if not re.fullmatch(r"[\w.]+", target):
        return None
    after = ctx.source.utf8[call.end_byte : function.end_byte].decode("utf-8", "replace")
    called = rf"(?<![\w:.])([A-Za-z_][\w:.]*)\s*\(\s*&?\s*{re.escape(target)}\b"
    for m in re.finditer(called, after):
        helper = m.group(1).split(".")[-1].split("::")[-1]
        if _RESTRICTS.search(helper):
            return helper
    return None


def _hit(ctx: FileContext, call: Node, what: str) -> Hit:
    return Hit(span=code.node_span(ctx.source, call), message=what)


def detect_code(ctx: FileContext) -> Iterator[Hit]:
    lang = ctx.parser
    for call, callee, args in calls(ctx):
        items = [a for a in args.named_children if a.type not in ("comment", "line_comment")]
        if not items:
            continue
        name = re.split(r"[.:]+", callee)[-1]
        mode = None
        path = items[0]
        if (
            lang == "go" and callee in ("os.WriteFile", "ioutil.WriteFile") and len(items) == 3
        ) or (lang == "go" and callee == "os.OpenFile" and len(items) == 3):
            mode = items[2]
        elif lang == "go" and callee == "os.Chmod" and len(items) == 2:
            mode = items[1]
        elif lang == "python" and callee in ("os.open", "os.chmod") and len(items) >= 2:
            mode = items[-1] if callee == "os.chmod" else (items[2] if len(items) >= 3 else None)
        if mode is not None:
            loose = _loose(_text(ctx, mode))
            if loose and _names_secret(ctx, path):
                yield _hit(
                    ctx,
                    call,
                    f"`{_text(ctx, path)[:60]}` is a key or credential file given mode {_text(ctx, mode)}, "
                    "readable by other users; use 0600",
                )
            continue
        # Writes with the default mode.
        default = False
        if lang == "python" and callee == "open" and len(items) >= 2:
            flags = _text(ctx, items[1])
            default = bool(re.fullmatch(r"""["'][wax]b?\+?["']""", flags))
        elif lang == "python" and name in ("write_text", "write_bytes"):
            receiver = call.child_by_field_name("function")
            obj = receiver.child_by_field_name("object") if receiver is not None else None
            if obj is not None:
                path, default = obj, True
        elif lang == "rust" and callee in (
            "fs::write",
            "std::fs::write",
            "File::create",
            "std::fs::File::create",
            "tokio::fs::write",
        ):
            default = True
        elif lang == "go" and callee == "os.Create" and len(items) == 1:
            default = True  # 0666 before the umask, as Rust's `File::create`
        elif lang in ("javascript", "typescript", "tsx") and name in ("writeFile", "writeFileSync"):
            options = items[2] if len(items) >= 3 else None
            if options is None or "mode" not in _text(ctx, options):
                default = True
            else:
                m = re.search(r"mode\s*:\s*(0o?[0-7]+)", _text(ctx, options))
                if m and _loose(m.group(1)):
                    default = True
        if (
            default
            and _names_secret(ctx, path)
            and not _SAFE_NEARBY.search(_text(ctx, enclosing_function(call) or call))
            and not _private_temp(ctx, call, path)
        ):
            hit = _hit(
                ctx,
                call,
                f"`{_text(ctx, path)[:60]}` is a key or credential file written with the default "
                "mode (usually 0644 after the umask), readable by other users; create it with 0600",
            )
            helper = _restricted_after(ctx, call, path)
            if helper is not None:
                # Shown with --min-confidence medium: the file is readable only between the
                # write and the helper's call.
                hit = replace(
                    hit,
                    message=f"{hit.message} (`{helper}` restricts it right after: readable "
                    "in between)",
                    confidence=Confidence.MEDIUM,
                )
            yield hit

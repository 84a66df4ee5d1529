"""Key and credential paths used by the deployment but not ignored by git.

A compose file that mounts `./certs`, reads `env_file: .env` or a secret from
`./secrets/db_password.txt` expects those files to exist in the working tree. If
`.gitignore` does not ignore them, the next `git add .` commits them (the seed's I2).
A key file that is already committed is `private-key-committed`'s finding, not this one,
and so is a mounted folder that holds committed keys together with the script that
generates them: a PKI committed on purpose (for tests), which ignoring the folder now
would not take out. A relative path is looked for from the compose file's folder and
from each folder above it, since files combined with `-f` resolve their paths against
the first file's folder.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass
from typing import Any

from ztlint import classify, provenance
from ztlint.checks.compose import interpolate, services
from ztlint.discovery import ignored_by
from ztlint.globs import match_any
from ztlint.model import Related, Span
from ztlint.parsers.data import Mapping, Node, Scalar, Sequence
from ztlint.rule import FileContext, Hit
from ztlint.semantics.credentials import classify_value, stand_in

_SENSITIVE_FILE = re.compile(
    r"(?i)(\.(key|p12|pfx|jks|jceks|keystore|ppk|kdbx)$|^id_(rsa|dsa|ecdsa|ed25519)$|^\.env(\.(?!example$|sample$|template$|dist$)[\w.-]+)?$|"
    r"(^|[._-])(private|priv)[._-]?key|secret|credential|^\.?htpasswd$|^\.pgpass$|^\.netrc$|token)"
)
_SENSITIVE_DIR = re.compile(r"(?i)^(certs?|secrets?|keys?|private|\.ssh|tls|ssl|credentials?|pki)$")
_MAY_REFER = re.compile(r"\./|env_file|\bfile:")
_PEM_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
# A script that makes keys or certificates (openssl, step, cfssl, or a tool's own
# `... certificate ... generate` command).
_KEY_SCRIPT = re.compile(
    r"(?i)\bopenssl\b[^\n]{0,200}?\b(?:genrsa|genpkey|ecparam|req)\b"
    r"|\bstep[ \t]+certificate[ \t]+create\b|\bcfssl\b[^\n]{0,200}?\bgencert\b|\bmkcert\b"
    r"|\bcertificate\b[^\n]{0,200}?\bgenerate\b"
)


@dataclass(frozen=True)
class IgnoreFile:
    folder: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Reference:
    target: str  # repository-relative path the deployment reads
    is_dir: bool
    # The path as written, relative, and the compose file's folder (see _candidates).
    relative: str
    base: str
    span: Span
    what: str
    entity: str | None


@dataclass(frozen=True)
class KeyFile:
    path: str


@dataclass(frozen=True)
class EnvTemplate:
    """An env file in the tree that sets no credential to a value: a template (blank or
    placeholder values), which committing leaks nothing."""

    path: str


_ENV_LINE = re.compile(r"^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=(.*)$", re.M)


def _env_file(path: str) -> bool:
    name = posixpath.basename(path)
    return name == ".env" or name.startswith(".env.") or name.endswith(".env")


def _template(text: str) -> bool:
    """No line sets a credential to a literal other than a stand-in."""
    for m in _ENV_LINE.finditer(text):
        value = m.group(2).split(" #", 1)[0].strip()
        if value and classify_value(m.group(1), value) == "literal" and not stand_in(value):
            return False
    return True


@dataclass(frozen=True)
class KeyScript:
    folder: str  # a script there generates keys


def sensitive(path: str, is_dir: bool) -> bool:
    name = posixpath.basename(path.rstrip("/"))
    return bool(_SENSITIVE_DIR.match(name)) if is_dir else bool(_SENSITIVE_FILE.search(name))


def _resolve(base: str, raw: str) -> str | None:
    """A repository-relative path for a relative reference, or None."""
    text = interpolate(raw).strip()
    if not text or text.startswith(("/", "~", "$")) or "://" in text:
        return None
    if not (text.startswith(".") or "/" in text or "." in text):
        return None  # a named volume
    joined = posixpath.normpath(posixpath.join(base, text))
    return None if joined.startswith("..") else joined


def _refs_in_compose(ctx: FileContext) -> Iterator[Reference]:
    base = posixpath.dirname(ctx.path)
    for doc in ctx.documents():
        for name, service in services(doc):
            volumes = service.get_seq("volumes")
            for item in volumes.items if volumes is not None else []:
                source = None
                if isinstance(item, Scalar) and ":" in item.value:
                    source = item.value.split(":", 1)[0]
                elif isinstance(item, Mapping) and (item.get_str("type") or "bind") == "bind":
                    source = item.get_str("source")
                target = _resolve(base, source) if source else None
                if source and target is not None:
                    is_dir = "." not in posixpath.basename(target) or target.endswith("/")
                    if sensitive(target, is_dir):
                        yield Reference(
                            target,
                            is_dir,
                            interpolate(source).strip(),
                            base,
                            item.span,
                            f"service '{name}' mounts {source}",
                            name,
                        )
            env_files = service.get("env_file")
            for node in _strings(env_files):
                target = _resolve(base, node.value)
                if target is not None and sensitive(target, False):
                    yield Reference(
                        target,
                        False,
                        interpolate(node.value).strip(),
                        base,
                        node.span,
                        f"service '{name}' reads env_file {node.value}",
                        name,
                    )
        if isinstance(doc, Mapping):
            secrets = doc.get_map("secrets")
            for key, spec in secrets.items() if secrets is not None else []:
                file_node = spec.get("file") if isinstance(spec, Mapping) else None
                if isinstance(file_node, Scalar):
                    target = _resolve(base, file_node.value)
                    if target is not None:
                        yield Reference(
                            target,
                            False,
                            interpolate(file_node.value).strip(),
                            base,
                            file_node.span,
                            f"secret '{key.value}' is read from {file_node.value}",
                            key.value,
                        )


def _strings(node: Node | None) -> Iterator[Scalar]:
    if isinstance(node, Scalar):
        yield node
    elif isinstance(node, Sequence):
        for item in node.items:
            if isinstance(item, Scalar):
                yield item
            elif isinstance(item, Mapping) and isinstance(item.get("path"), Scalar):
                path = item.get("path")
                assert isinstance(path, Scalar)
                yield path


_TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".template")


def collect(ctx: FileContext) -> Iterator[Any]:
    if classify.GITIGNORE in ctx.kinds:
        yield IgnoreFile(posixpath.dirname(ctx.path), tuple(ctx.source.lines))
    # Parse a compose file only when its text can hold a relative reference. A compose
    # template (`compose.yaml.j2`, `.tmpl`) is rendered into a folder its user picks:
    # its relative paths name files there, not in this tree.
    if (
        classify.COMPOSE in ctx.kinds
        and not ctx.path.endswith(_TEMPLATE_SUFFIXES)
        and _MAY_REFER.search(ctx.text)
    ):
        yield from _refs_in_compose(ctx)
    if not ctx.is_binary and "PRIVATE KEY-----" in ctx.text and _PEM_KEY.search(ctx.text):
        yield KeyFile(ctx.path)
    if not ctx.is_binary and _env_file(ctx.path) and _template(ctx.text):
        yield EnvTemplate(ctx.path)
    if ctx.path.endswith(".sh") and _KEY_SCRIPT.search(ctx.text):
        yield KeyScript(posixpath.dirname(ctx.path))


def check(facts: MappingABC[str, tuple[Any, ...]]) -> Iterator[Hit]:
    gitignores = {
        f.folder: list(f.lines)
        for items in facts.values()
        for f in items
        if isinstance(f, IgnoreFile)
    }
    parsed: dict[str, Any] = {}  # each .gitignore read once, one match budget
    committed_keys = {f.path for items in facts.values() for f in items if isinstance(f, KeyFile)}
    scripts = {f.folder for items in facts.values() for f in items if isinstance(f, KeyScript)}
    templates = {f.path for items in facts.values() for f in items if isinstance(f, EnvTemplate)}
    for path, items in facts.items():
        for ref in items:
            if not isinstance(ref, Reference) or _committed(ref, committed_keys, scripts):
                continue
            targets = list(_candidates(ref))
            if targets and all(_test_data(t) for t in targets):
                continue  # the project's test data (`testdata/certs`): committed on purpose
            if not ref.is_dir and any(t in templates for t in _candidates(ref)):
                continue  # an env file of blank or placeholder values: nothing to leak
            if ignored_by(gitignores, ref.target, ref.is_dir, parsed):
                continue
            nearest = _nearest(gitignores, ref.target)
            related: tuple[Related, ...] = ()
            if nearest is not None:
                related = (Related(nearest, Span(1, 1, 1, 1), f"{nearest} does not ignore it"),)
                where = f"{nearest} does not ignore it"
            else:
                where = "no .gitignore covers it"
            yield Hit(
                span=ref.span,
                message=f"{ref.what}, but {where}: the next `git add .` commits it",
                entity=ref.entity,
                related=related,
                path=path,
            )


def _test_data(path: str) -> bool:
    """A path under the project's test data (`testdata/`, `fixtures/`, ...)."""
    return match_any(provenance.TEST_PATHS, path)


def _candidates(ref: Reference) -> Iterator[str]:
    """The repository paths `ref` can name: from its compose file's folder and from
    each folder above it."""
    folder = ref.base
    while True:
        joined = posixpath.normpath(posixpath.join(folder, ref.relative))
        if not joined.startswith(".."):
            yield joined
        if not folder:
            return
        folder = posixpath.dirname(folder)


def _committed(ref: Reference, committed_keys: set[str], scripts: set[str]) -> bool:
    """Whether the file `ref` names is a committed key, or the folder it names holds
    committed keys and the script that generates them."""
    for target in _candidates(ref):
        if target in committed_keys:
            return True
        if (
            ref.is_dir
            and any(_under(k, target) for k in committed_keys)
            and any(s == target or _under(s, target) for s in scripts)
        ):
            return True
    return False


def _under(path: str, folder: str) -> bool:
    return not folder or path.startswith(folder + "/")


def _nearest(gitignores: dict[str, list[str]], target: str) -> str | None:
    folder = posixpath.dirname(target)
    while True:
        if folder in gitignores:
            return posixpath.join(folder, ".gitignore") if folder else ".gitignore"
        if not folder:
            return None
        folder = posixpath.dirname(folder)

"""Secret files copied into a container image: a Dockerfile `COPY` or `ADD` of a private
key, a dotenv file, a credentials file or a key store.

Every instruction adds a layer, and the image keeps every layer: a later `RUN rm` hides
the file from the final filesystem, not from anyone who pulls the image (`docker save`,
`docker history`, the registry's blobs). What a file holds is judged by its name, the
only evidence a Dockerfile gives, and by what the Dockerfile does with it (deleting it
afterwards says its author thought it secret). A build stage the final image does not
come from is not shipped, but its layers stay in the build cache (and in any cache
exported to a registry): one step less confident. Secrets passed through `ARG` or
`ENV` are ZT205's; `RUN --mount=type=secret` is the way to use a secret in a build and
is never reported.
"""

from __future__ import annotations

import json
import posixpath
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from ztlint.checks.shell import (
    Instruction,
    Stage,
    dockerfile_instructions,
    dockerfile_stages,
    shipped_stages,
)
from ztlint.model import Confidence, Related, Span
from ztlint.rule import FileContext, Hit

# Heredoc openers (`RUN <<EOF`, `COPY <<-"EOF" /etc/x`): their bodies are no instructions.
_HEREDOC = re.compile(r"<<(-?)[ \t]*([\"']?)([A-Za-z0-9_.-]+)\2")
_SSH_KEYS = frozenset(
    {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"}
)
# Words of a file name that say a .pem/.jks holds certificates only (a CA bundle, a
# chain, a public certificate), or that it holds a key.
_CERT_WORDS = frozenset(
    {
        "cert", "certs", "certificate", "certificates", "crt", "ca", "cas", "cacert",
        "cacerts", "chain", "fullchain", "bundle", "root", "rootca", "intermediate",
        "trust", "truststore", "trusted", "public", "pub", "dhparam", "dhparams",
    }
)  # fmt: skip
_KEY_WORDS = frozenset({"key", "priv", "private", "privkey", "secret", "secrets", "keypair"})
_SAMPLE_WORDS = frozenset(
    {"example", "examples", "sample", "template", "tmpl", "tpl", "dist", "defaults", "default"}
)
# Folders whose whole content is credentials.
_SECRET_DIRS = {
    ".ssh": ("an SSH folder (private keys)", Confidence.HIGH),
    ".aws": ("an AWS credentials folder", Confidence.HIGH),
    ".gnupg": ("a GnuPG folder (private keys)", Confidence.HIGH),
    ".docker": ("a Docker client folder (registry credentials)", Confidence.MEDIUM),
}
_CREDENTIAL_FILES = {
    ".netrc": ("a login password file", Confidence.HIGH),
    ".git-credentials": ("a git credential store", Confidence.HIGH),
    ".pgpass": ("a database password file", Confidence.HIGH),
    ".vault-token": ("a Vault token", Confidence.HIGH),
    ".htpasswd": ("a password hash file", Confidence.MEDIUM),
    # A registry config often holds only `registry=` or `_authToken=${NPM_TOKEN}` (an
    # environment reference, ZT205's), and is deleted after install all the same: medium.
    ".npmrc": ("a registry token file", Confidence.MEDIUM),
    ".pypirc": ("a package index password file", Confidence.MEDIUM),
    ".dockercfg": ("a registry credentials file", Confidence.HIGH),
    "credentials.json": ("a credentials file", Confidence.HIGH),
    "kubeconfig": ("a cluster credentials file", Confidence.MEDIUM),
}
_ARG = re.compile(r"\"[^\"]*\"|'[^']*'|\S+")
_WORD_SPLIT = re.compile(r"[._\-\s]+")
_GLOB = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class SecretFile:
    what: str  # "an SSH private key"
    confidence: Confidence
    removable: bool  # a later `rm` of it raises the confidence (the author thought it secret)


def secret_file(path: str) -> SecretFile | None:
    """What a path in a COPY/ADD names, when it names a secret file; None otherwise.
    `path` may be a glob (`*.key`, `certs/*.pem`)."""
    trimmed = path.rstrip("/")
    base = posixpath.basename(trimmed).lower()
    parent = posixpath.basename(posixpath.dirname(trimmed)).lower()
    if not base or base in (".", ".."):
        return None
    if base in _SECRET_DIRS:
        what, conf = _SECRET_DIRS[base]
        return SecretFile(what, conf, False)
    if base in _SSH_KEYS or (parent == ".ssh" and base.startswith("id_") and "." not in base):
        return SecretFile("an SSH private key", Confidence.HIGH, False)
    if parent == ".aws" and base in ("credentials", "config"):
        return SecretFile("an AWS credentials file", Confidence.HIGH, False)
    if parent == ".docker" and base == "config.json":
        return SecretFile("a registry credentials file", Confidence.HIGH, False)
    if base in _CREDENTIAL_FILES:
        what, conf = _CREDENTIAL_FILES[base]
        return SecretFile(what, conf, base in (".htpasswd", "kubeconfig"))
    stem, ext = posixpath.splitext(base)
    words = {w for w in _WORD_SPLIT.split(stem) if w}
    if _is_dotenv(base):
        return None if words & _SAMPLE_WORDS or _dotenv_sample(base) else _DOTENV
    if base.endswith(".json") and (
        base.startswith("client_secret")
        or "service-account" in base
        or "serviceaccount" in base
        or "service_account" in base
        or base in ("sa-key.json", "gcp-key.json", "gcloud-key.json", "key.json")
    ):
        if words & _SAMPLE_WORDS:
            return None
        if base.startswith("client_secret"):
            return SecretFile("an OAuth client secret file", Confidence.HIGH, False)
        return SecretFile("a cloud service account key", Confidence.HIGH, False)
    if ext in (".p12", ".pfx"):
        return SecretFile(
            "a PKCS#12 key store (certificate and private key)", Confidence.HIGH, False
        )
    if ext == ".key":
        if words & {"pub", "public", "license", "licence", "gpg", "asc"} or words & _SAMPLE_WORDS:
            return None
        return SecretFile("a private key file", Confidence.HIGH, False)
    if ext == ".pem":
        if words & _KEY_WORDS or any(w in stem for w in ("private", "privkey")):
            return SecretFile("a private key", Confidence.HIGH, False)
        if words & _CERT_WORDS or words & _SAMPLE_WORDS:
            return None
        return SecretFile("a PEM file (a key or a certificate)", Confidence.MEDIUM, True)
    if ext in (".jks", ".keystore", ".bcfks"):
        if words & _CERT_WORDS or words & _SAMPLE_WORDS:
            return None
        return SecretFile("a Java key store", Confidence.MEDIUM, True)
    return None


_DOTENV = SecretFile("a dotenv file", Confidence.MEDIUM, True)


def _is_dotenv(base: str) -> bool:
    return base == ".env" or base.startswith(".env.") or base.endswith(".env")


def _dotenv_sample(base: str) -> bool:
    return base.endswith((".env.example", ".env.sample", ".env.template", ".env.dist")) or (
        base.startswith(".env.") and base[5:] in _SAMPLE_WORDS
    )


def _heredoc_bodies(lines: list[str]) -> set[int]:
    """Line numbers (1-based) inside heredoc bodies."""
    inside: set[int] = set()
    pending: list[tuple[bool, str]] = []
    for number, text in enumerate(lines, 1):
        if pending:
            inside.add(number)
            strip_tabs, word = pending[0]
            if (text.lstrip("\t") if strip_tabs else text) == word:
                pending.pop(0)
            continue
        if not text.lstrip(" \t").startswith("#"):
            pending = [(m.group(1) == "-", m.group(3)) for m in _HEREDOC.finditer(text)]
    return inside


def _arguments(body: str) -> tuple[list[str], list[str]]:
    """(flags, paths) of a COPY/ADD: JSON form or whitespace-separated words."""
    text = body.strip()
    words: list[str]
    if text.startswith("["):
        flags: list[str] = []
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list) and all(isinstance(p, str) for p in parsed):
            return flags, parsed
    words = [w[1:-1] if w[:1] in "\"'" and len(w) > 1 else w for w in _ARG.findall(text)]
    flags = [w for w in words if w.startswith("--")]
    rest = [w for w in words if not w.startswith("--")]
    if rest and rest[0].startswith("["):  # flags before a JSON form
        try:
            parsed = json.loads(text[text.index("[") :])
        except ValueError:
            parsed = None
        if isinstance(parsed, list) and all(isinstance(p, str) for p in parsed):
            rest = parsed
    return flags, rest


_WORDS = re.compile(r"[^\s;&|\"'()]+")


@dataclass(frozen=True)
class _Runs:
    """What the RUN instructions delete (`rm`) and create empty (`touch`), by stage and
    file name: looked up once per COPY, however long the Dockerfile."""

    removed: dict[tuple[int, str], list[int]]  # (stage, name) -> RUN lines, in order
    touched: set[tuple[int, str]]

    @staticmethod
    def of(instrs: list[tuple[int, Instruction]]) -> _Runs:
        removed: dict[tuple[int, str], list[int]] = {}
        touched: set[tuple[int, str]] = set()
        for stage, instr in instrs:
            if instr.keyword != "RUN":
                continue
            words = _WORDS.findall(instr.body)
            if "rm" in words:
                for word in dict.fromkeys(words):
                    removed.setdefault((stage, posixpath.basename(word.rstrip("/"))), []).append(
                        instr.line
                    )
            if "touch" in words:
                touched.update((stage, posixpath.basename(w.rstrip("/"))) for w in words)
        return _Runs(removed, touched)

    def removal(self, stage: int, name: str, after: int) -> int:
        """The line of a later RUN in the same stage that deletes `name`, or 0."""
        lines = self.removed.get((stage, name), [])
        at = bisect_right(lines, after)
        return lines[at] if at < len(lines) else 0

    def made_empty(self, stages: list[Stage], stage: str | None, path: str) -> bool:
        """Whether the stage a `COPY --from` reads made the file with `touch` (an empty
        placeholder that keeps a key path valid)."""
        if stage is None:
            return False
        index = next((s.index for s in stages if s.name == stage.lower()), -1)
        return (index, posixpath.basename(path.rstrip("/"))) in self.touched


_LOWER = {Confidence.HIGH: Confidence.MEDIUM, Confidence.MEDIUM: Confidence.LOW}


def detect_dockerfile(ctx: FileContext) -> Iterator[Hit]:
    heredoc = _heredoc_bodies(ctx.source.lines)
    stages, instrs = dockerfile_stages(
        i for i in dockerfile_instructions(ctx.source) if i.line not in heredoc
    )
    shipped = shipped_stages(stages)
    runs = _Runs.of(instrs)
    for stage_index, instr in instrs:
        if instr.keyword not in ("COPY", "ADD") or "<<" in instr.body.split("\n", 1)[0]:
            continue
        flags, paths = _arguments(instr.body)
        if len(paths) < 2:
            continue
        sources, dest = paths[:-1], paths[-1]
        from_stage = next((f.split("=", 1)[1] for f in flags if f.startswith("--from=")), None)
        found = False
        for source in dict.fromkeys(sources):
            if "://" in source or source.startswith("git@"):
                continue
            judged = secret_file(source)
            if judged is None:
                continue
            found = True
            if runs.made_empty(stages, from_stage, source):
                continue
            yield _hit(ctx, instr, stage_index, stages, shipped, runs, source, judged, from_stage)
        if not found and not dest.endswith("/") and not _GLOB.search(dest):
            judged = secret_file(dest)
            if judged is not None and all("://" not in s for s in sources):
                yield _hit(ctx, instr, stage_index, stages, shipped, runs, dest, judged, from_stage)


def _hit(
    ctx: FileContext,
    instr: Instruction,
    stage_index: int,
    stages: list[Stage],
    shipped: set[int],
    runs: _Runs,
    path: str,
    judged: SecretFile,
    from_stage: str | None,
) -> Hit:
    confidence = judged.confidence
    name = posixpath.basename(path.rstrip("/")) or path
    removed = runs.removal(stage_index, name, instr.line)
    if removed and judged.removable:
        confidence = Confidence.HIGH
    where = "an image layer"
    if from_stage is not None:
        # Copied out of another stage: it may have been made there (a generated key).
        confidence = _LOWER.get(confidence, confidence)
    if stages and stage_index not in shipped:
        stage = stages[stage_index] if stage_index >= 0 else None
        label = f"build stage '{stage.name}'" if stage and stage.name else "a build stage"
        where = f"a layer of {label}, not of the final image, but kept in the build cache"
        confidence = _LOWER.get(confidence, confidence)
    tail = (
        f"; the RUN rm on line {removed} hides it but every layer stays in the image"
        if removed
        else "; deleting it in a later layer would not remove it from the image"
    )
    message = f"Dockerfile {instr.keyword} puts {name}, {judged.what}, into {where}{tail}"
    return Hit(
        span=_span(ctx, instr, path),
        message=message,
        confidence=confidence,
        related=(
            (
                Related(
                    ctx.path, Span(removed, 1, removed, 1), "deleted here, still in the layer below"
                ),
            )
            if removed
            else ()
        ),
    )


def _span(ctx: FileContext, instr: Instruction, path: str) -> Span:
    for line_no in range(instr.line, instr.end_line + 1):
        col = ctx.source.line(line_no).find(path)
        if col >= 0:
            return Span(line_no, col + 1, line_no, col + 1 + len(path))
    text = ctx.source.line(instr.line)
    return Span(instr.line, 1, instr.line, len(text) + 1)

"""ZT204 in text: plain-text files and documents, Makefiles, and URLs with a password in
shell scripts.

Assignments, SQL passwords and URLs that carry a password; in a Makefile, variable
assignments read the way make reads them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from ztlint.checks import codeutil
from ztlint.checks.secrets.hardcoded_credential import files as credential_files
from ztlint.checks.secrets.hardcoded_credential._shared import (
    _line_hit,
    _local_hosts,
    _test_name,
    _test_table,
    _url_hit,
)
from ztlint.model import Span
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics.credentials import (
    EXAMPLE_FILE,
    strong_value,
)
from ztlint.semantics.text import lowering_is_exact
from ztlint.semantics.tokens import AWS_KEY_ID, AWS_SECRET


def detect_shell_urls(ctx: FileContext) -> Iterator[Hit]:
    """URLs with a password in shell scripts, quoted or not (`psql postgres://u:p@db/x`,
    `git clone "https://bot:$TOKEN@host/r.git"`: a reference is no password). Comments
    are not read."""
    words = [(n, codeutil.text(ctx, n)) for n in codeutil.nodes_of(ctx, "word")]
    for node, value in sorted(
        [*words, *codeutil.strings(ctx)], key=lambda pair: pair[0].start_byte
    ):
        if "://" in value and "@" in value:
            span = code.node_span(ctx.source, node)
            hit = _url_hit(value.strip(), span, span)
            if hit is not None:
                yield hit


_QUOTED_KEY = re.compile(r"""^\s*["']([^"'\s]+)["']\s*:""", re.M)


def _test_table_text(text: str) -> bool:
    """The same for a file no parser reads (a JSON template): its quoted keys."""
    return _test_table(_QUOTED_KEY.findall(text))


# The name is a word of its own: not the last segment of a path (`'/authn/:account/password'
# => 'credentials#update_password'`, a route to a controller).
_QUOTED_ASSIGNMENT = re.compile(
    r"""(?<![\w.$/])([A-Za-z_][\w.\-]*)["']?(?:\s*(?:=>|:=|=)\s*|:\s*)(["'])([^"'\s]{4,200})\2"""
)


# SQL: CREATE USER app WITH PASSWORD '...', ALTER ROLE ... PASSWORD '...', IDENTIFIED BY '...'
_SQL_PASSWORD = re.compile(
    r"(?i)\b(?:with\s+(?:encrypted\s+)?password|identified\s+by)\s+'([^'\s]{4,200})'"
)


_DOCS = re.compile(r"(?i)\.(md|markdown|rst|adoc|txt|html?)$")


# `scheme://user:password@host` anywhere in a line of text (quoted or not).
_TEXT_URL = re.compile(
    r"(?<![\w.+-])[a-z][a-z0-9+.-]*://[^\s:/@'\"<>`]*:[^\s@/'\"<>`]+@[^\s'\"<>`]+", re.I
)


# A whole line that is one unquoted assignment in a plain-text file: `db_password=...`,
# `api_token: ...`. The value is one run of characters a secret is made of (no quotes,
# brackets, `$` or `;`: code and templates are not plain text). `name==1.2` is a
# comparison, a pinned package (`password-strength==0.0.3` in requirements.txt).
_PLAIN_ASSIGNMENT = re.compile(
    r"^\s*(?:export\s+)?([A-Za-z_][\w.\-]*)\s*(?:=|:)(?!=)\s*([^\s()\[\]{}<>\"'`;,$\\]{8,200})\s*$"
)


# A line that is a comment in most configuration and script formats (an example command
# in a comment is documentation, as comments are in code).
_COMMENT_LINE = re.compile(r"^\s*(?:#|//|;|--|\*|<!--)")


# Plain-text files, by extension: notes, logs and dumps, not source code of a language
# ztlint does not parse (`password = getPassword();`).
_PLAIN_TEXT = re.compile(r"(?i)(^|/)[^/.]+$|\.(txt|text|log|out|creds?|credentials|secrets?|pass)$")


def _paired_aws_secret(ctx: FileContext, value: str) -> bool:
    """An AWS secret access key beside its key id (`~/.aws/credentials`): reported
    with the pair by secret-token-committed."""
    return bool(AWS_SECRET.fullmatch(value)) and AWS_KEY_ID.search(ctx.text) is not None


def detect_text(ctx: FileContext) -> Iterator[Hit]:
    """Files no parser reads (PHP, Ruby, Java, SQL, docs): quoted credential
    assignments, SQL passwords and URLs that carry a password; in plain-text files also
    unquoted `name=value` and `name: value` lines whose value is strong. Documentation
    counts as an example file."""
    if ctx.parser is not None or ctx.kinds & _READ_ELSEWHERE:
        return
    example = bool(EXAMPLE_FILE.search(ctx.path) or _DOCS.search(ctx.path))
    lower = ctx.lower()
    sql = not lowering_is_exact(ctx.text) or "password" in lower or "identified" in lower
    urls = "://" in ctx.text
    plain = bool(_PLAIN_TEXT.search(ctx.path))
    table = functools.cache(lambda: _test_table_text(ctx.text))
    for number, text in enumerate(ctx.source.lines, 1):
        if len(text) > 500:
            continue
        taken: list[tuple[int, int]] = []
        if urls:
            for url, start, end in _line_urls(number, text):
                taken.append((start, end))
                yield url
        found = [(m.group(1), m.group(3), m.start(3)) for m in _QUOTED_ASSIGNMENT.finditer(text)]
        if sql:
            found += [("password", m.group(1), m.start(1)) for m in _SQL_PASSWORD.finditer(text)]
        if plain and not found and not taken:
            line = _PLAIN_ASSIGNMENT.match(text)
            if (
                line is not None
                and strong_value(line.group(2))
                and not _paired_aws_secret(ctx, line.group(2))
            ):
                found.append((line.group(1), line.group(2), line.start(2)))
        for name, value, start in found:
            if any(a <= start < b for a, b in taken):
                continue  # the URL it holds is reported
            if _test_name(name) and table():
                continue
            hit = _line_hit(name, value, number, start + 1, text, example, name.isupper())
            if hit is not None:
                yield hit


# A key pair's public name: an OpenPGP fingerprint or key ID (hex), as a signing tool's
# key-selecting option takes it (`gpg --default-key $(SIGNING_KEY)`, `debsign -k`).
_KEY_ID = re.compile(r"[0-9A-Fa-f]{8}|[0-9A-Fa-f]{16}|[0-9A-Fa-f]{40}")

_KEY_SELECTOR = r"(?:--default-key|--local-user|--recipient|--sign-with|-[urk])[=\s]+[\"']?\$[({]"


def _selects_a_key(ctx: FileContext, name: str, value: str) -> bool:
    """Whether the variable holds a key's fingerprint or ID, by its shape and its use:
    the file passes it to a key-selecting option."""
    if not _KEY_ID.fullmatch(value):
        return False
    return re.search(_KEY_SELECTOR + re.escape(name) + r"[)}]", ctx.text) is not None


def _line_urls(number: int, text: str) -> Iterator[tuple[Hit, int, int]]:
    """URLs with a password in one line of text, with their columns (0-based, end
    exclusive); a comment line is documentation."""
    if "://" not in text or "@" not in text or _COMMENT_LINE.match(text):
        return
    for m in _TEXT_URL.finditer(text):
        span = Span(number, m.start() + 1, number, m.end() + 1)
        hit = _url_hit(m.group(0), span, span)
        if hit is not None:
            yield hit, m.start(), m.end()


def detect_makefile(ctx: FileContext) -> Iterator[Hit]:
    """Makefile variable assignments (`=`, `:=`, `::=`, `:::=`, `?=`, `+=`), unquoted
    as make writes them, and URLs with a password on any other line (a recipe's
    `curl https://user:pass@host`). A key's fingerprint passed to `gpg --default-key`
    is its public name, not a secret."""
    example = bool(EXAMPLE_FILE.search(ctx.path))
    local = _local_hosts(ctx)
    assignments = {number: (name, value, start) for name, value, number, start in
                   credential_files.makefile_assignments(ctx)}  # fmt: skip
    for number, text in enumerate(ctx.source.lines, 1):
        if number not in assignments:
            if len(text) <= 500:
                yield from (hit for hit, _, _ in _line_urls(number, text))
            continue
        name, value, start = assignments[number]
        if _selects_a_key(ctx, name, value):
            continue
        hit = _line_hit(name, value, number, start, text, example, name.isupper(), local, True)
        if hit is not None:
            yield hit


_READ_ELSEWHERE = frozenset(
    {"ini", "dotenv", "dockerfile", "gitignore", "curlrc", "binary", "makefile", "credential-file"}
)

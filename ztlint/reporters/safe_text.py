r"""Scanned text made safe to print: what every reporter does to a path, an entity name,
a message, a snippet or a rule's string before writing it.

The scanned repository chooses file names, YAML keys and source lines, and a report is
read by terminals and by the GitHub Actions runner, so none of them may carry a control
sequence or a workflow command. One fixed scheme, in every output format:

- C0 controls (U+0000-U+001F) except TAB, and DEL (U+007F), become `\xNN` (ESC is
  `\x1b`, a newline `\x0a`): no escape sequence reaches a terminal and no name or
  message starts a new line. `keep_newlines=True` (multi-line rule help, fix text
  that inserts lines) keeps LF and CR.
- C1 controls (U+0080-U+009F) become `\u00NN`, LINE and PARAGRAPH SEPARATOR
  `\u2028` and `\u2029`, any other lone surrogate `\uNNNN`, and so do the
  bidirectional embeddings, overrides, isolates and marks (U+202A-U+202E,
  U+2066-U+2069, U+200E, U+200F, U+061C: every Bidi_Control character),
  which make a terminal show a path or a line in another order than it has ("Trojan
  Source", CVE-2021-42574).
- A byte of a file name that is not UTF-8 (Python carries it as the surrogate
  U+DC80-U+DCFF) becomes `\xNN` of the original byte: `\x80`-`\xff` always stand for a
  raw byte, so the form is never mistaken for a C1 character. Output is valid UTF-8.
- `##[`, which the runner acts on anywhere in a line, becomes `##\[`.
- Paths (`path()`) also double a backslash, so a path's shown form is lossless: a file
  literally named `\x1b.go` shows as `\\x1b.go`, a file named ESC + `.go` as `\x1b.go`.

Text made only of printable characters is returned unchanged (the same string), so
ordinary reports are byte-identical with or without this module.
"""

from __future__ import annotations

import re

_OTHER = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
# Per kind of text: the characters escaped, and those or the `[` of a `##[`. A plain
# character class is searched fast, so printable text costs one search.
_ONE_LINE = f"[\x00-\x08\x0a-\x1f{_OTHER}]"
_MULTI_LINE = f"[\x00-\x08\x0b\x0c\x0e-\x1f{_OTHER}]"
_PATH = f"[\x00-\x08\x0a-\x1f{_OTHER}\\\\]"
_KINDS = {
    kind: (re.compile(chars), re.compile(chars + "|(?<=##)\\["))
    for kind, chars in (("line", _ONE_LINE), ("lines", _MULTI_LINE), ("path", _PATH))
}
# What the runner trims before it looks for `::`: .NET's String.Trim removes Unicode
# white space (a subset of Python's \s); older .NET versions also trimmed ZERO WIDTH
# SPACE, the BOM and MONGOLIAN VOWEL SEPARATOR.
_COLON_FIRST = re.compile("[\\s\u200b\u180e\ufeff]*:")


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch == "[":
        return "\\["
    if ch == "\\":
        return "\\\\"
    code = ord(ch)
    if code < 0x80:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the original byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def _escaped(kind: str, text: str) -> str:
    chars, pattern = _KINDS[kind]
    if chars.search(text) is None and "##[" not in text:
        return text
    return pattern.sub(_escape, text)


def shown(text: str, keep_newlines: bool = False) -> str:
    """`text` with control characters escaped and `##[` broken (see the module doc)."""
    return _escaped("lines" if keep_newlines else "line", text)


def path(text: str) -> str:
    """A path's shown form: like `shown`, and a backslash doubled, so it is lossless."""
    return _escaped("path", text)


def line_head(text: str) -> str:
    """Shown text that ztlint places at the start of a line (after indentation, if any):
    `./` in front when the runner, which trims leading whitespace, would see it begin
    with `:` (then `::` from the text or from what follows is a workflow command)."""
    if _COLON_FIRST.match(text):
        return "./" + text
    return text


def raw_bytes(text: str) -> bytes:
    """The bytes of a path as the file system has them (UTF-8, and the original bytes of
    a name that is not UTF-8); the same as `os.fsencode` on POSIX, on every platform."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate no file system name decodes to
        return text.encode("utf-8", "surrogatepass")

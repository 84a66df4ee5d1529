"""Reading one file safely and turning positions into 1-based code-point spans."""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise

from ztlint.model import Span

BINARY_SNIFF = 8192
BINARY_PLIST = b"bplist00"


class SkipFile(Exception):
    """The file is not read: a notification says why."""


@dataclass(frozen=True)
class RawFile:
    # The whole file, or its first BINARY_SNIFF bytes when binary (a binary property
    # list whole: its offset table is at the end).
    data: bytes
    size: int
    binary: bool


def read_file(path: str, max_size: int) -> RawFile:
    """Read a regular file without following a symbolic link and without blocking on
    FIFOs or devices (discovery already skips those; this closes the race where the
    file is swapped between discovery and reading)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SkipFile("is a symbolic link; not followed") from None
        if exc.errno == errno.ENOENT:
            raise SkipFile("disappeared before it could be read") from None
        raise SkipFile(f"could not be opened: {exc.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SkipFile("is not a regular file")
        if st.st_size > max_size:
            raise SkipFile(f"is {st.st_size} bytes, over the {max_size}-byte limit")
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_size:
                raise SkipFile(f"grew over the {max_size}-byte limit while being read")
        data = b"".join(chunks)
    except OSError as exc:
        raise SkipFile(f"could not be read: {exc.strerror}") from None
    finally:
        os.close(fd)
    return raw_from_bytes(path, data)


def raw_from_bytes(path: str, data: bytes) -> RawFile:
    """A file's bytes (read from disk, or a blob from git history) as the engine reads
    them: binary files keep their first bytes only."""
    head = data[:BINARY_SNIFF]
    if data.startswith(BINARY_PLIST) and _binary_plist_shape(data):
        return RawFile(data=data, size=len(data), binary=True)
    if b"\x00" in head and encoding(head) is None and not _text_with_nul(path, data):
        return RawFile(data=head, size=len(data), binary=True)
    return RawFile(data=data, size=len(data), binary=False)


def _binary_plist_shape(data: bytes) -> bool:
    """Whether the bytes have a binary property list's frame: the magic, and a trailer
    whose offset table lies inside the file (a text that merely starts with the magic
    stays text, and is checked as text)."""
    if len(data) < len(BINARY_PLIST) + 32:
        return False
    trailer = data[-32:]
    offset_size, ref_size = trailer[6], trailer[7]
    count = int.from_bytes(trailer[8:16], "big")
    table = int.from_bytes(trailer[24:32], "big")
    return (
        1 <= offset_size <= 8
        and 1 <= ref_size <= 8
        and count >= 1
        and len(BINARY_PLIST) <= table
        and table + count * offset_size <= len(data) - 32
    )


def _text_with_nul(path: str, data: bytes) -> bool:
    """Whether a file with NUL bytes (in no wide encoding) is still text: its name gives
    it a syntax (source code, YAML, a Dockerfile, ...), it starts with `#!`, or it is
    valid UTF-8. Node, rustc, Lua and bash (past the first line) accept a NUL in a
    comment or a string: taken for binary, such a file would go unchecked, silently."""
    from ztlint.classify import classify_name

    guess = _wide_guess(data)
    if guess is not None and guess[1] >= 0.5:  # wide text too unlike ASCII: a warning
        return False
    kinds, parser = classify_name(path)
    if parser is not None or kinds or data.startswith(b"#!"):
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Byte-order marks, UTF-32 LE before UTF-16 LE: FF FE 00 00 starts both.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDE = ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be")
_SNIFF_WIDE = 1024  # bytes looked at for a text in a wide encoding without a BOM
_MIN_WIDE = 16


@dataclass(frozen=True)
class Encoding:
    codec: str
    bom: int  # length of the byte-order mark, 0 when there is none


def encoding(data: bytes) -> Encoding | None:
    """The encoding a text starts with: a byte-order mark, or (for text with NUL bytes)
    UTF-32 or UTF-16 without one, recognised when the first kilobyte decodes in it to
    text with no NUL and at least 95% ASCII (ASCII text in a wide encoding has a NUL in
    every code unit's high bytes; a binary file's bytes do not line up so). None for
    data with NUL bytes in no such encoding: binary."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return Encoding(codec, len(bom))
    if b"\x00" not in data[:BINARY_SNIFF]:
        return Encoding("utf-8", 0)
    guess = _wide_guess(data)
    return Encoding(guess[0], 0) if guess is not None and guess[1] >= 0.95 else None


# Bytes no text in a wide encoding has anywhere: 4 bytes without NUL (UTF-32 has a NUL
# in every unit), 16 ASCII bytes without NUL (a UTF-16 ASCII character is `x` and NUL;
# 8 CJK characters in a row whose bytes are all printable ASCII are very unlikely).
# A UTF-8 file whose first kilobyte mimics UTF-16 (NULs in a comment, which Node, rustc
# and Lua accept) and whose code follows is not taken for UTF-16 and garbled.
_RUN = {4: re.compile(b"[^\x00]{4}"), 2: re.compile(b"[\t\n\r\x20-\x7e]{16}")}


def _wide_guess(data: bytes) -> tuple[str, float] | None:
    """The wide encoding in which the first kilobyte decodes without NUL to the most
    ASCII, and the share of ASCII characters in that text; never one the whole file's
    bytes rule out (see _RUN)."""
    sample = data[:_SNIFF_WIDE]
    best: tuple[str, float] | None = None
    for codec in _WIDE:
        unit = 4 if "32" in codec else 2
        cut = sample[: len(sample) - len(sample) % unit]
        if len(cut) < _MIN_WIDE:
            continue
        try:
            text = cut.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            share = sum(1 for c in text if " " <= c < "\x7f" or c in "\t\n\r") / len(text)
            if share >= 0.5 and _RUN[unit].search(data) is not None:
                continue  # (a share under 0.5 is no guess to its callers)
            if best is None or share > best[1]:
                best = (codec, share)
    return best


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM, UTF-16 or UTF-32 with a BOM or recognised without
    one (see `encoding`). Undecodable bytes become U+FFFD, so positions stay stable and
    nothing raises."""
    found = encoding(data) or Encoding("utf-8", 0)
    return data[found.bom :].decode(found.codec, errors="replace")


def decoding_note(data: bytes, binary: bool) -> str | None:
    """What a notification says about a file read (or not) in a wide encoding without a
    BOM: the guess is visible, never silent. A text decoded so says it was checked; a
    file taken for binary whose bytes half look like such text says it was not."""
    if binary:
        guess = _wide_guess(data)
        if guess is None or guess[1] < 0.5:
            return None
        return (
            f"not checked: it may be {_name(guess[0])} text without a byte-order mark, "
            "but too little of it is ASCII to tell it from binary data; add a byte-order mark"
        )
    found = encoding(data)
    if found is None or found.bom or found.codec == "utf-8":
        return None
    return (
        f"decoded as {_name(found.codec)} without a byte-order mark "
        "(its NUL bytes fit that encoding) and checked"
    )


def _name(codec: str) -> str:
    return codec.upper().replace("-LE", "LE").replace("-BE", "BE")


_BREAK = re.compile(r"\r\n?|\n")
_LONE_CR = re.compile(r"\r(?!\n)")


def line_starts(text: str) -> list[int]:
    """Code-point offsets where each line of `text` starts. Lines end at \\n, \\r\\n or
    \\r only: the one line table of spans, snippets and line lookups. Form feed, \\v,
    \\x1c-\\x1e, U+0085, U+2028 and U+2029 (which `str.splitlines()` also breaks on)
    are characters inside a line."""
    return [0, *(m.end() for m in _BREAK.finditer(text))]


def split_lines(text: str) -> list[str]:
    """The lines of `text` on the same table as `line_starts`, without terminators; a
    text ending with a line break has an empty last line."""
    return _BREAK.split(text) if "\r" in text else text.split("\n")


class SourceText:
    """A decoded text file with line tables for both code points and UTF-8 bytes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: list[str] | None = None
        self._starts: list[int] | None = None
        self._utf8: bytes | None = None
        self._byte_starts: tuple[list[int], list[int]] | None = None
        self._lone_cr: bool | None = None

    @property
    def lines(self) -> list[str]:
        """Lines without their terminators (\\n, \\r\\n or \\r; see `line_starts`)."""
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    @property
    def utf8(self) -> bytes:
        if self._utf8 is None:
            self._utf8 = self.text.encode("utf-8", errors="surrogatepass")
        return self._utf8

    def line(self, number: int) -> str:
        """Line `number` (1-based), or "" when out of range."""
        lines = self.lines
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def _line_starts(self) -> list[int]:
        if self._starts is None:
            self._starts = line_starts(self.text)
        return self._starts

    def line_offset(self, number: int) -> int:
        """Code-point offset where line `number` (1-based, clamped) starts."""
        starts = self._line_starts()
        return starts[min(max(number, 1), len(starts)) - 1]

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column), 1-based, of a code-point offset into the text."""
        starts = self._line_starts()
        idx = bisect_right(starts, offset) - 1
        return idx + 1, offset - starts[idx] + 1

    def span(self, start: int, end: int) -> Span:
        """The span of text[start:end] (code-point offsets)."""
        sl, sc = self.position(start)
        el, ec = self.position(end)
        return Span(sl, sc, el, ec)

    def point_column(self, row: int, byte_col: int) -> int:
        """1-based code-point column of a tree-sitter point (0-based row, byte column),
        for a text whose rows are our lines (see `point_span`)."""
        line = self.line(row + 1)
        if line.isascii():
            return byte_col + 1
        encoded = line.encode("utf-8", errors="surrogatepass")
        return len(encoded[:byte_col].decode("utf-8", errors="ignore")) + 1

    def point_span(self, start: tuple[int, int], end: tuple[int, int]) -> Span:
        """The span between two tree-sitter points. tree-sitter counts rows at \\n only;
        with a lone \\r in the text its rows are not our lines, and the points are
        placed through their byte offsets instead."""
        if self._lone_cr is None:
            self._lone_cr = "\r" in self.text and _LONE_CR.search(self.text) is not None
        if self._lone_cr:
            return Span(*self._byte_point(*start), *self._byte_point(*end))
        return Span(
            start[0] + 1,
            self.point_column(*start),
            end[0] + 1,
            self.point_column(*end),
        )

    def _utf8_starts(self) -> tuple[list[int], list[int]]:
        """UTF-8 byte offsets where tree-sitter's rows (\\n only) and our lines start."""
        if self._byte_starts is None:
            utf8 = self.utf8
            rows = [0]
            at = utf8.find(b"\n")
            while at >= 0:
                rows.append(at + 1)
                at = utf8.find(b"\n", at + 1)
            starts = self._line_starts()
            text = self.text
            ours = [0]
            for lo, hi in pairwise(starts):
                ours.append(ours[-1] + len(text[lo:hi].encode("utf-8", errors="surrogatepass")))
            self._byte_starts = (rows, ours)
        return self._byte_starts

    def _byte_point(self, row: int, byte_col: int) -> tuple[int, int]:
        rows, ours = self._utf8_starts()
        offset = rows[min(row, len(rows) - 1)] + byte_col
        idx = bisect_right(ours, offset) - 1
        head = self.utf8[ours[idx] : offset].decode("utf-8", errors="ignore")
        return idx + 1, len(head) + 1

    def byte_offset(self, line: int, column: int) -> int:
        """The UTF-8 byte offset of a 1-based (line, column) on our line table."""
        _, ours = self._utf8_starts()
        idx = min(max(line, 1), len(ours)) - 1
        head = self.line(idx + 1)[: max(column - 1, 0)]
        return ours[idx] + len(head.encode("utf-8", errors="surrogatepass"))


def mask_line(line: str, line_no: int, secret_spans: tuple[Span, ...]) -> str:
    """The line with every character inside a secret span replaced by '*'."""
    if not secret_spans:
        return line
    chars = list(line)
    for s in secret_spans:
        if not s.contains_line(line_no):
            continue
        lo = s.start_col - 1 if s.start_line == line_no else 0
        hi = s.end_col - 1 if s.end_line == line_no else len(chars)
        for i in range(max(lo, 0), min(hi, len(chars))):
            chars[i] = "*"
    return "".join(chars)

"""Reading one file safely and turning positions into 1-based code-point spans."""

from __future__ import annotations

import codecs
import errno
import os
import stat
from bisect import bisect_right
from dataclasses import dataclass

from ztlint.model import Span

BINARY_SNIFF = 8192


class SkipFile(Exception):
    """The file is not read: a notification says why."""


@dataclass(frozen=True)
class RawFile:
    data: bytes  # the whole file, or its first BINARY_SNIFF bytes when binary
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
    head = data[:BINARY_SNIFF]
    if b"\x00" in head and not _utf16_bom(head):
        return RawFile(data=head, size=len(data), binary=True)
    return RawFile(data=data, size=len(data), binary=False)


def _utf16_bom(head: bytes) -> bool:
    return head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM, or UTF-16 with BOM. Undecodable bytes become U+FFFD,
    so positions stay stable and nothing raises."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith(codecs.BOM_UTF16_LE):
        return data[2:].decode("utf-16-le", errors="replace")
    if data.startswith(codecs.BOM_UTF16_BE):
        return data[2:].decode("utf-16-be", errors="replace")
    return data.decode("utf-8", errors="replace")


class SourceText:
    """A decoded text file with line tables for both code points and UTF-8 bytes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: list[str] | None = None
        self._starts: list[int] | None = None
        self._utf8: bytes | None = None

    @property
    def lines(self) -> list[str]:
        """Lines without their terminators (\\n, \\r\\n or \\r)."""
        if self._lines is None:
            self._lines = self.text.splitlines() or [""]
            if self.text.endswith(("\n", "\r")):
                self._lines.append("")
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
            starts = [0]
            text = self.text
            i = 0
            n = len(text)
            while i < n:
                c = text[i]
                if c == "\n" or c == "\r":
                    if c == "\r" and i + 1 < n and text[i + 1] == "\n":
                        i += 1
                    starts.append(i + 1)
                i += 1
            self._starts = starts
        return self._starts

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
        """1-based code-point column of a tree-sitter point (0-based row, byte column)."""
        line = self.line(row + 1)
        if line.isascii():
            return byte_col + 1
        encoded = line.encode("utf-8", errors="surrogatepass")
        return len(encoded[:byte_col].decode("utf-8", errors="ignore")) + 1

    def point_span(self, start: tuple[int, int], end: tuple[int, int]) -> Span:
        return Span(
            start[0] + 1,
            self.point_column(*start),
            end[0] + 1,
            self.point_column(*end),
        )


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

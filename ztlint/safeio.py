"""Writing a report, a baseline or a config file where a scanned repository may have
planted a symbolic link.

The text goes to a new temporary file in the target's folder (created exclusively, never
through a link), which is then renamed onto the target: a rename replaces a link at the
target itself and never writes to the file it points to. A failed write leaves no
temporary file behind and raises `UnwritableError` with a one-line message.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile


class UnwritableError(Exception):
    """A file could not be written; the message reads `cannot write PATH: reason`."""


def _default_mode() -> int:
    """The mode `open(path, "w")` would give a new file: 0o666 less the umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def linked_folder(path: str, top: str) -> str | None:
    """The first existing folder between `top` (excluded) and `path`'s folder that is
    a symbolic link, or None; None too when `path` does not lie under `top`."""
    top = os.path.abspath(top)
    try:
        rel = os.path.relpath(os.path.dirname(os.path.abspath(path)), top)
    except ValueError:  # another drive
        return None
    if rel == os.curdir:
        return None
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return None
    current = top
    for part in rel.split(os.sep):
        current = os.path.join(current, part)
        try:
            mode = os.lstat(current).st_mode
        except OSError:
            return None  # missing from here on: the folders made for it are real ones
        if stat.S_ISLNK(mode):
            return current
    return None


def write_text(path: str, text: str) -> None:
    """Replace `path` with a regular file holding `text` as UTF-8 (LF line ends).

    Stray surrogates (from undecodable file names) are written backslash-escaped rather
    than failing the write."""
    data = text.encode("utf-8", errors="backslashreplace")
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".ztlint-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UnwritableError(_message(path, exc)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), _default_mode())
            fh.write(data)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise UnwritableError(_message(path, exc)) from None
        raise


def _message(path: str, exc: OSError) -> str:
    return f"cannot write {path}: {exc.strerror or exc}"

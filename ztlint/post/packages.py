"""What a file's package declares, as its manifest says (ztlint.provenance.evidence):
a credential printed to standard output (`Finding.printed`) in a crate that depends on a
command-line parser is a command's result, handed to whoever ran it, like one printed
by a file that imports the parser itself (ZT607's own test)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ztlint.model import Confidence, Finding
from ztlint.report import FileResult

_COMMAND_NOTE = (
    " (medium: printed to standard output by a command-line program, whose package "
    "declares an argument parser; what a command prints is often what its user asked for)"
)


def printed_by_commands(
    findings: Sequence[Finding], results: Sequence[FileResult]
) -> list[Finding]:
    """The findings, those printed by a command-line crate's code at medium confidence."""
    # A crate at the root ("") holds every file of the scan.
    folders = tuple(
        sorted(
            f"{r.evidence.command_crate}/" if r.evidence.command_crate else ""
            for r in results
            if r.evidence is not None and r.evidence.command_crate is not None
        )
    )
    if not folders:
        return list(findings)
    return [
        replace(f, confidence=Confidence.MEDIUM, message=f.message + _COMMAND_NOTE)
        if f.printed and f.confidence == Confidence.HIGH and f.path.startswith(folders)
        else f
        for f in findings
    ]

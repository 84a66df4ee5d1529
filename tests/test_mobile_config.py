"""Mobile and platform TLS settings (issue #25, item 4): XML is read with defusedxml's
defaults, so a billion-laughs or XXE file becomes a notification and is never expanded
or read; Xcode's DOCTYPE is allowed; binary property lists are read whole and reported
at line 1 with the key path; a text that only starts with the binary magic stays text."""

from __future__ import annotations

import plistlib
import subprocess
import sys
from pathlib import Path

from ztlint.config import Config
from ztlint.engine import run
from ztlint.model import Confidence
from ztlint.notices import NOT_PARSED
from ztlint.parsers.data import ParseFailure
from ztlint.parsers.xmldoc import parse_xml, plist_from_binary
from ztlint.registry import load_rules
from ztlint.source import SourceText, read_file

XCODE_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
    '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
)


def _scan(tmp_path: Path) -> tuple[list[tuple[str, str, int, str]], list[tuple[str, str, str]]]:
    report = run(
        ["."], Config(min_confidence=Confidence.LOW), rules=load_rules(), jobs=1, cwd=str(tmp_path)
    )
    findings = sorted((f.path, f.rule_id, f.span.start_line, f.message) for f in report.findings)
    notes = sorted((n.path or "", n.code, n.message) for n in report.notifications)
    return findings, notes


def test_xcode_doctype_is_allowed() -> None:
    root = parse_xml(SourceText(XCODE_HEAD + '<plist version="1.0">\n<dict/>\n</plist>\n'))
    assert root.tag == "plist" and root.line == 3 and root.children[0].line == 4


def test_billion_laughs_and_xxe_are_notifications(tmp_path: Path) -> None:
    laughs = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 12))
    (tmp_path / "AndroidManifest.xml").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY l0 "ha">{laughs}]>\n'
        '<manifest xmlns:android="http://schemas.android.com/apk/res/android">'
        '<application android:usesCleartextTraffic="true" android:label="&l11;"/></manifest>\n',
        encoding="utf-8",
    )
    secret = tmp_path.parent / "outside-secret.txt"
    secret.write_text("NSAllowsArbitraryLoads-outside\n", encoding="utf-8")
    (tmp_path / "Info.plist").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE plist [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        "<plist><dict><key>NSAppTransportSecurity</key><dict>"
        "<key>NSAllowsArbitraryLoads</key><true/><key>k</key><string>&x;</string>"
        "</dict></dict></plist>\n",
        encoding="utf-8",
    )
    findings, notes = _scan(tmp_path)
    assert findings == []
    assert [(p, c) for p, c, _ in notes] == [
        ("AndroidManifest.xml", NOT_PARSED),
        ("Info.plist", NOT_PARSED),
    ]
    assert all("refused" in m and "outside" not in m for _, _, m in notes)


def test_external_dtd_and_parameter_entities_are_never_fetched() -> None:
    for doctype in (
        '<!DOCTYPE a SYSTEM "http://169.254.169.254/">',
        '<!DOCTYPE a [<!ENTITY % p SYSTEM "http://169.254.169.254/"> %p;]>',
    ):
        text = f'<?xml version="1.0"?>\n{doctype}\n<a cleartextTrafficPermitted="true"/>'
        try:
            root = parse_xml(SourceText(text))
        except ParseFailure as refused:
            assert "refused" in refused.message
        else:
            assert root.tag == "a"  # the name of a DTD stays a name


def test_binary_plist_is_read_whole_and_reported_at_line_1(tmp_path: Path) -> None:
    padding = {f"CFBundleURLType{i}": f"{i:04d}" * 16 for i in range(400)}  # past the 8 KiB sniff
    data = plistlib.dumps(
        {
            **padding,
            "NSAppTransportSecurity": {
                "NSExceptionDomains": {
                    "cdn.relayhq.io": {"NSExceptionAllowsInsecureHTTPLoads": True},
                    "localhost": {"NSExceptionAllowsInsecureHTTPLoads": True},
                }
            },
        },
        fmt=plistlib.FMT_BINARY,
    )
    assert len(data) > 16384
    (tmp_path / "Info.plist").write_bytes(data)
    findings, notes = _scan(tmp_path)
    assert [(p, r, line) for p, r, line, _ in findings] == [("Info.plist", "ZT102", 1)]
    assert (
        'NSExceptionDomains["cdn.relayhq.io"].NSExceptionAllowsInsecureHTTPLoads'
        in (findings[0][3])
    )
    assert not notes


def test_shared_binary_objects_stay_linear() -> None:
    # Every level's array names the level below twice: 2**40 paths, 40 objects.
    count = 41
    objects = [b"\x08"]  # object 0: false
    for level in range(1, count):
        objects.append(bytes([0xA2, level - 1, level - 1]))
    offsets, pos = [], 8
    body = b""
    for obj in objects:
        offsets.append(pos)
        body += obj
        pos += len(obj)
    table = bytes(offsets[i] for i in range(count)) if pos < 256 else b""
    assert table
    trailer = (
        b"\x00" * 6
        + bytes([1, 1])
        + count.to_bytes(8, "big")
        + (count - 1).to_bytes(8, "big")
        + pos.to_bytes(8, "big")
    )
    data = b"bplist00" + body + table + trailer
    value = plist_from_binary(data)
    assert isinstance(value.value, list) and len(value.value) == 2


def test_text_starting_with_the_magic_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.env"
    path.write_text("bplist00\nAPI_TOKEN=Zq8vN3xK2mL7pR4tY9wB\n", encoding="utf-8")
    assert read_file(str(path), 1 << 20).binary is False


def test_defusedxml_is_imported_only_for_xml() -> None:
    code = (
        "import sys, ztlint.engine, ztlint.checks\n"
        "print(any(m.startswith(('defusedxml', 'xml.sax')) for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def _bplist(objects: list[bytes], ref_size: int = 1) -> bytes:
    offsets, body, pos = [], b"", 8
    for obj in objects:
        offsets.append(pos)
        body += obj
        pos += len(obj)
    table = b"".join(o.to_bytes(4, "big") for o in offsets)
    trailer = (
        b"\x00" * 6
        + bytes([4, ref_size])
        + len(objects).to_bytes(8, "big")
        + (len(objects) - 1).to_bytes(8, "big")
        + pos.to_bytes(8, "big")
    )
    return b"bplist00" + body + table + trailer


def test_cyclic_and_deep_binary_plists_end() -> None:
    cyclic = plist_from_binary(_bplist([bytes([0xA1, 0x00])]))
    assert isinstance(cyclic.value, list) and cyclic.value[0].value is cyclic.value
    depth = 20_000  # each array holds the one before it: deeper than Python's recursion
    chain = [b"\x08"] + [bytes([0xA1]) + (i - 1).to_bytes(2, "big") for i in range(1, depth)]
    try:
        plist_from_binary(_bplist(chain, ref_size=2))
    except ParseFailure as failure:
        assert "binary property list" in failure.message

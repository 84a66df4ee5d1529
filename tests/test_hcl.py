"""The bounded HCL reader: the subset server configurations use, read in place inside
other files, and hostile text read in linear time without raising."""

from __future__ import annotations

import time

from ztlint.parsers import hcl


def test_blocks_labels_and_attributes() -> None:
    text = (
        'listener "tcp" {\n'
        '  address = "0.0.0.0:8200" # the port\n'
        "  tls_disable = 1\n"
        "}\n"
        "tls { defaults { verify_incoming = false } }\n"
        '/* listener "tcp" { tls_disable = 1 } */\n'
    )
    found = [(a.path, a.key, a.value, a.line) for a in hcl.attributes(text)]
    assert found == [
        (("listener", "tcp"), "address", "0.0.0.0:8200", 2),
        (("listener", "tcp"), "tls_disable", "1", 3),
        (("tls", "defaults"), "verify_incoming", "false", 5),
    ]


def test_embedded_in_yaml_keeps_lines() -> None:
    text = 'server:\n  config: |\n    listener "tcp" {\n      tls_disable = true\n    }\n'
    (attr,) = hcl.attributes(text)
    assert (attr.path, attr.key, attr.line, attr.col) == (("listener", "tcp"), "tls_disable", 4, 7)


def test_heredoc_and_lists_are_skipped() -> None:
    text = 'policy = <<EOT\nlistener "tcp" {\n tls_disable = 1\n}\nEOT\nports = [1, 2]\nui = true\n'
    assert [(a.key, a.value) for a in hcl.attributes(text)] == [("ui", "true")]


def test_hostile_text_is_linear() -> None:
    start = time.perf_counter()
    deep = "a {" * 100_000 + "\n" + "}" * 100_000 + "\nx = 1\n"
    wide = " ".join(["word"] * 200_000) + "\n"
    quotes = '"' * 100_000 + "\n/*" + "\n" * 1000
    for text in (deep, wide, quotes, "\x00{}=\n" * 10_000):
        list(hcl.attributes(text))
    assert time.perf_counter() - start < 10
    assert [a.path for a in hcl.attributes(deep)][-1:] == [()]

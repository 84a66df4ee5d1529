"""Files real repositories hold that ztlint must read as they are meant (issue #29):
JSONC, YAML 1.2 that libyaml rejects, data files that are not code."""

from __future__ import annotations

from pathlib import Path

from ztlint.parsers.data import Mapping, Scalar, Sequence
from ztlint.parsers.structured import parse_json
from ztlint.source import SourceText

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_jsonc_trailing_commas_and_comments_keep_positions() -> None:
    text = '{\n  // c, ]\n  "a": [1, 2, /* x, */ ],\n  "b": "x,]",\n}\n'
    (doc,) = parse_json(SourceText(text))
    assert isinstance(doc, Mapping)
    a = doc.get("a")
    assert isinstance(a, Sequence) and [i.value for i in a.items if isinstance(i, Scalar)] == [
        "1",
        "2",
    ]
    b = doc.entry("b")
    assert b is not None and b[0].span.start_line == 4 and doc.get_str("b") == "x,]"


def test_jsonc_fixtures_parse() -> None:
    for path in (
        FIXTURES / "ZT204/negative_jsonc/.devcontainer/devcontainer.json",
        FIXTURES / "ZT204/negative_jsonc/tsconfig.json",
        FIXTURES / "ZT204/positive_jsonc/.vscode/settings.json",
    ):
        assert parse_json(SourceText(path.read_text(encoding="utf-8")))


def test_yaml_libyaml_rejects_but_yaml_1_2_accepts() -> None:
    from ztlint.parsers.yaml import parse_yaml

    text = 'version: "3"\ntasks:\n  build:\n    deps: [{task: docker:build}]\n'
    (doc,) = parse_yaml(text)
    assert isinstance(doc, Mapping)
    tasks = doc.get_map("tasks")
    build = tasks.get_map("build") if tasks is not None else None
    deps = build.get_seq("deps") if build is not None else None
    assert deps is not None
    (dep,) = deps.items
    assert isinstance(dep, Mapping)
    task = dep.get("task")
    assert isinstance(task, Scalar) and task.value == "docker:build"
    assert (task.span.start_line, task.span.start_col) == (4, 19)
    # Twice in a row: the compliant loader keeps no state between files.
    lock = "lockfileVersion: '9.0'\npackages:\n  /a@1.0.0:\n    dependencies: {c: link:../c}\n"
    for _ in range(2):
        (lockdoc,) = parse_yaml(lock)
        assert isinstance(lockdoc, Mapping)


def test_yaml_that_no_reader_accepts_keeps_libyaml_error() -> None:
    import pytest

    from ztlint.parsers.data import ParseFailure
    from ztlint.parsers.yaml import parse_yaml

    with pytest.raises(ParseFailure) as failure:
        parse_yaml("a: [b\nc: d\n")
    assert failure.value.line == 2


def test_lock_files_and_catalogues_are_data() -> None:
    from ztlint.provenance import DATA, PRODUCTION, Settings, classify

    settings = Settings()
    for path in (
        "pnpm-lock.yaml",
        "web/package-lock.json",
        "Cargo.lock",
        "config/locales/cs.yml",
        "src/i18n/de.json",
        "extension/_locales/en/messages.json",
        "src/lang/pt-BR.json",
        "po/de.po",
        "app/src/main/res/values-cs/strings.xml",
        "src/main/resources/messages_de.properties",
    ):
        assert classify(path, "x", settings) == DATA, path
    # Not data: code in a translations folder, a CA's config, a language folder's
    # non-locale file.
    for path in ("i18n/i18n.go", "ca.json", "lang/go.yaml", "messages/api.json"):
        assert classify(path, "x", settings) == PRODUCTION, path

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
        # A translation module named by a locale deeper below a translations folder.
        "webapp/i18n/shared/de.ts",
    ):
        assert classify(path, "x", settings) == DATA, path
    # Not data: code in a translations folder, a CA's config, a language folder's
    # non-locale file.
    for path in (
        "i18n/i18n.go",
        "ca.json",
        "lang/go.yaml",
        "messages/api.json",
        "i18n/shared/loader.ts",
    ):
        assert classify(path, "x", settings) == PRODUCTION, path


def _notes(tmp_path: Path, name: str, text: str) -> list[tuple[int | None, str, str]]:
    from ztlint.config import Config
    from ztlint.engine import run
    from ztlint.model import Confidence
    from ztlint.notices import NOT_PARSED

    (tmp_path / name).write_text(text, encoding="utf-8")
    report = run([name], Config(min_confidence=Confidence.LOW), jobs=1, cwd=str(tmp_path))
    return [
        (n.line, n.level.value, n.message) for n in report.notifications if n.code == NOT_PARSED
    ]


def test_partial_parses_name_the_first_unparsed_line(tmp_path: Path) -> None:
    """Grammar lag: syntax the newest published grammars do not know is a note at the
    line where it is, and the rest of the file is still checked (the fixtures
    `ZT101/positive_*partly_parsed*` hold a finding after it)."""
    cases = {
        "ZT101/positive_rust2024_partly_parsed.rs": 5,
        "ZT101/positive_go126_new_partly_parsed.go": 8,
    }
    for fixture, line in cases.items():
        path = FIXTURES / fixture
        notes = _notes(tmp_path, path.name, path.read_text(encoding="utf-8"))
        assert [(n[0], n[1]) for n in notes] == [(line, "note")], (fixture, notes)


def test_jsx_ampersand_and_bash_test_grouping_parse_clean(tmp_path: Path) -> None:
    for fixture in (
        "ZT101/positive_tsx_jsx_text_ampersand.tsx",
        "ZT101/positive_test_grouping.sh",
    ):
        path = FIXTURES / fixture
        assert _notes(tmp_path, path.name, path.read_text(encoding="utf-8")) == [], fixture


def test_an_error_inside_a_construct_is_reported_where_it_is() -> None:
    from ztlint.parsers import code

    text = (
        "export function F() {\n  const a = 1;\n  const b = 2;\n"
        "  return <p>{a &&{' '}<b>x</b>}</p>;\n}\n"
    )
    src = SourceText(text)
    error = code.first_error(code.parse("tsx", src))
    assert error is not None and code.node_span(src, error).start_line == 4

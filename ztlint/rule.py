"""The Rule and its contexts: the only module a rule author needs.

A rule is one threat. It holds a detector per language or format; each detector names
the file kinds it reads and the trigger strings that must occur in a file before it
runs. A detector is a pure function from a FileContext to Hits. A project-level rule
also collects facts per file (in the workers) and checks them together afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, cast

from tree_sitter import Tree

from ztlint.model import Confidence, Fix, Related, RuleMeta, Severity, Span
from ztlint.parsers import code
from ztlint.parsers.budget import OverBudget
from ztlint.parsers.data import Node, ParseFailure
from ztlint.source import SourceText

if TYPE_CHECKING:
    from ztlint.helm import TemplateReader

_T = TypeVar("_T")


@dataclass(frozen=True)
class Hit:
    """What a detector reports; the engine turns it into a Finding."""

    span: Span
    message: str
    severity: Severity | None = None  # None: the rule's severity
    confidence: Confidence | None = None  # None: the rule's confidence
    entity: str | None = None
    value: str | None = None  # a qualifier config exceptions may name (a capability)
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    secret_spans: tuple[Span, ...] = ()
    path: str | None = None  # project-level rules only: the file the hit is in
    # A secret no file's provenance excuses (ztlint.policy.unmistakable): a token whose
    # format carries a checksum that verified, a private key not documented as a test key.
    unmistakable: bool = False
    own_key: bool = False  # key material its owner generates (Finding.own_key)
    # Hits of one rule in one file that share a group are one decision of the file's
    # author reported once: a file whose parts are read as documents of their own (a
    # script's heredocs) gets the first, the others as its related locations.
    group: str | None = None
    # Other lines where the reported construct begins (a digest made a few lines above
    # the write that feeds it the secret): another tool's review marker above the
    # statement on one of them counts as one above the finding (ztlint.acknowledged).
    marked_at: tuple[int, ...] = ()
    # A credential printed to standard output (not a logger): a command-line program's
    # result when its package declares a command-line parser (ztlint.post.packages).
    printed: bool = False


class FileContext:
    """One file as the detectors see it. Parsed forms are computed on first use and
    shared by every detector, so a file is parsed at most once."""

    def __init__(
        self,
        path: str,
        kinds: frozenset[str],
        parser: str | None,
        source: SourceText | None,
        head: bytes = b"",
        options: Mapping[str, Any] | None = None,
        documents: list[Node] | None = None,
    ) -> None:
        self.path = path
        self.kinds = kinds
        self.parser = parser
        self._source = source
        self.head = head  # first bytes of a binary file (magic numbers)
        self.options: Mapping[str, Any] = options or {}
        # Documents built by the caller (an embedded patch, ztlint.embedded) are used
        # as they are; otherwise they are parsed from the text on first use.
        self._data: list[Node] | None = documents
        self._tree: Tree | None = None
        self._failure: ParseFailure | None = None
        self._tree_failure: OverBudget | None = None
        self._memo: dict[Hashable, Any] = {}
        self.parse_notes: list[ParseFailure] = []
        # A templated YAML file (a Helm chart's template, `*.yml.tmpl`): how its
        # documents are read (ztlint.helm).
        self.template: TemplateReader | None = None

    @property
    def source(self) -> SourceText:
        if self._source is None:
            raise ParseFailure("binary file has no text")
        return self._source

    @property
    def is_binary(self) -> bool:
        return self._source is None

    @property
    def text(self) -> str:
        return self.source.text

    def lower(self) -> str:
        """The text lowercased (computed once per file)."""
        return self.cached(_lower)

    def documents(self) -> list[Node]:
        """The file's data nodes (YAML documents, a JSON or TOML value, ...), parsed by
        its format (ztlint.parsers). Raises ParseFailure when the file does not parse
        (reported once)."""
        if self._failure is not None:
            raise self._failure
        if self._data is None:
            from ztlint.parsers import format_of

            fmt = format_of(self.parser)
            try:
                if fmt is None:
                    self._data = []
                elif fmt.templated and self.template is not None:
                    self._data = self.template.documents(self.text)
                elif fmt.template_fallback:
                    self._data = self._or_template(partial(fmt.parse, self.source))
                else:
                    self._data = fmt.parse(self.source)
            except ParseFailure as failure:
                self._failure = failure
                self.parse_notes.append(failure)
                raise
        return self._data

    def _or_template(self, parse: Callable[[], list[Node]]) -> list[Node]:
        """Parsed by the format; a file that does not parse but holds Go template
        actions (a chart's `files/`, a profile copied between charts, an Envoy bootstrap
        a program renders) is read as a template, through the YAML composer (JSON is
        YAML's flow style)."""
        try:
            return parse()
        except OverBudget:
            raise
        except ParseFailure:
            if "{{" not in self.text:
                raise
        return self._as_template()

    def _as_template(self) -> list[Node]:
        from ztlint.helm import TemplateReader

        self.template = TemplateReader("go")
        return self.template.documents(self.text)

    def try_documents(self) -> list[Node] | None:
        """The documents, or None when the file does not parse; a failure here is not
        recorded (a detector that needs the documents reports it), so a reader that
        only looks for something optional adds no notification."""
        if self._data is not None or self._failure is not None:
            return self._data
        from ztlint.parsers import format_of

        fmt = format_of(self.parser)
        try:
            if fmt is not None and fmt.templated and self.template is not None:
                self._data = self.template.documents(self.text)
            elif fmt is not None and fmt.optional_reads:
                self._data = fmt.parse(self.source)
        except ParseFailure:
            return None
        return self._data

    @property
    def parsed_documents(self) -> list[Node]:
        """The structured documents if a detector has parsed them, else [] (never
        parses)."""
        return self._data or []

    def tree(self) -> Tree:
        """The tree-sitter tree of a code file. A tree with syntax errors is still
        returned (tree-sitter recovers); the error becomes one notification."""
        if self._tree is None:
            if self.parser is None:
                raise ParseFailure("no grammar for this file")
            if self._tree_failure is not None:
                raise self._tree_failure
            try:
                self._tree = code.parse(self.parser, self.source)
            except OverBudget as over:  # reported once; no detector gets a tree
                self._tree_failure = over
                self.parse_notes.append(over)
                raise
            error = code.first_error(self._tree)
            if error is not None:
                span = code.node_span(self.source, error)
                self.parse_notes.append(
                    ParseFailure(
                        f"{self.parser} syntax the grammar does not accept here; the rest of the file was checked",
                        span.start_line,
                        span.start_col,
                        recovered=True,
                    )
                )
        return self._tree

    def cached(self, compute: Callable[..., _T], *args: Hashable) -> _T:
        """`compute(self, *args)`, computed once per file and shared by every detector
        that asks (the file's string literals, its pod specs). The value is filed under
        the function itself (and its arguments): only code that holds the function
        reaches it, so no two rules can meet under a shared name. `compute` is a
        module-level function or class; a closure would be a new key at every call."""
        key = (compute, args) if args else compute
        try:
            return cast(_T, self._memo[key])
        except KeyError:
            if "<locals>" in compute.__qualname__:
                raise ValueError(
                    f"cache a module-level function, not {compute.__qualname__}"
                ) from None
        value = self._memo[key] = compute(self, *args)
        return value

    def memo(self, key: str, factory: Callable[[], _T]) -> _T:
        """A value the engine derives from this file once, under a name of its own
        (rules and semantics use `cached`)."""
        if key not in self._memo:
            self._memo[key] = factory()
        return cast(_T, self._memo[key])


def _lower(ctx: FileContext) -> str:
    return ctx.text.lower()


DetectFn = Callable[[FileContext], Iterable[Hit]]


@dataclass(frozen=True)
class Detector:
    """One way of finding a rule's threat in one kind of file."""

    name: str
    kinds: frozenset[str]
    triggers: tuple[str, ...]
    run: DetectFn
    # Whether the detector also reads binary files (by name and magic bytes).
    binary: bool = False
    # Trigger strings that let the detector run only when this regex also matches the
    # text (`://` only for a URL that carries a password).
    confirm: tuple[tuple[str, re.Pattern[str]], ...] = ()
    # A cheap, exact necessary condition on the file's text, checked after the triggers
    # and before anything is parsed: False means the detector cannot report anything.
    gate: Callable[[FileContext], bool] | None = None
    # Lowercase trigger strings that count in any case (`oken` for token, Token, TOKEN):
    # one search of the lowercased text instead of one per spelling.
    any_case: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProjectCheck:
    """A cross-file rule: `collect` runs per file in the workers and returns picklable
    facts; `check` sees every file's facts at once, in path order."""

    kinds: frozenset[str]
    triggers: tuple[str, ...]
    collect: Callable[[FileContext], Iterable[Any]]
    check: Callable[[Mapping[str, tuple[Any, ...]]], Iterable[Hit]]
    # Globs of the files the check depends on (for caches and incremental runs).
    depends_on: tuple[str, ...] = ()
    any_case: tuple[str, ...] = ()  # as Detector.any_case
    # The kinds of file in which `triggers` are looked for (None: every kind in `kinds`);
    # in the others only an `any_case` word lets `collect` run.
    triggers_in: frozenset[str] | None = None

    def triggers_apply(self, kinds: frozenset[str]) -> bool:
        """Whether `triggers` are looked for in a file of these kinds."""
        return self.triggers_in is None or bool(self.triggers_in & kinds)


@dataclass(frozen=True)
class Rule:
    meta: RuleMeta
    detectors: tuple[Detector, ...] = ()
    project: ProjectCheck | None = None
    # Languages and formats the rule covers, for `ztlint rules`.
    covers: tuple[str, ...] = field(default=())
    # Where a rule not built in comes from (a rule folder, a plugin and its version), for
    # `ztlint rules`; and what of it the result cache keys on (ztlint.rulesources).
    origin: str = ""
    digest: str = ""
    # A rule folder of the scanned tree (or named by a configuration there): its findings
    # show no source line, which it could otherwise aim at any line holding a secret.
    quotes_source: bool = True

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def name(self) -> str:
        return self.meta.name

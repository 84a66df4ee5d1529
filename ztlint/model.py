"""The values that cross module boundaries: frozen dataclasses and enums only."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """How bad a finding is if it is real. Ordered: higher is worse."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of {names})") from None


class Confidence(enum.IntEnum):
    """How likely a finding is to be real."""

    LOW = 0
    MEDIUM = 1
    HIGH = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Confidence:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(c.label for c in cls)
            raise ValueError(f"unknown confidence {text!r} (expected one of {names})") from None


@dataclass(frozen=True, order=True)
class Span:
    """A region of a text file. Lines and columns are 1-based; columns count Unicode
    code points; the end column is exclusive (SARIF's convention)."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int

    def contains_line(self, line: int) -> bool:
        return self.start_line <= line <= self.end_line

    def overlaps(self, other: Span) -> bool:
        return not (self.end_line < other.start_line or other.end_line < self.start_line)


@dataclass(frozen=True)
class Related:
    """A location that explains a finding (the cluster a socket belongs to, a profile)."""

    path: str
    span: Span
    message: str


@dataclass(frozen=True)
class Edit:
    """Replace the text of `span` in `path` with `text`."""

    path: str
    span: Span
    text: str


@dataclass(frozen=True)
class Fix:
    description: str
    edits: tuple[Edit, ...]


class SuppressionKind(enum.Enum):
    IN_SOURCE = "inSource"
    EXTERNAL = "external"


@dataclass(frozen=True)
class Suppression:
    kind: SuppressionKind
    justification: str
    # Where the suppression was written (a comment line, or the config file).
    origin: str


@dataclass(frozen=True)
class CommitRef:
    """The commit that introduced a finding of a history scan (ztlint.history)."""

    sha: str
    date: str  # author date, ISO 8601
    # Whether the same secret is still in a file at HEAD (not only in history).
    at_head: bool = False


@dataclass(frozen=True)
class Finding:
    rule_id: str
    rule_name: str
    path: str
    span: Span
    message: str
    severity: Severity
    confidence: Confidence
    # The entity the finding belongs to, when the rule knows one: a compose service,
    # a Kubernetes workload, an Envoy cluster. Config exceptions can name it.
    entity: str | None = None
    # A qualifier config exceptions may name: a capability, a network, a syscall.
    value: str | None = None
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    # Spans of secret text inside the file: every output masks them.
    secret_spans: tuple[Span, ...] = ()
    in_test_code: bool = False
    # Where the finding's file comes from (ztlint.provenance); outputs show it when it
    # is not production. `unmistakable`: a secret reported wherever it sits.
    provenance: str = "production"
    unmistakable: bool = False
    # Key material its owner generates (a private key, an age identity): unmistakable in
    # production code and docs only; in test, example, vendored or generated code its
    # place makes it a sample (ztlint.policy.unmistakable).
    own_key: bool = False
    suppression: Suppression | None = None
    # The first line of the span with secret spans masked; reporters show it and
    # fingerprints are computed from it, so no secret ever reaches an output.
    snippet: str = ""
    # sha256 of the secret text, so a baseline can tell a changed secret from the same
    # one; no reporter writes it, and a baseline stores it only salted and hashed again.
    secret_digest: str | None = None
    # First and last line of the entity's node (a compose service, an Envoy cluster),
    # when known; --diff reports a finding whose entity a change touched.
    entity_lines: tuple[int, int] | None = None
    # Stands in for the snippet in fingerprints when a finding carries no source text
    # (semgrep findings): a digest of the line with its string literals blanked.
    anchor: str = ""
    # Lines of another tool's review marker that lowered the finding's confidence
    # (ztlint.acknowledged); under --diff a marker the change adds does not count.
    acknowledged: tuple[int, ...] = ()
    # Other lines whose statement a review marker may sit above (Hit.marked_at).
    marked_at: tuple[int, ...] = ()
    # Printed to standard output (Hit.printed), judged with the file's package.
    printed: bool = False
    # A history scan's finding: the commit that introduced it (`path` is its path there).
    commit: CommitRef | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str, int, int, str]:
        s = self.span
        return (
            self.path,
            s.start_line,
            s.start_col,
            self.rule_id,
            s.end_line,
            s.end_col,
            self.message,
        )

    @property
    def active(self) -> bool:
        """Not suppressed by a comment or a config exception."""
        return self.suppression is None


class NoticeLevel(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True)
class Notification:
    """Something the run could not do, or a remark about the run: never a finding."""

    code: str  # a ZT9xx id
    message: str
    level: NoticeLevel = NoticeLevel.WARNING
    path: str | None = None
    line: int | None = None
    column: int | None = None
    rule_id: str | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path or "", self.line or 0, self.column or 0, self.code, self.message)


@dataclass(frozen=True)
class RuleOption:
    """A per-rule option users may set under `rules: {<rule>: {...}}`."""

    name: str
    kind: str  # "bool", "int", "str", "list[str]"
    default: object
    help: str


@dataclass(frozen=True)
class RuleMeta:
    id: str
    name: str
    title: str
    severity: Severity
    confidence: Confidence
    cwe: int
    message: str
    fix: str
    docs: str
    triggers: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    options: tuple[RuleOption, ...] = ()
    references: tuple[str, ...] = field(default=())
    # "" for ztlint's own rules; "semgrep" for rules from semgrep configs, which SARIF
    # lists under a tool extension.
    component: str = ""
    # Runs over git history too (`scan --history`): rule.yaml `history: true`.
    history: bool = False

    @property
    def family(self) -> str:
        return self.id[:3]

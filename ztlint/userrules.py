"""Rule folders of the user's own: `--rules DIR` (repeatable) and the `rules-dirs` key.

A folder has the shape of ztlint's own (`ACME001-name/`: rule.yaml, docs.md, `.scm`
tree-sitter queries, `match:` detectors with sibling conditions and an entity; see
docs/declarative-rules.md), and DIR is either one such folder or a folder of them.

A rule folder is data, wherever it lies, and may lie inside the scanned repository, so
it is read as a hostile file would be:

- it never names Python: a `python:` detector, a `gate:`, a `project:` check, a
  query's `#set! guard` and a `confirm:` regex are refused (exit 2); code comes only
  through installed plugins (ztlint.plugins);
- inside the scanned tree (or named by a configuration there), it does not quote the scanned
  files' values into the report (`{value}`, `{sibling:...}`, query captures, a chosen
  `entity:`): that configuration could `select` only its own rules, and then no secret
  rule runs to mask a password (what any user rule quotes is masked, ztlint.engine);
- it never reads outside itself: a link anywhere in it is refused, a query is a plain
  file name in the folder, and a `rules-dirs` entry of a configuration inside the
  scanned tree must lie inside the tree;
- it is bounded: rule.yaml, docs and queries have size limits, YAML aliases are
  refused (no alias bomb), a query has few patterns and few quantifiers and runs with a
  small match limit, a regular expression (`matches:`, `#match?`) may not nest
  quantifiers, repeat an alternation or refer back, and every detector of a user rule
  has a budget of CPU time per file: over it, the rule is reported as failed on that
  file (ZT905), and the rule folders loaded with it are skipped on the files after it
  (ZT905 each), which fails the run unless --allow-unchecked.

Ids are a prefix of two to eight capital letters other than `ZT` and three digits
(`ACME001`); ids and names must not collide with ztlint's rules or each other.

About 440 lines: loading, the refusals that keep a folder data-only and the bounded
running are kept in one module so that every check a hostile folder meets reads in one
place.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import signal
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ztlint.config import ConfigError
from ztlint.queries import QueryRunner
from ztlint.rule import DetectFn, FileContext, Hit, Rule

USER_ID = re.compile(r"^(?!ZT)[A-Z]{2,8}[0-9]{3}$")
MAX_RULE_FOLDERS = 100
MAX_RULE_YAML = 64 * 1024
MAX_DOCS = 256 * 1024
MAX_QUERY = 16 * 1024
MAX_PATTERNS = 32
MAX_QUANTIFIERS = 2  # `*` and `+` in one query file
MAX_HITS = 200  # findings of one user detector in one file
MAX_RULES_DIRS = 32  # folders named by --rules and rules-dirs together
MAX_OPTIONAL = 16  # `?` in one query file
MAX_QUERY_DEPTH = 32  # nesting of ( and [ in one query file
QUERY_MATCH_LIMIT = 32
DETECTOR_BUDGET = 2.0  # seconds per detector and file
_QUERY_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}\.scm$")
_PYTHON_KEYS = {
    "python": "names a Python detector",
    "gate": "names a Python gate",
}


class UserRuleError(ConfigError):
    """A rule folder that cannot be used: exit 2 with the message."""


@dataclass(frozen=True)
class RulesDir:
    """A folder of rules as given (for messages) and where it is."""

    given: str
    path: str
    # The scanned tree when the folder was named by a configuration inside it.
    tree: str = field(default="", compare=False)


def tree_holding(folder: str, trees: Sequence[str]) -> str:
    """The scanned tree (a real path) that holds `folder`, or "" (outside them all)."""
    real = os.path.realpath(folder)
    return next((t for t in trees if _inside(real, t)), "")


def _inside(path: str, root: str) -> bool:
    from ztlint.gitrun import inside

    return inside(path, root)


# --- reading ------------------------------------------------------------------------


def _read(path: Path, limit: int, what: str) -> str:
    """A regular file, never through a link, at most `limit` bytes, as UTF-8."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UserRuleError(f"{path}: cannot read the {what}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UserRuleError(f"{path}: the {what} is not a regular file")
        if info.st_size > limit:
            raise UserRuleError(f"{path}: the {what} is larger than {limit // 1024} KiB")
        data = os.read(fd, limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise UserRuleError(f"{path}: the {what} is larger than {limit // 1024} KiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserRuleError(f"{path}: the {what} is not UTF-8") from None


def _no_links(folder: Path) -> None:
    """A rule folder holds no link at all: none can lead a read outside it."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_symlink():
                raise UserRuleError(
                    f"{folder / entry.name}: a rule folder may not hold links (nothing "
                    "outside it is read)"
                )


def _yaml(path: Path) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import AliasEvent

    text = _read(path, MAX_RULE_YAML, "rule.yaml")
    # The pure-Python parser: the C one recurses without a limit, and a deeply nested
    # rule.yaml (`[[[[...`) would crash the process; this one raises RecursionError.
    yaml = YAML(typ="safe", pure=True)
    try:
        if any(isinstance(e, AliasEvent) for e in yaml.parse(text)):
            raise UserRuleError(f"{path}: YAML aliases (*name) are not accepted in rule.yaml")
        return yaml.load(text)
    except YAMLError as exc:
        raise UserRuleError(f"{path}: not valid YAML: {exc}") from None
    except RecursionError:
        raise UserRuleError(f"{path}: nested too deeply") from None


# --- what a folder may say ----------------------------------------------------------


def unsafe_regex(pattern: str) -> str | None:
    """Why a regular expression could take super-linear time, or None. Refused: a
    backreference, a quantifier or an alternation inside a repeated group, and more
    than two unbounded repeats in all."""
    import importlib

    # The standard library's own parser of patterns (private, untyped; stable since 3.11).
    parser: Any = importlib.import_module("re._parser")
    const: Any = importlib.import_module("re._constants")
    try:
        tree = parser.parse(pattern)
    except re.error as exc:
        return f"not a regular expression: {exc}"
    except RecursionError:
        return "it is nested too deeply"
    repeats = {const.MAX_REPEAT, const.MIN_REPEAT, const.POSSESSIVE_REPEAT}
    unbounded = 0

    def walk(items: Iterable[tuple[Any, Any]], in_repeat: int) -> str | None:
        """`in_repeat`: the largest count of the repeats around (0: none)."""
        nonlocal unbounded
        for op, arg in items:
            if op in (const.GROUPREF, const.GROUPREF_EXISTS):
                return "it refers back to a group"
            if op in repeats:
                _, high, sub = arg
                if high == const.MAXREPEAT:
                    unbounded += 1
                if in_repeat and high != 1 and (in_repeat > 4 or high == const.MAXREPEAT):
                    # `(\d{1,3}\.){3}` is cheap; `(a+)+` and `(a{1,9}){1,99}` are not.
                    return "it repeats a quantifier inside a repeated group"
                why = walk(sub, max(in_repeat, high if high != 1 else 0))
            elif op == const.BRANCH:
                if in_repeat:
                    return "it repeats an alternation"
                why = next((w for b in arg[1] if (w := walk(b, in_repeat))), None)
            elif op in (const.SUBPATTERN, const.ASSERT, const.ASSERT_NOT, const.ATOMIC_GROUP):
                why = walk(arg[-1], in_repeat)
            else:
                why = None
            if why:
                return why
        return None

    try:
        why = walk(tree, 0)
    except RecursionError:
        return "it is nested too deeply"
    if why is None and unbounded > 2:
        why = "it has more than two unbounded repeats"
    return why


def _check_regex(where: str, pattern: Any) -> None:
    why = unsafe_regex(str(pattern))
    if why:
        raise UserRuleError(
            f"{where}: the regular expression {str(pattern)[:80]!r} is refused: {why}"
        )


def _check_data(where: Path, data: Any, in_tree: bool = False) -> None:
    """Refuse what names code or could run unbounded, before anything is built; and in
    a folder a configuration inside the scanned tree names, what would quote the
    scanned files' values into the report."""
    if not isinstance(data, dict):
        raise UserRuleError(f"{where}: expected a mapping")
    if "project" in data:
        raise UserRuleError(
            f"{where}: project: names a Python check; a rule folder is data only (write "
            "Python rules as an installed plugin)"
        )
    detectors = data.get("detectors") or []
    if not isinstance(detectors, list):
        raise UserRuleError(f"{where}: detectors must be a list")
    for i, det in enumerate(detectors):
        if not isinstance(det, dict):
            continue  # the registry says what is wrong
        at = f"{where}: detectors[{i}]"
        for key, what in _PYTHON_KEYS.items():
            if key in det:
                raise UserRuleError(
                    f"{at}: {key}: {what}; a rule folder is data only (write Python rules "
                    "as an installed plugin)"
                )
        if any(isinstance(t, dict) for t in det.get("triggers") or []):
            raise UserRuleError(f"{at}: triggers: a confirm regex is for ztlint's own rules")
        if "query" in det and not _QUERY_NAME.match(str(det["query"])):
            raise UserRuleError(
                f"{at}: query: '{det['query']}' must be the name of a .scm file in the rule folder"
            )
        if "matches" in det:
            _check_regex(at, det["matches"])
        for key in ("where", "unless"):
            for cond in det.get(key) or []:
                if isinstance(cond, dict) and "matches" in cond:
                    _check_regex(f"{at}: {key}", cond["matches"])
        if in_tree:
            _no_quoting(at, det)
            _no_partial_tests(at, det)
    if in_tree:
        _no_quoting(str(where), data)


_QUOTES = re.compile(r"\{(?:value|(?:sibling|ancestor|root):[^{}]+)\}")
# Tests that say something about part of a value: with one finding per answer, a folder
# the scanned repository controls could read a value it cannot quote, a character at a
# time (a CI secret written into the workspace before the scan). Whole-value tests
# (`equals`, `in`) stay.
_PARTIAL_TESTS = ("matches", "contains")


def _no_partial_tests(at: str, det: Mapping[str, Any]) -> None:
    """A rule folder inside the scanned tree (or named by a configuration there) may not
    test part of a value: no `matches:` or `contains:`, on the detector or in its
    `where`/`unless` conditions."""
    conditions = [det] + [
        c for key in ("where", "unless") for c in (det.get(key) or []) if isinstance(c, dict)
    ]
    for cond in conditions:
        for key in _PARTIAL_TESTS:
            if key in cond:
                raise UserRuleError(
                    f"{at}: {key}: a rule folder inside the scanned tree (or named by a "
                    "configuration there) may test whole values only (equals, in, exists): a "
                    "test of part of a value would let the repository read, one finding at a "
                    "time, a value the report must not show; keep the folder outside the tree"
                )


def _no_quoting(at: str, raw: Mapping[str, Any]) -> None:
    """A rule folder inside the scanned tree, or one its configuration names, may not quote the
    scanned files' values into the report (`{value}`, `{sibling:...}`, a chosen
    `entity:`): with its own `select`, the secret rules that mask a password may not
    run. `{entity}` (the nearest `name`) and `{key}` stay."""
    if "entity" in raw:
        raise UserRuleError(
            f"{at}: entity: a rule folder inside the scanned tree (or named by a configuration "
            "there) names its entity by the nearest `name`; keep the folder outside the tree "
            "to choose one"
        )
    if _QUOTES.search(str(raw.get("message") or "")):
        raise UserRuleError(
            f"{at}: message: a rule folder inside the scanned tree (or named by a "
            "configuration there) may not quote values ({value}, {sibling:...}); keep the "
            "folder outside the tree to quote them"
        )


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_COMMENT = re.compile(r";[^\n]*")
_MATCH_PREDICATE = re.compile(r'\(#(?:any-)?(?:not-)?match\?\s+@[\w.-]+\s+("(?:[^"\\]|\\.)*")')


def _in_tree_query(where: Path, source: str, stripped: str) -> None:
    """A query of a rule folder inside the scanned tree (or named by a configuration
    there) quotes no capture anywhere (a `{name}` in any string, however the `#set!` is
    written) and tests text only whole (`#eq?`, `#any-of?` and their `not-` forms): a
    `#match?` on part of a value would let the repository read it a finding at a time."""
    where_from = (
        "a query of a rule folder inside the scanned tree (or named by a configuration there)"
    )
    if re.search(r"\{[\w.-]+\}", " ".join(_STRING.findall(_COMMENT.sub("", source)))):
        raise UserRuleError(
            f"{where}: {where_from} may not quote captures ({{name}}); keep the folder "
            "outside the tree to quote them"
        )
    for name in re.findall(r"#([\w-]+[?!])", stripped):
        if name not in _IN_TREE_PREDICATES:
            raise UserRuleError(
                f"{where}: #{name}: {where_from} may test text only whole (#eq?, #any-of? "
                "and their not- forms); keep the folder outside the tree for other predicates"
            )


_IN_TREE_PREDICATES = frozenset({"set!", "eq?", "not-eq?", "any-of?", "not-any-of?"})


def _check_query(where: Path, language: str, source: str, in_tree: bool = False) -> None:
    """A query that names no Python and cannot blow up: few patterns, few quantifiers,
    safe regular expressions."""
    from ztlint.parsers import code

    stripped = _STRING.sub('""', _COMMENT.sub("", source))
    quantifiers = stripped.count("*") + stripped.count("+")
    if quantifiers > MAX_QUANTIFIERS:
        raise UserRuleError(
            f"{where}: {quantifiers} quantifiers (* or +); a query of a rule folder may have "
            f"{MAX_QUANTIFIERS}"
        )
    # `?` outside a predicate's name (`#eq?`) is an optional node: tree-sitter's query
    # compiler is super-linear in them, so a short query could take hours to compile.
    optional = len(re.findall(r"(?<![\w!-])\?", re.sub(r"#[\w-]+[?!]", "", stripped)))
    if optional > MAX_OPTIONAL:
        raise UserRuleError(
            f"{where}: {optional} optional nodes (?); a query of a rule folder may have "
            f"{MAX_OPTIONAL}"
        )
    depth = deepest = 0
    for ch in stripped:
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(ch, 0)
        deepest = max(deepest, depth)
    if deepest > MAX_QUERY_DEPTH:
        raise UserRuleError(
            f"{where}: nested {deepest} deep; a query of a rule folder may nest {MAX_QUERY_DEPTH}"
        )

    for m in _MATCH_PREDICATE.finditer(source):
        import json

        try:
            pattern = json.loads(m.group(1))
        except ValueError:
            pattern = m.group(1)[1:-1]
        _check_regex(str(where), pattern)
    if in_tree:
        _in_tree_query(where, source, stripped)
    try:
        query = code.compile_query(language, source)
    except Exception as exc:  # tree-sitter's QueryError and its kin
        raise UserRuleError(f"{where}: not a valid {language} query: {exc}") from None
    if query.pattern_count > MAX_PATTERNS:
        raise UserRuleError(
            f"{where}: {query.pattern_count} patterns; a query of a rule folder may have "
            f"{MAX_PATTERNS}"
        )
    for i in range(query.pattern_count):
        if "guard" in query.pattern_settings(i):
            raise UserRuleError(
                f"{where}: #set! guard names a Python guard; a rule folder is data only"
            )


# --- loading ------------------------------------------------------------------------


def load_dirs(dirs: Sequence[RulesDir]) -> tuple[Rule, ...]:
    """The rules of these folders (each a rule folder or a folder of them)."""
    rules: list[Rule] = []
    token = os.urandom(8).hex()
    # The same folder named twice is loaded once (a configuration that repeats a folder
    # thousands of times must not multiply the work), and only so many are read.
    unique = list({(os.path.realpath(d.path), d.tree): d for d in dirs}.values())
    if len(unique) > MAX_RULES_DIRS:
        raise UserRuleError(f"more than {MAX_RULES_DIRS} folders of rules are named")
    for d in unique:
        base = Path(d.path)
        if d.tree and not _inside(os.path.realpath(base), d.tree):
            raise UserRuleError(f"{d.given}: leads outside the scanned tree")
        if not base.is_dir():
            raise UserRuleError(f"{d.given}: not a folder of rules")
        if (base / "rule.yaml").exists() or (base / "rule.yaml").is_symlink():
            rules.append(load_folder(base, token, bool(d.tree)))
            continue
        _no_links(base)
        folders = sorted(p for p in base.iterdir() if (p / "rule.yaml").exists())
        if len(folders) > MAX_RULE_FOLDERS:
            raise UserRuleError(f"{d.given}: more than {MAX_RULE_FOLDERS} rule folders")
        if not folders:
            raise UserRuleError(f"{d.given}: holds no rule folder (NAME/rule.yaml)")
        rules.extend(load_folder(p, token, bool(d.tree)) for p in folders)
    return tuple(rules)


def load_folder(folder: Path, token: str = "", in_tree: bool = False) -> Rule:
    """One rule folder; `token` names the load it is part of (for the time budget);
    `in_tree`: named by a configuration inside the scanned tree."""
    from ztlint import registry

    _no_links(folder)
    where = folder / "rule.yaml"
    data = _yaml(where)
    _check_data(where, data, in_tree)
    if "id" in data and not USER_ID.match(str(data["id"])):
        raise UserRuleError(
            f"{where}: id '{data['id']}' must be a prefix of your own (2 to 8 capital "
            "letters, not ZT) and three digits, such as ACME001"
        )
    digest = hashlib.sha256()
    digest.update(_read(where, MAX_RULE_YAML, "rule.yaml").encode())
    docs = folder / "docs.md"
    if docs.exists():
        digest.update(_read(docs, MAX_DOCS, "docs.md").encode())
    for i, det in enumerate(data.get("detectors") or []):
        if isinstance(det, dict) and "query" in det:
            query_file = folder / str(det["query"])
            source = _read(query_file, MAX_QUERY, "query")
            language = str(det.get("language", ""))
            from ztlint import classify

            if language not in classify.LANGUAGES:
                raise UserRuleError(f"{where}: detectors[{i}]: unknown language {language!r}")
            _check_query(query_file, language, source, in_tree)
            digest.update(source.encode())
    try:
        rule = registry.load_rule(folder, id_pattern=USER_ID)
    except registry.RuleLoadError as exc:
        raise UserRuleError(str(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserRuleError(f"{folder}: {exc}") from None
    token = token or os.urandom(8).hex()
    budget = DETECTOR_BUDGET
    detectors = tuple(
        replace(d, run=Budgeted(_limited(d.run), token, budget)) for d in rule.detectors
    )
    return replace(
        rule,
        detectors=detectors,
        origin=str(folder),
        # (in_tree joins the cache key: its findings are built without a source line)
        digest=("tree-folder:" if in_tree else "folder:") + digest.hexdigest(),
        quotes_source=not in_tree,
    )


def _limited(run: DetectFn) -> DetectFn:
    if isinstance(run, QueryRunner):
        return replace(run, match_limit=QUERY_MATCH_LIMIT)
    return run


# --- the time budget ----------------------------------------------------------------


class RuleOverTime(Exception):
    """A user rule's detector ran out of its time on a file."""


# The loads of rule folders (a token each) one of whose detectors ran out of time in
# this process: all their rules are skipped on the files after (each a ZT905 notice),
# so hostile folders cost one budget per worker, however many rules and files they have.
_TRIPPED: set[str] = set()


@dataclass(frozen=True)
class Budgeted:
    """A user rule's detector with a budget of CPU time per file. It is measured by its
    own timer (ITIMER_VIRTUAL, SIGVTALRM), apart from the file time-out's SIGALRM, and
    seen by Python's regular expressions and when a query's matches come back. Picklable."""

    run: DetectFn
    token: str  # new with every load of rule folders
    seconds: float = DETECTOR_BUDGET

    def __call__(self, ctx: FileContext) -> Iterator[Hit]:
        if self.token in _TRIPPED:
            raise RuleOverTime(
                "skipped: a rule folder's detector ran out of its time on an earlier file"
            )
        return iter(self._bounded(ctx))

    def _bounded(self, ctx: FileContext) -> list[Hit]:
        def time_up(signum: int, frame: Any) -> None:
            raise RuleOverTime(f"ran longer than {self.seconds:g} s of CPU on this file")

        try:
            outer = signal.signal(signal.SIGVTALRM, time_up)
        except (AttributeError, ValueError):  # no such timer (Windows), off the main thread
            return list(itertools.islice(self.run(ctx), MAX_HITS))
        try:
            signal.setitimer(signal.ITIMER_VIRTUAL, self.seconds)
            # A bounded number per file: `((_) @finding)` would report every node.
            return list(itertools.islice(self.run(ctx), MAX_HITS))
        except RuleOverTime:
            _TRIPPED.add(self.token)
            raise
        finally:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
            signal.signal(signal.SIGVTALRM, outer)

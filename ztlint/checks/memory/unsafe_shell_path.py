"""Kernel paths and destructive targets built from unchecked variables:
`unsafe-shell-path` (shell).

`echo 1 > /proc/sys/net/ipv4/conf/$IFACE/forwarding` writes wherever `$IFACE` points:
`../../` in the variable reaches any sysctl, and an unquoted value splits and globs
(the seed's L4). Reported: a write (`>`, `>>`, `tee`) to a `/proc` or `/sys` path with
a variable that is unquoted, or quoted but never validated earlier in the script (no
`case` on it, no `[[ $VAR =~ ... ]]`, no comparison with a fixed word); and unquoted
variables in the targets of `rm -rf`, `chmod` and `chown`; reads of a process's folder named by a variable
(`cat /proc/$PID/environ`, `< /proc/${pid}/cmdline`) with an unquoted or unvalidated
variable. Positional parameters validated the same way count;
variables the script only sets to fixed words (or loops over an array of fixed words)
are not reported; a path `find` printed or the shell resolved (`$(cd .. && pwd)`,
`$(mktemp -d)`, `$(dirname ..)`) exists and is never empty, and a variable every
setting of which holds a literal name (`OUT=./pkg/app_${V}`) can be neither empty nor
`/`, so only a space in either can split it: reported at low confidence. A variable an
earlier `if`/`elif` chain of equalities (whose `else` returns or exits) or a `case`
with an exiting catch-all pins to fixed words is not reported. A function's
positional parameter is fixed when every call passes a fixed argument. A destructive
target's variable is fixed by other files too (the project check): the `ENV` of an image
whose Dockerfile copies the script, or a file from the script's folder that it sources
(`source "$here/defaults.sh"`), setting it to one literal word. The module is over 420 lines: the
script's variable facts (fixed, resolved, anchored, basenames), the three kinds of use
(writes, destructive targets, reads) and what other files fix belong together.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from tree_sitter import Node

from ztlint.checks.codeutil import hit, nodes_of, walk
from ztlint.checks.codeutil import text as _text
from ztlint.model import Confidence
from ztlint.rule import FileContext, Hit

_KERNEL = re.compile(r"(^|[\"'\s])/(proc|sys)/")
_EXPANSIONS = ("simple_expansion", "expansion")


def _variables(ctx: FileContext, node: Node) -> list[tuple[str, bool]]:
    """(name, quoted) for each expansion in a word."""
    found = []
    for inner in walk(node):
        if inner.type in _EXPANSIONS:
            name = next(
                (
                    _text(ctx, c)
                    for c in inner.named_children
                    if c.type in ("variable_name", "special_variable_name")
                ),
                "",
            )
            quoted = False
            parent = inner.parent
            while parent is not None:
                if parent.type == "string":
                    quoted = True
                    break
                if parent.id == node.id:
                    break
                parent = parent.parent
            if name:
                found.append((name, quoted))
    return found


def _validated(ctx: FileContext, name: str, before: int) -> bool:
    head = ctx.text[:before]
    var = rf"\$\{{?{re.escape(name)}\}}?"
    return bool(
        re.search(rf"\bcase\s+\"?{var}\"?\s+in\b", head)
        or re.search(rf"\[\[[^\]]*{var}\"?\s*=~", head)
        # Compared with a fixed word (`[[ "$IFACE" == "eth0" ]]`, `[ "$V" = wan ]`), as
        # a `case` on it is: the branches that use it know its value.
        or re.search(rf"\[\[?\s*\"?{var}\"?\s*==?\s*[\"']?[\w.:-]+[\"']?\s*\]", head)
        or re.search(rf"grep\s+-[a-zA-Z]*[qxE][a-zA-Z]*\s+[^|;\n]*<<<\s*\"?{var}", head)
        or re.search(rf"echo\s+\"?{var}\"?\s*\|\s*grep\s+-[a-zA-Z]*q", head)
    )


_GLOB_OR_SPACE = re.compile(r"[\s*?\[]")


# One equality of a test with a fixed word (`"$IFACE" == "eth0"`, `$V = wan`), as a
# branch's condition or one of its `||` alternatives.
_EQUALS_WORD = (
    r"""\s*"?\$\{{?{var}\}}?"?\s*(?:==?\s*(["']?)[\w.:/-]+\1"""
    # or matched against an anchored list of fixed words (`=~ ^(aws-cni|metrics)$`)
    r"""|=~\s*\^\(?[\w-]+(?:\|[\w-]+)*\)?\$)\s*"""
)


def _pinned(ctx: FileContext, name: str, at: Node) -> bool:
    """Every way to `at` passes an earlier `if`/`elif` chain whose branches each test the
    variable against fixed words and whose `else` returns or exits (or a `case` on it
    whose catch-all does): past it the variable holds one of those words, so neither an
    empty value nor a split reaches the path, quoted or not."""
    statements = ctx.cached(_pinning).get(name, ())
    if not statements:
        return False
    function = _function_of(at)
    # The nearest statements that end before the use, nearest first (a bounded number:
    # a pin sits just above what it guards).
    ends = [s.end_byte for s in statements]
    before = bisect.bisect_right(ends, at.start_byte)
    for statement in reversed(statements[max(0, before - _NEAREST) : before]):
        if _function_of(statement) != function:
            continue
        parent = statement.parent
        if parent is not None and parent.start_byte <= at.start_byte < parent.end_byte:
            return True  # on the way to the use, not a branch beside it
    return False


_NEAREST = 32
_TESTED = re.compile(r"""^\[\[?\s*"?\$\{?(\w+)""")


def _pinning(ctx: FileContext) -> dict[str, list[Node]]:
    """The `if` chains and `case` statements that pin a variable, by its name: read once
    per script, each statement judged for the one variable it tests."""
    out: dict[str, list[Node]] = {}
    for statement in nodes_of(ctx, "if_statement", "case_statement"):
        if statement.type == "case_statement":
            value = statement.child_by_field_name("value")
            named = re.fullmatch(r'"?\$\{?(\w+)\}?"?', _text(ctx, value)) if value else None
            if named and _case_pins(ctx, statement, named.group(1)):
                out.setdefault(named.group(1), []).append(statement)
            continue
        first = next((c for c in statement.children_by_field_name("condition") if c.is_named), None)
        tested = _TESTED.match(_text(ctx, first).strip()) if first is not None else None
        if tested and _if_pins(ctx, statement, tested.group(1)):
            out.setdefault(tested.group(1), []).append(statement)
    for found in out.values():
        found.sort(key=lambda n: n.end_byte)
    return out


def _function_of(node: Node) -> int | None:
    parent = node.parent
    while parent is not None and parent.type != "function_definition":
        parent = parent.parent
    return parent.id if parent is not None else None


def _leaves(ctx: FileContext, body: list[Node]) -> bool:
    """A branch whose last command returns from the function or exits the script."""
    commands = [c for c in body if c.type not in ("comment",)]
    if not commands or commands[-1].type != "command":
        return False
    name = commands[-1].child_by_field_name("name")
    return name is not None and _text(ctx, name) in ("return", "exit")


def _if_pins(ctx: FileContext, statement: Node, name: str) -> bool:
    equals = re.compile(_EQUALS_WORD.format(var=re.escape(name)))
    conditions = [c for c in statement.children_by_field_name("condition") if c.is_named]
    otherwise = None
    for clause in statement.named_children:
        if clause.type == "elif_clause":
            tests = [c for c in clause.named_children if c.type == "test_command"]
            conditions.extend(tests[:1] or [clause])
        elif clause.type == "else_clause":
            otherwise = clause
    if otherwise is None or not _leaves(ctx, otherwise.named_children) or not conditions:
        return False
    for condition in conditions:
        text = _text(ctx, condition).strip()
        if condition.type != "test_command" or not text.startswith("["):
            return False
        inner = text.strip("[] \t")
        if not all(equals.fullmatch(part) for part in inner.split("||")):
            return False
    return True


def _case_pins(ctx: FileContext, statement: Node, name: str) -> bool:
    value = statement.child_by_field_name("value")
    if value is None or not re.fullmatch(rf"\"?\$\{{?{re.escape(name)}\}}?\"?", _text(ctx, value)):
        return False
    caught = False
    for item in statement.named_children:
        if item.type != "case_item":
            continue
        values = item.children_by_field_name("value")
        patterns = [_text(ctx, p) for p in values]
        body = [c for c in item.named_children if c.id not in {v.id for v in values}]
        if patterns == ["*"]:
            caught = _leaves(ctx, body)
        elif any(_GLOB_OR_SPACE.search(p.strip("\"'")) for p in patterns):
            return False
    return caught


def _literal(ctx: FileContext, value: Node) -> bool:
    """A word or quoted string with no expansion, whitespace or glob: one fixed field."""
    if value.type not in ("word", "string", "raw_string"):
        return False
    if any(
        inner.type not in ("word", "string", "string_content", "raw_string")
        for inner in walk(value)
    ):
        return False
    return not _GLOB_OR_SPACE.search(_text(ctx, value).strip("\"'"))


def _settings(
    ctx: FileContext,
) -> tuple[dict[str, list[tuple[int, Node | None]]], dict[str, list[list[Node]]], set[str]]:
    """How the script sets its variables, in one pass: assignments (where, and the value),
    `for` loops (their word lists), and the variables set otherwise (`read`, `mapfile`,
    `getopts`, `${VAR:=..}`)."""
    assigned: dict[str, list[tuple[int, Node | None]]] = {}
    looped: dict[str, list[list[Node]]] = {}
    other: set[str] = set()
    for node in nodes_of(ctx, "variable_assignment", "for_statement", "command", "expansion"):
        if node.type == "variable_assignment":
            name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name is not None:
                assigned.setdefault(_text(ctx, name), []).append((node.start_byte, value))
        elif node.type == "for_statement":
            variable = node.child_by_field_name("variable")
            if variable is not None:
                looped.setdefault(_text(ctx, variable), []).append(
                    list(node.children_by_field_name("value"))
                )
        elif node.type == "command":
            name = node.child_by_field_name("name")
            if name is not None and _text(ctx, name) in ("read", "mapfile", "readarray", "getopts"):
                other.update(_text(ctx, c) for c in node.named_children[1:] if c.type == "word")
        elif node.type == "expansion" and re.search(r":?=", _text(ctx, node)):
            other.update(_text(ctx, c) for c in node.named_children if c.type == "variable_name")
    return assigned, looped, other


def _constants(ctx: FileContext) -> set[str]:
    """Variables the script only ever sets to fixed words (`DIR=/var/db/app`, `for iface
    in wan lan`), or to words built only from fixed words and such variables
    (`OUT=${WORK}/out`, `FILES="${FILES} /etc/app/"`, `for f in ${FILES}`, `for d in
    "${DIRS[@]}"`): expanding them, quoted or not, reaches exactly those paths. Found as
    the largest such set: every candidate is assumed fixed, and one set otherwise is
    dropped, until none is (a variable that appends to itself stays fixed)."""
    assigned, looped, other = ctx.cached(_settings)
    fixed = {n for n in assigned.keys() | looped.keys() if n not in other}
    calls = _calls(ctx)
    while True:
        dropped = {
            name
            for name in fixed
            if not all(
                v is not None and _fixed_value(ctx, v, fixed, calls=calls)
                for _, v in assigned.get(name, ())
            )
            or not all(
                words and all(_fixed_value(ctx, w, fixed, loop=True, calls=calls) for w in words)
                for words in looped.get(name, ())
            )
        }
        if not dropped:
            return fixed
        fixed -= dropped


_FIXED_PARTS = frozenset({"word", "string", "string_content", "raw_string", "concatenation"})


# Each function's calls in the script, by the function's start byte: the argument words
# of every call (None: the function is also named where its arguments cannot be seen).
Calls = dict[int, list[list[Node]] | None]


def _calls(ctx: FileContext) -> Calls:
    """The direct calls of the script's functions (`import_cert "CA" "$CA_FILE"`). A
    function whose name appears anywhere else (`trap cleanup EXIT`, `xargs -I{} f`, a
    dispatch through a variable) has calls whose arguments are unknown: None."""
    functions: dict[str, Node] = {}
    for fn in nodes_of(ctx, "function_definition"):
        name = fn.child_by_field_name("name")
        if name is not None:
            functions[_text(ctx, name)] = fn
    if not functions:
        return {}
    found: dict[str, list[list[Node]]] = {name: [] for name in functions}
    for command in nodes_of(ctx, "command"):
        name = command.child_by_field_name("name")
        if name is not None and (called := _text(ctx, name)) in found:
            found[called].append(
                [c for c in command.named_children if c.id != name.id and c.type != "file_redirect"]
            )
    # Every word of the script counted once (not one search per function: a script of
    # many functions would be read once per function).
    mentions = Counter(
        m.group(0)
        for m in _WORD.finditer(ctx.text)
        if m.start() == 0 or ctx.text[m.start() - 1] != "$"
    )
    return {
        fn.start_byte: found[called] if mentions[called] == 1 + len(found[called]) else None
        for called, fn in functions.items()
    }


# A maximal run of a shell word's name characters (function names may hold `-`).
_WORD = re.compile(r"[\w-]+")


def _positional_fixed(
    ctx: FileContext, at: Node, index: int, fixed: set[str], calls: Calls, depth: int
) -> bool:
    """`$N` inside a function every call of which passes a fixed N-th argument."""
    fn = at.parent
    while fn is not None and fn.type != "function_definition":
        fn = fn.parent
    if fn is None or depth > 3:
        return False
    seen = calls.get(fn.start_byte)
    return bool(seen) and all(
        len(args) >= index
        and _fixed_value(ctx, args[index - 1], fixed, calls=calls, depth=depth + 1)
        for args in seen or ()
    )


def _fixed_value(
    ctx: FileContext,
    value: Node,
    fixed: set[str],
    loop: bool = False,
    calls: Calls | None = None,
    depth: int = 0,
) -> bool:
    """A value made of fixed text and expansions of `fixed` variables only (no command
    substitution, no other variable, no glob). An array's elements each so; in a loop's
    word list, `"${ARR[@]}"` of a fixed array; a function's positional parameter that
    every call of the function passes fixed (`local FILE=$3`)."""
    if _literal(ctx, value):
        return True
    if value.type == "array":
        return all(_fixed_value(ctx, item, fixed, calls=calls) for item in value.named_children)
    if loop and (array := _elements_of(ctx, value)) is not None:
        return array in fixed
    for inner in walk(value):
        if inner.type in _EXPANSIONS:
            names = [c for c in inner.named_children if c.type == "variable_name"]
            if len(inner.named_children) != 1 or not names:
                return False
            name = _text(ctx, names[0])
            if name.isdigit() and name != "0":
                if not _positional_fixed(ctx, inner, int(name), fixed, calls or {}, depth):
                    return False
            elif name not in fixed:
                return False
        elif inner.type in ("variable_name", '"', "$", "${", "}"):
            continue
        elif inner.type not in _FIXED_PARTS:
            return False
    literal_text = _text(ctx, value)
    for inner in walk(value):
        if inner.type in _EXPANSIONS:
            literal_text = literal_text.replace(_text(ctx, inner), "")
    return not re.search(r"[*?\[]", literal_text)


_ELEMENTS = re.compile(r'"?\$\{(\w+)\[[@*]\]\}"?')


def _elements_of(ctx: FileContext, word: Node) -> str | None:
    """The array a loop word expands to its elements (`"${DIRS[@]}"`), or None."""
    m = _ELEMENTS.fullmatch(_text(ctx, word))
    return m.group(1) if m else None


# A command substitution whose output is a path the shell resolved: the folder `cd`
# reached (`$(cd "$(dirname "$0")/.." && pwd)`), a new temporary file or folder, the
# folder of a path, a canonical path, the repository's top level. Never empty.
_RESOLVED = re.compile(
    r"\$\((?:.*(?:^|&&|;|\s)pwd(?:\s+-[LP])?\s*|\s*(?:mktemp|dirname|realpath|readlink\s+-[fem]"
    r"|git\s+rev-parse\s+--show-toplevel)\b.*)\)",
    re.S,
)


_BASENAME_OF = re.compile(r'\$\(\s*basename\s+"?\$\{?(\w+)\}?"?\s*\)')


def _entry_names(ctx: FileContext) -> frozenset[str]:
    """Variables set only to the name of an entry a loop found by a glob of a literal
    folder (`for dev in /sys/bus/pci/devices/*; do addr=$(basename "$dev")`): a glob
    yields existing entries, never `.` or `..`, and their last part holds no `/`, so the
    name stays one entry of that folder."""
    assigned, looped, other = ctx.cached(_settings)
    globbed = {
        name
        for name, loops in looped.items()
        if name not in other
        and name not in assigned
        and all(
            words
            and all(
                w.type in ("word", "concatenation")
                and _text(ctx, w).startswith("/")
                and "*" in _text(ctx, w)
                and not any(
                    i.type in _EXPANSIONS or i.type == "command_substitution" for i in walk(w)
                )
                for w in words
            )
            for words in loops
        )
    }
    out = set()
    for name, where in assigned.items():
        if name in other or name in looped:
            continue
        ok = bool(where)
        for _, value in where:
            text = _text(ctx, value).strip('"') if value is not None else ""
            m = _BASENAME_OF.fullmatch(text)
            if m is None or m.group(1) not in globbed:
                ok = False
                break
        if ok:
            out.add(name)
    return frozenset(out)


def _resolved_paths(ctx: FileContext) -> set[str]:
    """Variables the script sets only to a path the shell resolved (_RESOLVED): their
    value exists and is never empty (only a space in it splits)."""
    assigned, looped, other = ctx.cached(_settings)
    return {
        name
        for name, where in assigned.items()
        if name not in other
        and name not in looped
        and all(v is not None and _resolved(ctx, v) for _, v in where)
    }


def _resolved(ctx: FileContext, value: Node) -> bool:
    """The value is one command substitution of _RESOLVED (`$(..)`), or a temporary
    folder mktemp made however the substitution is written (in backquotes, or
    double-quoted: `"$(mktemp -d)"`): a name under the temporary folder, never the
    checkout's path, which a space in a user's folder can split."""
    text = _text(ctx, value)
    if value.type == "command_substitution" and _RESOLVED.fullmatch(text) is not None:
        return True
    if value.type == "string" and len(value.named_children) == 1:
        value = value.named_children[0]
        text = _text(ctx, value)
    if value.type != "command_substitution":
        return False
    if text.startswith("`") and text.endswith("`") and len(text) > 1:
        text = "$(" + text[1:-1] + ")"
    return _MKTEMP.fullmatch(text) is not None


_MKTEMP = re.compile(r"\$\(\s*mktemp\b[^()`$]*\)")


_BASENAME = re.compile(r'"?\$\{\w+##\*/\}"?')


def _basenames(ctx: FileContext) -> dict[str, list[tuple[int, bool]]]:
    """Where each variable is set, in order, and whether to the last part of a path
    (`DIR="${PATH_VAR##*/}"`: the value holds no `/`). A variable also read, looped over or
    defaulted (`${V:=..}`) is left out: its value comes from elsewhere."""
    assigned, looped, other = ctx.cached(_settings)
    return {
        name: sorted(
            (start, value is not None and bool(_BASENAME.fullmatch(_text(ctx, value))))
            for start, value in where
        )
        for name, where in assigned.items()
        if name not in other and name not in looped
    }


def _a_basename(basenames: dict[str, list[tuple[int, bool]]], name: str, at: int) -> bool:
    """The variable's last setting before `at` strips a path to its last part."""
    before = [basename for start, basename in basenames.get(name, ()) if start < at]
    return bool(before) and before[-1]


def _names_in_cwd(ctx: FileContext, word: Node) -> bool:
    """`pkg_${VERSION}`, `$DIR-build`: the variable only completes one name that a
    literal part anchors, with no `/` and no glob, so no value (empty included) turns it
    into a wider path than a name in the current folder."""
    if word.type != "concatenation":
        return False
    rest = _text(ctx, word)
    for inner in walk(word):
        if inner.type in _EXPANSIONS or inner.type == "command_substitution":
            rest = rest.replace(_text(ctx, inner), "")
    rest = rest.strip("\"'")
    return bool(re.search(r"[\w.-]", rest)) and not re.search(r"[/*?\[\s~]", rest)


def _anchored(ctx: FileContext) -> set[str]:
    """Variables every setting of which holds a literal name outside its expansions
    (`OUT="./packages/app_${VERSION}"`, `KEY="$TMP/deploy-key"`, `D="${ROOT}/${ARCH}-build"`):
    no value of the parts turns the whole into `/` or nothing; only a space in a part can
    split it."""
    assigned, looped, other = ctx.cached(_settings)
    anchored = set()
    for name, where in assigned.items():
        if name in other or name in looped:
            continue
        ok = True
        for _, value in where:
            if value is None or value.type not in ("word", "string", "concatenation"):
                ok = False
                break
            rest = _text(ctx, value)
            for inner in walk(value):
                if inner.type in _EXPANSIONS or inner.type == "command_substitution":
                    rest = rest.replace(_text(ctx, inner), "")
            rest = rest.replace('"', "").replace("'", "")
            if not re.search(r"[\w.-]", rest.replace("/", "")) or re.search(r"[*?\[\s~]", rest):
                ok = False
                break
        if ok:
            anchored.add(name)
    return anchored


def _found_paths(ctx: FileContext) -> set[str]:
    """Variables read line by line from `find` output (`find .. | while read -r f`): each
    value is a whole path that exists, never empty. (`for f in $(find ..)` is not among
    them: the loop itself splits names at spaces and globs them.)"""
    return {
        m.group(3)
        for m in re.finditer(
            r"find\s[^|\n]*\|\s*while\s+(IFS=\S*\s+)?read\s+(-\w+\s+)*(\w+)", ctx.text
        )
    }


def _named_file(ctx: FileContext, word: Node) -> bool:
    """The path ends in a literal name (`$DIR/bin/run.sh`): a non-recursive `chmod` or
    `chown` of it changes that one file wherever the variable points, never a tree."""
    text = _text(ctx, word).strip("\"'")
    last = text.rsplit("/", 1)[-1] if "/" in text else ""
    if not last or re.fullmatch(r"[\w.+-]+", last) is None:
        return False
    # A name with an extension, or one at the end of a literal path of three or more
    # parts after the last expansion (`$DIR/usr/local/agent/agent-bin`): a file, not a
    # system folder an empty variable would leave (`$ROOT/etc`).
    tail = re.split(r"\$\{?\w+\}?", text)[-1]
    return "." in last or len([p for p in tail.split("/") if p]) >= 3


def _leading(ctx: FileContext, word: Node) -> bool:
    """The path starts with an expansion (`$DIR/cache`): empty, it is rooted at `/`."""
    return not re.match(r"""["']?[\w./~-]""", _text(ctx, word))


def _nounset(ctx: FileContext, before: int) -> bool:
    head = ctx.text[:before]
    return bool(re.search(r"(?m)^\s*set\s+(-[a-zA-Z]*u|-o\s+nounset)", head)) or bool(
        re.match(r"#![^\n]*\s-[a-zA-Z]*u", head)
    )


# Commands that read the files they are given.
_READERS = frozenset(
    {"cat", "head", "tail", "less", "more", "grep", "egrep", "awk", "sed", "cut", "strings",
     "xxd", "od", "readlink", "ls", "stat", "tr", "sort", "wc", "jq"}
)  # fmt: skip
# A process's folder named by a variable: `/proc/$PID/environ`, `/proc/${pid}/cmdline`.
_PROC_ENTRY = re.compile(r"/proc/\$\{?(\w+)")


def _reads(ctx: FileContext, constants: set[str]) -> Iterator[Hit]:
    """Reads of `/proc/<variable>/...` (a redirect `<`, or a file operand of a reading
    command) whose variable is unquoted or never validated: `../` or another number in it
    reads another process's environment or memory map."""
    for node in nodes_of(ctx, "file_redirect", "command"):
        words: list[Node] = []
        if node.type == "file_redirect":
            op = node.children[0].type if node.children else ""
            destination = node.named_children[-1] if node.named_children else None
            if op == "<" and destination is not None:
                words.append(destination)
        else:
            name = node.child_by_field_name("name")
            if name is None or _text(ctx, name) not in _READERS:
                continue
            words = [
                c for c in node.named_children if c.id != name.id and c.type != "file_redirect"
            ]
        for word in words:
            text = _text(ctx, word)
            m = _PROC_ENTRY.search(text)
            if m is None or m.group(1) in constants:
                continue
            variable = m.group(1)
            quoted = dict(_variables(ctx, word)).get(variable, False)
            if quoted and _validated(ctx, variable, word.start_byte):
                continue
            yield hit(
                ctx,
                word,
                f"a read of {text.strip(chr(34))} uses ${variable}, "
                f"{'never validated' if quoted else 'unquoted'}: a value with `/` or `..` reads "
                "another process's files (its environment, its memory map); check it is a "
                "number (`[[ $PID =~ ^[0-9]+$ ]]`) and quote it",
            )


def detect_shell(ctx: FileContext) -> Iterator[Hit]:
    """Writes to kernel paths and reads of a process's folder. (Destructive targets are
    the project check's, `collect` and `check`: a variable may be fixed by the image the
    script runs in, or by a file it sources.)"""
    for found, _ in _uses(ctx, destructive=False):
        yield found


def _script_facts(
    ctx: FileContext,
) -> tuple[set[str], set[str], dict[str, list[tuple[int, bool]]]]:
    """What the script fixes, what it found or resolved, and the basenames it cut: read
    once for the detector and the project check."""
    constants = _constants(ctx)
    found = (
        _found_paths(ctx)
        | (_resolved_paths(ctx) if "$(" in ctx.text or "`" in ctx.text else set())
        | _anchored(ctx)
    )
    return constants, found, _basenames(ctx) if "##*/" in ctx.text else {}


def _uses(ctx: FileContext, destructive: bool) -> Iterator[tuple[Hit, tuple[str, ...]]]:
    """Kernel writes and reads (destructive=False), or destructive targets (True),
    each with the unquoted variables it names."""
    constants, found, basenames = ctx.cached(_script_facts)
    if not destructive:
        for read in _reads(ctx, constants):
            yield read, ()
    for node in nodes_of(ctx, "file_redirect", "command"):
        targets: list[Node] = []
        if node.type == "file_redirect":
            op = node.children[0].type if node.children else ""
            destination = node.named_children[-1] if node.named_children else None
            if op in (">", ">>", ">|", "&>") and destination is not None:
                targets.append(destination)
        elif node.type == "command":
            name = node.child_by_field_name("name")
            command = _text(ctx, name) if name is not None else ""
            args = [
                c
                for c in node.named_children
                if c.type != "command_name" and c.id != (name.id if name else -1)
            ]
            if command in ("tee", "sudo") and args:
                if command == "sudo" and _text(ctx, args[0]) != "tee":
                    args = []
                targets += [a for a in args if not _text(ctx, a).startswith("-")]
            elif command in ("rm", "chmod", "chown", "chgrp"):
                if not destructive:
                    continue
                flags = " ".join(_text(ctx, a) for a in args if _text(ctx, a).startswith("-"))
                if command == "rm" and not re.search(r"-\w*[rR]", flags):
                    continue
                operands = [a for a in args if not _text(ctx, a).startswith("-")]
                if command != "rm":
                    operands = operands[1:]  # the mode or the owner, not a target
                recursive = re.search(r"(?:^|\s)(?:-\w*[rR]|--recursive)", flags) is not None
                for a in operands:
                    if _names_in_cwd(ctx, a):
                        continue
                    if command != "rm" and not recursive and _named_file(ctx, a):
                        continue  # one named file: empty, the variable only moves it to `/`
                    unquoted = [
                        n
                        for n, q in _variables(ctx, a)
                        if not q and n not in constants and not _pinned(ctx, n, a)
                    ]
                    if (
                        unquoted
                        and all(_a_basename(basenames, n, a.start_byte) for n in unquoted)
                        and "/" not in _text(ctx, a)
                    ):
                        continue  # last parts of paths: a name in the current folder
                    if unquoted and a.type in (
                        "word",
                        "concatenation",
                        "simple_expansion",
                        "expansion",
                    ):
                        names = ", ".join(f"${n}" for n in unquoted)
                        report = hit(
                            ctx,
                            a,
                            f"`{command}` target with unquoted {names}: an empty or spaced value "
                            "changes which files it touches; quote it and check it is set (`${VAR:?}`)",
                        )
                        if set(unquoted) <= found or (  # or resolved, or anchored
                            _nounset(ctx, a.start_byte) and not _leading(ctx, a)
                        ):
                            # a path `find` printed (only a space in it splits), or
                            # `set -u` stops an unset variable, and a literal folder leads the
                            # path (`/build/$ARCH`): an empty value cannot reach `/`
                            report = replace(report, confidence=Confidence.LOW)
                        yield report, tuple(unquoted)
                        break
                continue
        if destructive:
            continue
        for target in targets:
            text = _text(ctx, target)
            if not _KERNEL.search(text if text.startswith("/") else text.lstrip("\"'")):
                continue
            entries = ctx.cached(_entry_names) if "basename" in ctx.text else frozenset()
            for variable, quoted in _variables(ctx, target):
                if variable in constants or variable in entries or _pinned(ctx, variable, target):
                    continue
                if not quoted:
                    problem = "unquoted"
                elif _validated(ctx, variable, target.start_byte):
                    continue
                else:
                    problem = "never validated"
                yield (
                    hit(
                        ctx,
                        target,
                        f"a write to {text.strip(chr(34))} uses ${variable}, {problem}: a value "
                        "with `/` or `..` reaches another kernel setting; check it with `case` "
                        "or `[[ $VAR =~ ^[a-z0-9]+$ ]]` and quote it",
                    ),
                    (variable,),
                )
                break


# --- destructive targets, with what other files fix ---------------------------------------


@dataclass(frozen=True)
class Target:
    """An `rm -r`/`chmod`/`chown` target with unquoted variables the script does not fix."""

    hit: Hit
    names: tuple[str, ...]
    assigned: frozenset[str]  # every variable the script sets itself
    sourced: tuple[str, ...]  # the base names of the files it sources (`. ./env.sh`)


@dataclass(frozen=True)
class FixedNames:
    """A script's variables set only to one literal word each (for scripts sourcing it)."""

    names: frozenset[str]


@dataclass(frozen=True)
class ImageEnv:
    """A Dockerfile's `ENV` variables set to one literal word, and the paths it copies
    into the image (COPY and ADD sources, relative to the build context)."""

    names: frozenset[str]
    copies: tuple[str, ...]


_ASSIGNMENT = re.compile(
    r"^[ \t]*(?:(?:export|readonly|local|declare(?:[ \t]+-\w+)*)[ \t]+)?([A-Za-z_]\w*)=(.*)$", re.M
)
_LITERAL_WORD = re.compile(r"\"[^\"$`\\\s*?\[]+\"|'[^'\s*?\[]+'|[^\s\"'$`\\;|&()<>*?\[#]+")
_SOURCE = re.compile(r"^[ \t]*(?:source|\.)[ \t]+[\"']?([^\s\"';|&]+)", re.M)
_ENV = re.compile(r"^[ \t]*ENV[ \t]+(.+)$", re.M | re.I)
_ENV_PAIR = re.compile(r"([A-Za-z_]\w*)=(\"[^\"]*\"|'[^']*'|\S*)")
_COPY = re.compile(r"^[ \t]*(?:COPY|ADD)[ \t]+(.+)$", re.M | re.I)


def _fixed_names(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(names set only to one literal word, every name set) by the script's lines."""
    assigned: set[str] = set()
    other: set[str] = set()
    for m in _ASSIGNMENT.finditer(text):
        name, rest = m.group(1), m.group(2).split(" #", 1)[0].strip()
        assigned.add(name)
        if not _LITERAL_WORD.fullmatch(rest):
            other.add(name)
    return frozenset(assigned - other), frozenset(assigned)


def _image_env(text: str) -> ImageEnv:
    text = text.replace("\\\r\n", " ").replace("\\\n", " ")  # continued instructions
    names: set[str] = set()
    unfixed: set[str] = set()
    for m in _ENV.finditer(text):
        body = m.group(1).strip()
        pairs = _ENV_PAIR.findall(body)
        if not pairs:  # the legacy form: `ENV NAME value with spaces`
            name, _, value = body.partition(" ")
            pairs = [(name, value.strip())]
        for name, value in pairs:
            plain = value.strip("\"'")
            (names if plain and _LITERAL_WORD.fullmatch(plain) else unfixed).add(name)
    copies: list[str] = []
    for m in _COPY.finditer(text):
        line = m.group(1).strip()
        if line.startswith("["):
            parts = re.findall(r"\"([^\"]+)\"", line)
        else:
            parts = [p for p in line.split() if not p.startswith("--")]
        copies += [_norm(p) for p in parts[:-1]]
    return ImageEnv(frozenset(names - unfixed), tuple(c for c in copies if c))


def _norm(path: str) -> str:
    path = path.strip().rstrip("/")
    while path.startswith("./"):
        path = path[2:]
    return "" if path in (".", "") or any(c in path for c in "*?[$") else path


def collect(ctx: FileContext) -> Iterator[object]:
    if "dockerfile" in ctx.kinds:
        if "env" in ctx.lower():
            env = _image_env(ctx.text)
            if env.names and env.copies:
                yield env
        return
    if "bash" not in ctx.kinds:
        return
    fixed, assigned = _fixed_names(ctx.text)
    if fixed:
        yield FixedNames(fixed)
    if not any(word in ctx.text for word in ("rm ", "chmod", "chown", "chgrp")):
        return
    sourced = tuple(sorted({m.group(1).rsplit("/", 1)[-1] for m in _SOURCE.finditer(ctx.text)}))
    for found, names in _uses(ctx, destructive=True):
        yield Target(found, names, assigned, sourced)


def _runs_in(script: str, dockerfile: str, copies: tuple[str, ...]) -> bool:
    """Whether the image copies the script: a source names it (or a folder holding it)
    relative to a build context that is the Dockerfile's folder or one above it."""
    folder = posixpath.dirname(dockerfile)
    for source in copies:
        for context in _ancestors(folder):
            inside = posixpath.join(context, source) if context else source
            if script == inside or script.startswith(inside + "/"):
                return True
    return False


def _ancestors(folder: str) -> Iterator[str]:
    while True:
        yield folder
        if not folder:
            return
        folder = posixpath.dirname(folder)


def check(facts: Mapping[str, tuple[object, ...]]) -> Iterator[Hit]:
    """Each target whose variables neither the image that copies the script (its `ENV`)
    nor a file it sources from its own folder sets to one literal word."""
    fixed_in: dict[str, frozenset[str]] = {}
    images: list[tuple[str, ImageEnv]] = []
    for path, items in facts.items():
        for item in items:
            if isinstance(item, FixedNames):
                fixed_in[path] = item.names
            elif isinstance(item, ImageEnv):
                images.append((path, item))
    for path, items in facts.items():
        for item in items:
            if not isinstance(item, Target):
                continue
            outside = set(item.names) - item.assigned
            fixed: set[str] = set()
            folder = posixpath.dirname(path)
            for name in item.sourced:
                fixed |= fixed_in.get(posixpath.join(folder, name), frozenset())
            for dockerfile, env in images:
                if outside - fixed and _runs_in(path, dockerfile, env.copies):
                    fixed |= env.names
            unresolved = [n for n in item.names if n not in fixed or n not in outside]
            if unresolved:
                yield replace(item.hit, path=path)

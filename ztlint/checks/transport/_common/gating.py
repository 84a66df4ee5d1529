"""Is an insecure transport setting gated, and by what? (Go)

A setting that is off unless someone turns it on is a different finding from one that
is always on: the deployer holds the switch. The switch is named in the message. A
setting is gated when it sits

- in a branch of an `if` or a `switch` (not one that only tests an error or whether
  something is present, `x != nil`), or after an early `if !x { return ... }` on a flag;
- in a function whose job is to be opted into: named for being insecure
  (`WithInsecure`, `newInsecureClient`), or a closure returned as an option
  (`func(o *options)` from a function that returns `ClientOption`);
- in a value kept apart for the opt-in case: bound to a name that says it is the
  insecure alternative (`insecureTransport := ...`);
- in a file built only with a build tag that is not a platform (`//go:build devcert`);
- in a value bound first and replaced under `if !flag { ... }`: kept only with the flag.

Over 400 lines: every way a Go setting is gated, and the Python, JavaScript and Rust
branches beside them, share one notion of a switch; apart, each would repeat it.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint import provenance, semantics
from ztlint.parsers import code
from ztlint.rule import FileContext
from ztlint.semantics.forward import uses

FUNCTIONS = ("function_declaration", "method_declaration", "func_literal")
_ERROR_TEST = re.compile(r"\berr\b|\bok\b")
_INSECURE_NAME = re.compile(r"(?i)insecure|skip_?verify|skiptls|no_?verify")
_FLAG = re.compile(r"^!\s*([\w.]+(?:\(\))?)$")
# Tags that only pick a platform or toolchain: not a switch anyone turns on.
_PLATFORM_TAGS = frozenset(
    "aix android darwin dragonfly freebsd hurd illumos ios js linux netbsd openbsd plan9 "
    "solaris wasip1 windows zos unix 386 amd64 arm arm64 loong64 mips mips64 mips64le mipsle "
    "ppc64 ppc64le riscv64 s390x wasm cgo gc gccgo ignore".split()
)


def text(ctx: FileContext, node: Node) -> str:
    return " ".join(code.node_text(ctx.source, node).split())


def _short(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."


def enclosing(node: Node, types: tuple[str, ...]) -> Node | None:
    current = node.parent
    while current is not None and current.type not in types:
        current = current.parent
    return current


def statements(block: Node) -> list[Node]:
    """The statements of a block (newer Go grammars wrap them in a statement_list)."""
    children = [c for c in block.named_children if c.type != "comment"]
    if len(children) == 1 and children[0].type == "statement_list":
        children = [c for c in children[0].named_children if c.type != "comment"]
    return children


_PRESENCE = re.compile(
    r"(?<![\w.()\[\]])[\w.()\[\]]+\s*[!=]=\s*nil|nil\s*[!=]=\s*[\w.()\[\]]+|"
    r"len\([^()]*\)\s*[<>!=]=?\s*\d+"
)


# A comparison of a value with a literal: `port == 636`, `typ == "SUBMAIL"`.
_CASE_TEST = re.compile(r"""[\w.()\[\]]+\s*[!=]=\s*("[^"\n]*"|`[^`\n]*`|'[^'\n]*'|\d+)""")
# Literals that name a mode of security, an environment or a scheme: comparing with one
# is a setting someone picks (`mode == "insecure"`, `env != "production"`).
_MODE_WORDS = re.compile(
    r"(?i)insecure|skip|verif|tls|ssl|secure|dev|debug|test|local|self|none|disable|off|"
    r"false|unsafe|allow|trust|http|ws|plain|h2c|noauth|anonymous|prod|stag|sandbox|\bci\b"
)


def _data_case(condition: str) -> bool:
    """`port == 636`, `typ == "SUBMAIL"`: the condition picks a case of the data (which
    server, which provider), not a mode; inside the case the setting is always on. A
    switch a deployer turns on names a mode (`cfg.Insecure`, `mode == "insecure"`)."""
    parts = [p.strip(" ()!") for p in re.split(r"&&|\|\|", condition)]
    return bool(parts) and all(
        (m := _CASE_TEST.fullmatch(p)) is not None
        and not _MODE_WORDS.search(m.group(1))
        and not p.startswith("len(")  # how many were given: presence, judged below
        for p in parts
    )


def is_switch(condition: str, presence: bool = False) -> bool:
    """A condition that can be a setting: not only error tests, not a case of the data
    (`port == 636`), and (unless `presence` counts, as whether TLS options were given does
    for plaintext) not only tests of whether something is present (`x != nil`,
    `len(x) > 0`)."""
    if _ERROR_TEST.search(condition) or (not presence and _data_case(condition)):
        return False
    if presence:
        return True
    rest = _PRESENCE.sub("", condition)
    return bool(re.search(r"[A-Za-z_]", rest.replace("&&", " ").replace("||", " ")))


def branch_condition(ctx: FileContext, node: Node, presence: bool = False) -> str | None:
    """The condition of the innermost `if` or `switch` branch holding `node` within its
    function, skipping branches that only test an error."""
    child, current = node, node.parent
    while current is not None and current.type not in FUNCTIONS:
        if current.type == "if_statement" and child.type == "block":
            cond = current.child_by_field_name("condition")
            if cond is not None and is_switch(text(ctx, cond), presence):
                return _short(text(ctx, cond))
        if current.type in ("expression_case", "default_case") and child.type != "expression_list":
            switch = current.parent
            value = switch.child_by_field_name("value") if switch is not None else None
            case = current.child_by_field_name("value")
            shown = value if value is not None else case
            if shown is not None and is_switch(text(ctx, shown), presence):
                return _short(text(ctx, shown))
        child, current = current, current.parent
    return None


def early_return_flag(ctx: FileContext, node: Node) -> str | None:
    """`if !insecure { return ... }` earlier in the same function body: what follows
    runs only when the flag is set."""
    function = enclosing(node, FUNCTIONS)
    body = function.child_by_field_name("body") if function is not None else None
    if body is None:
        return None
    for statement in statements(body):
        if statement.start_byte >= node.start_byte:
            break
        if statement.type != "if_statement" or statement.child_by_field_name("alternative"):
            continue
        cond = statement.child_by_field_name("condition")
        consequence = statement.child_by_field_name("consequence")
        if cond is None or consequence is None:
            continue
        flag = _FLAG.match(text(ctx, cond))
        last = statements(consequence)
        if flag and last and last[-1].type == "return_statement":
            return flag.group(1)
    return None


def replaced_unless_flag(ctx: FileContext, node: Node) -> str | None:
    """`cfg := &tls.Config{InsecureSkipVerify: true}` then `if !insecure { cfg = ... }`:
    the value bound first is replaced whenever the flag is off, so it is kept only when
    the flag is set."""
    statement, block = node, node.parent
    while block is not None and block.type not in ("block", "statement_list"):
        if block.type in FUNCTIONS:
            return None
        statement, block = block, block.parent
    if block is None or statement.type not in ("short_var_declaration", "assignment_statement"):
        return None
    left = statement.child_by_field_name("left")
    if left is None or len(left.named_children) != 1:
        return None
    name = text(ctx, left.named_children[0])
    assigned = re.compile(rf"(?<![\w.]){re.escape(name)}\s*=[^=]")
    later = [c for c in block.named_children if c.start_byte > statement.end_byte]
    for following in later:
        if following.type != "if_statement":
            continue
        cond = following.child_by_field_name("condition")
        consequence = following.child_by_field_name("consequence")
        flag = _FLAG.match(text(ctx, cond)) if cond is not None else None
        if flag and consequence is not None and assigned.search(text(ctx, consequence)):
            return flag.group(1)
    return None


def opt_in_function(ctx: FileContext, node: Node) -> str | None:
    """The name of the enclosing function when its job is to be opted into."""
    current = enclosing(node, FUNCTIONS)
    while current is not None:
        name = current.child_by_field_name("name")
        if name is not None:
            named = code.node_text(ctx.source, name)
            result = current.child_by_field_name("result")
            if _INSECURE_NAME.search(named):
                return named + "()"
            if result is not None and re.search(r"Option\b|Opt\b", text(ctx, result)):
                inner = enclosing(node, FUNCTIONS)
                if inner is not None and inner != current:
                    return named + "()"
            return None
        current = enclosing(current, FUNCTIONS)
    return None


def insecure_holder(ctx: FileContext, node: Node) -> str | None:
    """The name the value is bound to when that name marks it as the insecure
    alternative (`insecureTransport.TLSClientConfig = ...`, `insecure := ...`)."""
    current = node.parent
    while current is not None and current.type not in FUNCTIONS:
        left = None
        if current.type in ("assignment_statement", "short_var_declaration"):
            left = current.child_by_field_name("left")
        elif current.type == "keyed_element":
            left = current.child_by_field_name("key")
        elif current.type == "var_spec":
            left = current.child_by_field_name("name")
        if left is not None and _INSECURE_NAME.search(text(ctx, left)):
            return _short(text(ctx, left))
        if current.type == "assignment_statement" and left is not None:
            # `transport.TLSClientConfig = ...` where `transport` goes only into an
            # insecure-named value (`insecureClient: &http.Client{Transport: transport}`)
            first = left.named_children[0] if left.named_children else None
            operand = first.child_by_field_name("operand") if first is not None else None
            if operand is not None and operand.type == "identifier":
                used = _only_used_under_insecure(ctx, current, operand)
                if used:
                    return used
        current = current.parent
    return None


def _only_used_under_insecure(ctx: FileContext, assignment: Node, operand: Node) -> str | None:
    """The insecure-named key (`insecureClient: ...`) under which every later use of the
    value `operand` names is placed, when there is one for all of them."""
    function = enclosing(assignment, FUNCTIONS)
    sem = semantics.of(ctx)
    binding = sem.resolve(operand)
    if function is None or binding is None:
        return None
    holders = set()
    for node in uses(sem, binding, function):
        if node.start_byte < assignment.end_byte:
            continue  # the assignment itself
        current, holder = node.parent, None
        while current is not None and current != function:
            if current.type == "keyed_element":
                key = current.child_by_field_name("key")
                if key is not None and _INSECURE_NAME.search(text(ctx, key)):
                    holder = text(ctx, key)
                    break
            current = current.parent
        if holder is None:
            return None
        holders.add(holder)
    return sorted(holders)[0] if holders else None


def build_tag(ctx: FileContext) -> str | None:
    """A build tag, not a platform, that the file needs to be compiled in."""
    constraint = provenance.go_constraint(ctx.text)
    if not constraint:
        return None
    for m in re.finditer(r"(!?)\s*([\w.]+)", constraint):
        tag = m.group(2)
        if (
            m.group(1)
            or tag in _PLATFORM_TAGS
            or tag.startswith("go1")
            or provenance.is_test_tag(tag, provenance.DEFAULT_TEST_TAGS)
        ):
            continue
        return tag
    return None


def switch_of(ctx: FileContext, node: Node, presence: bool = False) -> tuple[str, str] | None:
    """("branch"|"function"|"holder"|"tag", name) when the setting at `node` is gated;
    `presence`: a test of whether something was given is a switch too."""
    found = (
        branch_condition(ctx, node, presence)
        or early_return_flag(ctx, node)
        or replaced_unless_flag(ctx, node)
    )
    if found:
        return "branch", found
    function = opt_in_function(ctx, node)
    if function:
        return "function", function
    holder = insecure_holder(ctx, node)
    if holder:
        return "holder", holder
    tag = build_tag(ctx)
    if tag:
        return "tag", tag
    return None


def describe(kind: str, name: str, subject: str) -> str:
    """The message for a gated setting; `subject` is what the switch turns off ("TLS
    verification", "TLS for this gRPC connection")."""
    if kind == "branch":
        return f"{subject} can be turned off by `{name}`"
    if kind == "function":
        return f"{subject} is off in `{name}`, which a caller opts into"
    if kind == "holder":
        return f"{subject} is off in `{name}`, kept apart for callers that opt in"
    return f"{subject} is off only in builds with the `{name}` tag"


# --- Python, JavaScript/TypeScript, Rust ------------------------------------------------

ANY_FUNCTIONS = frozenset(
    {
        "function_definition",
        "lambda",
        "function_declaration",
        "function_expression",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
        "function_item",
        "closure_expression",
    }
)
_CONDITIONS = {
    "if_statement": "condition",  # Python, JavaScript, Lua
    "if_expression": "condition",  # Rust
    "ternary_expression": "condition",  # JavaScript
}
_BODIES = frozenset(
    {"block", "statement_block", "else_clause", "elif_clause", "expression_statement"}
)


def any_branch(ctx: FileContext, node: Node, tls_on_skipped: bool = False) -> str | None:
    """The condition of the innermost `if` (or conditional expression) holding `node`
    in its function, in Python, JavaScript/TypeScript, Rust or Lua; error tests skipped,
    and with `tls_on_skipped` a condition that only says TLS is on (`if conf.tls`,
    `if self.use_ssl`): the branch where TLS is spoken, not a switch that weakens it."""
    child, current = node, node.parent
    while current is not None and current.type not in ANY_FUNCTIONS:
        field = _CONDITIONS.get(current.type)
        cond = current.child_by_field_name(field) if field else None
        if current.type == "elif_clause":
            cond = current.child_by_field_name("condition")
        if current.type == "conditional_expression" and len(current.named_children) == 3:
            cond = current.named_children[1]  # Python: a if cond else b
        if current.type == "match_arm":
            cond = _matched_on_true(current)  # Rust: `match self.insecure { true => .. }`
        if (
            cond is not None
            and cond != child
            and is_switch(text(ctx, cond))
            and not (tls_on_skipped and turns_tls_on(text(ctx, cond)))
        ):
            return _short(text(ctx, cond).strip("()"))
        child, current = current, current.parent
    return None


# The words of a flag that turns TLS on (`conf.tls`, `use_ssl`, `cfg.TLS.Enabled`).
_TLS_ON_WORDS = frozenset(
    {"tls", "ssl", "https", "secure", "use", "enable", "enabled", "is", "with"}
)


def turns_tls_on(condition: str) -> bool:
    """A condition that is one flag (perhaps a field path) whose last name says TLS is
    on: `conf.tls`, `self.use_ssl`, `opts.tls_enabled`."""
    flag = condition.strip().strip("()").strip()
    if not re.fullmatch(r"[A-Za-z_][\w.]*", flag):
        return False
    last = [w for w in re.split(r"[_.]|(?<=[a-z])(?=[A-Z])", flag.split(".")[-1]) if w]
    lowered = {w.lower() for w in last}
    return bool(lowered) and lowered <= _TLS_ON_WORDS and bool(lowered & {"tls", "ssl", "https"})


def _matched_on_true(arm: Node) -> Node | None:
    """The value a Rust `match` tests, when this arm is its `true` case."""
    pattern = arm.child_by_field_name("pattern")
    block = arm.parent
    match = block.parent if block is not None else None
    if pattern is None or match is None or match.type != "match_expression":
        return None
    if pattern.text is None or pattern.text.strip() != b"true":
        return None
    return match.child_by_field_name("value")


_ASSIGNS = frozenset({"assignment", "assignment_expression"})


def restored_later(ctx: FileContext, node: Node) -> str | None:
    """`ctx.verify_mode = CERT_NONE` followed, in the same block, by `if <cond>:` whose
    body sets `ctx.verify_mode` to something else: the insecure value is the default of a
    mode a setting picks (libpq's sslmode: `require` encrypts without verifying,
    `verify-full` verifies). The condition that turns verification back on."""
    assign = node if node.type in _ASSIGNS else None
    statement = node.parent
    if assign is None or statement is None or statement.type != "expression_statement":
        return None
    left, right = assign.child_by_field_name("left"), assign.child_by_field_name("right")
    if left is None or right is None:
        return None
    target, value = text(ctx, left), text(ctx, right)
    sibling = statement.next_named_sibling
    while sibling is not None:
        if sibling.type == "if_statement":
            cond = sibling.child_by_field_name("condition")
            body = sibling.child_by_field_name("consequence")
            for inner in [] if body is None else body.named_children:
                first = inner.named_children[0] if inner.named_children else None
                if inner.type != "expression_statement" or first is None:
                    continue
                if first.type not in _ASSIGNS:
                    continue
                new_left = first.child_by_field_name("left")
                new_right = first.child_by_field_name("right")
                if (
                    cond is not None
                    and new_left is not None
                    and new_right is not None
                    and text(ctx, new_left) == target
                    and text(ctx, new_right) != value
                    and is_switch(text(ctx, cond))
                ):
                    shown = text(ctx, cond)
                    if shown.startswith("(") and shown.endswith(")"):
                        shown = shown[1:-1]
                    return _short(shown)
        sibling = sibling.next_named_sibling
    return None


GATED_MESSAGE = "TLS verification can be turned off by `{}`"
RESTORED_MESSAGE = "TLS verification is off unless `{}`: a setting picks the mode"

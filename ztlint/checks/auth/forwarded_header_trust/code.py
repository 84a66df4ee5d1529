"""Access-control and rate-limit decisions keyed on client-supplied forwarding headers.

`X-Forwarded-For` and `X-Real-IP` are request headers: any client can send them. Unless
a proxy the application trusts overwrites them, an IP allow-list or a per-client rate
limit that reads them is decided by the attacker (the seed's B16).

Reported in code:
- the header read directly (`request.headers["x-forwarded-for"]`, Django
  `request.META["HTTP_X_FORWARDED_FOR"]`, Go `r.Header.Get("X-Forwarded-For")`, Express
  `req.headers["x-real-ip"]`) where the value, or a variable holding it, decides
  something in the same function: a condition, a membership test, or an argument to a
  call named for a decision (allow, deny, block, limit, throttle, ...); or where the
  function that reads it is a rate limiter's key function (`key_func=`,
  `keyGenerator:`);
- helpers that trust the header for everyone: slowapi `key_func=get_ipaddr`,
  `ProxyHeadersMiddleware(trusted_hosts="*")`, uvicorn `forwarded_allow_ips="*"`,
  Express `app.set("trust proxy", true)`.

Reading the header only to log it, to validate its format (`valid_ip(ip)`), or to choose
a log level (`if ip != "127.0.0.1": log.warning(...)`) is not a finding. A value derived
from the header in one step (`bucket = f"login-ip-{ip}"`) counts as the header.

Over 400 lines: one detector for five languages; the reads, the uses and the
proxy settings it asks about are the same questions in each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.codeutil import (
    FUNCTIONS,
    STRINGS,
    beyond_expression,
    calls,
    enclosing_function,
    hit,
    keyed,
    literal_value,
    nodes_of,
    walk,
)
from ztlint.checks.codeutil import text as _text
from ztlint.model import Confidence
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics import origins
from ztlint.semantics.vocabulary import words

_HEADER = re.compile(r"^(x-forwarded-for|x-real-ip|http_x_forwarded_for|http_x_real_ip)$", re.I)
_DECISION = frozenset(
    {
        "allow",
        "allowed",
        "deny",
        "denied",
        "block",
        "blocked",
        "ban",
        "banned",
        "limit",
        "limiter",
        "ratelimit",
        "rate",
        "throttle",
        "acl",
        "whitelist",
        "whitelisted",
        "allowlist",
        "blacklist",
        "blocklist",
        "permit",
        "permitted",
        "trusted",
        "authorize",
        "authorized",
        "contains",
        "includes",
        "admin",
        "internal",
        "private",
    }
)
_FORMAT = frozenset({"valid", "validate", "is", "parse", "ip", "addr", "format", "normalize"})
_CONDITIONS = frozenset(
    {
        "if_statement",
        "elif_clause",
        "if_expression",
        "conditional_expression",
        "ternary_expression",
        "while_statement",
        "expression_switch_statement",
        "switch_statement",
    }
)


def _header_reads(ctx: FileContext) -> Iterator[tuple[Node, str]]:
    """Every direct read of a forwarding header, as (read expression, header name)."""
    for node in nodes_of(ctx, *STRINGS):
        value = literal_value(ctx, node)
        if value is None or not _HEADER.match(value):
            continue
        parent = node.parent
        if parent is not None and parent.type in ("argument_list", "arguments"):
            call = parent.parent
            first = parent.named_children[0] if parent.named_children else None
            if first is None or first.id != node.id:
                continue  # `form.get("real_ip_header", "X-Forwarded-For")`: a default value
            if call is not None and call.type in ("call", "call_expression"):
                callee = _text(ctx, call.child_by_field_name("function") or call).split(".")[-1]
                if callee.lower() in (
                    "get",
                    "header",
                    "getheader",
                    "get_header",
                    "values",
                    "get_all",
                ):
                    yield call, value
        elif parent is not None and parent.type in (
            "subscript",
            "subscript_expression",
            "index_expression",
        ):
            yield parent, value


def _decides(ctx: FileContext, scope: Node, read: Node, name: str | None) -> Node | None:
    """Where the value decides something in the function, or None."""
    pattern = re.compile(rf"\b{re.escape(name)}\b") if name else None

    def mentions(node: Node) -> bool:
        if read.start_byte >= node.start_byte and read.end_byte <= node.end_byte:
            return True
        return pattern is not None and pattern.search(_text(ctx, node)) is not None

    for node in walk(scope):
        if node.type in _CONDITIONS:
            condition = node.child_by_field_name("condition") or node.child_by_field_name("value")
            lookup = _initializer_lookup(ctx, node, mentions)
            if lookup is not None and not _only_logs(ctx, node) and not _only_skips(ctx, node):
                return lookup
            if (
                condition is not None
                and mentions(condition)
                and _tests_value(ctx, condition, read, name)
                and not _only_logs(ctx, node)
                and not _only_skips(ctx, node)
                and not _only_forwards(ctx, node)
            ):
                return condition
        elif node.type in ("call", "call_expression"):
            function = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if function is None or args is None or not mentions(args):
                continue
            inside = node.start_byte <= read.start_byte and read.end_byte <= node.end_byte
            if inside and not (
                args.start_byte <= read.start_byte <= read.end_byte <= args.end_byte
            ):
                continue  # the call that makes the value, not one it is given to
            fwords = set(words(_text(ctx, function)))
            if fwords & _DECISION and not _skips_local(fwords):
                return node
        elif (
            node.type in ("comparison_operator", "binary_expression")
            and mentions(node)
            and _tests_value(ctx, node, read, name)
        ):
            op = _text(ctx, node)
            owner = node.parent
            while owner is not None and owner.type not in _CONDITIONS and owner != scope:
                owner = owner.parent
            if (
                owner is not None
                and owner.type in _CONDITIONS
                and (_only_logs(ctx, owner) or _only_forwards(ctx, owner))
            ):
                continue
            if re.search(r"==|!=|\bin\b|\bnot in\b", op) and not re.search(
                r"(None|nil|null|undefined|\"\"|'')\s*$", op
            ):
                return node
    return None


def _initializer_lookup(
    ctx: FileContext, branch: Node, mentions: Callable[[Node], bool]
) -> Node | None:
    """`if _, found := trusted[addr]; !found {`: the if's initializer looks the value up
    in a map (Go's comma-ok) and the condition tests what the lookup bound."""
    initializer = branch.child_by_field_name("initializer")
    condition = branch.child_by_field_name("condition")
    if initializer is None or condition is None:
        return None
    sem = semantics.of(ctx)
    bound = {
        b.name
        for items in sem.bindings(sem.function_of(initializer)).values()
        for b in items
        if b.node.start_byte >= initializer.start_byte and b.node.end_byte <= initializer.end_byte
    } - {"_"}
    if not bound or not bound & set(re.findall(r"\w+", _text(ctx, condition))):
        return None
    for node in walk(initializer):
        if node.type == "index_expression":
            index = node.child_by_field_name("index")
            if index is not None and mentions(index):
                return node
    return None


_SKIP = frozenset(
    {"without", "skip", "exclude", "excluding", "filter", "strip", "remove", "drop", "ignore"}
)


def _skips_local(fwords: set[str]) -> bool:
    """`addressesWithoutInternalIPs(list)`: a call that drops private or internal
    addresses from the list to find the client's, deciding nothing about the client."""
    return bool(fwords & _SKIP) and fwords & _DECISION <= {"internal", "private"}


def _only_skips(ctx: FileContext, condition: Node) -> bool:
    """`if isPrivate(ip) { continue }`: the branch passes over an entry of the list."""
    statements = _branch_statements(condition)
    return bool(statements) and all(
        st.type in ("continue_statement", "continue_expression") for st in statements
    )


def _in_condition(node: Node) -> bool:
    """The call is (part of) an `if`'s condition: its result picks a branch."""
    parent = beyond_expression(node)
    return parent is not None and parent.type in _CONDITIONS


def _branch_statements(condition: Node) -> list[Node]:
    """The statements of an `if` without an `else` (none when it has one)."""
    body = condition.child_by_field_name("consequence") or condition.child_by_field_name("body")
    if body is None or condition.child_by_field_name("alternative") is not None:
        return []
    statements = [c for c in body.named_children if c.type not in ("comment", "line_comment")]
    while len(statements) == 1 and statements[0].type == "statement_list":
        statements = list(statements[0].named_children)
    return statements


_LOG_CALL = re.compile(
    r"^\s*(await\s+)?(print|console\.\w+|"
    r"(\w+\.)*_?(log|logger|logging|LOG|LOGGER|slog|klog|glog|logrus)\.\w+|"
    r"(tracing::|log::)?(debug|info|warn|error|trace)!)\s*\("
)


def _only_logs(ctx: FileContext, condition: Node) -> bool:
    """`if ip != "127.0.0.1": log.warning(...)`: the branch picks a log line, it allows
    or refuses nothing."""
    statements = _branch_statements(condition)
    return bool(statements) and all(_LOG_CALL.match(_text(ctx, st)) for st in statements)


# A write of a forwarding header onto the request passed on (`r.Header.Set("X-Real-Ip",
# ...)`, `headers["X-Forwarded-For"] = ...`).
_HEADER_WRITE = re.compile(
    r"""^\s*[\w.]*[Hh]eaders?(\.(Set|Add|set|add|append)\(\s*|\[\s*)["'`]"""
    r"""(x-forwarded-for|x-real-ip|forwarded|x-client-ip)["'`]""",
    re.I,
)
_LOCAL_ASSIGN = re.compile(r"^\s*\w+(?:\s*,\s*\w+)*\s*:?=[^=]")


def _only_forwards(ctx: FileContext, branch: Node) -> bool:
    """`if xff != "" && xff != peer { r.Header.Set("X-Real-Ip", xff+", "+peer) } else
    {...}`: every statement of the branch and its else writes a forwarding header (or a
    local it builds for one): a proxy passing the chain on, not a decision about the
    client. The upstream that reads the header decides, and is judged where it does."""
    blocks = [branch.child_by_field_name("consequence") or branch.child_by_field_name("body")]
    alternative = branch.child_by_field_name("alternative")
    if alternative is not None:
        blocks.append(alternative)
    statements: list[Node] = []
    for block in blocks:
        if block is None:
            return False
        if block.type in ("else_clause", "else"):
            block = block.named_children[-1] if block.named_children else block
        items = list(block.named_children)
        while len(items) == 1 and items[0].type == "statement_list":
            items = list(items[0].named_children)
        items = [c for c in items if c.type not in ("comment", "line_comment")]
        if any(item.type in ("if_statement", "block", "statement_block") for item in items):
            return False  # a nested branch or block: judged on its own
        statements += items
    writes = [st for st in statements if _HEADER_WRITE.match(_text(ctx, st))]
    return bool(writes) and all(
        st in writes or _LOCAL_ASSIGN.match(_text(ctx, st)) for st in statements
    )


_EMPTY = r"(\"\"|''|nil|None|null|undefined)"


def _tests_value(ctx: FileContext, condition: Node, read: Node, name: str | None) -> bool:
    """Whether a condition judges the value, not only whether it is there or how to
    split it (`if ip != ""`, `if ip:`, `if "," in ip`)."""
    text = _text(ctx, condition)
    target = re.escape(name) if name else re.escape(_text(ctx, read))
    for pattern in (
        rf"{target}(?:\[\d+\])?\s*(!==?|==?=?)\s*{_EMPTY}",
        rf"{_EMPTY}\s*(!==?|==?=?)\s*{target}",
        rf"{target}\s+is\s+(not\s+)?None",
        rf"[\"'][,;:.\s]*[\"']\s+(not\s+)?in\s+{target}",
        rf"\w+\.(Contains|Index|includes)\(\s*{target}\s*,\s*[\"'][,;:\s]*[\"']\s*\)",
        rf"len\(\s*{target}\s*\)\s*[<>=!]+\s*\d+",
        rf"Object\.(keys|values|entries)\(\s*{target}\s*\)\.length\s*[<>=!]+\s*\d+",
        rf"{target}\.length\s*[<>=!]+\s*\d+",
    ):
        text = re.sub(pattern, " ", text)
    # A format check (`valid_ip(ip)`, `net.ParseIP(ip) == nil`) parses the value; it
    # decides nothing about the client.
    for m in list(re.finditer(rf"([\w.]+)\(\s*{target}\s*\)", text)):
        fwords = set(words(m.group(1)))
        if fwords & _FORMAT and not fwords & _DECISION:
            text = text.replace(m.group(0), " ")
    # and so does asking the parsed value its format (`addr.Family().IsIP()`).
    for m in list(re.finditer(rf"\b{target}((?:\.\w+\(\s*\))+)", text)):
        fwords = set(words(m.group(1).rsplit(".", 1)[-1]))
        if fwords & _FORMAT and not fwords & _DECISION:
            text = text.replace(m.group(0), " ")
    text = re.sub(rf"\s*(==|!=)\s*{_EMPTY}", " ", text)
    text = text.strip().strip("()").strip()
    text = re.sub(rf"^(not\s+|!)?{target}$", "", text)
    return re.search(rf"\b{target}" if name else target, text) is not None


def _decision(ctx: FileContext, scope: Node, read: Node) -> Node | None:
    """Where the value read (or the name it is bound to, or a name computed from that
    in one step: `bucket = f"login-ip-{ip}"`) decides something in the function."""
    sem = semantics.of(ctx)
    binding = origins.binding_of(sem, read)
    decision = _decides(ctx, scope, read, binding.name if binding is not None else None)
    for derived in origins.derived(sem, binding) if binding is not None else ():
        if decision is not None:
            break
        if derived.value is not None and _POSITION.match(sem.text(derived.value)):
            continue  # `idx := strings.IndexByte(value, ',')`: where to cut the list
        if derived.name != "_":
            decision = _decides(ctx, scope, read, derived.name)
    return decision


# A position found in the value (where its first `,` is): how to split the header's
# list, nothing about the client.
_POSITION = re.compile(
    r"^(?:strings\.|bytes\.)?(?:Index|IndexByte|IndexRune|IndexAny|LastIndex|LastIndexByte|"
    r"LastIndexAny)\(|^[\w.]+\.(?:indexOf|lastIndexOf|find|rfind|index|rindex|search)\("
)


def _function_name(ctx: FileContext, scope: Node) -> str:
    """A function's name, or the name it is bound to (`const clientIp = (req) => ...`)."""
    name = scope.child_by_field_name("name")
    if name is None and scope.parent is not None and scope.parent.type == "variable_declarator":
        name = scope.parent.child_by_field_name("name")
    return _text(ctx, name) if name is not None else ""


def _helper_decision(ctx: FileContext, scope: Node, read: Node) -> tuple[Node | None, str]:
    """A same-file helper that returns the value (`def client_ip(request): ...`): where
    its result decides something in a caller (`if client_ip(request) not in ALLOWED`,
    `limiter.Allow(clientIP(r))`), and the helper's name."""
    helper = _function_name(ctx, scope)
    if not helper:
        return None, ""
    sem = semantics.of(ctx)
    binding = origins.binding_of(sem, read)
    carried = {binding.name} if binding is not None else set()
    if binding is not None:
        carried |= {d.name for d in origins.derived(sem, binding)}
    returned = any(
        value.start_byte <= read.start_byte <= value.end_byte
        or carried & {sem.text(n) for n in walk(value) if n.type in semantics.NAMES}
        for value in origins.returns_of(sem, scope)
    )
    if not returned:
        return None, ""
    for call in nodes_of(ctx, "call", "call_expression"):
        function = call.child_by_field_name("function")
        if function is None or _text(ctx, function).split(".")[-1] != helper:
            continue
        caller = enclosing_function(call)
        if caller is None or caller == scope:
            continue
        decision = _decision(ctx, caller, call)
        if decision is not None:
            return decision, helper
    return None, ""


# The argument or field naming a rate limiter's key function in the common limiters
# (slowapi and Flask-Limiter, express-rate-limit, Go middlewares, Django/DRF helpers).
_KEY_FUNCTION_FIELDS = frozenset(
    {"key_func", "keyGenerator", "key_generator", "KeyFunc", "KeyGenerator", "keyFunc"}
)
# (node type, key field, value field) of a named argument or field per grammar.
_NAMED_VALUES = (
    ("keyword_argument", "name", "value"),  # Python
    ("pair", "key", "value"),  # TypeScript / JavaScript
    ("assignment_expression", "left", "right"),  # `limiter.keyGenerator = fn`
    ("assignment", "left", "right"),
    ("assignment_statement", "left", "right"),  # Go
)


def _key_functions(ctx: FileContext) -> tuple[set[str], set[int]]:
    """The functions given to a rate limiter as its key function: by name (`key_func=
    client_ip`, `keyGenerator: clientIp`, Go `KeyFunc: clientIP`), and inline ones (a
    lambda or an arrow function) by node."""
    names: set[str] = set()
    inline: set[int] = set()
    values: list[Node] = []
    for kind, key_field, value_field in _NAMED_VALUES:
        for node in nodes_of(ctx, kind):
            key, value = node.child_by_field_name(key_field), node.child_by_field_name(value_field)
            if (
                key is not None
                and value is not None
                and _text(ctx, key).strip("\"'`").rsplit(".", 1)[-1] in _KEY_FUNCTION_FIELDS
            ):
                values.append(value)
    for element in nodes_of(ctx, "keyed_element"):  # Go `Config{KeyFunc: clientIP}`
        parts = element.named_children
        if len(parts) == 2 and _text(ctx, parts[0]) in _KEY_FUNCTION_FIELDS:
            values.append(parts[1].named_children[0] if parts[1].named_children else parts[1])
    for value in values:
        if value.type in FUNCTIONS:
            inline.add(value.id)
        elif value.type in ("identifier", "attribute", "member_expression", "selector_expression"):
            names.add(_text(ctx, value).rsplit(".", 1)[-1])
    return names, inline


_PEER = re.compile(
    r"RemoteAddr|remote_addr|remoteAddress|client\.host|peer_addr|peername|getpeername|PeerAddr"
)


def _trusted_resolution(ctx: FileContext, read: Node, scope: Node) -> bool:
    """The header goes through trusted-proxy resolution: it is an argument of a call that
    names a trust list (`trusted.ClientAddr(r.RemoteAddr, xff)`) or that also
    gets the connection's peer address to check it against; or the function checks the
    peer against a trusted list before believing the header."""
    node = read.parent
    while node is not None and node.id != scope.id:
        if node.type in ("call_expression", "call"):
            function = node.child_by_field_name("function")
            arguments = node.child_by_field_name("arguments")
            callee = _text(ctx, function) if function is not None else ""
            if {"trusted", "trust"} & set(words(callee)) or (
                arguments is not None and _PEER.search(_text(ctx, arguments))
            ):
                return True
        node = node.parent
    return bool(re.search(r"(?i)trusted_?prox|trusted_?(cidr|network|hops|ips)", _text(ctx, scope)))


_IFS = frozenset({"if_statement", "if_expression", "elif_clause"})
_HEADER_WORDS = re.compile(r"(?i)header|forwarded|x-real-ip|meta\b|environ")


def _peer_guarded(ctx: FileContext, read: Node, scope: Node) -> bool:
    """The header is read only in a branch the function takes after it has read the
    connection's peer address, on a condition that is not about the header
    (`if isProxiedRequest { xff := r.Header.Get(..) }` after checking `r.RemoteAddr`
    against the configured proxies): the shape of trusted-proxy resolution."""
    node = read
    while node.parent is not None and node.id != scope.id:
        parent = node.parent
        if parent.type in _IFS:
            condition = parent.child_by_field_name("condition")
            if condition is not None and node.id != condition.id:
                before = ctx.source.utf8[scope.start_byte : parent.start_byte]
                if not _HEADER_WORDS.search(_text(ctx, condition)) and _PEER.search(
                    before.decode("utf-8", "replace")
                ):
                    return True
        node = parent
    return False


# A setting that says the application runs behind a proxy it trusts (`trustProxy`,
# `TRUST_PROXY_HEADERS`, `trusted_proxies`, `behind_proxy`).
_TRUST_SWITCH = re.compile(
    r"(?i)trust\w*?_?prox|prox\w*?_?trust|behind_?prox|trusted_?(?:proxies|hops)"
)


def _trust_switch(ctx: FileContext, read: Node, scope: Node) -> bool:
    """The header is read only in the branch of a condition on the deployer's declared
    trusted proxy (`if (await Settings.get("trustProxy")) { headers["x-forwarded-for"] }`):
    the proxy in front sets it, which is what the setting declares."""
    node = read
    while node.parent is not None and node.id != scope.id:
        parent = node.parent
        if parent.type in _IFS:
            condition = parent.child_by_field_name("condition")
            taken = parent.child_by_field_name("consequence")
            if (
                condition is not None
                and taken is not None
                and taken.id == node.id  # the branch taken when the setting holds
                and _TRUST_SWITCH.search(_text(ctx, condition))
                and "!" not in _text(ctx, condition)
                and " not " not in f" {_text(ctx, condition)} "
            ):
                return True
        node = parent
    return False


def _direct(ctx: FileContext) -> Iterator[Hit]:
    key_functions, inline_keys = _key_functions(ctx)
    for read, header in _header_reads(ctx):
        scope = enclosing_function(read)
        if scope is None:
            continue
        function_name = _function_name(ctx, scope)
        if (function_name and function_name in key_functions) or scope.id in inline_keys:
            named = f" `{function_name}`" if function_name else ""
            yield hit(
                ctx,
                read,
                f"the rate limiter's key function{named} reads {header}, which any "
                "client sets: each request can claim a new address",
            )
            continue
        if _trusted_resolution(ctx, read, scope) or _trust_switch(ctx, read, scope):
            continue
        decision, via = _decision(ctx, scope, read), ""
        if decision is None:
            decision, via = _helper_decision(ctx, scope, read)
        if decision is not None:
            line = code.node_span(ctx.source, decision).start_line
            what = f"decides access (line {line})"
            if decision.type in ("call", "call_expression") and not _in_condition(decision):
                function = decision.child_by_field_name("function")
                callee = _text(ctx, function).split(".")[-1] if function is not None else ""
                what = f"goes to `{callee}` (line {line})"
            if via:
                what = f"is returned by `{via}`, whose result {what}"
            found = hit(
                ctx,
                read,
                f"{header} is read from the request and {what}; any client can set it "
                "unless a trusted proxy overwrites it",
            )
            if _peer_guarded(ctx, read, scope):
                found = replace(
                    found,
                    confidence=Confidence.MEDIUM,
                    message=found.message
                    + " (read only on a branch taken after the peer address is checked)",
                )
            yield found


def _helpers(ctx: FileContext) -> Iterator[Hit]:
    for call, callee, args in calls(ctx):
        name = callee.split(".")[-1]
        if ctx.parser == "python":
            kw = keyed(ctx, args, "keyword_argument", "name", "value")
            positional = [
                a for a in args.named_children if a.type not in ("keyword_argument", "comment")
            ]
            key_func = kw.get("key_func")
            if (
                name == "Limiter"
                and key_func is not None
                and _text(ctx, key_func).endswith("get_ipaddr")
            ):
                yield hit(
                    ctx,
                    call,
                    "slowapi's get_ipaddr keys the limit on X-Forwarded-For, which any client sets; "
                    "use get_remote_address behind a proxy that overwrites the header",
                )
            trusted = (
                kw.get("trusted_hosts")
                if (
                    name == "ProxyHeadersMiddleware"
                    or (
                        name == "add_middleware"
                        and positional
                        and _text(ctx, positional[0]).endswith("ProxyHeadersMiddleware")
                    )
                )
                else None
            )
            allow_ips = kw.get("forwarded_allow_ips") if name in ("run", "Config") else None
            for setting, label in ((trusted, "trusted_hosts"), (allow_ips, "forwarded_allow_ips")):
                if setting is not None and "*" in [
                    literal_value(ctx, n) for n in walk(setting) if n.type == "string"
                ]:
                    yield hit(
                        ctx,
                        call,
                        f'{label}="*" makes the client\'s address whatever X-Forwarded-For says, '
                        "for every client; list the proxies' addresses",
                    )
        elif ctx.parser in ("javascript", "typescript", "tsx") and name == "set":
            items = [a for a in args.named_children if a.type != "comment"]
            if (
                len(items) == 2
                and items[0].type == "string"
                and literal_value(ctx, items[0]) == "trust proxy"
                and _text(ctx, items[1]).strip() == "true"
            ):
                yield hit(
                    ctx,
                    call,
                    "`trust proxy` true makes req.ip the left-most X-Forwarded-For entry, which any "
                    "client sets; give the number of proxies or their addresses",
                )


def detect(ctx: FileContext) -> Iterator[Hit]:
    yield from _direct(ctx)
    yield from _helpers(ctx)

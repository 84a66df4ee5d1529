"""Credentials written into code and configuration as literals.

A literal bound to a credential name (`password = "..."`, `APIKey: "..."`,
`client_secret: ...`), and the fallback that quietly becomes the production value when
a variable is unset (`os.getenv("JWT_SECRET", "dev-secret")`,
`env::var("JWT_SECRET").unwrap_or("dev".into())`, `process.env.JWT_SECRET || "dev"`).
References (`${VAR}`, `{{ .Values.x }}`, `<password>`), paths, prose and placeholders
are not credentials; well-known defaults (`changeme`, `postgres`) are reported at low
severity, and not at all in example files.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Iterator

from tree_sitter import Node

from ztlint import classify
from ztlint.checks import codeutil
from ztlint.checks.secrets import credential_files
from ztlint.checks.secrets.credentials import (
    EXAMPLE_FILE,
    accounts,
    defaults_to_stand_ins,
    is_account_record,
    is_credential_name,
    is_password_name,
    judge_value,
    may_be_credential_value,
    strong_value,
    url_password,
    url_user_host,
)
from ztlint.checks.secrets.placeholder import (
    is_word,
    looks_like_prose,
    only_local_hosts,
)
from ztlint.checks.secrets.tokens import AWS_KEY_ID, AWS_SECRET
from ztlint.model import Confidence, Severity, Span
from ztlint.parsers import code
from ztlint.parsers.data import Mapping, Scalar, Sequence
from ztlint.rule import FileContext, Hit
from ztlint.semantics import uses
from ztlint.semantics.text import after_words, lowering_is_exact

_OTHER_RULES_KINDS = frozenset(
    {"Secret", "SealedSecret", "ExternalSecret", "SecretStore", "ClusterSecretStore"}
)
_FALLBACK_CALLS = frozenset(
    {"getenv", "get", "Getenv", "getEnv", "GetEnv", "env", "getenv_or", "get_env", "fetch"}
)
_OR_CALLS = frozenset({"unwrap_or", "unwrap_or_else", "or", "or_else", "unwrap_or_default"})
_ENV_READ = re.compile(
    r"""(?:var|getenv|environ\.get|env)\s*\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']"""
)
_PROCESS_ENV = re.compile(
    r"process\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']\s*\])$"
)


def _hit(
    name: str,
    verdict: str,
    span: Span,
    secret: Span,
    value: str,
    fallback: bool = False,
    local: Callable[[], bool] | None = None,
    config: bool = False,
    account: bool = False,
) -> Hit:
    """`account`: the password of a user account in a collection of accounts (seeded
    users, an application's user table): real whatever its strength. `local`: the file's endpoints are all local or reserved names (a local or
    sample deployment's configuration): the credential guards nothing real. `config`:
    the value is bound in a configuration file, where a phrase of words
    (`jwt_secret: a_really_strong_secret`) is a sample's or a test suite's stand-in; in
    code a constant is the value the program uses, whatever its shape."""
    what = f"{name} falls back to a literal" if fallback else f"{name} is set to a literal"
    if verdict == "default":
        return Hit(
            span=span,
            message=f"{what} default credential ({len(value)} characters)",
            severity=Severity.LOW,
            confidence=Confidence.MEDIUM,
            secret_spans=(secret,),
        )
    strong = account or strong_value(value, phrases_weak=config)
    local_only = strong and local is not None and local()  # asked only when it decides
    confident = strong and not local_only
    where = " in the configuration of a local deployment" if local_only else ""
    return Hit(
        span=span,
        message=f"hardcoded credential: {what} ({len(value)} characters){where}",
        confidence=Confidence.HIGH if confident else Confidence.MEDIUM,
        secret_spans=(secret,),
    )


def _local_hosts(ctx: FileContext) -> Callable[[], bool]:
    """Whether the file configures a local deployment: its URLs reach only local or
    reserved names, or (a compose file) its credential variables fall back to
    stand-ins. Judged once per file, and only when a strong credential asks."""
    return lambda: ctx.cached(_local_deployment)


def _local_deployment(ctx: FileContext) -> bool:
    return only_local_hosts(ctx.text) or (
        classify.COMPOSE in ctx.kinds and defaults_to_stand_ins(ctx.text)
    )


def _inner(ctx: FileContext, node: Node, value: str) -> Span:
    """The span of the literal's content, without its quotes."""
    outer = code.node_span(ctx.source, node)
    text = code.node_text(ctx.source, node)
    start = text.find(value) if value else -1
    if start < 0 or outer.start_line != outer.end_line:
        return outer
    return Span(
        outer.start_line,
        outer.start_col + start,
        outer.end_line,
        outer.start_col + start + len(value),
    )


def _fallback_name(ctx: FileContext, use: uses.Use, literal: Node) -> str | None:
    """The credential variable a fallback literal stands in for, if any."""
    if use.kind != "call":
        return None
    if use.name in _FALLBACK_CALLS and use.position >= 1:
        args = use.node.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        if first is not None and first.type in codeutil.STRINGS:
            return codeutil.literal_value(ctx, first)
    if use.name in _OR_CALLS:
        fn = use.node.child_by_field_name("function")
        receiver = fn.child_by_field_name("value") if fn is not None else None
        m = _ENV_READ.search(code.node_text(ctx.source, receiver)) if receiver is not None else None
        return m.group(1) if m else None
    return None


def _or_fallback(ctx: FileContext, literal: Node) -> str | None:
    """`process.env.X || "literal"`, `os.environ.get("X") or "literal"`."""
    parent = literal.parent
    if parent is None or parent.type not in ("binary_expression", "boolean_operator"):
        return None
    left = parent.child_by_field_name("left")
    if left is None or left == literal:
        return None
    text = code.node_text(ctx.source, left).strip()
    m = _PROCESS_ENV.search(text) or _ENV_READ.search(text)
    return next((g for g in m.groups() if g), None) if m else None


def _url_hit(value: str, span: Span, secret: Span) -> Hit | None:
    """A password in a URL: shown when it is strong; a password that repeats the user
    name (`postgres://app:app@...`) or is a guessable word is a local default."""
    password = url_password(value)
    if password is None:
        return None
    user, _ = url_user_host(value)
    weak = password == user or not strong_value(password)
    return Hit(
        span=span,
        message=f"hardcoded credential: a URL carries a password ({len(password)} characters)",
        confidence=Confidence.MEDIUM if weak else Confidence.HIGH,
        secret_spans=(secret,),
    )


# What a name must contain, in the text, for `is_credential_name` to accept it. Names are
# judged lowercased (`normalise`), so the gate looks at the lowercased text: the plain
# words with `in`, the rest by regex only when their key word occurs.
_CREDENTIAL_WORDS = ("token", "secret", "password", "passwd", "credential")
_SHORT_NAME = re.compile(r"(?:pass|pwd)(?![a-z0-9_])")
# Words that make a "key" a credential name (`api_key`, `signing key`).
_KEY_QUALIFIERS = tuple(
    "api access private signing encryption auth master client app hmac jwt session crypto "
    "aes shared webhook license".split()
)
_URL_WITH_PASSWORD = re.compile(r"://[^:/@\s]*:[^@/\s]+@")


def may_bind_credential(ctx: FileContext) -> bool:
    """Gate: whether some name in the file can be a credential name, or some URL
    carries a password. Every name the detector judges is a piece of the text."""
    text = ctx.text
    lower = ctx.lower()
    if any(word in lower for word in _CREDENTIAL_WORDS):
        return True
    if ("pass" in lower or "pwd" in lower) and _SHORT_NAME.search(lower):
        return True
    if "key" in lower and _qualified_key(lower):
        return True
    return "://" in text and _URL_WITH_PASSWORD.search(text) is not None


def _qualified_key(lower: str) -> bool:
    """Whether a qualifier word, then only `-`, `_` or whitespace, stands before some
    "key" (as `(?:api|access|...)[-_\\s]*key`)."""
    return next(after_words(lower, "key", _KEY_QUALIFIERS, _key_separator), None) is not None


def _key_separator(c: str) -> bool:
    return c in "-_" or c.isspace()


# Where a literal is not the value of its binding (value semantics): the fields of a
# binding that hold its name, key, type or struct tag, and the nodes that take a
# literal as an index, an operand or an element rather than as the value itself.
_NOT_VALUE_FIELDS = frozenset(
    {"key", "name", "left", "tag", "type", "pattern", "field", "subscript", "index"}
)
# Declared constants and variables: a value made of the name's words names a setting.
_DECLARATIONS = frozenset({"const_spec", "var_spec", "const_item", "static_item"})
_SUBSCRIPTS = frozenset(
    {"subscript", "index_expression", "subscript_expression", "element_reference", "slice"}
)
_OPERATIONS = frozenset({"binary_expression", "binary_operator", "concatenated_string"})
# Collections: a literal among a list's elements is an element, not the name's value.
_COLLECTIONS = frozenset(
    {"list", "tuple", "set", "array", "array_expression", "tuple_expression", "array_literal"}
)
_MEMBER = frozenset(
    {
        "attribute",
        "member_expression",
        "field_expression",
        "selector_expression",
        "navigation_expression",
    }
)


def _is_value(ctx: FileContext, literal: Node, binding: Node) -> bool:
    """Whether the literal is what the binding (or the call, for a fallback) binds: not
    its name, key, type or tag, not an index, not one operand of a computation, not an
    element of a list, and not an argument of a method called on something else
    (`new_random_secret(32).encode("utf-8")`, `cmd.String("password-file", ...)`)."""
    child = literal
    while child != binding:
        parent = child.parent
        if parent is None:
            return False
        if parent.type in _SUBSCRIPTS or parent.type in _OPERATIONS or parent.type in _COLLECTIONS:
            return False
        if _field_of(parent, child) in _NOT_VALUE_FIELDS:
            return False
        if parent.type == "literal_value" and child.type == "literal_element":
            return False  # an element of a Go slice, array or positional struct literal
        if parent.type in codeutil.CALLS and parent != binding and _method_on_other(ctx, parent):
            return False
        child = parent
    return True


def _field_of(parent: Node, child: Node) -> str | None:
    for i, c in enumerate(parent.children):
        if c == child:
            return parent.field_name_for_child(i)
    return None


def _method_on_other(ctx: FileContext, call: Node) -> bool:
    """`x.encode("utf-8")`, `cmd.String(...)`: a method whose receiver is not a literal
    (the literal is an argument, not the wrapped value) nor a type (`Buffer.from`)."""
    fn = call.child_by_field_name("function")
    if fn is None or fn.type not in _MEMBER:
        return False
    receiver = fn.named_children[0] if fn.named_children else None
    if receiver is None or receiver.type in codeutil.STRINGS:
        return False
    text = code.node_text(ctx.source, receiver)
    return not (receiver.type in ("identifier", "type_identifier") and text[:1].isupper())


_CONSTANT_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def _python_constant(ctx: FileContext, binding: Node) -> bool:
    """A Python module or class attribute named in capitals (`TOKENWIZARD = "tokenwizard"`)
    is a declared constant by the language's convention (PEP 8), as a Go `const` is:
    its value is judged as a constant's (a name spelled out is a name)."""
    if binding.type != "assignment" or "python" not in ctx.kinds:
        return False
    target = binding.child_by_field_name("left")
    if target is None or target.type != "identifier":
        return False
    if not _CONSTANT_NAME.fullmatch(code.node_text(ctx.source, target)):
        return False
    statement = binding.parent
    scope = statement.parent if statement is not None else None
    if scope is None:
        return False
    if scope.type == "module":
        return True
    return (
        scope.type == "block"
        and scope.parent is not None
        and scope.parent.type == "class_definition"
    )


def _enum_member(ctx: FileContext, binding: Node) -> bool:
    """A Go constant of a named type (`ModeExec Mode = "exec"`) is a member
    of an enumeration: a name, not a secret."""
    if binding.type != "const_spec":
        return False
    kind = binding.child_by_field_name("type")
    return kind is not None and code.node_text(ctx.source, kind) != "string"


_NUMBERS = frozenset({"number", "integer", "float", "int_literal", "decimal_integer_literal"})


def _folded(ctx: FileContext, literal: Node) -> tuple[Node, str] | None:
    """A sum of literals (`"Hw3k" + 4 + "q7Lm"`) is a literal: its value is the
    concatenation, bound where the whole sum is. None when the literal is not the first
    string of such a sum (the sum is judged once), or the sum holds anything but string
    and number literals; the literal itself when it stands in no sum."""
    top = literal
    while (
        top.parent is not None
        and top.parent.type in ("binary_expression", "binary_operator")
        and _operator(ctx, top.parent) == "+"
    ):
        top = top.parent
    if top == literal:
        return literal, codeutil.literal_value(ctx, literal) or ""
    leaves: list[Node] = []
    stack = [top]
    while stack:
        node = stack.pop()
        if node.type in ("binary_expression", "binary_operator"):
            if _operator(ctx, node) != "+":
                return None
            stack.extend(reversed(node.named_children))
        elif node.type in codeutil.STRINGS or node.type in _NUMBERS:
            leaves.append(node)
        elif node.type != "parenthesized_expression":
            return None
        else:
            stack.extend(reversed(node.named_children))
    first = next((n for n in leaves if n.type in codeutil.STRINGS), None)
    if first != literal:
        return None
    parts = [
        codeutil.literal_value(ctx, n) if n.type in codeutil.STRINGS else codeutil.text(ctx, n)
        for n in leaves
    ]
    if any(p is None for p in parts):
        return None
    return top, "".join(p for p in parts if p is not None)


def _operator(ctx: FileContext, node: Node) -> str:
    op = node.child_by_field_name("operator")
    return codeutil.text(ctx, op) if op is not None else ""


def detect_shell_urls(ctx: FileContext) -> Iterator[Hit]:
    """URLs with a password in shell scripts, quoted or not (`psql postgres://u:p@db/x`,
    `git clone "https://bot:$TOKEN@host/r.git"`: a reference is no password). Comments
    are not read."""
    words = [(n, codeutil.text(ctx, n)) for n in codeutil.nodes_of(ctx, "word")]
    for node, value in sorted(
        [*words, *codeutil.strings(ctx)], key=lambda pair: pair[0].start_byte
    ):
        if "://" in value and "@" in value:
            span = code.node_span(ctx.source, node)
            hit = _url_hit(value.strip(), span, span)
            if hit is not None:
                yield hit


def detect_code(ctx: FileContext) -> Iterator[Hit]:
    example = bool(EXAMPLE_FILE.search(ctx.path))
    reported: set[tuple[int, str]] = set()
    for literal, text in codeutil.strings(ctx):
        if not text:
            continue
        folded = _folded(ctx, literal)
        if folded is None:
            continue
        node, value = folded
        if not value or len(value) < 4:
            continue
        if "@" in value and "://" in value:
            url = _url_hit(value, code.node_span(ctx.source, node), _inner(ctx, node, value))
            if url is not None:
                yield url
                continue
        if not may_be_credential_value(value):
            continue  # no name would make it one: do not look for the name
        name = _or_fallback(ctx, node)
        fallback = name is not None
        use = None
        if name is None:
            use = uses.use_of(ctx, node)
            if use is None or not _is_value(ctx, node, use.node) or _enum_member(ctx, use.node):
                continue
            name = _fallback_name(ctx, use, node)
            fallback = name is not None
            if name is None and use.kind == "binding":
                name = use.name
        if not name or not is_credential_name(name):
            continue
        declared = use is not None and (
            use.node.type in _DECLARATIONS or _python_constant(ctx, use.node)
        )
        verdict = judge_value(name, value, example, fallback=fallback, declared=declared)
        if verdict is None:
            continue
        account = (
            verdict == "secret"
            and use is not None
            and use.node.type == "pair"
            and _in_accounts(ctx, use.node)
        )
        label = name.strip("\"'`").split(".")[-1]
        line = code.node_span(ctx.source, node).start_line
        if (line, label) in reported:
            continue  # one finding per name and line, not one per element
        reported.add((line, label))
        yield _hit(
            label,
            verdict,
            code.node_span(ctx.source, node),
            _inner(ctx, node, value),
            value,
            fallback,
            account=account,
        )


_RECORDS = frozenset({"dictionary", "object"})


def _in_accounts(ctx: FileContext, pair: Node) -> bool:
    """Whether the pair is the password of an account record in a collection of user
    accounts written in code: a list of dictionaries or objects, or one keyed by user
    (`users = {"admin": {"password": ..., "email": ...}, ...}`)."""
    record = pair.parent
    if record is None or record.type not in _RECORDS or record.parent is None:
        return False
    holder = record.parent
    if holder.type == "pair" and holder.parent is not None:
        children = [p.child_by_field_name("value") for p in holder.parent.named_children]
    elif holder.type in _COLLECTIONS:
        children = list(holder.named_children)
    else:
        return False
    records = [c for c in children if c is not None and c.type in _RECORDS]
    key_lists = [_scalar_keys(ctx, r) for r in records]
    return (
        len(records) >= 2 and accounts(key_lists) and is_account_record(_scalar_keys(ctx, record))
    )


def _scalar_keys(ctx: FileContext, record: Node) -> list[str]:
    """The keys of a dictionary or object literal whose values are not records or lists."""
    keys = []
    for pair in record.named_children:
        key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if pair.type != "pair" or key is None or value is None:
            continue
        if value.type in _RECORDS or value.type in _COLLECTIONS:
            continue
        keys.append(codeutil.literal_value(ctx, key) or codeutil.text(ctx, key))
    return keys


def detect_config(ctx: FileContext) -> Iterator[Hit]:
    example = bool(EXAMPLE_FILE.search(ctx.path))
    local = _local_hosts(ctx)
    # A value a template's action writes is its chart's values.yaml default, checked in
    # values.yaml itself (ztlint.helm).
    written = ctx.template.templated if ctx.template is not None else _never
    for doc in ctx.documents():
        if isinstance(doc, Mapping) and doc.get_str("kind") in _OTHER_RULES_KINDS:
            continue  # Secrets are kubernetes-secret-committed's; the rest hold no plaintext
        account = _account_passwords(doc)
        seen: set[int] = set()
        stack: list[object] = [doc]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, Sequence):
                for item in node.items:
                    if (
                        isinstance(item, Scalar)
                        and "=" in item.value
                        and " " not in item.value.split("=", 1)[0]
                        and not written(item)
                    ):
                        var, _, text = item.value.partition("=")
                        yield from _config_pair(var, text, item, example, local)
                    else:
                        stack.append(item)
                continue
            if not isinstance(node, Mapping):
                continue
            env_name = node.get_str("name")
            env_value = node.get("value")
            if (
                env_name is not None
                and isinstance(env_value, Scalar)
                and is_credential_name(env_name)
                and not written(env_value)
            ):
                yield from _config_pair(env_name, env_value.value, env_value, example, local)
            if _is_test_table(node):
                continue
            catalogue = _is_catalogue(node)
            for key, value in node.items():
                if isinstance(value, Scalar):
                    if _format_keyword(node, key.value, value.value) or (
                        catalogue and is_word(value.value)
                    ):
                        continue
                    if (
                        value.kind in ("str", "int", "other")
                        and (
                            is_credential_name(key.value)
                            or ("@" in value.value and "://" in value.value)
                        )
                        and not written(value)
                    ):
                        yield from _config_pair(
                            key.value, value.value, value, example, local, id(value) in account
                        )
                else:
                    stack.append(value)


def _never(node: object) -> bool:
    return False


def _account_passwords(doc: object) -> set[int]:
    """The password values (by id) of the account records in the document's collections
    of user accounts: a list of records, or a mapping of records keyed by user."""
    found: set[int] = set()
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, Sequence):
            children = list(node.items)
        elif isinstance(node, Mapping):
            children = [v for _, v in node.items()]
        else:
            continue
        stack.extend(children)
        records = [c for c in children if isinstance(c, Mapping)]
        # Settings with a value of their own: a postal `address:` list is no endpoint.
        keyed = [[k.value for k, v in r.items() if isinstance(v, Scalar)] for r in records]
        if len(records) < 2 or not accounts(keyed):
            continue
        for record, keys in zip(records, keyed, strict=True):
            if is_account_record(keys):
                found.update(
                    id(v)
                    for k, v in record.items()
                    if isinstance(v, Scalar) and is_password_name(k.value)
                )
    return found


def _format_keyword(mapping: Mapping, key: str, value: str) -> bool:
    """A keyword of the format in a credential key's place: a GitHub Actions job that
    calls a reusable workflow (`uses:`) with `secrets: inherit` passes the caller's
    secrets on; it writes none. A Vault agent annotation
    (`vault.hashicorp.com/agent-inject-secret-db: database/creds/app`) holds the path of
    a secret in Vault, a template or a switch; a template's literal text is read as the
    file it renders (ztlint.embedded)."""
    if key.startswith(_VAULT_AGENT):
        return True
    return key == "secrets" and value == "inherit" and mapping.get("uses") is not None


_VAULT_AGENT = "vault.hashicorp.com/agent-"


def _is_catalogue(mapping: Mapping) -> bool:
    """A message catalogue (a UI translation file): most of the mapping's text values
    are natural language. Its keys are labels (`"Password"`), and a one-word value is
    the label's translation (`"Kennwort"`), not a password."""
    texts = [v.value for _, v in mapping.items() if isinstance(v, Scalar) and v.kind == "str"]
    prose = sum(1 for t in texts if looks_like_prose(t))
    return len(texts) >= 4 and prose * 2 > len(texts)


# A test case's name: capitalised words run together, in two or more parts joined by
# `-` or `/`, one of them camelCase (`SessionResumption-MasterSecret-Server`,
# `TestLogin/ExpiredToken`). HTTP header names (`X-Api-Key`) have no camelCase part.
_TEST_NAME = re.compile(r"[A-Z][A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)+")
_CAMEL_PART = re.compile(r"[A-Z][a-z0-9]+[A-Z]")


_QUOTED_KEY = re.compile(r"""^\s*["']([^"'\s]+)["']\s*:""", re.M)


def _test_name(key: str) -> bool:
    return bool(_TEST_NAME.fullmatch(key) and _CAMEL_PART.search(key))


def _test_table(keys: list[str]) -> bool:
    """A table keyed by test case names (a test suite's expected outcomes, or the
    tests it skips): most of its keys are such names. A credential word in one
    (`...-MasterSecret-...`) is part of what the test is called; its value is what the
    test expects."""
    return len(keys) >= 4 and sum(map(_test_name, keys)) * 2 > len(keys)


def _is_test_table(mapping: Mapping) -> bool:
    return _test_table([k.value for k, _ in mapping.items()])


def _test_table_text(text: str) -> bool:
    """The same for a file no parser reads (a JSON template): its quoted keys."""
    return _test_table(_QUOTED_KEY.findall(text))


def _config_pair(
    name: str,
    value: str,
    node: Scalar,
    example: bool,
    local: Callable[[], bool],
    account: bool = False,
) -> Iterator[Hit]:
    if "@" in value and "://" in value:
        url = _url_hit(value, node.span, node.span)
        if url is not None:
            yield url
            return
    if not is_credential_name(name, env=name.isupper()):
        return
    verdict = judge_value(name, value, example)
    if verdict is not None:
        yield _hit(
            name.strip(),
            verdict,
            node.span,
            node.span,
            value,
            local=local,
            config=True,
            account=account,
        )


def detect_dotenv(ctx: FileContext) -> Iterator[Hit]:
    example = bool(EXAMPLE_FILE.search(ctx.path))
    local = _local_hosts(ctx)
    for number, text in enumerate(ctx.source.lines, 1):
        m = re.match(
            r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s#]*)", text
        )
        if not m:
            continue
        raw = m.group(2)
        value = raw[1:-1] if raw[:1] in "\"'" and len(raw) >= 2 else raw
        if "://" in value and "@" in value:  # `DATABASE_URL=postgres://u:p@db/x`
            start = m.start(2) + (1 if raw[:1] in "\"'" else 0) + 1
            span = Span(number, start, number, start + len(value))
            url = _url_hit(value, span, span)
            if url is not None:
                yield url
                continue
        if not is_credential_name(m.group(1), env=True):
            continue
        verdict = judge_value(m.group(1), value, example)
        if verdict is not None:
            start = m.start(2) + (1 if raw[:1] in "\"'" else 0) + 1
            span = Span(number, start, number, start + len(value))
            whole = Span(number, m.start(1) + 1, number, m.end(2) + 1)
            yield _hit(m.group(1), verdict, whole, span, value, local=local, config=True)


_INI_PAIR = re.compile(r"^([A-Za-z_][\w.\-]*)\s*[=:]\s*(.*?)\s*$")
_QUOTED_ASSIGNMENT = re.compile(
    r"""(?<![\w.$])([A-Za-z_][\w.\-]*)["']?(?:\s*(?:=>|:=|=)\s*|:\s*)(["'])([^"'\s]{4,200})\2"""
)
# SQL: CREATE USER app WITH PASSWORD '...', ALTER ROLE ... PASSWORD '...', IDENTIFIED BY '...'
_SQL_PASSWORD = re.compile(
    r"(?i)\b(?:with\s+(?:encrypted\s+)?password|identified\s+by)\s+'([^'\s]{4,200})'"
)
_DOCS = re.compile(r"(?i)\.(md|markdown|rst|adoc|txt|html?)$")


def detect_ini(ctx: FileContext) -> Iterator[Hit]:
    """INI, properties and conf files: `name = value`, and indented continuation lines
    that belong to the key above them."""
    if posixpath.basename(ctx.path).lower() in credential_files.OWNED:
        return  # read by their own format (credential_files.detect_files)
    example = bool(EXAMPLE_FILE.search(ctx.path))
    local = _local_hosts(ctx)
    current: str | None = None
    for number, text in enumerate(ctx.source.lines, 1):
        stripped = text.strip()
        if not stripped or stripped.startswith(("#", ";", "[")):
            current = None if stripped.startswith("[") else current
            continue
        if text[:1] in " \t" and current is not None:
            name, value, start = current, stripped, len(text) - len(text.lstrip()) + 1
        else:
            m = _INI_PAIR.match(text)
            if m is None:
                current = None
                continue
            current = m.group(1)
            name, value, start = m.group(1), m.group(2).strip("\"'"), m.start(2) + 1
        if not value:
            continue
        hit = _line_hit(name, value, number, start, text, example, name.isupper(), local, True)
        if hit is not None:
            yield hit


def _line_hit(
    name: str,
    value: str,
    number: int,
    start: int,
    text: str,
    example: bool,
    env: bool,
    local: Callable[[], bool] | None = None,
    config: bool = False,
) -> Hit | None:
    col = text.find(value, start - 1) + 1 or start
    secret = Span(number, col, number, col + len(value))
    if "@" in value and "://" in value:
        return _url_hit(value, secret, secret)
    if not is_credential_name(name, env=env):
        return None
    verdict = judge_value(name, value, example)
    if verdict is None:
        return None
    return _hit(name, verdict, secret, secret, value, local=local, config=config)


# `scheme://user:password@host` anywhere in a line of text (quoted or not).
_TEXT_URL = re.compile(
    r"(?<![\w.+-])[a-z][a-z0-9+.-]*://[^\s:/@'\"<>`]*:[^\s@/'\"<>`]+@[^\s'\"<>`]+", re.I
)
# A whole line that is one unquoted assignment in a plain-text file: `db_password=...`,
# `api_token: ...`. The value is one run of characters a secret is made of (no quotes,
# brackets, `$` or `;`: code and templates are not plain text).
_PLAIN_ASSIGNMENT = re.compile(
    r"^\s*(?:export\s+)?([A-Za-z_][\w.\-]*)\s*(?:=|:)\s*([^\s()\[\]{}<>\"'`;,$\\]{8,200})\s*$"
)
# A line that is a comment in most configuration and script formats (an example command
# in a comment is documentation, as comments are in code).
_COMMENT_LINE = re.compile(r"^\s*(?:#|//|;|--|\*|<!--)")
# Plain-text files, by extension: notes, logs and dumps, not source code of a language
# ztlint does not parse (`password = getPassword();`).
_PLAIN_TEXT = re.compile(r"(?i)(^|/)[^/.]+$|\.(txt|text|log|out|creds?|credentials|secrets?|pass)$")


def _paired_aws_secret(ctx: FileContext, value: str) -> bool:
    """An AWS secret access key beside its key id (`~/.aws/credentials`): reported
    with the pair by secret-token-committed."""
    return bool(AWS_SECRET.fullmatch(value)) and AWS_KEY_ID.search(ctx.text) is not None


def detect_text(ctx: FileContext) -> Iterator[Hit]:
    """Files no parser reads (PHP, Ruby, Java, SQL, docs): quoted credential
    assignments, SQL passwords and URLs that carry a password; in plain-text files also
    unquoted `name=value` and `name: value` lines whose value is strong. Documentation
    counts as an example file."""
    if ctx.parser is not None or ctx.kinds & _READ_ELSEWHERE:
        return
    example = bool(EXAMPLE_FILE.search(ctx.path) or _DOCS.search(ctx.path))
    lower = ctx.lower()
    sql = not lowering_is_exact(ctx.text) or "password" in lower or "identified" in lower
    urls = "://" in ctx.text
    plain = bool(_PLAIN_TEXT.search(ctx.path))
    table = functools.cache(lambda: _test_table_text(ctx.text))
    for number, text in enumerate(ctx.source.lines, 1):
        if len(text) > 500:
            continue
        taken: list[tuple[int, int]] = []
        if urls:
            for url, start, end in _line_urls(number, text):
                taken.append((start, end))
                yield url
        found = [(m.group(1), m.group(3), m.start(3)) for m in _QUOTED_ASSIGNMENT.finditer(text)]
        if sql:
            found += [("password", m.group(1), m.start(1)) for m in _SQL_PASSWORD.finditer(text)]
        if plain and not found and not taken:
            line = _PLAIN_ASSIGNMENT.match(text)
            if (
                line is not None
                and strong_value(line.group(2))
                and not _paired_aws_secret(ctx, line.group(2))
            ):
                found.append((line.group(1), line.group(2), line.start(2)))
        for name, value, start in found:
            if any(a <= start < b for a, b in taken):
                continue  # the URL it holds is reported
            if _test_name(name) and table():
                continue
            hit = _line_hit(name, value, number, start + 1, text, example, name.isupper())
            if hit is not None:
                yield hit


# A key pair's public name: an OpenPGP fingerprint or key ID (hex), as a signing tool's
# key-selecting option takes it (`gpg --default-key $(SIGNING_KEY)`, `debsign -k`).
_KEY_ID = re.compile(r"[0-9A-Fa-f]{8}|[0-9A-Fa-f]{16}|[0-9A-Fa-f]{40}")
_KEY_SELECTOR = r"(?:--default-key|--local-user|--recipient|--sign-with|-[urk])[=\s]+[\"']?\$[({]"


def _selects_a_key(ctx: FileContext, name: str, value: str) -> bool:
    """Whether the variable holds a key's fingerprint or ID, by its shape and its use:
    the file passes it to a key-selecting option."""
    if not _KEY_ID.fullmatch(value):
        return False
    return re.search(_KEY_SELECTOR + re.escape(name) + r"[)}]", ctx.text) is not None


def _line_urls(number: int, text: str) -> Iterator[tuple[Hit, int, int]]:
    """URLs with a password in one line of text, with their columns (0-based, end
    exclusive); a comment line is documentation."""
    if "://" not in text or "@" not in text or _COMMENT_LINE.match(text):
        return
    for m in _TEXT_URL.finditer(text):
        span = Span(number, m.start() + 1, number, m.end() + 1)
        hit = _url_hit(m.group(0), span, span)
        if hit is not None:
            yield hit, m.start(), m.end()


def detect_makefile(ctx: FileContext) -> Iterator[Hit]:
    """Makefile variable assignments (`=`, `:=`, `::=`, `:::=`, `?=`, `+=`), unquoted
    as make writes them, and URLs with a password on any other line (a recipe's
    `curl https://user:pass@host`). A key's fingerprint passed to `gpg --default-key`
    is its public name, not a secret."""
    example = bool(EXAMPLE_FILE.search(ctx.path))
    local = _local_hosts(ctx)
    assignments = {number: (name, value, start) for name, value, number, start in
                   credential_files.makefile_assignments(ctx)}  # fmt: skip
    for number, text in enumerate(ctx.source.lines, 1):
        if number not in assignments:
            if len(text) <= 500:
                yield from (hit for hit, _, _ in _line_urls(number, text))
            continue
        name, value, start = assignments[number]
        if _selects_a_key(ctx, name, value):
            continue
        hit = _line_hit(name, value, number, start, text, example, name.isupper(), local, True)
        if hit is not None:
            yield hit


_READ_ELSEWHERE = frozenset(
    {"ini", "dotenv", "dockerfile", "gitignore", "curlrc", "binary", "makefile", "credential-file"}
)

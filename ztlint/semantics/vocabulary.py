"""The words code rules share to tell what a name holds: a secret (`token`,
`password`, `api_key`, a signature or MAC), metadata about one (`token_type`,
`password_len`), a key qualifier (`api`, `signing`, `private`), what a verifying function
is called and what a presented value is called. One place, so that `SessionToken` means
the same to every rule; with the spellings and the trigger index that find these words
in a file's text before anything is parsed.

Moved here from the timing rule, where it grew; the rules import it from here.

Long (about 450 lines) because 160 of them are the word lists themselves; the rest is
one index over those lists, which splitting would only spread across modules."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from tree_sitter import Node

from ztlint.caseless import Caseless, after_words, finds
from ztlint.parsers import code
from ztlint.rule import FileContext
from ztlint.semantics.nodes import nodes_of
from ztlint.triggers import TriggerIndex

# Words that name a secret value when they end a name.
SECRET_WORDS = frozenset(
    {
        "token",
        "secret",
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "apikey",
        "signature",
        "sig",
        "hmac",
        "mac",
        "csrf",
        "xsrf",
        "otp",
        "totp",
        "hotp",
        "credential",
        "credentials",
        "cookie",
        "bearer",
    }
)
# `api_key`, `accessKey`: "key" is a secret after one of these words.
KEY_QUALIFIERS = frozenset(
    {
        "api",
        "access",
        "secret",
        "auth",
        "private",
        "signing",
        "shared",
        "hmac",
        "session",
        "master",
        "admin",
    }
)
# Words that, ending a name after a secret word, still name the secret's value.
CARRIERS = frozenset(
    {
        "hash",
        "digest",
        "hashed",
        "value",
        "bytes",
        "str",
        "string",
        "hex",
        "b64",
        "raw",
        "header",
        "text",
        "data",
    }
)
# Words anywhere in a name that make it describe a secret rather than hold it.
METADATA = frozenset(
    {
        "type",
        "kind",
        "name",
        "len",
        "length",
        "size",
        "count",
        "id",
        "ids",
        "serial",
        "index",
        "idx",
        "prefix",
        "url",
        "uri",
        "endpoint",
        "path",
        "file",
        "filename",
        "expiry",
        "expires",
        "exp",
        "expiration",
        "scope",
        "scopes",
        "format",
        "alg",
        "algorithm",
        "version",
        "status",
        "state",
        "mode",
        "enabled",
        "required",
        "field",
        "param",
        "label",
        "location",
        "policy",
        "source",
        "provider",
        "issuer",
        "audience",
        "method",
        "error",
        "err",
        "ttl",
        "timeout",
        # a bound on the value (`MAX_PASSWORD_BYTES`, `min_token_length`), not the value
        "max",
        "min",
        "maximum",
        "minimum",
        "hint",
        "env",
        "var",
        "key_id",
        "kid",
        "usage",
        "class",
        "style",
        "ref",
        "schema",
        "spec",
        "config",
        "flag",
        "option",
        "options",
        "at",
        "time",
        "age",
        "domain",
        "strategy",
        "sha",
        "checksum",
        "etag",
        "tokenizer",
        "position",
        "pos",
        "start",
        "end",
        "line",
        "column",
        "col",
        "offset",
        "lock",
        "sync",
        "page",
        "cursor",
        "continuation",
        "cancellation",
        "cancel",
        "pagination",
    }
)
SECRET_HEADERS = re.compile(
    r"^(authorization|proxy-authorization|x-api-key|api-key|x-auth-token|x-access-token|"
    r"x-csrf-token|x-xsrf-token|x-hub-signature(-256)?|x-signature|x-webhook-signature|"
    r".*-signature|.*-token)$",
    re.I,
)


_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def words(name: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(name)]


def mentions_secret(ctx: FileContext) -> bool:
    """Gate: whether any name in the file can be a secret by `secret_name` (its words are
    the text's words), or a string can be a secret header or an HMAC call. Without one,
    no comparison or log call in the file involves a secret."""
    return ctx.cached(_file_mentions_secret)


def _file_mentions_secret(ctx: FileContext) -> bool:
    return _mentions_secret(ctx.text, ctx.lower())


def _spelling_sets(vocabulary: frozenset[str]) -> dict[str, frozenset[str]]:
    """Per word, its spellings: lower, Capitalised, UPPER."""
    return {w: frozenset({w, w.capitalize(), w.upper()}) for w in sorted(vocabulary)}


_Spellings = tuple[tuple[str, frozenset[str], re.Pattern[str]], ...]


def _spellings(vocabulary: frozenset[str]) -> _Spellings:
    """Per word: the word, its spellings and a pattern for them."""
    return tuple(
        (w, forms, re.compile("|".join(re.escape(f) for f in sorted(forms))))
        for w, forms in _spelling_sets(vocabulary).items()
    )


_SECRET_SPELLINGS = _spellings(SECRET_WORDS)
_KEY_SPELLINGS = _spellings(frozenset({"key"}))
_QUALIFIER_SPELLINGS = _spellings(KEY_QUALIFIERS)
# SECRET_HEADERS ignores case, so a header may split into other words.
_HEADER_WORDS = ("authorization", "api-key", "-token", "-signature", "hmac")
HEADER_PARTS = Caseless("|".join(re.escape(w) for w in _HEADER_WORDS))


_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _word_spans(spellings: _Spellings, text: str, lower: str) -> Iterator[tuple[int, int]]:
    """Where an occurrence of a spelling could be one of `words(name)` for a name in the
    text: not glued to a lowercase letter after it, nor (lowercase form) to a letter
    before it, nor (uppercase form) to a capital before it. ASCII letters only, as `_WORD`
    splits: a superset of what it splits out. Every spelling lowercases to its word, so a
    word absent from the lowercased text is not looked for; when lowering kept every
    offset, the spellings are the word's places in the lowercased text whose original is
    a spelling (found with str.find, far faster than the pattern; no word overlaps
    itself, so the places are the pattern's matches)."""
    aligned = len(lower) == len(text)
    for word, forms, pattern in spellings:
        if word not in lower:
            continue
        if aligned:
            size = len(word)
            for start in finds(lower, word):
                if text[start : start + size] in forms and _word_edges(text, start, start + size):
                    yield start, start + size
            continue
        for m in pattern.finditer(text):
            if _word_edges(text, m.start(), m.end()):
                yield m.start(), m.end()


def _word_edges(text: str, start: int, end: int) -> bool:
    """The boundary test of `_word_spans` for a spelling at text[start:end]."""
    if text[end : end + 1] in _LOWER:
        return False
    before = text[start - 1] if start else ""
    if text[start] in _LOWER and before and (before in _LOWER or before in _UPPER):
        return False
    return not (text[start + 1 : start + 2] in _UPPER and before and before in _UPPER)


def _has_word(spellings: _Spellings, text: str, lower: str) -> bool:
    return next(_word_spans(spellings, text, lower), None) is not None


def _mentions_secret(text: str, lower: str | None = None) -> bool:
    lower = text.lower() if lower is None else lower
    if _has_word(_SECRET_SPELLINGS, text, lower):
        return True
    if _has_word(_KEY_SPELLINGS, text, lower) and _has_word(_QUALIFIER_SPELLINGS, text, lower):
        return True
    return HEADER_PARTS.search(text, lower) is not None


_SPELLINGS_OF = _spelling_sets(SECRET_WORDS)
_MENTION_INDEX = TriggerIndex.build([*SECRET_WORDS, "key", *_HEADER_WORDS])


def _fewest(words: Iterator[str] | list[str]) -> tuple[str, ...]:
    """Lowercase texts, without those that contain another (finding `sig` finds every
    `signature`): the any-case triggers that admit exactly the texts holding one."""
    lowered = {w.lower() for w in words}
    return tuple(sorted(w for w in lowered if not any(o != w and o in w for o in lowered)))


# Any-case triggers derived from the vocabulary, by the name a rule uses for them
# (`vocabulary: secret` in rule.yaml): a file without one of these
# cannot name a secret the way `mentions_secret` (the `names-a-secret` gate) finds it.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "secret": _fewest([*SECRET_WORDS, "key", *_HEADER_WORDS]),
}


def _mention_spans(text: str, lower: str) -> list[tuple[int, int]]:
    """Every place in an ASCII text where `secret_operand` may find a secret named: a
    secret word that `_word_spans` accepts, a "key" after a qualifier word (whatever
    `_WORD` does not split out may stand between them), a header part."""
    index = _MENTION_INDEX
    present = index.present(lower)

    def occurs(word: str) -> bool:
        return word in present if word in index.indexed else word in lower

    spans = []
    for word, spellings in _SPELLINGS_OF.items():
        if occurs(word):
            for start in finds(lower, word):
                end = start + len(word)
                if text[start:end] in spellings and _word_edges(text, start, end):
                    spans.append((start, end))
    if occurs("key"):
        spans += (
            (s, s + 3) for s in after_words(lower, "key", _QUALIFIERS, _NOT_ALNUM.__contains__)
        )
    for part in _HEADER_WORDS:
        if occurs(part):
            spans += ((start, start + len(part)) for start in finds(lower, part))
    return spans


_QUALIFIERS = tuple(sorted(KEY_QUALIFIERS))
_NOT_ALNUM = frozenset(chr(c) for c in range(128) if not chr(c).isalnum())


def secret_candidates(ctx: FileContext, *kinds: str) -> list[Node]:
    """The nodes of these kinds that contain a place where a secret is named, in source
    order, outer first: `secret_operand` finds a secret only in the text of the operand
    it looks at, so no other node can have one. Found upward from those places rather
    than among every node of the kinds; when text offsets are not byte offsets (a
    non-ASCII file), every node of the kinds."""
    if not ctx.text.isascii():
        return nodes_of(ctx, *kinds)
    spans = ctx.cached(_file_mention_spans)
    wanted = frozenset(kinds)
    found: list[Node] = []
    # One walk down from the root into the nodes that hold a span (not a walk up from
    # each span: `Node.parent` searches from the root, so on a deep tree, a hostile
    # file's nested ERROR nodes, walking up cost the cube of the file's size).
    stack = [ctx.tree().root_node]
    while stack:
        node = stack.pop()
        if not _holds_a_span(spans, node.start_byte, node.end_byte):
            continue
        if node.type in wanted and node.is_named:
            found.append(node)
        stack.extend(node.children)
    return code.source_order(found)


def _file_mention_spans(ctx: FileContext) -> list[tuple[int, int]]:
    return sorted(_mention_spans(ctx.text, ctx.lower()))


def _holds_a_span(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether a span of `spans` (sorted) lies within [start, end)."""
    i = bisect_left(spans, (start, -1))
    while i < len(spans) and spans[i][0] < end:
        if spans[i][1] <= end:
            return True
        i += 1
    return False


def secret_name(name: str) -> bool:
    """Whether an identifier holds a secret value, judged by its words."""
    return secret_word(name) is not None


# Words beside `mac` that make it a hardware address, not a message authentication code.
HARDWARE = frozenset(
    {
        "src", "dst", "source", "dest", "destination", "hw", "hardware", "eth", "ether",
        "ethernet", "local", "remote", "peer", "router", "node", "gateway", "gw", "addr",
        "address", "broadcast", "bcast", "multicast", "iface", "interface", "nic", "client",
        "server", "host", "vm", "link", "arp", "neighbor", "neigh",
    }
)  # fmt: skip


# Prepositions that end a noun phrase's head (not `in`/`on`: `signInToken`, `logOnKey`).
_PREPOSITIONS = frozenset({"to", "for", "of", "from", "with", "without", "via"})


def secret_word(name: str) -> str | None:
    """The word that makes an identifier hold a secret value (`token`, `api key`), or
    None. `srcMAC` is a hardware address, not a MAC."""
    ws = words(name)
    if not ws or any(w in METADATA for w in ws):
        return None
    cut = next((i for i, w in enumerate(ws) if i and w in _PREPOSITIONS), None)
    if cut is not None:
        # English puts the head of "X to/for/of/from Y" first: `fallbackToPassword` is a
        # fallback, `pathToKey` a path, `passwordForUser` a password.
        ws = ws[:cut]
    if ws[-1] in CARRIERS and len(ws) >= 2:
        ws = ws[:-1]
    if ws[-1] == "key":
        return f"{ws[-2]} key" if len(ws) >= 2 and ws[-2] in KEY_QUALIFIERS else None
    if ws[-1] == "mac" and HARDWARE.intersection(ws[:-1]):
        return None
    if ws[-1] == "token" and len(ws) >= 2 and ws[-2] in _PAGINATION:
        return None  # `NextToken`, `nextPageToken`: an API's pagination cursor
    return ws[-1] if ws[-1] in SECRET_WORDS else None


# Words before `token` that make it a list API's cursor (AWS `NextToken`, Google's
# `nextPageToken`, S3's `ContinuationToken`, a sync token): where the next page starts.
_PAGINATION = frozenset({"next", "page", "continuation", "pagination", "paging", "cursor", "sync"})


# A comparison is an authentication check, not secret-handling code (a secret scanner
# deduplicating findings, a cache noticing a rotated token), when it sits in a function
# named for checking, or an operand is named for what was presented or expected.
VERIFY_WORDS = frozenset(
    {
        "compare",
        "verify",
        "verified",
        "validate",
        "valid",
        "check",
        "auth",
        "authenticate",
        "authenticated",
        "authorize",
        "authorized",
        "authorise",
        "login",
        "signin",
        "logon",
        "middleware",
        "guard",
        "allowed",
        "permit",
        "require",
        "requires",
        "protect",
        "protected",
        "intercept",
        "interceptor",
        "handler",
        "handle",
        "secure",
        "ensure",
        "admit",
        "gate",
        "access",
        "unlock",
    }
)
PRESENTED_WORDS = frozenset(
    {
        "expected",
        "provided",
        "given",
        "received",
        "incoming",
        "got",
        "want",
        "supplied",
        "presented",
        "candidate",
        "user",
        "client",
        "request",
        "req",
        "submitted",
        "header",
        "computed",
        "calculated",
        "actual",
        "input",
        "stored",
    }
)


# The secret half of an access-key pair (S3 and its kin): `SecretKey`, `secret_access_key`,
# `accessSecret`.
_SECRET_HALF = re.compile(r"(?i)\b\w*(access_?secret|secret_?(access_?)?key)\w*\b")


def public_access_key(name: str, scope_text: str) -> bool:
    """`accessKey` where the same scope (a function's text) also names the secret half
    (`secretKey`, `accessSecret`): in an access-key pair the access key is the
    identifier the request carries in the clear, the secret is the credential. Alone,
    an access key may be the credential itself."""
    return words(name)[-2:] == ["access", "key"] and _SECRET_HALF.search(scope_text) is not None

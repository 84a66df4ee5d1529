"""Lexing a template into its actions (`{{ ... }}`, Jinja's `{% ... %}` and `{# ... #}`),
with their opening word and line."""

from __future__ import annotations

import re

from ztlint.parsers.template.model import _VARIABLE, GO, JINJA, TemplateError, _Action


def _lex(text: str, dialect: str) -> list[_Action]:
    """Every action, in order. Linear in the text: each character is looked at by one
    search at most once."""
    actions: list[_Action] = []
    opener = re.compile(r"\{\{|\{%|\{#") if dialect == JINJA else re.compile(r"\{\{")
    pos = 0
    n = len(text)
    while True:
        m = opener.search(text, pos)
        if m is None:
            return actions
        start = m.start()
        kind = m.group()
        i = m.end()
        if kind == "{#":
            close = text.find("#}", i)
            if close < 0:
                raise TemplateError("unterminated template comment", _line_of(text, start))
            actions.append(_Action(start, close + 2, "", "#"))
            pos = close + 2
            continue
        closer = "}}" if kind == "{{" else "%}"
        # Trim markers: `{{- `, `{%- `, `{%+ `.
        if i < n and text[i] in "-+" and (i + 1 >= n or text[i + 1] in " \t\r\n%}"):
            i += 1
        body_start = i
        while i < n and text[i] in " \t\r\n":
            i += 1
        if dialect == GO and text.startswith("/*", i):
            close = text.find("*/", i + 2)
            end = text.find(closer, close + 2) if close >= 0 else -1
            if close < 0 or end < 0 or text[close + 2 : end].strip(" \t\r\n-") != "":
                raise TemplateError("unterminated template comment", _line_of(text, start))
            actions.append(_Action(start, end + 2, "", "#"))
            pos = end + 2
            continue
        end = _action_end(text, i, closer)
        if end < 0:
            raise TemplateError("unterminated template action", _line_of(text, start))
        body = text[body_start:end].strip(" \t\r\n")
        if body.endswith("-") or body.endswith("+"):
            body = body[:-1].rstrip(" \t\r\n")
        word = _word(body, kind)
        actions.append(_Action(start, end + 2, body, word))
        pos = end + 2
        if dialect == JINJA and word == "raw":
            closing = re.compile(r"\{%[-+]?\s*endraw\s*[-+]?%\}").search(text, pos)
            if closing is None:
                raise TemplateError("unterminated raw block", _line_of(text, start))
            actions.append(_Action(closing.start(), closing.end(), "", "endraw"))
            pos = closing.end()


_BODY = {
    closer: re.compile(
        rf"""(?:[^{closer[0]}"'`\n]|\n|{re.escape(closer[0])}(?!{re.escape(closer[1])})"""
        r"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`)*"""
    )
    for closer in ("}}", "%}")
}


def _action_end(text: str, i: int, closer: str) -> int:
    """The offset of the closing delimiter, skipping quoted strings; -1 if none. One
    regex whose alternatives each start with a different character: linear."""
    body = _BODY[closer].match(text, i)
    end = body.end() if body is not None else i
    return end if text.startswith(closer, end) else -1


_GO_WORDS = frozenset(
    {"if", "else", "end", "range", "with", "define", "block", "break", "continue", "template"}
)
_JINJA_WORDS = frozenset(
    {
        "if", "elif", "else", "endif", "for", "endfor", "macro", "endmacro", "call",
        "endcall", "filter", "endfilter", "set", "endset", "block", "endblock", "with",
        "endwith", "raw", "include", "import", "from", "extends", "do", "autoescape",
        "endautoescape",
    }
)  # fmt: skip


_HEAD = re.compile(r"[A-Za-z_]\w*")
_FAIL = re.compile(r"fail\b")


def _word(body: str, opener: str) -> str:
    m = _HEAD.match(body)
    head = m.group() if m else ""
    if opener == "{%":
        return head if head in _JINJA_WORDS else "stmt"
    if head in _GO_WORDS and head != "template":
        return head  # `{{ with.Values.x }}` is Go too: a keyword ends at any non-word
    if _VARIABLE.match(body):
        return "var"
    return ""


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1

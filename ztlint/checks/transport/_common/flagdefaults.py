"""What a Go switch holds when nobody passes its command-line flag.

A setting gated on a flag is an opt-in only when the flag's default keeps the safe
behaviour. `InsecureSkipVerify: !*sslVerify` with `sslVerify` defined by
`kingpin.Flag("ssl-verify", ..).Default("false").Bool()` skips verification unless the
user asks for it: the insecure mode is the default, not a switch. Read from the file's
own flag definitions: kingpin's `.Flag(name, ..)...Default("b")...Bool()`, the standard
library's and pflag's `flag.Bool(name, b, ..)` (`BoolP` with a shorthand) and
`BoolVar(&v, name, b, ..)` (`BoolVarP`), cobra's `cmd.Flags().BoolVar(..)` among them.
"""

from __future__ import annotations

import itertools
import re

from ztlint.rule import FileContext

# The switch as a Go expression: a variable or field, dereferenced or not, negated or not.
_SWITCH = re.compile(r"(!*)\s*\(?\s*\*?\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\)?")
# How far a definition's call chain is read (a chain continues over lines that end in
# `.`, `,` or `(`).
_CHAIN = 600
# How many assignments to the switch's name are read for its definition (a file that
# assigns it more often is no flag's: the work stays bounded).
_DEFINITIONS = 16
_KINGPIN = re.compile(
    r"\.Flag\(\s*\"([^\"]+)\"[^;]*?\.Default\(\s*\"(true|false)\"\s*\)[^;]*?\.Bool\(\s*\)"
)
# kingpin's boolean flag with no `.Default(..)`: false unless passed.
_KINGPIN_PLAIN = re.compile(r"\.Flag\(\s*\"([^\"]+)\"[^;]*?\.Bool\(\s*\)")
_BOOL = re.compile(
    r"(?:^|[\s(])(?:[\w.]+\.)?Bool(?:P)?\(\s*\"([^\"]+)\"\s*,(?:\s*\"[^\"]*\"\s*,)?\s*(true|false)\b"
)


def _statement(text: str, start: int) -> str:
    """The Go statement from `start`: its line and the lines a trailing `.`, `,` or `(`
    carries it onto."""
    out = []
    for line in text[start : start + _CHAIN].split("\n"):
        out.append(line)
        if not line.rstrip().endswith((".", ",", "(")):
            break
    return "\n".join(out)


def go_flag_default(ctx: FileContext, expression: str) -> tuple[str, bool] | None:
    """(the flag's name, the expression's value when the flag is not passed) for a switch
    the file defines as a boolean flag; None when it is not one."""
    switch = _SWITCH.fullmatch(expression.strip())
    if switch is None or "Bool" not in ctx.text:
        return None
    negated = len(switch.group(1)) % 2 == 1
    name = switch.group(2)
    found = _defined(ctx.text, name)
    if found is None:
        return None
    flag, default = found
    return flag, default != negated


def _defined(text: str, name: str) -> tuple[str, bool] | None:
    last = re.escape(name.rsplit(".", 1)[-1])
    definitions = re.finditer(rf"(?<![\w.]){last}\s*(?::=|=)\s*", text)
    for definition in itertools.islice(definitions, _DEFINITIONS):
        chain = _statement(text, definition.end())
        found = _KINGPIN.search(chain) or _BOOL.match(" " + chain)
        if found is not None:
            return found.group(1), found.group(2) == "true"
        plain = _KINGPIN_PLAIN.search(chain)
        if plain is not None and ".Default(" not in chain:
            return plain.group(1), False
    target = re.escape(name)
    for bound in re.finditer(
        rf"\bBoolVar(?:P)?\(\s*&{target}\s*,\s*\"([^\"]+)\"\s*,(?:\s*\"[^\"]*\"\s*,)?\s*(true|false)\b",
        text,
    ):
        return bound.group(1), bound.group(2) == "true"
    return None

"""What the hardcoded-credential detectors (ZT204) of every format share: the hit they
build for a value, the check for local hosts, URLs that carry a password, test tables."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator

from ztlint import classify
from ztlint.model import Confidence, Severity, Span
from ztlint.rule import FileContext, Hit
from ztlint.semantics.credentials import (
    defaults_to_stand_ins,
    is_credential_name,
    judge_value,
    strong_value,
    url_password,
    url_user_host,
)
from ztlint.semantics.placeholder import (
    only_local_hosts,
)

# What a message says of a credential in a local or sample deployment's configuration.
LOCAL_DEPLOYMENT = " in the configuration of a local deployment"


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
    local_where: str = LOCAL_DEPLOYMENT,
) -> Hit:
    """`account`: the password of a user account in a collection of accounts (seeded
    users, an application's user table): real whatever its strength. `local`: the file's endpoints are all local or reserved names (a local or
    sample deployment's configuration): the credential guards nothing real, as
    `local_where` says in the message. `config`:
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
    where = local_where if local_only else ""
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


# A test case's name: capitalised words run together, in two or more parts joined by
# `-` or `/`, one of them camelCase (`SessionResumption-MasterSecret-Server`,
# `TestLogin/ExpiredToken`). HTTP header names (`X-Api-Key`) have no camelCase part.
_TEST_NAME = re.compile(r"[A-Z][A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)+")

_CAMEL_PART = re.compile(r"[A-Z][a-z0-9]+[A-Z]")


def _test_name(key: str) -> bool:
    return bool(_TEST_NAME.fullmatch(key) and _CAMEL_PART.search(key))


def _test_table(keys: list[str]) -> bool:
    """A table keyed by test case names (a test suite's expected outcomes, or the
    tests it skips): most of its keys are such names. A credential word in one
    (`...-MasterSecret-...`) is part of what the test is called; its value is what the
    test expects."""
    return len(keys) >= 4 and sum(map(_test_name, keys)) * 2 > len(keys)


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


# A comment near the top of a file telling its reader to put their own values in
# (`# Replace with your values`, `; fill in your own credentials`): the file is a
# template that a setup step copies for the user to edit.
_REPLACE_VALUES = re.compile(
    r"(?im)^[ \t]*(?:#|;|//|--)[^\n]{0,80}?\b(?:replace|substitute|fill[ \t]+in|change)\b"
    r"[^\n]{0,40}?\b(?:your|own)\b"
)
_TEMPLATE_HEAD = 2048


def template_file(ctx: FileContext) -> bool:
    return _REPLACE_VALUES.search(ctx.text[:_TEMPLATE_HEAD]) is not None


def as_template(ctx: FileContext, hits: Iterator[Hit]) -> Iterator[Hit]:
    """The hits, at medium confidence when the file is a template (`template_file`)."""
    template: bool | None = None
    for hit in hits:
        if template is None:
            template = template_file(ctx)
        if template and hit.confidence != Confidence.MEDIUM and hit.confidence != Confidence.LOW:
            hit = dataclasses.replace(
                hit,
                confidence=Confidence.MEDIUM,
                message=hit.message
                + " (medium: the file tells its reader to replace the values: a template)",
            )
        yield hit

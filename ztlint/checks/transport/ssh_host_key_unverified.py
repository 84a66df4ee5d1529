"""SSH connections that accept any server host key: the SSH twin of TLS verification
turned off. Whoever sits on the path answers as the server, and receives the password,
the agent's signatures or the commands and files the client sends.

- Python: paramiko `set_missing_host_key_policy(AutoAddPolicy())` or `WarningPolicy`
  (the names resolved through the file's imports, also through a variable), and
  asyncssh `connect(..., known_hosts=None)` (and the other asyncssh calls and options
  that take `known_hosts`).
- Go: `ssh.InsecureIgnoreHostKey()` of golang.org/x/crypto/ssh, and a
  `HostKeyCallback` that returns nil whatever it is given: a function literal, a
  function declared in the file, or a variable bound to one.
- Rust: a russh `check_server_key` whose body is only `Ok(true)`.
- OpenSSH options, wherever written outside code: `StrictHostKeyChecking=no` (or `off`)
  in ssh, scp, sftp, rsync `-e` and git commands, `GIT_SSH_COMMAND` and
  `core.sshCommand` values, Ansible's `ssh_args`, and `ssh_config` files (also written
  by a script's heredoc or `echo`); `UserKnownHostsFile=/dev/null`, which forgets every
  key: with `accept-new` it is the same as `no`, alone it asks the user about every
  host (medium confidence).
- In a Terraform file, a connection to a host the same file creates
  (`deploy@${aws_instance.web.public_ip}` where the file declares `resource
  "aws_instance" "web"`) is medium confidence: the new host's key cannot be known in
  advance, and reading it from the instance's console is rarely worth it for a
  short-lived machine.
- Ansible: `host_key_checking = False` in an `ansible.cfg`, and
  `ANSIBLE_HOST_KEY_CHECKING` set false in an environment.

A setting that only applies when someone turns it on (in a branch on a flag, in a
function or value kept for the opt-in case, behind a build tag: the same test as TLS
verification's gated modes) is reported at medium severity and confidence, naming the
switch.

A connection only to loopback (`localhost`, 127.0.0.1, ::1, an ssh_config `Host` block
for those names only) cannot be intercepted and is not reported. Known-hosts files,
paramiko's `RejectPolicy`, `ssh.FixedHostKey`, `knownhosts.New` and a callback that
compares the key are the fix.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint import classify, semantics
from ztlint.checks import codeutil, configtext, envvars
from ztlint.checks.transport._common import gating
from ztlint.model import Confidence, Severity, Span
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit

# --- Python -----------------------------------------------------------------------------

_PARAMIKO_POLICIES = {"AutoAddPolicy": "AutoAddPolicy", "WarningPolicy": "WarningPolicy"}


def _paramiko_policy(sem: semantics.Semantics, arg: Node) -> str | None:
    """The accepting paramiko policy an argument is (a class or an instance of one)."""
    value, _ = sem.value_of(arg)
    target = value
    if value.type == "call":
        function = value.child_by_field_name("function")
        if function is None:
            return None
        target = function
    if target.type not in ("identifier", "attribute"):
        return None
    name = sem.qualified(target)
    module, _, cls = name.rpartition(".")
    if cls in _PARAMIKO_POLICIES and (module == "paramiko" or module.startswith("paramiko.")):
        return cls
    return None


def detect_python(ctx: FileContext) -> Iterator[Hit]:
    sem = semantics.of(ctx)
    for call, written, args in codeutil.calls(ctx):
        tail = written.rsplit(".", 1)[-1]
        positional = [a for a in args.named_children if a.type not in ("comment",)]
        if tail == "set_missing_host_key_policy" and positional:
            policy = _paramiko_policy(sem, positional[0])
            if policy is not None:
                yield _gated(
                    ctx,
                    call,
                    f"paramiko {policy} accepts any unknown SSH host key, so the server is not authenticated",
                    _python_switch(ctx, call),
                )
            continue
        if not sem.callee(call).startswith("asyncssh."):
            continue
        for kw in positional:
            if kw.type != "keyword_argument":
                continue
            name, value = kw.child_by_field_name("name"), kw.child_by_field_name("value")
            if name is None or value is None or sem.text(name) != "known_hosts":
                continue
            resolved, _ = sem.value_of(value)
            if resolved.type == "none":
                yield _gated(
                    ctx,
                    kw,
                    f"asyncssh {tail}(known_hosts=None) accepts any SSH host key, so the server is not authenticated",
                    _python_switch(ctx, kw),
                )


def _python_switch(ctx: FileContext, node: Node) -> tuple[str, str] | None:
    found = gating.any_branch(ctx, node)
    return ("branch", found) if found else None


def _gated(ctx: FileContext, node: Node, message: str, switch: tuple[str, str] | None) -> Hit:
    """The finding, or a gated mode (medium severity and confidence, naming the switch)
    when the setting only applies when someone turns it on."""
    if switch is None:
        return codeutil.hit(ctx, node, message)
    return Hit(
        span=code.node_span(ctx.source, node),
        message=gating.describe(*switch, "SSH host key verification"),
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
    )


# --- Go ---------------------------------------------------------------------------------

_GO_SSH = "golang.org/x/crypto/ssh"


def _returns_nil_only(sem: semantics.Semantics, body: Node | None) -> bool:
    if body is None:
        return False
    statements = [c for c in body.named_children if c.type not in semantics.COMMENTS]
    if len(statements) == 1 and statements[0].type == "statement_list":
        statements = [c for c in statements[0].named_children if c.type not in semantics.COMMENTS]
    return (
        len(statements) == 1
        and statements[0].type == "return_statement"
        and " ".join(sem.text(statements[0]).split()) == "return nil"
    )


def _accepts_any(sem: semantics.Semantics, value: Node) -> bool:
    """A host key callback that returns nil whatever it is given."""
    while value.type == "literal_element" and value.named_child_count == 1:
        value = value.named_children[0]
    if value.type == "func_literal":
        return _returns_nil_only(sem, value.child_by_field_name("body"))
    if value.type == "identifier":
        declared = [f for f in sem.functions(sem.text(value)) if f.type == "function_declaration"]
        if declared:
            return _returns_nil_only(sem, declared[0].child_by_field_name("body"))
        resolved, _ = sem.value_of(value)
        if resolved.type == "func_literal":
            return _returns_nil_only(sem, resolved.child_by_field_name("body"))
    return False


def detect_go(ctx: FileContext) -> Iterator[Hit]:
    sem = semantics.of(ctx)
    if _GO_SSH not in sem.imports.values():
        return
    for call, written, _ in codeutil.calls(ctx):
        if (
            written.endswith("InsecureIgnoreHostKey")
            and sem.callee(call) == f"{_GO_SSH}.InsecureIgnoreHostKey"
        ):
            yield _gated(
                ctx,
                call,
                "ssh.InsecureIgnoreHostKey() accepts any SSH host key, so the server is not authenticated",
                gating.switch_of(ctx, call),
            )
    for keyed in codeutil.nodes_of(ctx, "keyed_element"):
        key = keyed.child_by_field_name("key")
        value = keyed.child_by_field_name("value")
        if key is None or value is None or sem.text(key).strip() != "HostKeyCallback":
            continue
        if _accepts_any(sem, value):
            yield _gated(
                ctx,
                keyed,
                "this HostKeyCallback returns nil for every key, so the SSH server is not authenticated",
                gating.switch_of(ctx, keyed),
            )
    for assign in codeutil.nodes_of(ctx, "assignment_statement"):
        left, right = assign.child_by_field_name("left"), assign.child_by_field_name("right")
        if left is None or right is None or left.named_child_count != 1:
            continue
        target = left.named_children[0]
        field = (
            target.child_by_field_name("field") if target.type == "selector_expression" else None
        )
        if field is None or sem.text(field) != "HostKeyCallback" or right.named_child_count != 1:
            continue
        if _accepts_any(sem, right.named_children[0]):
            yield _gated(
                ctx,
                assign,
                "this HostKeyCallback returns nil for every key, so the SSH server is not authenticated",
                gating.switch_of(ctx, assign),
            )


# --- Rust -------------------------------------------------------------------------------


def detect_rust(ctx: FileContext) -> Iterator[Hit]:
    sem = semantics.of(ctx)
    for function in sem.functions("check_server_key"):
        body = function.child_by_field_name("body")
        if body is None:
            continue
        parts = [c for c in body.named_children if c.type not in semantics.COMMENTS]
        if len(parts) != 1:
            continue
        only = parts[0]
        if only.type == "expression_statement" and only.named_child_count == 1:
            only = only.named_children[0]
        if only.type == "return_expression" and only.named_child_count == 1:
            only = only.named_children[0]
        if re.fullmatch(r"Ok\(\s*true\s*\)", sem.text(only)):
            name = function.child_by_field_name("name")
            yield codeutil.hit(
                ctx,
                name if name is not None else function,
                "check_server_key returns Ok(true) for every key, so the SSH server is not authenticated",
            )


# --- OpenSSH options written as text ---------------------------------------------------

_STRICT_OFF = re.compile(r"(?i)StrictHostKeyChecking(?:\s*=\s*|\s+)[\"']?(no|off|false)\b")
_STRICT_NEW = re.compile(r"(?i)StrictHostKeyChecking(?:\s*=\s*|\s+)[\"']?accept-new\b")
_NULL_KNOWN = re.compile(
    r"(?i)(?:UserKnownHostsFile|GlobalKnownHostsFile)(?:\s*=\s*|\s+)[\"']?/dev/null\b"
)
_HOST_BLOCK = re.compile(r"(?i)^\s*(Host|Match)\s+(.*)$")
_LOOPBACK = r"(?:localhost|127\.\d+\.\d+\.\d+|::1|\[::1\])"
_LOOPBACK_TARGET = re.compile(rf"(?:@|\s|^){_LOOPBACK}(?![\w.-])")
_OTHER_TARGET = re.compile(r"@(?!" + _LOOPBACK + r"\b)[\w$.{}-]+")
_COMMENT = re.compile(r"^\s*(?:#|//|--|;)")


def _only_loopback_line(line: str) -> bool:
    return bool(_LOOPBACK_TARGET.search(line)) and not _OTHER_TARGET.search(line)


def _loopback_block(patterns: str) -> bool:
    names = patterns.split("#", 1)[0].split()
    return bool(names) and all(re.fullmatch(_LOOPBACK, n, re.I) for n in names)


# A Terraform resource the same file declares: `resource "aws_instance" "web" {`.
_TF_RESOURCE = re.compile(r'(?m)^\s*resource\s+"([\w-]+)"\s+"([\w-]+)"')


def _created_here(ctx: FileContext) -> re.Pattern[str] | None:
    """In a Terraform file, a target that interpolates an attribute of a resource the
    file itself declares (`deploy@${aws_instance.web.public_ip}`): a host created by the
    same run, whose key cannot be known in advance."""
    if not ctx.path.endswith(".tf") or "resource" not in ctx.text:
        return None
    names = sorted({f"{t}.{n}" for t, n in _TF_RESOURCE.findall(ctx.text)})
    if not names:
        return None
    return re.compile(r"@\$\{(?:" + "|".join(re.escape(n) for n in names) + r")[.\[]")


def detect_ssh_options(ctx: FileContext) -> Iterator[Hit]:
    """StrictHostKeyChecking=no and UserKnownHostsFile=/dev/null in configuration,
    scripts and ssh_config files (code is read by the language detectors)."""
    if (ctx.parser in classify.LANGUAGES and ctx.parser != "bash") or not configtext.is_config(ctx):
        return
    lower = ctx.lower()
    if "stricthostkeychecking" not in lower and "knownhostsfile" not in lower:
        return
    created = _created_here(ctx)
    for hit in _ssh_option_hits(ctx):
        line = ctx.source.line(hit.span.start_line)
        if created is not None and created.search(line):
            yield Hit(
                span=hit.span,
                message=f"{hit.message} (a host this configuration creates, whose key is "
                "not known in advance)",
                confidence=Confidence.MEDIUM,
            )
        else:
            yield hit


def _ssh_option_hits(ctx: FileContext) -> Iterator[Hit]:
    block_loopback = False
    block_strict_off = False
    for number, line in enumerate(ctx.source.lines, 1):
        block = _HOST_BLOCK.match(line)
        if block is not None:
            block_loopback = block.group(1).lower() == "host" and _loopback_block(block.group(2))
            block_strict_off = False
            continue
        if _COMMENT.match(line) or block_loopback or _only_loopback_line(line):
            continue
        strict = _STRICT_OFF.search(line)
        if strict is not None:
            # An ssh_config line (the keyword first) covers its block's other lines.
            block_strict_off = not line[: strict.start()].strip()
            yield _line_hit(
                number,
                line,
                strict,
                f"StrictHostKeyChecking {strict.group(1)} accepts any SSH host key, so the server is not authenticated",
            )
            continue
        null = _NULL_KNOWN.search(line)
        if null is None:
            continue
        if block_strict_off:
            continue  # the block's StrictHostKeyChecking no is the finding
        if _STRICT_NEW.search(line):
            yield _line_hit(
                number,
                line,
                null,
                "UserKnownHostsFile /dev/null with StrictHostKeyChecking accept-new accepts any SSH host key",
            )
        else:
            hit = _line_hit(
                number,
                line,
                null,
                "UserKnownHostsFile /dev/null forgets every SSH host key, so a changed key is never noticed",
            )
            yield Hit(span=hit.span, message=hit.message, confidence=Confidence.MEDIUM)


def _line_hit(number: int, line: str, match: re.Match[str], message: str) -> Hit:
    return Hit(span=Span(number, match.start() + 1, number, match.end() + 1), message=message)


# --- Ansible ----------------------------------------------------------------------------

_FALSE = frozenset({"false", "no", "0", "off", "n"})
_ANSIBLE_CFG = re.compile(r"(?i)^\s*host_key_checking\s*[=:]\s*[\"']?(\w+)")


def detect_ansible_cfg(ctx: FileContext) -> Iterator[Hit]:
    base = posixpath.basename(ctx.path).lower()
    if not (base in ("ansible.cfg", ".ansible.cfg") or base.endswith("ansible.cfg")):
        return
    for number, line in enumerate(ctx.source.lines, 1):
        m = _ANSIBLE_CFG.match(line)
        if m is not None and m.group(1).lower() in _FALSE:
            yield _line_hit(
                number,
                line,
                m,
                f"ansible.cfg host_key_checking = {m.group(1)}: Ansible accepts any SSH host key",
            )


def detect_ansible_env(ctx: FileContext) -> Iterator[Hit]:
    for setting in envvars.settings(ctx, ("ANSIBLE_HOST_KEY_CHECKING",)):
        if setting.value.strip().lower() in _FALSE:
            yield Hit(
                span=setting.span,
                message=f"ANSIBLE_HOST_KEY_CHECKING={setting.value}: Ansible accepts any SSH host key",
            )

"""ZT204 in configuration: YAML, JSON and TOML values, dotenv files and INI files.

A value under a credential key counts unless it is a reference, a path, prose or a
placeholder; account records and catalogue-like files (a test table of names, a Vault
agent's annotations) are judged as such.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator

from ztlint.checks.secrets.hardcoded_credential import files as credential_files
from ztlint.checks.secrets.hardcoded_credential._shared import (
    LOCAL_DEPLOYMENT,
    _hit,
    _line_hit,
    _local_hosts,
    _test_table,
    _url_hit,
    as_template,
)
from ztlint.model import Span
from ztlint.parsers.data import Mapping, Scalar, Sequence
from ztlint.rule import FileContext, Hit
from ztlint.semantics.credentials import (
    EXAMPLE_FILE,
    NOT_CREDENTIAL,
    accounts,
    is_account_record,
    is_credential_name,
    is_password_name,
    judge_value,
    normalise,
)
from ztlint.semantics.placeholder import (
    is_word,
    looks_like_prose,
)

_OTHER_RULES_KINDS = frozenset(
    {"Secret", "SealedSecret", "ExternalSecret", "SecretStore", "ClusterSecretStore"}
)


def detect_config(ctx: FileContext) -> Iterator[Hit]:
    return as_template(ctx, _detect_config(ctx))


def _detect_config(ctx: FileContext) -> Iterator[Hit]:
    example = bool(EXAMPLE_FILE.search(ctx.path))
    local = _local_hosts(ctx)
    # A value a template's action writes is its chart's values.yaml default, checked in
    # values.yaml itself (ztlint.helm).
    written = ctx.template.templated if ctx.template is not None else _never
    for doc in ctx.documents():
        if isinstance(doc, Mapping) and doc.get_str("kind") in _OTHER_RULES_KINDS:
            continue  # Secrets are kubernetes-secret-committed's; the rest hold no plaintext
        account = _account_passwords(doc)
        services = _service_environments(doc)
        seen: set[int] = set()
        containers: dict[int, str] = {}  # a mapping's id -> the credential word above it
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
                        and _ENV_NAME.fullmatch(item.value.split("=", 1)[0]) is not None
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
            container = containers.get(id(node))
            for key, value in node.items():
                if key.value in _EXAMPLE_KEYS:
                    continue  # an OpenAPI or JSON-schema example: documentation
                if isinstance(value, Mapping) and key.value.lower() in _CREDENTIAL_CONTAINERS:
                    containers[id(value)] = _CREDENTIAL_CONTAINERS[key.value.lower()]
                if (
                    container is not None
                    and isinstance(value, Scalar)
                    and value.kind == "str"
                    and not is_credential_name(key.value)
                    and not written(value)
                ):
                    yield from _role_credential(container, key.value, value, example, local)
                    continue
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
                            key.value,
                            value.value,
                            value,
                            example,
                            (lambda: True)
                            if id(node) in services or id(value) in services
                            else local,
                            id(value) in account,
                            _IN_SERVICE
                            if id(node) in services
                            else _FOR_SERVICE
                            if id(value) in services
                            else LOCAL_DEPLOYMENT,
                        )
                else:
                    stack.append(value)


# `NAME=value` in a list (a compose `environment:` list, a container's args): the name
# of a variable, not any text before an `=` (`mysql://u:p@h/db?max_conns=20`).
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
# Documentation keys of OpenAPI and JSON schema: their values show a format.
_EXAMPLE_KEYS = frozenset({"example", "examples", "x-example", "x-examples"})


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


def _is_test_table(mapping: Mapping) -> bool:
    return _test_table([k.value for k, _ in mapping.items()])


def _service_environments(doc: object) -> set[int]:
    """The `env` mappings of a GitHub workflow job's service containers
    (`jobs.<id>.services.<name>.env`): a database the runner starts for the job and
    removes with it (a service's registry `credentials` are not among them); and the
    values of the job's other `env` mappings (the job's, its steps') that repeat one of
    them: the service's credential handed to the steps that use the service
    (`VAULT_TOKEN` equal to the service's `VAULT_DEV_ROOT_TOKEN_ID`)."""
    out: set[int] = set()
    jobs = doc.get("jobs") if isinstance(doc, Mapping) else None
    for _, job in jobs.items() if isinstance(jobs, Mapping) else ():
        if not isinstance(job, Mapping) or job.get("runs-on") is None:
            continue  # a workflow job runs on a runner; other YAML is no workflow
        services = job.get("services")
        given: set[str] = set()
        for _, service in services.items() if isinstance(services, Mapping) else ():
            env = service.get("env") if isinstance(service, Mapping) else None
            if isinstance(env, Mapping):
                out.add(id(env))
                given.update(v.value for _, v in env.items() if isinstance(v, Scalar) and v.value)
        if not given:
            continue
        steps = job.get("steps")
        users = [job.get("env")] + [
            step.get("env")
            for step in (steps.items if isinstance(steps, Sequence) else ())
            if isinstance(step, Mapping)
        ]
        for env in users:
            for _, value in env.items() if isinstance(env, Mapping) else ():
                if isinstance(value, Scalar) and value.value in given:
                    out.add(id(value))
    return out


# Where a service container's credential sits, as the message says it.
_IN_SERVICE = " in a CI job's service container, which lives only as long as the job"
_FOR_SERVICE = (
    " that a CI job hands its steps for its own service container, which lives only as "
    "long as the job"
)


# Keys that hold one credential per role or user (`credentials: {admin: <key>, viewer:
# <key>}`, `passwords: {root: ...}`), with the kind of credential each leaf is.
_CREDENTIAL_CONTAINERS = {
    "credentials": "credential",
    "passwords": "password",
    "tokens": "token",
    "api_keys": "api_key",
    "apikeys": "api_key",
}
# Leaves under such a key that name who, not what (`credentials: {username: ..}`).
_IDENTITY_KEYS = frozenset({"user", "username", "login", "email", "name", "type", "kind"})


def _role_credential(
    kind: str, role: str, value: Scalar, example: bool, local: Callable[[], bool]
) -> Iterator[Hit]:
    """A credential keyed by its role under a credentials mapping: judged as that kind
    of credential (a token must look random, a password need not), named by its path."""
    if role.lower() in _IDENTITY_KEYS or not role[:1].isalpha():
        return
    if NOT_CREDENTIAL.search(normalise(role)):
        return  # `secretName`, `existingSecret` refs, `keyFile`: where it is, not what
    verdict = judge_value(f"{role}_{kind}", value.value, example)
    if verdict is not None:
        yield _hit(
            f"{kind}s.{role}",
            verdict,
            value.span,
            value.span,
            value.value,
            local=local,
            config=True,
        )


def _config_pair(
    name: str,
    value: str,
    node: Scalar,
    example: bool,
    local: Callable[[], bool],
    account: bool = False,
    local_where: str = LOCAL_DEPLOYMENT,
) -> Iterator[Hit]:
    """`local` says whether the credential guards nothing real; `local_where` says why."""
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
            local_where=local_where,
        )


def detect_dotenv(ctx: FileContext) -> Iterator[Hit]:
    return as_template(ctx, _detect_dotenv(ctx))


def _detect_dotenv(ctx: FileContext) -> Iterator[Hit]:
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


def detect_ini(ctx: FileContext) -> Iterator[Hit]:
    return as_template(ctx, _detect_ini(ctx))


def _detect_ini(ctx: FileContext) -> Iterator[Hit]:
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

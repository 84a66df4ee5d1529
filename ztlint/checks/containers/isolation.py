"""Container isolation switched off, in compose files and Kubernetes workloads:
privileged mode, privilege escalation, dangerous capabilities, seccomp and AppArmor
disabled, host namespaces shared, and sensitive host paths mounted."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from ztlint.checks.containers.compose import interpolate, services
from ztlint.checks.containers.docker_socket import runtime_socket
from ztlint.checks.containers.workloads import (
    Container,
    PodSpec,
    containers,
    file_pod_specs,
    security_contexts,
)
from ztlint.model import Confidence, Severity
from ztlint.parsers.data import Mapping, Node, Scalar, Sequence
from ztlint.rule import FileContext, Hit

# --- shared -------------------------------------------------------------------------


def _true(node: Node | None) -> bool:
    return isinstance(node, Scalar) and node.truthy() is True


def _containers_setting(pod: PodSpec, key: str) -> Iterator[tuple[str, Node]]:
    """(container name, key node) for each container whose securityContext sets `key`
    to true."""
    for c in containers(pod):
        sc = c.node.get_map("securityContext")
        entry = sc.entry(key) if sc is not None else None
        if entry is not None and _true(entry[1]):
            yield c.name, entry[0]


def _compose(ctx: FileContext) -> Iterator[tuple[str, Mapping]]:
    for doc in ctx.documents():
        yield from services(doc)


# --- privileged ---------------------------------------------------------------------


def detect_privileged(ctx: FileContext) -> Iterator[Hit]:
    if "compose" in ctx.kinds:
        for name, service in _compose(ctx):
            entry = service.entry("privileged")
            if entry is not None and _true(entry[1]):
                yield Hit(
                    span=entry[0].span, message=f"service '{name}' runs privileged", entity=name
                )
    if "kubernetes" in ctx.kinds:
        for pod in file_pod_specs(ctx, with_kind=True):
            entry = pod.spec.entry("privileged")  # not a pod field, but the intent is plain
            if entry is not None and _true(entry[1]):
                yield Hit(
                    span=entry[0].span,
                    message=f"{pod.workload} asks for privileged pods",
                    entity=pod.name,
                )
            for c in containers(pod):
                sc = c.node.get_map("securityContext")
                entry = sc.entry("privileged") if sc is not None else None
                if entry is None or not _true(entry[1]):
                    continue
                if _kernel_settings_only(pod, c):
                    # Shown with --min-confidence medium: what the pod needs is the
                    # host's kernel settings, which its own securityContext cannot set.
                    yield Hit(
                        span=entry[0].span,
                        message=f"init container '{c.name}' of {pod.workload} runs privileged "
                        "only to set kernel parameters (sysctl); set them on the node or in "
                        "securityContext.sysctls instead",
                        severity=Severity.LOW,
                        confidence=Confidence.MEDIUM,
                        entity=pod.name,
                    )
                    continue
                yield Hit(
                    span=entry[0].span,
                    message=f"container '{c.name}' of {pod.workload} runs privileged",
                    entity=pod.name,
                )


# A step of an init container's script that only writes kernel parameters, or the shell
# around such steps: `sysctl -w net.ipv4.ip_forward=1`, `echo 1 > /proc/sys/...`,
# `if [ -e /proc/sys/... ]; then`, `fi`.
_KERNEL_STEP = re.compile(
    r"sysctl(?:\s+-[weq]+)*(?:\s+[\w./-]+=[\w./:-]+)+"
    r"|echo\s+(?:-n\s+)?[\w\"'.:-]+\s*>>?\s*/proc/sys/[\w./-]+"
    r"|(?:if|elif|while)\s+\[\s+-[edf]\s+/proc/sys/[\w./-]+\s+\]"
    r"|then|else|fi|do|done|true|:|set\s+-[eux]+"
)
_SCRIPT_SPLIT = re.compile(r"&&|\|\||;|\n")
_LEADING_KEYWORD = re.compile(r"^(?:then|else|do)\s+")
_MAX_SCRIPT = 4096
_SHELLS = frozenset({"sh", "bash", "ash", "/bin/sh", "/bin/bash", "/bin/ash", "-c", "-ec", "-xc"})


def _kernel_settings_only(pod: PodSpec, c: Container) -> bool:
    """An init container whose command and arguments only write kernel parameters (the
    common privileged sysctl init container), as literal strings a reader can see."""
    inits = pod.spec.get_seq("initContainers")
    if inits is None or not any(item is c.node for item in inits.items):
        return False
    words: list[str] = []
    for key in ("command", "args"):
        value = c.node.get(key)
        if value is None:
            continue
        if not isinstance(value, Sequence) or not all(isinstance(i, Scalar) for i in value.items):
            return False
        words += [i.value for i in value.items if isinstance(i, Scalar)]
    while words and words[0].strip() in _SHELLS:
        words.pop(0)
    script = " ".join(words) if len(words) != 1 else words[0]
    if len(script) > _MAX_SCRIPT:
        return False
    steps = [
        _LEADING_KEYWORD.sub("", step.strip())
        for step in _SCRIPT_SPLIT.split(script)
        if step.strip()
    ]
    return (
        bool(steps)
        and all(_KERNEL_STEP.fullmatch(step) for step in steps)
        and any(step.startswith(("sysctl", "echo")) for step in steps)
    )


def detect_privilege_escalation(ctx: FileContext) -> Iterator[Hit]:
    for pod in file_pod_specs(ctx, with_kind=True):
        for name, key in _containers_setting(pod, "allowPrivilegeEscalation"):
            yield Hit(
                span=key.span,
                message=f"container '{name}' of {pod.workload} sets allowPrivilegeEscalation: true",
                entity=pod.name,
            )


# --- capabilities -------------------------------------------------------------------

CAPABILITIES = {
    "ALL": Severity.HIGH,
    "SYS_ADMIN": Severity.HIGH,
    "SYS_MODULE": Severity.HIGH,
    "SYS_RAWIO": Severity.HIGH,
    "SYS_PTRACE": Severity.HIGH,
    "DAC_READ_SEARCH": Severity.HIGH,
    "BPF": Severity.HIGH,
    "NET_ADMIN": Severity.MEDIUM,
    "NET_RAW": Severity.MEDIUM,
    "PERFMON": Severity.MEDIUM,
}


def capability(text: str) -> str:
    """`cap_net_admin`, `CAP_NET_ADMIN`, `net_admin` -> `NET_ADMIN`."""
    name = text.strip().strip("\"'").upper()
    return name[4:] if name.startswith("CAP_") else name


# What a network agent (a VPN client or gateway, a CNI plugin, a tunnel endpoint) needs
# to do its job: configure interfaces, routes and firewall rules, and send raw packets.
# The seed's finding is these capabilities on containers that are no such agent.
_NETWORK_JOB = frozenset({"NET_ADMIN", "NET_RAW"})
_AGENT_NOTE = " (it manages the host's network or a tunnel device: what a network agent needs)"


def _cap_hits(
    items: Sequence | None, who: str, entity: str | None, agent: bool = False
) -> Iterator[Hit]:
    for item in items.items if items is not None else []:
        if not isinstance(item, Scalar):
            continue
        cap = capability(item.value)
        if cap in CAPABILITIES:
            needed = agent and cap in _NETWORK_JOB
            yield Hit(
                span=item.span,
                message=f"{who} adds capability {cap}" + (_AGENT_NOTE if needed else ""),
                severity=CAPABILITIES[cap],
                confidence=Confidence.MEDIUM if needed else None,
                entity=entity,
                value=cap,
            )


def _caps(items: Sequence | None) -> set[str]:
    return {
        capability(i.value)
        for i in (items.items if items is not None else [])
        if isinstance(i, Scalar)
    }


def compose_network_agent(service: Mapping) -> bool:
    """A service that adds NET_ADMIN and either shares the host's network namespace or
    is given the TUN device (`/dev/net/tun`): it exists to manage networking."""
    if "NET_ADMIN" not in _caps(service.get_seq("cap_add")):
        return False
    mode = service.get_str("network_mode")
    if mode is not None and mode.strip() == "host":
        return True
    devices = service.get_seq("devices")
    return any(
        _TUN in (item.value if isinstance(item, Scalar) else item.get_str("source") or "")
        for item in (devices.items if devices is not None else [])
        if isinstance(item, Scalar | Mapping)
    )


_TUN = "/dev/net/tun"


def _container_caps(c: Container) -> set[str]:
    sc = c.node.get_map("securityContext")
    caps = sc.get_map("capabilities") if sc is not None else None
    return _caps(caps.get_seq("add") if caps is not None else None)


def pod_network_agent(pod: PodSpec, c: Container | None = None) -> bool:
    """The same for a pod (any container) or one of its containers: NET_ADMIN with the
    host's network (`hostNetwork: true`) or a hostPath volume of the TUN device."""
    chosen = [c] if c is not None else list(containers(pod))
    if not any("NET_ADMIN" in _container_caps(x) for x in chosen):
        return False
    if _true(pod.spec.get("hostNetwork")):
        return True
    volumes = pod.spec.get_seq("volumes")
    for volume in volumes.items if volumes is not None else []:
        host = volume.get_map("hostPath") if isinstance(volume, Mapping) else None
        if host is not None and (host.get_str("path") or "").rstrip("/") == _TUN:
            return True
    return False


def detect_capabilities(ctx: FileContext) -> Iterator[Hit]:
    if "compose" in ctx.kinds:
        for name, service in _compose(ctx):
            yield from _cap_hits(
                service.get_seq("cap_add"),
                f"service '{name}'",
                name,
                compose_network_agent(service),
            )
    if "kubernetes" in ctx.kinds:
        for pod in file_pod_specs(ctx, with_kind=True):
            for c in containers(pod):
                sc = c.node.get_map("securityContext")
                caps = sc.get_map("capabilities") if sc is not None else None
                adds = caps.get_seq("add") if caps is not None else None
                yield from _cap_hits(
                    adds,
                    f"container '{c.name}' of {pod.workload}",
                    pod.name,
                    pod_network_agent(pod, c),
                )


# --- seccomp and AppArmor -----------------------------------------------------------

_UNCONFINED_OPT = re.compile(r"^\s*(seccomp|apparmor)\s*[:=]\s*unconfined\s*$", re.I)
_LEGACY_SECCOMP = re.compile(r"^(container\.)?seccomp\.security\.alpha\.kubernetes\.io/")
_LEGACY_APPARMOR = re.compile(r"^container\.apparmor\.security\.beta\.kubernetes\.io/")


def _profile_unconfined(node: Node | None) -> bool:
    if isinstance(node, Scalar):  # not the API's shape, but the intent is plain
        return node.value.strip().lower() == "unconfined"
    if isinstance(node, Mapping):
        kind = node.get_str("type")
        return kind is not None and kind.strip().lower() == "unconfined"
    return False


def detect_seccomp_disabled(ctx: FileContext) -> Iterator[Hit]:
    if "compose" in ctx.kinds:
        for name, service in _compose(ctx):
            opts = service.get_seq("security_opt")
            for item in opts.items if opts is not None else []:
                if isinstance(item, Scalar):
                    m = _UNCONFINED_OPT.match(item.value)
                    if m:
                        yield Hit(
                            span=item.span,
                            message=f"service '{name}' runs with {m.group(1).lower()} unconfined",
                            entity=name,
                        )
    if "kubernetes" in ctx.kinds:
        for pod in file_pod_specs(ctx, with_kind=True):
            for sc, who in security_contexts(pod):
                for field in ("seccompProfile", "appArmorProfile"):
                    entry = sc.entry(field)
                    if entry is not None and _profile_unconfined(entry[1]):
                        what = "seccomp" if field == "seccompProfile" else "AppArmor"
                        yield Hit(
                            span=entry[0].span,
                            message=f"{who} runs with {what} Unconfined",
                            entity=pod.name,
                        )
            if pod.annotations is not None:
                for key, value in pod.annotations.items():
                    if not isinstance(value, Scalar) or value.value.strip().lower() != "unconfined":
                        continue
                    if _LEGACY_SECCOMP.match(key.value) or _LEGACY_APPARMOR.match(key.value):
                        yield Hit(
                            span=key.span,
                            message=f"{pod.workload} sets {key.value}: unconfined",
                            entity=pod.name,
                        )


# --- host namespaces ----------------------------------------------------------------

_COMPOSE_NS = {
    "network_mode": "network",
    "pid": "PID",
    "ipc": "IPC",
    "userns_mode": "user",
    "uts": "UTS",
}
_K8S_NS = {"hostNetwork": "network", "hostPID": "PID", "hostIPC": "IPC"}


def detect_host_namespaces(ctx: FileContext) -> Iterator[Hit]:
    if "compose" in ctx.kinds:
        for name, service in _compose(ctx):
            for key, ns in _COMPOSE_NS.items():
                entry = service.entry(key)
                if (
                    entry is not None
                    and isinstance(entry[1], Scalar)
                    and entry[1].value.strip() == "host"
                ):
                    needed = ns == "network" and compose_network_agent(service)
                    yield Hit(
                        span=entry[0].span,
                        message=f"service '{name}' shares the host's {ns} namespace"
                        + (_HOST_NETWORK_NOTE if needed else ""),
                        confidence=Confidence.MEDIUM if needed else None,
                        entity=name,
                        value=key,
                    )
    if "kubernetes" in ctx.kinds:
        for pod in file_pod_specs(ctx, with_kind=True):
            for key, ns in _K8S_NS.items():
                entry = pod.spec.entry(key)
                if entry is not None and _true(entry[1]):
                    needed = ns == "network" and pod_network_agent(pod)
                    yield Hit(
                        span=entry[0].span,
                        message=f"{pod.workload} shares the host's {ns} namespace"
                        + (_HOST_NETWORK_NOTE if needed else ""),
                        confidence=Confidence.MEDIUM if needed else None,
                        entity=pod.name,
                        value=key,
                    )


# A network agent (NET_ADMIN in the host's network) shares it to manage it.
_HOST_NETWORK_NOTE = " to manage it with NET_ADMIN (a VPN or network agent's job)"


# --- sensitive host paths -----------------------------------------------------------

SENSITIVE = (
    "/",
    "/etc",
    "/proc",
    "/sys",
    "/root",
    "/home",
    "/var/lib/docker",
    "/boot",
    "/dev",
    "/var/lib/kubelet",
)
# Public files under /etc that containers routinely share with the host.
HARMLESS = (
    "/etc/ssl/certs",
    "/etc/pki/ca-trust",
    "/etc/pki/tls/certs",
    "/etc/ca-certificates",
    "/etc/localtime",
    "/etc/timezone",
    "/etc/resolv.conf",
    "/etc/hosts",
    "/etc/machine-id",
    "/etc/os-release",
)
# A home directory however it is written: `~`, `$HOME`, `${HOME}`, `${HOME:-/root}`,
# `$USERPROFILE`, `/home/<user>`, `/root`, `/Users/<user>`.
_HOME = re.compile(
    r"^(~|\$HOME|\$\{HOME(?:[:?+-][^}]*)?\}|\$USERPROFILE|\$\{USERPROFILE(?:[:?+-][^}]*)?\}|"
    r"/home/[^/]+|/root|/Users/[^/]+)(?=/|$)"
)
SENSITIVE_HOME = (".ssh", ".aws", ".kube", ".docker", ".gnupg", ".config/gcloud", ".azure")


def sensitive_host_path(raw: str) -> str | None:
    """The sensitive location a host path exposes, or None."""
    # A home variable is read before interpolation, which would make `$HOME/.ssh` the
    # `/.ssh` of an unset environment: on the host that runs it, it is a home.
    home = _HOME.match(raw.strip())
    if home is not None:
        rest = interpolate(raw.strip()[home.end() :]).lstrip("/")
        if not rest.rstrip("/"):
            return "~"  # the whole home directory: its keys and credentials with it
        for name in SENSITIVE_HOME:
            if rest == name or rest.startswith(name + "/"):
                return f"~/{name}"
    text = interpolate(raw).strip()
    if not text or runtime_socket(text):
        return None  # docker-socket-mount's finding
    if not text.startswith("/"):
        return None
    path = posixpath.normpath(text)
    if path == "/":
        return "/"
    if any(path == ok or path.startswith(ok + "/") for ok in HARMLESS):
        return None
    for top in SENSITIVE[1:]:
        if path == top or path.startswith(top + "/"):
            return path
    return None


def _volume_parts(raw: str) -> list[str]:
    """`source:target[:mode]` split at the colons outside `${...}` (a default such as
    `${DATA:-/srv}` holds one); the source keeps its variables (sensitive_host_path
    resolves them), target and mode are interpolated."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(raw):
        if ch == "{" and raw[i - 1 : i] == "$":
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
        elif ch == ":" and depth == 0:
            parts.append(raw[start:i])
            start = i + 1
    parts.append(raw[start:])
    return [parts[0]] + [interpolate(p) for p in parts[1:]]


def _compose_sources(service: Mapping) -> Iterator[tuple[str, bool, Node]]:
    volumes = service.get_seq("volumes")
    for item in volumes.items if volumes is not None else []:
        if isinstance(item, Scalar):
            parts = _volume_parts(item.value)
            if len(parts) >= 2:
                yield parts[0], "ro" in (parts[2].split(",") if len(parts) > 2 else []), item
        elif isinstance(item, Mapping) and (item.get_str("type") or "bind") == "bind":
            source = item.get_str("source")
            if source is not None:
                flag = item.get("read_only")
                yield (
                    source,
                    isinstance(flag, Scalar) and flag.truthy() is True,
                    item.get("source") or item,
                )


def detect_sensitive_mounts(ctx: FileContext) -> Iterator[Hit]:
    if "compose" in ctx.kinds:
        for name, service in _compose(ctx):
            for source, read_only, node in _compose_sources(service):
                where = sensitive_host_path(source)
                if where is not None:
                    yield _mount_hit(f"service '{name}'", where, read_only, node, name)
    if "kubernetes" in ctx.kinds:
        for pod in file_pod_specs(ctx, with_kind=True):
            volumes = pod.spec.get_seq("volumes")
            for volume in volumes.items if volumes is not None else []:
                host = volume.get_map("hostPath") if isinstance(volume, Mapping) else None
                path = host.get("path") if host is not None else None
                if isinstance(path, Scalar):
                    where = sensitive_host_path(path.value)
                    if where is not None:
                        yield _mount_hit(pod.workload, where, False, path, pod.name)


def _mount_hit(who: str, where: str, read_only: bool, node: Node, entity: str | None) -> Hit:
    return Hit(
        span=node.span,
        message=f"{who} mounts the host's {where}" + (" (read-only)" if read_only else ""),
        severity=Severity.MEDIUM if read_only else None,
        confidence=None if _sensitive_in_etc(where) else Confidence.MEDIUM,
        entity=entity,
        value=where,
    )


# What under /etc gives a container the host: accounts and their secrets, privilege and
# login configuration, SSH, the cluster's and runtimes' credentials, private keys, what
# runs at boot or on a schedule. Another folder under /etc is one application's own
# configuration (`/etc/myagent`): reported at medium confidence.
_SENSITIVE_ETC = (
    "shadow", "gshadow", "passwd", "group", "sudoers", "sudoers.d", "ssh", "security",
    "pam.d", "kubernetes", "docker", "containerd", "crio", "ssl", "pki", "cron.d", "crontab",
    "cron.daily", "cron.hourly", "systemd", "init.d", "rc.local", "ld.so.preload",
    "profile", "profile.d", "environment", "sysctl.conf", "sysctl.d", "modules-load.d",
    "letsencrypt", "cni", "kubelet", "rancher", "openvpn", "wireguard",
)  # fmt: skip


def _sensitive_in_etc(where: str) -> bool:
    """Whether a mounted path is sensitive with certainty: anything but a folder of one
    application's own under /etc."""
    if not where.startswith("/etc/"):
        return True
    first = where[len("/etc/") :].split("/", 1)[0]
    return first in _SENSITIVE_ETC

"""What the container isolation rules (ZT302-ZT309) read in compose files and Kubernetes
workloads: services and container settings, capabilities, network agents, sensitive
host paths. Each rule's detector is in its own module."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from ztlint.checks.compose import interpolate, services
from ztlint.checks.containers._common.sockets import runtime_socket
from ztlint.checks.workloads import (
    Container,
    PodSpec,
    containers,
)
from ztlint.model import Severity
from ztlint.parsers.data import Mapping, Node, Scalar, Sequence
from ztlint.rule import FileContext

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


def _caps(items: Sequence | None) -> set[str]:
    return {
        capability(i.value)
        for i in (items.items if items is not None else [])
        if isinstance(i, Scalar)
    }


def compose_network_agent(service: Mapping) -> bool:
    """A service that adds NET_ADMIN and either shares the host's network namespace, is
    given the TUN device (`/dev/net/tun`), turns on packet forwarding in its own
    namespace (`sysctls: net.ipv4.ip_forward=1`, WireGuard's `src_valid_mark`), or
    publishes a UDP port (`51820:51820/udp`: a tunnel's endpoint, WireGuard, OpenVPN,
    IPsec): it exists to manage networking, a gateway or a tunnel endpoint."""
    if "NET_ADMIN" not in _caps(service.get_seq("cap_add")):
        return False
    mode = service.get_str("network_mode")
    if mode is not None and mode.strip() == "host":
        return True
    if _forwards(service.get("sysctls")) or _serves_udp(service.get_seq("ports")):
        return True
    devices = service.get_seq("devices")
    return any(
        _TUN in (item.value if isinstance(item, Scalar) else item.get_str("source") or "")
        for item in (devices.items if devices is not None else [])
        if isinstance(item, Scalar | Mapping)
    )


_TUN = "/dev/net/tun"
# Sysctls a router or tunnel endpoint sets: forwarding packets between interfaces, and
# the mark WireGuard's policy routing needs.
_FORWARDING = re.compile(
    r"^net\.ipv4\.ip_forward$|^net\.ipv6\.conf\.[\w.-]+\.forwarding$|^net\.ipv4\.conf\.[\w.-]+\.(?:src_valid_mark|forwarding)$"
)


def _serves_udp(ports: Sequence | None) -> bool:
    """Whether compose `ports:` publish a UDP port (`"51820:51820/udp"`, or the long
    syntax's `protocol: udp`)."""
    for item in ports.items if ports is not None else []:
        if isinstance(item, Scalar) and item.value.strip().lower().endswith("/udp"):
            return True
        if isinstance(item, Mapping) and (item.get_str("protocol") or "").lower() == "udp":
            return True
    return False


def _udp_container(c: Container) -> bool:
    """A container that declares a UDP port (`protocol: UDP`): a tunnel's endpoint."""
    ports = c.node.get_seq("ports")
    return any(
        isinstance(item, Mapping) and (item.get_str("protocol") or "").upper() == "UDP"
        for item in (ports.items if ports is not None else [])
    )


def _forwards(sysctls: object) -> bool:
    """Whether a compose `sysctls:` (a list of `name=value` or a mapping) or a pod's
    `securityContext.sysctls` (a list of `{name, value}`) turns forwarding on."""
    pairs: list[tuple[str, str]] = []
    if isinstance(sysctls, Mapping):
        pairs = [(k.value, v.value if isinstance(v, Scalar) else "") for k, v in sysctls.items()]
    elif isinstance(sysctls, Sequence):
        for item in sysctls.items:
            if isinstance(item, Scalar):
                name, _, value = item.value.partition("=")
                pairs.append((name, value))
            elif isinstance(item, Mapping):
                pairs.append((item.get_str("name") or "", item.get_str("value") or ""))
    return any(
        _FORWARDING.match(name.strip()) and value.strip().strip("\"'") == "1"
        for name, value in pairs
    )


def _container_caps(c: Container) -> set[str]:
    sc = c.node.get_map("securityContext")
    caps = sc.get_map("capabilities") if sc is not None else None
    return _caps(caps.get_seq("add") if caps is not None else None)


def pod_network_agent(pod: PodSpec, c: Container | None = None) -> bool:
    """The same for a pod (any container) or one of its containers: NET_ADMIN with the
    host's network (`hostNetwork: true`), a hostPath volume of the TUN device, the
    pod's forwarding sysctls (`securityContext.sysctls`), or a UDP port declared by the
    container that adds it."""
    chosen = [c] if c is not None else list(containers(pod))
    if not any("NET_ADMIN" in _container_caps(x) for x in chosen):
        return False
    if any("NET_ADMIN" in _container_caps(x) and _udp_container(x) for x in chosen):
        return True
    if _true(pod.spec.get("hostNetwork")):
        return True
    context = pod.spec.get_map("securityContext")
    if context is not None and _forwards(context.get("sysctls")):
        return True
    return any(path.rstrip("/") == _TUN for path in host_path_texts(pod))


# The host's own network configuration and kernel modules: what a network agent (a
# WireGuard server, a VPN client managing the host's interfaces) is given to do its job:
# the interfaces' configuration it writes, the tunnel's kernel module it loads.
AGENT_HOST_PATHS = ("/etc/wireguard", "/etc/openvpn")
MODULES = "/lib/modules"


def compose_host_sources(service: Mapping) -> set[str]:
    """The host paths a compose service bind-mounts, normalised."""
    out = set()
    for source, _, _ in _compose_sources(service):
        text = interpolate(source).strip()
        if text.startswith("/"):
            out.add(posixpath.normpath(text))
    return out


def host_path_texts(pod: PodSpec) -> list[str]:
    """The paths of a pod's hostPath volumes as written (a chart's may be templated:
    `{{ .Values.kubeletRootDir }}/pods`), stripped."""
    out = []
    volumes = pod.spec.get_seq("volumes")
    for volume in volumes.items if volumes is not None else []:
        host = volume.get_map("hostPath") if isinstance(volume, Mapping) else None
        path = host.get_str("path") if host is not None else None
        if path and path.strip():
            out.append(path.strip())
    return out


def pod_host_sources(pod: PodSpec) -> set[str]:
    """The hostPath volumes of a pod, normalised."""
    return {posixpath.normpath(p) for p in host_path_texts(pod) if p.startswith("/")}


# A CSI node plugin registers with the kubelet through its plugin registration folder
# (`<kubelet dir>/plugins_registry`, named to its registrar by
# `--kubelet-registration-path`) and mounts volumes into pods through the kubelet's
# folders, with Bidirectional propagation, which needs a privileged container (the
# Kubernetes CSI documentation's deployment of a node plugin).
_REGISTRATION = re.compile(r"/plugins_registry/?$")


def csi_node_plugin(pod: PodSpec) -> bool:
    """The pod is a CSI node plugin: a hostPath volume of the kubelet's plugin
    registration folder, or a registrar container given `--kubelet-registration-path`."""
    if any(_REGISTRATION.search(path) for path in host_path_texts(pod)):
        return True
    for c in containers(pod):
        args = c.node.get_seq("args")
        if args is not None and any(
            isinstance(a, Scalar) and a.value.startswith("--kubelet-registration-path")
            for a in args.items
        ):
            return True
    return False


# The node's CNI configuration and plugin folders: only a cluster's network plugin (its
# DaemonSet installs the node's pod network) writes there.
CNI_PATHS = ("/etc/cni/net.d", "/etc/cni", "/opt/cni/bin", "/opt/cni")


XTABLES_LOCK = "/run/xtables.lock"


def _cni_folder(text: str) -> bool:
    return text in CNI_PATHS or text.endswith("/cni/net.d")  # `/etc/kubernetes/cni/net.d`


def cni_plugin(pod: PodSpec) -> bool:
    """The pod is a cluster network plugin: a hostPath volume of the node's CNI
    configuration or plugin folder, or of the iptables lock with the host's network (it
    programs the node's packet filter, as kube-proxy and network add-ons do)."""
    host_network = _true(pod.spec.get("hostNetwork"))
    return any(
        _cni_folder(path) or (host_network and path == XTABLES_LOCK)
        for path in (p.rstrip("/") for p in host_path_texts(pod))
    )


def network_plugin_path(path: str) -> bool:
    """What a network plugin manages on the node: the CNI folders, the kernel's modules
    (the tunnel's module), the iptables lock."""
    text = path.strip().rstrip("/")
    return _cni_folder(text) or text in (MODULES, XTABLES_LOCK)


def kubelet_path(path: str) -> bool:
    """A kubelet folder a CSI node plugin works in (`/var/lib/kubelet/pods`, its
    `plugins` and `plugins_registry`), also templated (`{{ .Values.kubeletRootDir }}/pods`)."""
    text = path.strip().rstrip("/")
    return bool(
        re.search(r"(?:^|/|\}\})(?:pods|plugins|plugins_registry)(?:/[\w.-]*)?$", text)
    ) and ("kubelet" in text.lower())


def agent_host_path(where: str) -> bool:
    """A host path that is a network agent's to manage (AGENT_HOST_PATHS)."""
    return any(where == p or where.startswith(p + "/") for p in AGENT_HOST_PATHS)


# --- seccomp and AppArmor -----------------------------------------------------------

# --- host namespaces ----------------------------------------------------------------

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


# Files of a TLS folder that hold nothing secret: certificates and chains (an ACME client's
# `cert.pem`, `chain.pem`, `fullchain.pem`), Diffie-Hellman parameters and the web
# server settings an ACME client writes (`ssl-dhparams.pem`, `options-ssl-nginx.conf`).
_TLS_FOLDERS = ("/etc/letsencrypt/", "/etc/ssl/", "/etc/pki/")
_PUBLIC_TLS_FILE = re.compile(
    r"(?:full)?chain\d*\.pem|cert\d*\.pem|[\w.-]+\.(?:crt|cer)|[\w.-]*dhparams?[\w.-]*\.pem"
    r"|options-ssl-[\w-]+\.conf"
)


def _public_tls_file(path: str) -> bool:
    """One named public file of a TLS folder: mounting it shares no key."""
    return path.startswith(_TLS_FOLDERS) and bool(
        _PUBLIC_TLS_FILE.fullmatch(posixpath.basename(path))
    )


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
    if _public_tls_file(path):
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

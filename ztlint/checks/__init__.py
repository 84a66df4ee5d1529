"""The built-in Python code of the rules, in one registry: name -> function.

Rule folders in `rules/` refer to these names: a detector (`python:
unbounded-queue/rust`), a query guard (`#set! guard "tls-verification-disabled/gated-branch"`),
a text gate (`gate: hardcoded-credential/may-bind-credential`) or a project check
(`project: seccomp-permissive-profile/project`). Every name is derived, never invented:
`<rule-name>/<kind>`, where the rule name is the module's (`checks/memory/unbounded_queue.py`
or the package `checks/transport/tls_verification_disabled/`) and the kind is the function's
name without `detect_` (a package module's plain `detect` takes the module's name:
`tls_verification_disabled/rust.py` -> `tls-verification-disabled/rust`). Code several
rules share (a family's `_common`, the semantics layer) is named after its module
(`script-run/may-start-container`). A project check is `<rule-name>/project`.
tests/test_catalog.py checks the derivation, that every name is used by exactly one
rule, and that every name a rule uses exists.

The registry is this one explicit list, built when the rules are loaded; no module
registers itself on import. (Over 400 lines: one line per name, grouped by rule.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal, cast

from tree_sitter import Node

from ztlint.checks.auth import (
    error_detail_exposed,
    hardcoded_auth_identity,
    insecure_random_source,
    key_file_permissions,
    missing_security_headers,
    random_failure_panics,
    timing_unsafe_comparison,
    token_in_browser_storage,
    token_in_url,
    weak_secret_hash,
)
from ztlint.checks.auth.cors_wildcard_credentials import code as cors_code
from ztlint.checks.auth.cors_wildcard_credentials import envoy as cors_envoy
from ztlint.checks.auth.forwarded_header_trust import code as forwarded_code
from ztlint.checks.auth.forwarded_header_trust import envoy as forwarded_envoy
from ztlint.checks.containers import (
    admission_webhook_fails_open,
    dangerous_capability,
    docker_socket_mount,
    host_namespace_shared,
    network_zone_bridge,
    privilege_escalation_allowed,
    privileged_container,
    seccomp_disabled,
    seccomp_permissive_profile,
    sensitive_host_mount,
)
from ztlint.checks.containers._common import script_run
from ztlint.checks.hygiene import hardcoded_public_ip, sensitive_files_not_ignored
from ztlint.checks.memory import (
    blocking_call_in_event_loop,
    ffi_unchecked_buffer,
    force_unwrap_untrusted,
    lossy_identifier_decoding,
    sensitive_data_logged,
    unbounded_queue,
    unsafe_shell_path,
)
from ztlint.checks.proxy import (
    admin_interface_exposed,
    debug_mode_enabled,
    traffic_capture_unrestricted,
)
from ztlint.checks.secrets import (
    database_auth_disabled,
    kubernetes_secret_committed,
    secret_in_image_layer,
    secret_token_committed,
)
from ztlint.checks.secrets.credentials_in_environment import environment as env_credentials
from ztlint.checks.secrets.credentials_in_environment import lua as lua_credentials
from ztlint.checks.secrets.hardcoded_credential import code as hardcoded_code
from ztlint.checks.secrets.hardcoded_credential import config as hardcoded_config
from ztlint.checks.secrets.hardcoded_credential import files as credential_files
from ztlint.checks.secrets.hardcoded_credential import text as hardcoded_text
from ztlint.checks.secrets.private_key_committed import keys as private_keys
from ztlint.checks.transport import ssh_host_key_unverified as ssh_host_key
from ztlint.checks.transport import weak_tls_version
from ztlint.checks.transport.plaintext_transport import envoy as plaintext_envoy
from ztlint.checks.transport.plaintext_transport import go as plaintext_go
from ztlint.checks.transport.plaintext_transport import grpc as plaintext_grpc
from ztlint.checks.transport.plaintext_transport import istio as plaintext_istio
from ztlint.checks.transport.plaintext_transport import mobile as plaintext_mobile
from ztlint.checks.transport.plaintext_transport import urls as plaintext_urls
from ztlint.checks.transport.plaintext_transport import vault as plaintext_vault
from ztlint.checks.transport.tls_verification_disabled import android as tls_android
from ztlint.checks.transport.tls_verification_disabled import defaults as tls_defaults
from ztlint.checks.transport.tls_verification_disabled import environment as tls_environment
from ztlint.checks.transport.tls_verification_disabled import envoy as tls_envoy
from ztlint.checks.transport.tls_verification_disabled import go as tls_go
from ztlint.checks.transport.tls_verification_disabled import guards as tls_guards
from ztlint.checks.transport.tls_verification_disabled import istio as tls_istio
from ztlint.checks.transport.tls_verification_disabled import kubernetes as tls_kubernetes
from ztlint.checks.transport.tls_verification_disabled import listeners as tls_listeners
from ztlint.checks.transport.tls_verification_disabled import python as tls_python
from ztlint.checks.transport.tls_verification_disabled import rust as tls_rust
from ztlint.checks.transport.tls_verification_disabled import shell as tls_shell
from ztlint.checks.transport.tls_verification_disabled import swift as tls_swift
from ztlint.model import Confidence, Severity
from ztlint.rule import DetectFn, FileContext, ProjectCheck
from ztlint.semantics import vocabulary

GuardFn = Callable[
    [FileContext, dict[str, list[Node]]],
    bool | Confidence | tuple[Confidence, Severity] | tuple[Confidence, Severity, str],
]
# A text gate (`gate:` in rule.yaml): an exact necessary condition checked before a file
# is parsed for a detector.
GateFn = Callable[[FileContext], bool]
Role = Literal["detector", "guard", "gate", "project"]


@dataclass(frozen=True)
class Entry:
    name: str
    role: Role
    target: DetectFn | GuardFn | GateFn | ProjectCheck


def detector(name: str, fn: DetectFn) -> Entry:
    return Entry(name, "detector", fn)


def guard(name: str, fn: GuardFn) -> Entry:
    return Entry(name, "guard", fn)


def gate(name: str, fn: GateFn) -> Entry:
    return Entry(name, "gate", fn)


def project(name: str, check: ProjectCheck) -> Entry:
    return Entry(name, "project", check)


class Registry:
    """Name -> detector, guard, gate or project check; one namespace for all four."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._entries: dict[str, Entry] = {}
        for entry in entries:
            if entry.name in self._entries:
                raise ValueError(f"{entry.name!r} is registered twice")
            self._entries[entry.name] = entry

    def entries(self) -> tuple[Entry, ...]:
        return tuple(self._entries.values())

    def names(self, role: Role) -> tuple[str, ...]:
        return tuple(e.name for e in self._entries.values() if e.role == role)

    def _get(self, name: str, role: Role) -> object | None:
        entry = self._entries.get(name)
        return entry.target if entry is not None and entry.role == role else None

    def detector(self, name: str) -> DetectFn | None:
        return cast("DetectFn | None", self._get(name, "detector"))

    def guard(self, name: str) -> GuardFn | None:
        return cast("GuardFn | None", self._get(name, "guard"))

    def gate(self, name: str) -> GateFn | None:
        return cast("GateFn | None", self._get(name, "gate"))

    def project(self, name: str) -> ProjectCheck | None:
        return cast("ProjectCheck | None", self._get(name, "project"))


BUILTINS = Registry(
    (
        # ZT101 tls-verification-disabled
        project(
            "tls-verification-disabled/project",
            ProjectCheck(
                kinds=frozenset({"python"}),
                triggers=(),
                collect=tls_defaults.collect,
                check=tls_defaults.check,
                depends_on=("**/*.py",),
            ),
        ),
        detector("tls-verification-disabled/pyopenssl", tls_python.detect_pyopenssl),
        detector("tls-verification-disabled/stdlib-context", tls_python.detect_stdlib_context),
        detector("tls-verification-disabled/rust", tls_rust.detect),
        detector("tls-verification-disabled/swift", tls_swift.detect),
        detector("tls-verification-disabled/shell", tls_shell.detect),
        detector("tls-verification-disabled/curlrc", tls_shell.detect_curlrc),
        detector("tls-verification-disabled/environment", tls_environment.detect),
        detector("tls-verification-disabled/istio", tls_istio.detect),
        detector("tls-verification-disabled/apiservice", tls_kubernetes.detect_apiservice),
        detector("tls-verification-disabled/envoy", tls_envoy.detect),
        detector("tls-verification-disabled/android-trust", tls_android.detect_android_trust),
        detector("tls-verification-disabled/consul", tls_listeners.detect_consul),
        detector("tls-verification-disabled/etcd", tls_listeners.detect_etcd),
        guard("tls-verification-disabled/verified-elsewhere", tls_go.verified_elsewhere),
        guard("tls-verification-disabled/imports-aiohttp", tls_python.imports_aiohttp),
        guard("tls-verification-disabled/imports-http-client", tls_python.imports_http_client),
        guard("tls-verification-disabled/inspection-only", tls_python.inspection_only),
        guard("tls-verification-disabled/gated-branch", tls_guards.gated_branch),
        guard("tls-verification-disabled/falsy-verify", tls_python.falsy_verify),
        guard("tls-verification-disabled/verify-in-options", tls_python.verify_in_options),
        guard("tls-verification-disabled/setting-value", tls_guards.setting_value),
        # ZT102 plaintext-transport
        detector("plaintext-transport/go", plaintext_go.detect),
        detector("plaintext-transport/code", plaintext_urls.detect_code),
        detector("plaintext-transport/config", plaintext_urls.detect_config),
        detector("plaintext-transport/dotenv", plaintext_urls.detect_dotenv),
        gate(
            "plaintext-transport/may-name-plaintext-endpoint",
            plaintext_urls.may_name_plaintext_endpoint,
        ),
        detector("plaintext-transport/istio", plaintext_istio.detect),
        detector("plaintext-transport/envoy", plaintext_envoy.detect),
        detector("plaintext-transport/ats-cleartext", plaintext_mobile.detect_ats_cleartext),
        detector(
            "plaintext-transport/android-cleartext", plaintext_mobile.detect_android_cleartext
        ),
        detector("plaintext-transport/vault", plaintext_vault.detect_vault),
        guard("plaintext-transport/grpc-target", plaintext_grpc.grpc_target),
        # ZT103 weak-tls-version
        detector("weak-tls-version/ats", weak_tls_version.detect_ats),
        guard("weak-tls-version/inspection-only", weak_tls_version.inspection_only),
        guard("weak-tls-version/selected", weak_tls_version.selected),
        guard("weak-tls-version/setting-table", weak_tls_version.setting_table),
        # ZT104 ssh-host-key-unverified
        detector("ssh-host-key-unverified/python", ssh_host_key.detect_python),
        detector("ssh-host-key-unverified/go", ssh_host_key.detect_go),
        detector("ssh-host-key-unverified/rust", ssh_host_key.detect_rust),
        detector("ssh-host-key-unverified/ssh-options", ssh_host_key.detect_ssh_options),
        detector("ssh-host-key-unverified/ansible-cfg", ssh_host_key.detect_ansible_cfg),
        detector("ssh-host-key-unverified/ansible-env", ssh_host_key.detect_ansible_env),
        # ZT201 private-key-committed
        detector("private-key-committed/pem", private_keys.detect_pem),
        detector("private-key-committed/putty", private_keys.detect_putty),
        detector("private-key-committed/binary", private_keys.detect_binary),
        # ZT202 secret-token-committed
        detector(
            "secret-token-committed/provider-tokens", secret_token_committed.detect_provider_tokens
        ),
        # ZT203 kubernetes-secret-committed
        detector(
            "kubernetes-secret-committed/kubernetes", kubernetes_secret_committed.detect_kubernetes
        ),
        # ZT204 hardcoded-credential
        detector("hardcoded-credential/code", hardcoded_code.detect_code),
        gate("hardcoded-credential/may-bind-credential", hardcoded_code.may_bind_credential),
        detector("hardcoded-credential/config", hardcoded_config.detect_config),
        detector("hardcoded-credential/dotenv", hardcoded_config.detect_dotenv),
        detector("hardcoded-credential/ini", hardcoded_config.detect_ini),
        detector("hardcoded-credential/text", hardcoded_text.detect_text),
        detector("hardcoded-credential/makefile", hardcoded_text.detect_makefile),
        detector("hardcoded-credential/shell-urls", hardcoded_text.detect_shell_urls),
        detector("hardcoded-credential/files", credential_files.detect_files),
        detector("hardcoded-credential/docker-config", credential_files.detect_docker_config),
        # ZT205 credentials-in-environment
        detector("credentials-in-environment/environment", env_credentials.detect),
        detector("credentials-in-environment/lua-file", lua_credentials.detect_lua_file),
        detector("credentials-in-environment/lua-inline", lua_credentials.detect_lua_inline),
        # ZT206 secret-in-image-layer
        detector("secret-in-image-layer/dockerfile", secret_in_image_layer.detect_dockerfile),
        # ZT207 database-auth-disabled
        detector("database-auth-disabled/environment", database_auth_disabled.detect_environment),
        detector("database-auth-disabled/redis-conf", database_auth_disabled.detect_redis_conf),
        detector(
            "database-auth-disabled/redis-command", database_auth_disabled.detect_redis_command
        ),
        detector("database-auth-disabled/pg-hba", database_auth_disabled.detect_pg_hba),
        # ZT3xx: the container runs of scripts share one gate
        gate("script-run/may-start-container", script_run.may_start_container),
        # ZT301 docker-socket-mount
        detector("docker-socket-mount/compose", docker_socket_mount.detect_compose),
        detector("docker-socket-mount/kubernetes", docker_socket_mount.detect_kubernetes),
        detector("docker-socket-mount/scripts", docker_socket_mount.detect_scripts),
        # ZT302 privileged-container
        detector("privileged-container/manifests", privileged_container.detect_manifests),
        detector("privileged-container/scripts", privileged_container.detect_scripts),
        # ZT303 privilege-escalation-allowed
        detector(
            "privilege-escalation-allowed/kubernetes",
            privilege_escalation_allowed.detect_kubernetes,
        ),
        # ZT304 dangerous-capability
        detector("dangerous-capability/manifests", dangerous_capability.detect_manifests),
        detector("dangerous-capability/scripts", dangerous_capability.detect_scripts),
        # ZT305 seccomp-disabled
        detector("seccomp-disabled/manifests", seccomp_disabled.detect_manifests),
        detector("seccomp-disabled/scripts", seccomp_disabled.detect_scripts),
        # ZT306 seccomp-permissive-profile
        project(
            "seccomp-permissive-profile/project",
            ProjectCheck(
                kinds=frozenset(
                    {"seccomp", "compose", "kubernetes", *seccomp_permissive_profile.SCRIPT_KINDS}
                ),
                triggers=(),
                collect=seccomp_permissive_profile.collect,
                check=seccomp_permissive_profile.check,
                depends_on=(
                    "**/*.json",
                    "**/*.yml",
                    "**/*.yaml",
                    "**/*.sh",
                    "**/Makefile",
                    "**/*.mk",
                    "**/*ockerfile*",
                ),
            ),
        ),
        # ZT307 host-namespace-shared
        detector("host-namespace-shared/manifests", host_namespace_shared.detect_manifests),
        detector("host-namespace-shared/scripts", host_namespace_shared.detect_scripts),
        # ZT308 network-zone-bridge
        detector("network-zone-bridge/compose", network_zone_bridge.detect_compose),
        # ZT309 sensitive-host-mount
        detector("sensitive-host-mount/manifests", sensitive_host_mount.detect_manifests),
        detector("sensitive-host-mount/scripts", sensitive_host_mount.detect_scripts),
        # ZT311 admission-webhook-fails-open
        detector(
            "admission-webhook-fails-open/kubernetes",
            admission_webhook_fails_open.detect_kubernetes,
        ),
        # ZT401 traffic-capture-unrestricted
        detector("traffic-capture-unrestricted/envoy", traffic_capture_unrestricted.detect_envoy),
        # ZT402 admin-interface-exposed
        detector("admin-interface-exposed/envoy", admin_interface_exposed.detect_envoy),
        detector("admin-interface-exposed/go", admin_interface_exposed.detect_go),
        detector("admin-interface-exposed/kube-flags", admin_interface_exposed.detect_kube_flags),
        # ZT403 debug-mode-enabled
        detector("debug-mode-enabled/gvisor", debug_mode_enabled.detect_gvisor),
        detector("debug-mode-enabled/daemon-json", debug_mode_enabled.detect_daemon_json),
        detector("debug-mode-enabled/envoy-log-level", debug_mode_enabled.detect_envoy_log_level),
        # ZT501 timing-unsafe-comparison
        detector("timing-unsafe-comparison/code", timing_unsafe_comparison.detect_code),
        gate("vocabulary/mentions-secret", vocabulary.mentions_secret),
        # ZT502 weak-secret-hash
        detector("weak-secret-hash/code", weak_secret_hash.detect_code),
        # ZT503 missing-security-headers
        project(
            "missing-security-headers/project",
            ProjectCheck(
                kinds=frozenset({"text"}),
                triggers=missing_security_headers.TRIGGERS,
                collect=missing_security_headers.collect,
                check=missing_security_headers.check,
                depends_on=("**/*",),
                any_case=missing_security_headers.ANY_CASE_TRIGGERS,
                triggers_in=frozenset({"python"}),  # apps are found in Python only
            ),
        ),
        # ZT511 cors-wildcard-credentials
        detector("cors-wildcard-credentials/envoy", cors_envoy.detect),
        detector("cors-wildcard-credentials/code", cors_code.detect),
        # ZT512 forwarded-header-trust
        detector("forwarded-header-trust/envoy", forwarded_envoy.detect),
        detector("forwarded-header-trust/code", forwarded_code.detect),
        # ZT513 random-failure-panics
        project(
            "random-failure-panics/project",
            ProjectCheck(
                kinds=frozenset({"go", "text"}),
                triggers=("crypto/rand", "module "),
                collect=random_failure_panics.collect,
                check=random_failure_panics.check,
                depends_on=("**/go.mod", "**/*.go"),
            ),
        ),
        # ZT514 insecure-random-source
        detector("insecure-random-source/code", insecure_random_source.detect_code),
        # ZT515 error-detail-exposed
        detector("error-detail-exposed/code", error_detail_exposed.detect_code),
        # ZT516 token-in-browser-storage
        detector("token-in-browser-storage/code", token_in_browser_storage.detect_code),
        # ZT517 token-in-url
        detector("token-in-url/code", token_in_url.detect_code),
        gate("token-in-url/may-carry-credential", token_in_url.may_carry_credential),
        # ZT518 hardcoded-auth-identity
        detector("hardcoded-auth-identity/code", hardcoded_auth_identity.detect_code),
        # ZT519 key-file-permissions
        detector("key-file-permissions/code", key_file_permissions.detect_code),
        # ZT601 unbounded-queue
        detector("unbounded-queue/rust", unbounded_queue.detect_rust),
        # ZT602 ffi-unchecked-buffer
        detector("ffi-unchecked-buffer/rust", ffi_unchecked_buffer.detect_rust),
        # ZT603 lossy-identifier-decoding
        detector("lossy-identifier-decoding/rust", lossy_identifier_decoding.detect_rust),
        # ZT604 force-unwrap-untrusted
        detector("force-unwrap-untrusted/swift", force_unwrap_untrusted.detect_swift),
        # ZT605 unsafe-shell-path
        detector("unsafe-shell-path/shell", unsafe_shell_path.detect_shell),
        project(
            "unsafe-shell-path/project",
            ProjectCheck(
                kinds=frozenset({"bash", "dockerfile"}),
                triggers=(),
                collect=unsafe_shell_path.collect,
                check=unsafe_shell_path.check,
                depends_on=("**/*.sh", "**/*.bash", "**/Dockerfile*", "**/*.Dockerfile"),
            ),
        ),
        # ZT606 blocking-call-in-event-loop
        detector("blocking-call-in-event-loop/code", blocking_call_in_event_loop.detect_code),
        # ZT607 sensitive-data-logged
        detector("sensitive-data-logged/code", sensitive_data_logged.detect_code),
        gate("sensitive-data-logged/may-log-secret", sensitive_data_logged.may_log_secret),
        # ZT701 hardcoded-public-ip
        detector("hardcoded-public-ip/code", hardcoded_public_ip.detect_code),
        detector("hardcoded-public-ip/config", hardcoded_public_ip.detect_config),
        detector("hardcoded-public-ip/dotenv", hardcoded_public_ip.detect_dotenv),
        gate(
            "hardcoded-public-ip/may-hold-public-address",
            hardcoded_public_ip.may_hold_public_address,
        ),
        # ZT702 sensitive-files-not-ignored
        project(
            "sensitive-files-not-ignored/project",
            ProjectCheck(
                kinds=frozenset({"gitignore", "compose", "text"}),
                triggers=(),
                collect=sensitive_files_not_ignored.collect,
                check=sensitive_files_not_ignored.check,
                depends_on=("**/.gitignore", "**/*.yml", "**/*.yaml"),
            ),
        ),
    )
)

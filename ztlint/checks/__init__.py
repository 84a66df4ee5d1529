"""The built-in Python detectors and guards, registered explicitly by name.

Rule folders in `rules/` refer to these names (`python: pem-private-key`,
`#set! guard "go-tls-verify-callback"`); a catalog test checks that every name is
used by exactly one rule and that every name a rule uses exists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tree_sitter import Node

from ztlint.checks.auth import (
    browser_storage,
    cors,
    error_detail,
    forwarded,
    go_rand,
    hashing,
    headers,
    identity,
    key_files,
    timing,
    url_token,
    weak_random,
)
from ztlint.checks.containers import (
    docker_socket,
    isolation,
    networks,
    script_run,
    seccomp,
    webhooks,
)
from ztlint.checks.hygiene import gitignore, public_ip
from ztlint.checks.memory import (
    blocking,
    ffi,
    log_secrets,
    lossy,
    queues,
    shell_paths,
    swift_unwrap,
)
from ztlint.checks.proxy import debug, envoy_tls, istio, lua_env, pprof, surfaces
from ztlint.checks.secrets import (
    credential_files,
    database_auth,
    environment,
    hardcoded,
    image_layer,
    k8s_secret,
    private_key,
    tokens,
)
from ztlint.checks.transport import (
    env_tls,
    go_server,
    go_tls,
    grpc,
    k8s_tls,
    listeners,
    mobile,
    plaintext,
    python_tls,
    rust_tls,
    shell_tls,
    ssh_hostkey,
    swift_tls,
    tls_default,
)
from ztlint.model import Confidence, Severity
from ztlint.rule import DetectFn, FileContext, ProjectCheck
from ztlint.semantics import vocabulary

GuardFn = Callable[
    [FileContext, dict[str, list[Node]]],
    bool | Confidence | tuple[Confidence, Severity] | tuple[Confidence, Severity, str],
]

PYTHON_DETECTORS: Mapping[str, DetectFn] = {
    "bounded-receive-queue": queues.detect,
    "ffi-raw-buffer": ffi.detect,
    "lossy-utf8-identifier": lossy.detect,
    "swift-force-unwrap": swift_unwrap.detect,
    "shell-unchecked-path": shell_paths.detect,
    "blocking-in-async": blocking.detect,
    "secret-in-log": log_secrets.detect,
    "timing-unsafe-equality": timing.detect,
    "fast-secret-digest": hashing.detect,
    "cors-in-code": cors.detect,
    "credential-in-query": url_token.detect,
    "forwarded-header-code": forwarded.detect,
    "constant-identity": identity.detect,
    "loose-key-file-mode": key_files.detect,
    "web-storage-credential": browser_storage.detect,
    "error-detail-in-response": error_detail.detect,
    "weak-random-secret": weak_random.detect,
    "envoy-upstream-tls": envoy_tls.detect,
    "istio-skip-verify": istio.detect_skip_verify,
    "apiservice-skip-verify": k8s_tls.detect_apiservice,
    "istio-plaintext": istio.detect_plaintext,
    "envoy-plaintext-clusters": surfaces.detect_plaintext_clusters,
    "envoy-capture": surfaces.detect_capture,
    "envoy-admin": surfaces.detect_admin,
    "go-pprof": pprof.detect,
    "envoy-forwarded": surfaces.detect_forwarded,
    "envoy-cors": surfaces.detect_cors,
    "gvisor-debug": debug.detect_gvisor,
    "runtime-debug-args": debug.detect_daemon_json,
    "envoy-debug-log-level": debug.detect_envoy_log_level,
    "lua-getenv-file": lua_env.detect_file,
    "lua-getenv-inline": lua_env.detect_inline,
    "rustls-custom-verifier": rust_tls.detect,
    "pyopenssl-verify": python_tls.detect_pyopenssl,
    "stdlib-ssl-context": python_tls.detect_stdlib_context,
    "swift-server-trust": swift_tls.detect,
    "shell-insecure-flags": shell_tls.detect,
    "curlrc-insecure": shell_tls.detect_curlrc,
    "env-tls-switches": env_tls.detect,
    "vault-listener-tls-disabled": listeners.detect_vault,
    "consul-verify-incoming": listeners.detect_consul,
    "etcd-client-cert-auth": listeners.detect_etcd,
    "kube-auth-flags": listeners.detect_kube_flags,
    "ssh-host-key-python": ssh_hostkey.detect_python,
    "ssh-host-key-go": ssh_hostkey.detect_go,
    "ssh-host-key-rust": ssh_hostkey.detect_rust,
    "ssh-options-text": ssh_hostkey.detect_ssh_options,
    "ansible-host-key-config": ssh_hostkey.detect_ansible_cfg,
    "ansible-host-key-env": ssh_hostkey.detect_ansible_env,
    "plaintext-url-in-code": plaintext.detect_code,
    "go-plaintext-server": go_server.detect,
    "plaintext-url-in-config": plaintext.detect_config,
    "plaintext-url-in-dotenv": plaintext.detect_dotenv,
    "ats-cleartext": mobile.detect_ats_cleartext,
    "ats-weak-tls": mobile.detect_ats_weak_tls,
    "android-cleartext": mobile.detect_android_cleartext,
    "android-user-trust": mobile.detect_android_trust,
    "compose-runtime-socket": docker_socket.detect_compose,
    "kubernetes-runtime-socket": docker_socket.detect_kubernetes,
    "privileged-mode": isolation.detect_privileged,
    "privilege-escalation": isolation.detect_privilege_escalation,
    "added-capabilities": isolation.detect_capabilities,
    "seccomp-unconfined": isolation.detect_seccomp_disabled,
    "host-namespaces": isolation.detect_host_namespaces,
    "sensitive-host-paths": isolation.detect_sensitive_mounts,
    "script-runtime-socket": script_run.detect_socket,
    "script-privileged": script_run.detect_privileged,
    "script-capabilities": script_run.detect_capabilities,
    "script-unconfined": script_run.detect_unconfined,
    "script-host-namespaces": script_run.detect_host_namespaces,
    "script-sensitive-mounts": script_run.detect_sensitive_mounts,
    "compose-zone-bridge": networks.detect,
    "webhook-fails-open": webhooks.detect,
    "pem-private-key": private_key.detect,
    "putty-private-key": private_key.detect_putty,
    "binary-key-store": private_key.detect_binary,
    "provider-tokens": tokens.detect,
    "kubernetes-secret-values": k8s_secret.detect,
    "environment-credentials": environment.detect,
    "database-auth-switches": database_auth.detect_environment,
    "redis-unprotected-config": database_auth.detect_redis_conf,
    "redis-unprotected-command": database_auth.detect_redis_command,
    "pg-hba-trust": database_auth.detect_pg_hba,
    "dockerfile-secret-copy": image_layer.detect,
    "hardcoded-credential-code": hardcoded.detect_code,
    "hardcoded-credential-config": hardcoded.detect_config,
    "hardcoded-credential-dotenv": hardcoded.detect_dotenv,
    "hardcoded-credential-ini": hardcoded.detect_ini,
    "hardcoded-credential-text": hardcoded.detect_text,
    "hardcoded-credential-makefile": hardcoded.detect_makefile,
    "url-credentials-in-shell": hardcoded.detect_shell_urls,
    "credential-store-files": credential_files.detect_files,
    "docker-config-auths": credential_files.detect_docker_config,
    "public-ip-in-code": public_ip.detect_code,
    "public-ip-in-config": public_ip.detect_config,
    "public-ip-in-dotenv": public_ip.detect_dotenv,
}

GUARDS: Mapping[str, GuardFn] = {
    "go-tls-verify-callback": go_tls.verified_elsewhere,
    "go-tls-inspection-only": go_tls.inspection_only,
    "python-imports-aiohttp": python_tls.imports_aiohttp,
    "python-imports-http-client": python_tls.imports_http_client,
    "python-tls-inspection-only": python_tls.inspection_only,
    "tls-gated-branch": python_tls.gated_branch,
    "python-verify-falsy": python_tls.falsy_verify,
    "python-verify-in-options": python_tls.verify_in_options,
    "tls-setting-value": python_tls.setting_value,
    "grpc-network-target": grpc.target_guard,
}

# Text gates (`gate:` in rule.yaml): exact necessary conditions checked before a file is
# parsed for a detector.
GATES: Mapping[str, Callable[[FileContext], bool]] = {
    "credential-name": hardcoded.may_bind_credential,
    "names-a-secret": vocabulary.mentions_secret,
    "names-a-secret-or-topology": log_secrets.gate,
    "plaintext-url-host": plaintext.may_name_plaintext_endpoint,
    "public-address": public_ip.may_hold_public_address,
    "credential-parameter": url_token.may_carry_credential,
    "starts-a-container": script_run.may_start_container,
}

PROJECT_CHECKS: Mapping[str, ProjectCheck] = {
    "seccomp-profiles": ProjectCheck(
        kinds=frozenset({"seccomp", "compose", "kubernetes", *seccomp.SCRIPT_KINDS}),
        triggers=(),
        collect=seccomp.collect,
        check=seccomp.check,
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
    "sensitive-paths-vs-gitignore": ProjectCheck(
        kinds=frozenset({"gitignore", "compose", "text"}),
        triggers=(),
        collect=gitignore.collect,
        check=gitignore.check,
        depends_on=("**/.gitignore", "**/*.yml", "**/*.yaml"),
    ),
    "security-headers": ProjectCheck(
        kinds=frozenset({"text"}),
        triggers=headers.TRIGGERS,
        collect=headers.collect,
        check=headers.check,
        depends_on=("**/*",),
        any_case=headers.ANY_CASE_TRIGGERS,
        triggers_in=frozenset({"python"}),  # apps are found in Python only
    ),
    "tls-verification-defaults": ProjectCheck(
        kinds=frozenset({"python"}),
        triggers=(),
        collect=tls_default.collect,
        check=tls_default.check,
        depends_on=("**/*.py",),
    ),
    "go-rand-failures": ProjectCheck(
        kinds=frozenset({"go", "text"}),
        triggers=("crypto/rand", "module "),
        collect=go_rand.collect,
        check=go_rand.check,
        depends_on=("**/go.mod", "**/*.go"),
    ),
}

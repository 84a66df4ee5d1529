"""The semgrep-rules rules that look for the same problems as ztlint's shipped rules.

bench/run.py times semgrep with these against ztlint with its full rule set. A rule is
listed only when it aims at the same problem as the ztlint rule it sits under, in a
language or format that rule covers; ztlint rules with no counterpart in semgrep-rules
(Envoy, seccomp profiles, gVisor, compose networks, queues, FFI, ...) have none, so the
comparison leans in semgrep's favour. Of semgrep's secret patterns only the
`generic/secrets/security` pack is listed (the size of ztlint's provider-token table),
not the 343-rule gitleaks port.

`python bench/run.py --semgrep-set recall` times instead the narrower set that
bench/semgrep_recall.py checks ztlint's recall against (the rules whose `ruleid:`/`ok:`
test files it maps statement by statement).
"""

from __future__ import annotations

from pathlib import Path

INSECURE = "problem-based-packs/insecure-transport"
PY_TRANSPORT = "python/lang/security/audit/insecure-transport"
K8S = "yaml/kubernetes/security"
COMPOSE = "yaml/docker-compose/security"

EQUIVALENTS: dict[str, list[str]] = {
    "tls-verification-disabled": [
        f"{INSECURE}/go-stdlib/bypass-tls-verification.yaml",
        f"{INSECURE}/js-node/bypass-tls-verification.yaml",
        "javascript/sequelize/security/audit/sequelize-tls-disabled-cert-validation.yaml",
        "python/requests/security/disabled-cert-validation.yaml",
        "python/lang/security/audit/network/disabled-cert-validation.yaml",
        "python/lang/security/unverified-ssl-context.yaml",
        "rust/lang/security/reqwest-accept-invalid.yml",
        "rust/lang/security/rustls-dangerous.yml",
        "rust/lang/security/ssl-verify-none.yml",
        f"{K8S}/skip-tls-verify-cluster.yaml",
        f"{K8S}/skip-tls-verify-service.yaml",
    ],
    "plaintext-transport": [
        f"{INSECURE}/go-stdlib/http-request.yaml",
        f"{INSECURE}/go-stdlib/http-customized-request.yaml",
        f"{INSECURE}/go-stdlib/grequests-http-request.yaml",
        f"{INSECURE}/go-stdlib/gorequest-http-request.yaml",
        f"{INSECURE}/go-stdlib/sling-http-request.yaml",
        f"{INSECURE}/js-node/http-request.yaml",
        f"{INSECURE}/js-node/rest-http-client-support.yaml",
        "go/grpc/security/grpc-client-insecure-connection.yaml",
        "go/grpc/security/grpc-server-insecure-connection.yaml",
        "javascript/grpc/security/grpc-nodejs-insecure-connection.yaml",
        "javascript/lang/security/detect-insecure-websocket.yaml",
        f"{PY_TRANSPORT}/requests/request-with-http.yaml",
        f"{PY_TRANSPORT}/requests/request-session-with-http.yaml",
        f"{PY_TRANSPORT}/requests/request-session-http-in-with-context.yaml",
        f"{PY_TRANSPORT}/urllib/insecure-urlopen.yaml",
        f"{PY_TRANSPORT}/urllib/insecure-request-object.yaml",
        f"{PY_TRANSPORT}/urllib/insecure-urlopener-open.yaml",
        f"{PY_TRANSPORT}/urllib/insecure-openerdirector-open.yaml",
        f"{PY_TRANSPORT}/urllib/insecure-urlretrieve.yaml",
        f"{PY_TRANSPORT}/urllib/insecure-urlopener-retrieve.yaml",
    ],
    "weak-tls-version": [
        f"{INSECURE}/go-stdlib/disallow-old-tls-versions.yaml",
        f"{INSECURE}/js-node/disallow-old-tls-versions1.yaml",
        f"{INSECURE}/js-node/disallow-old-tls-versions2.yaml",
        "go/lang/security/audit/crypto/ssl.yaml",
        "javascript/sequelize/security/audit/sequelize-weak-tls-version.yaml",
        "python/lang/security/audit/weak-ssl-version.yaml",
    ],
    # private-key-committed and secret-token-committed: the generic secrets pack.
    "secret-token-committed": ["generic/secrets/security/"],
    "kubernetes-secret-committed": [f"{K8S}/secrets-in-config-file.yaml"],
    "hardcoded-credential": [
        "python/lang/security/audit/hardcoded-password-default-argument.yaml",
        "python/boto3/security/hardcoded-token.yaml",
        "python/jwt/security/jwt-hardcode.yaml",
        "javascript/jsonwebtoken/security/jwt-hardcode.yaml",
        "javascript/jose/security/jwt-hardcode.yaml",
        "javascript/express/security/express-jwt-hardcoded-secret.yaml",
        "javascript/express/security/audit/express-session-hardcoded-secret.yaml",
        "javascript/lang/security/audit/hardcoded-hmac-key.yaml",
    ],
    "credentials-in-environment": ["dockerfile/security/secret-in-build-arg.yaml"],
    "docker-socket-mount": [
        f"{COMPOSE}/exposing-docker-socket-volume.yaml",
        f"{K8S}/exposing-docker-socket-hostpath.yaml",
        "dockerfile/security/dockerd-socket-mount.yaml",
    ],
    "privileged-container": [
        f"{COMPOSE}/privileged-service.yaml",
        f"{K8S}/privileged-container.yaml",
    ],
    "privilege-escalation-allowed": [f"{K8S}/allow-privilege-escalation-true.yaml"],
    "seccomp-disabled": [
        f"{COMPOSE}/seccomp-confinement-disabled.yaml",
        f"{K8S}/seccomp-confinement-disabled.yaml",
    ],
    "host-namespace-shared": [
        f"{K8S}/hostipc-pod.yaml",
        f"{K8S}/hostnetwork-pod.yaml",
        f"{K8S}/hostpid-pod.yaml",
    ],
    "admin-interface-exposed": ["go/lang/security/audit/net/pprof.yaml"],
    "debug-mode-enabled": [
        f"{K8S}/env/flask-debugging-enabled.yaml",
        "python/flask/security/audit/debug-enabled.yaml",
    ],
    "weak-secret-hash": [
        "go/lang/security/audit/md5-used-as-password.yaml",
        "python/lang/security/audit/md5-used-as-password.yaml",
        "javascript/lang/security/audit/md5-used-as-password.yaml",
    ],
    "cors-wildcard-credentials": [
        "javascript/express/security/cors-misconfiguration.yaml",
        "python/fastapi/security/wildcard-cors.yaml",
        "typescript/nestjs/security/audit/nestjs-header-cors-any.yaml",
    ],
    "insecure-random-source": [
        "go/lang/security/audit/crypto/math_random.yaml",
        "javascript/lang/security/detect-pseudoRandomBytes.yaml",
    ],
    "token-in-browser-storage": ["typescript/react/security/audit/react-jwt-in-localstorage.yaml"],
    "key-file-permissions": [
        "go/lang/correctness/permissions/file_permission.yaml",
        "python/lang/security/audit/insecure-file-permissions.yaml",
    ],
    "blocking-call-in-event-loop": ["python/lang/correctness/sync-sleep-in-async-code.yaml"],
    "sensitive-data-logged": ["python/lang/security/audit/logging/logger-credential-leak.yaml"],
}


def rule_files(checkout: Path, names: list[str]) -> list[Path]:
    """The rule files under `checkout` (a folder entry stands for its rule files); a
    listed file the checkout lacks is skipped with a warning, so that an older checkout
    still runs."""
    found: set[Path] = set()
    for name in names:
        path = checkout / name
        if name.endswith("/") and path.is_dir():
            found.update(
                p
                for p in path.iterdir()
                if p.suffix in (".yaml", ".yml") and ".test." not in p.name
            )
        elif path.is_file():
            found.add(path)
        else:
            print(f"warning: {name} is not in {checkout}")
    return sorted(found)


def equivalent_rules(checkout: Path) -> list[Path]:
    return rule_files(checkout, [name for names in EQUIVALENTS.values() for name in names])

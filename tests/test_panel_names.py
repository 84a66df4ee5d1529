"""No rule, allow-list or test names the production panel (bench/panel): rules are built
on the semantics of code and formats, not on the repositories they are measured on.

Checked in the shipped code, the rules, the fixtures and the tests: every panel
repository (`owner/name`), its owner and name as words (except the technologies ztlint
reads, which its rules must name), every labelled file path of two or more segments and
every folder path of two or more segments above one."""

from __future__ import annotations

import csv
import re
import subprocess

from tests.conftest import ROOT

PANEL = ROOT / "bench" / "panel"
SEARCHED = ("ztlint", "rules", "fixtures", "tests")
# Names of technologies ztlint reads or refers to (formats, CRDs, libraries): a rule
# must be able to say "Istio", "rustls" or "cert-manager" whatever the panel holds.
VOCABULARY = {
    "istio",
    "envoyproxy",
    "gateway",
    "certificates",
    "cert-manager",
    "spiffe",
    "spire",
    "rustls",
    "linkerd",
    "traefik",
    "hydra",
    "dex",
    "boringtun",
    "cloudflare",
    "wireguard",  # the VPN protocol the seeds' network controller runs
    # An English word before it is a repository's name.
    "boundary",
    # The Vault agent injector's annotation prefix (`vault.hashicorp.com/agent-inject-*`).
    "hashicorp",
    # Apache httpd's htpasswd format and the Apache license; Mullvad's public DNS
    # resolvers, named in the hardcoded-public-ip allow-list before the panel held it.
    "apache",
    "mullvad",
    # A digit-led brand name (`1Password`, `3Scale`) that placeholder detection's comment
    # gives as an example before the panel held it.
    "3scale",
    # alecthomas/kong, a Go command-line parser ZT607 knows; the External Secrets
    # Operator's API group (`external-secrets.io`), whose CRDs ZT203 reads.
    "kong",
    "external-secrets",
    # The orchestrator itself (its manifests are a format ztlint reads), and Vault's
    # open fork, whose server configuration ZT102 reads.
    "kubernetes",
    "openbao",
    # An English word before it is a repository's name (a web UI's dashboard, which
    # compose and RBAC examples name).
    "dashboard",
    # An English word before it is a repository's name ("cannot vouch for itself").
    "vouch",
    # Policy engines ZT311 names as admission-webhook owners (OPA Gatekeeper, sigstore's
    # policy-controller), and the tunnel tool a ZT308 fixture's example image is named
    # after; all named before the panel held repositories of those names.
    "gatekeeper",
    "sigstore",
    "frp",
    # Kubewarden, the Kubernetes policy engine ZT311 names beside Gatekeeper and Kyverno as
    # an admission-webhook owner (its rule docs and the check's policy-engine pattern name
    # it since the rule was written); named before held-out-108 held
    # kubewarden/kubewarden-controller.
    "kubewarden",
    # sigstore's signing tool, which ZT311's policy-engine pattern names as an admission-
    # webhook owner (cosign's image-signature webhooks); named before held-out-36 held
    # sigstore/cosign.
    "cosign",
    # The Kubernetes package manager, whose charts (values.yaml, templates) ztlint's scanner
    # and ZT203's fixtures read; a format name before held-out-77 held goauthentik/helm.
    "helm",
    # MDN's host (developer.mozilla.org), the CORS reference ZT511's rule and docs cite;
    # cited before held-out-41 held mozilla/mozilla-django-oidc.
    "mozilla",
    # Python's OAuth/JOSE library, whose `authlib.jose` import ZT502 reads as a JWT library.
    "authlib",
    # Python's SSH library, whose host-key policies ZT104 reads (its rule, docs and
    # fixtures name it), and the common abbreviation for a command-line interface
    # (ztlint's own `cli` module and tests); both named before held-out-21 held
    # paramiko/paramiko and smallstep/cli.
    "paramiko",
    "cli",
    # English words before they are repositories' names (a sandbox repository's
    # `examples`, a Helm chart repository's `manifests`; Kubernetes manifests are a format
    # ztlint reads), and SOPS, the secrets-encryption tool whose files ZT203 reads; all named
    # before held-out-20 held envoyproxy/examples, oauth2-proxy/manifests and getsops/sops.
    "examples",
    "manifests",
    "sops",
    # Cloudflare's PKI toolkit, whose `cfssl gencert` command ZT702 names as a script that
    # makes keys (its rule and docs name it) before held-out-23 held cloudflare/cfssl.
    "cfssl",
    # JOSE, the JSON Object Signing and Encryption standard (RFC 7515-7520), and the `jose`
    # JWT library package ZT502 reads as a signed-token import (rule, docs and tests name
    # it); named before held-out-24 held panva/jose.
    "jose",
    # OIDC, OpenID Connect, the identity protocol whose endpoints, tokens and discovery
    # ztlint's checks, rule docs and fixtures name (ZT310, ZT502, ZT517, ZT607, placeholder
    # and remark semantics); named before held-out-25 held zitadel/oidc.
    "oidc",
    # The age file-encryption format, whose `AGE-SECRET-KEY-1` identities ZT202 reads (an
    # English word too, in field names like `max_age`); hvac, the Python Vault client whose
    # `verify=False` ZT101 reads; and `/etc/letsencrypt`, the certificate folder ZT309 names
    # as a sensitive host mount; all named before held-out-27 held FiloSottile/age,
    # hvac/hvac and letsencrypt/boulder.
    "age",
    "hvac",
    "letsencrypt",
    # Okta, the identity provider: the affiliation line of the Internet-Draft header that
    # test_provenance's RFC-layout case gives as docs (A. Parecki, Okta); named before
    # held-out-38 held okta/okta-auth-swift.
    "okta",
    # The JWT libraries `jsonwebtoken` (npm package and Rust crate, whose imports ZT502 reads
    # as signed-token use and ZT204/ZT518 fixtures import) and PyJWT (a ZT101 fixture's
    # comment), and Argo's Kubernetes API group (`argoproj.io`, Argo Rollouts and Argo CD
    # objects in ZT102/ZT302 fixtures); all named before held-out-28 held Keats/jsonwebtoken,
    # jpadilla/pyjwt and argoproj/argo-helm.
    "jsonwebtoken",
    "pyjwt",
    "argoproj",
    # The 1Password secrets manager, whose service-account tokens (`ops_...`) ZT202 reads
    # and whose digit-led name placeholder and credential-value semantics handle, and
    # go-spiffe, the SPIFFE Go library whose custom peer verification ZT101 and ZT518 docs
    # and go_tls.py name as the documented pattern; both named before held-out-29 held
    # 1Password/onepassword-operator and spiffe/go-spiffe.
    "1password",
    "go-spiffe",
    # Square, the payments provider whose `sq0atp-`/`sq0csp-` tokens ZT202 detects (its rule,
    # docs and snapshot name it), and the English word (the square of a file's size, in a
    # semantics comment); both named before held-out-30 held square/certstrap.
    "square",
    # AWS, the cloud provider whose access keys ZT202/ZT206 detect and whose paths ZT309
    # and the hygiene checks name; "ratelimit", the ordinary term for rate limiting (a ZT512
    # fixture's Go package, `rateLimit` middleware in its TypeScript fixtures, and a
    # forwarded-header-trust keyword); and mkcert, the local-CA tool ZT702's docs name as a
    # script that makes keys (like cfssl above); all named before held-out-31 held
    # aws/aws-secretsmanager-agent, envoyproxy/ratelimit and FiloSottile/mkcert.
    "aws",
    "ratelimit",
    "mkcert",
    # "Service mesh", the ordinary term for the architecture ztlint's transport and
    # forwarded-header checks, rule docs and fixtures name (Istio/Linkerd mesh mTLS, mesh
    # sidecars); named before held-out-35 held traefik/mesh.
    "mesh",
    # requests, the Python HTTP library whose `verify=False` ZT101 reads (its fixtures and
    # checks name it) and the English word (credentialed requests, pull requests), and
    # "elements", the English word (a list's elements, an array's elements) in check
    # docstrings and rule docs; both named before held-out-40 held
    # requests/requests-oauthlib and ory/elements.
    "requests",
    "elements",
    # Azure, the cloud provider whose storage keys and tokens ZT202 detects (its rule, docs,
    # fixtures and token semantics name it) and whose address ranges the hygiene and
    # container-isolation checks name; named before held-out-37 held
    # Azure/secrets-store-csi-driver-provider-azure.
    "azure",
    # go-jose, the Go JOSE/JWT library whose import path ZT502 reads as a signed-token import
    # (like `jose` and `jsonwebtoken` above), and "KeyFunc", the ordinary Go name for a rate
    # limiter's key function (`Config{KeyFunc: clientIP}`), which forwarded-header-trust
    # reads and a ZT512 fixture uses; both named before held-out-42 held go-jose/go-jose and
    # MicahParks/keyfunc.
    "go-jose",
    "keyfunc",
    # The Open Policy Agent project's name (`open-policy-agent`), which ZT311's policy-engine
    # pattern names as an admission-webhook owner next to `opa` and Gatekeeper; named (rule
    # ZT311, commit e18d690) before held-out-43 held open-policy-agent/opa-envoy-plugin.
    "open-policy-agent",
    # "auth", "crypto" and "jwt", the ordinary technology words (authentication, Go's
    # `crypto/...` standard-library packages, JSON Web Tokens) that ztlint's checks,
    # semantics, rule docs and fixtures use throughout (token and credential semantics,
    # ZT101/ZT502 Go imports); all used before held-out-47 held go-pkgz/auth,
    # smallstep/crypto and golang-jwt/jwt.
    "auth",
    "crypto",
    "jwt",
    # "charts", the ordinary Helm term (a chart repository's `charts/` folder, Helm charts
    # as a format ztlint reads) that ztlint's Helm and template parsers, rule docs and
    # fixtures use throughout (ztlint/helm.py, ztlint/parsers/template/, ZT310's docs);
    # used before held-out-55 held falcosecurity/charts.
    "charts",
    # "ingress-controller", the ordinary Kubernetes term for the component that serves Ingress
    # resources, which ZT310's docs name ("ingress controllers' ... ClusterRoles") and its
    # and ZT302's fixtures use as a generic workload name (commits f77d3ae, b647e9f); used
    # before held-out-57 held pomerium/ingress-controller.
    "ingress-controller",
    # "app", the ordinary word for an application (Apple's App Transport Security that
    # ZT102/ZT103 read in Info.plist, an `app/` source folder in fixtures, "the app" in rule
    # docs, discovery and credential semantics); used throughout ztlint before held-out-58
    # held simple-login/app.
    "app",
    # OpenID, the standards family (OpenID Connect, `/.well-known/openid-configuration`,
    # the openid.net specification URLs) that ztlint's checks, rule docs and fixtures name
    # (ZT501/ZT502 docs and at_hash comments, plaintext-transport's spec-URL case, the
    # provenance of OpenID specifications, ZT101/ZT102 fixtures); used before held-out-60
    # held openid/AppAuth-iOS.
    "openid",
    # "k8s", the ordinary abbreviation for Kubernetes: the `*.k8s.io` API groups that
    # ztlint's Kubernetes checks read (ZT101's `apiregistration.k8s.io` APIService, ZT311's
    # `admissionregistration.k8s.io` webhooks), the `k8s://` reference scheme placeholder
    # semantics exempt, and the manifests in fixtures and tests (ZT203, commit 18dc5a8);
    # used before held-out-59 held ory/k8s.
    "k8s",
    # Fastify, the Node.js web framework whose request type (`FastifyRequest`), import name
    # (`fastify`) and cookie reads ztlint's request-origin and runtime semantics and ZT501's
    # cookie context recognise; used before held-out-64 held fastify/csrf-protection.
    "fastify",
    # OpenVPN, the VPN protocol and software whose host configuration folder (`/etc/openvpn`)
    # ZT309's sensitive-host-mount check and the container isolation semantics read as a
    # network agent's (ZT304/ZT309 docs name it next to WireGuard and IPsec; commits bc03b1d,
    # 0f87743); used before held-out-65 held OpenVPN/easy-rsa.
    "openvpn",
    # Apple, the platform vendor whose Info.plist DTD and App Transport Security keys
    # ZT102/ZT103 read (ztlint/checks/transport/_common/mobile.py, the ATS fixtures, the
    # `-//Apple//DTD PLIST` doctype) and whose platforms provenance and classify name;
    # "tonic", the Rust gRPC crate whose `tonic::{Request, Status}` interceptor API the
    # ZT518 fixtures use (commit 0ac4b28); "gui", the ordinary abbreviation for a graphical
    # front end (a desktop client's `gui/` folder in provenance's tests). All used before
    # held-out-66 held apple/swift-nio-ssl, hyperium/tonic and GUI/lua-resty-auto-ssl.
    "apple",
    "tonic",
    "gui",
    # Google, the vendor whose names ztlint reads everywhere: the `google.golang.org/grpc`
    # import path of ZT101/ZT102's gRPC fixtures, the GCP metadata host
    # (`metadata.google.internal`) in transport's hosts, Google OAuth client IDs
    # (`*.apps.googleusercontent.com`) in secret-token-committed, and Envoy's
    # `type.googleapis.com` / `google.protobuf` types (commits 1666db2, 1034828); used
    # before held-out-69 held google/go-tpm-tools.
    "google",
    # NGINX, the web server and reverse proxy: its `add_header` directives (read by
    # missing_security_headers.py), its njs `r.log`/`ngx.log` calls (sensitive_data_logged.py),
    # Test::Nginx in provenance, and the `nginx` images of the ZT301/ZT302/ZT307 fixtures;
    # all used before held-out-71 held nginx/njs-examples.
    "nginx",
    # Envoy's protobuf type-URL host (`type.googleapis.com/envoy.*`), which the Envoy check,
    # classify, heredoc detection and many ZT1xx/ZT4xx/ZT5xx fixtures and docs read, and
    # OpenResty, the nginx + LuaJIT platform that provenance's Test::Nginx (`t/`, `*.t`)
    # comment names; both used before held-out-72 held googleapis/google-auth-library-python
    # and openresty/lua-resty-string.
    "googleapis",
    "openresty",
    # "socket-proxy", the ordinary name of the filtering Docker-API proxy that ZT301 recommends
    # instead of mounting /var/run/docker.sock: the `socket-proxy` service and
    # `tcp://socket-proxy:2375` of its docs, negative fixture and demo, and the starter
    # config's exception entity (commits 110995f, ea3c29f, c7ceca9, d9fa6ed); used before
    # held-out-73 and held-out-74 took up wollomatic/socket-proxy.
    "socket-proxy",
    # CORS, the browser's cross-origin resource sharing protocol that ZT511
    # (cors-wildcard-credentials) and its Go/Envoy/Flask/TS/Rust fixtures and snapshots name;
    # helmet, the Node security-headers middleware that missing_security_headers.py accepts
    # as a mitigation (and test_triggers/test_caseless exercise); webpki, the Rust
    # certificate-verification crate (and rustls's `WebPki*Verifier`) whose delegation
    # tls_verification_disabled/rust.py and ZT101 fixtures read as real verification; all
    # used before held-out-78 held expressjs/cors, helmetjs/helmet and briansmith/webpki.
    "cors",
    "helmet",
    "webpki",
    # pyOpenSSL, the Python OpenSSL binding whose verify modes and callbacks ZT101 reads (its
    # `tls-verification-disabled/pyopenssl` detector, rule.yaml, docs, fixtures and snapshot;
    # commit 2a1e657), and "session", the ordinary web term (HTTP client sessions such as
    # `requests.Session`, session cookies and tokens) that ztlint's semantics vocabulary,
    # checks and fixtures use throughout; both used before held-out-80 held pyca/pyopenssl
    # and expressjs/session.
    "pyopenssl",
    "session",
    # urllib3, the Python HTTP client library whose `cert_reqs=CERT_NONE` and
    # `disable_warnings(InsecureRequestWarning)` ZT101 reads (its python.scm rule, docs,
    # fixtures and the tls_verification_disabled Python check name it); named before
    # held-out-82 held urllib3/urllib3.
    "urllib3",
    # Kyverno and sigstore's policy-controller, the policy engines ZT311's admission-webhook
    # owner pattern names next to Gatekeeper and cosign (its check, rule docs; commit
    # e18d690), and "truststore", the ordinary TLS/Java term for a file of trusted
    # certificates (`truststore.jks`) that ZT206's public-material name list and
    # test_image_layer use (commit fac7a76); all used before held-out-81 held
    # kyverno/policy-reporter, sigstore/policy-controller and smallstep/truststore.
    "kyverno",
    "policy-controller",
    "truststore",
    # "x", the path segment of Go's extended standard library (`golang.org/x/crypto/ssh`,
    # `golang.org/x/net/http2/h2c`, `golang.org/x/crypto/bcrypt`) whose imports ztlint's
    # ZT102/ZT104/ZT502 checks, rules, docs and fixtures read, and the ordinary letter
    # (`chmod +x`, `%x`, a variable `x`, "Twitter/X") used throughout ztlint and its tests;
    # all used before held-out-84 held ory/x.
    "x",
    # "preflight", the ordinary CI/web term for a check run before the real work (a
    # pipeline's preflight-check step or action, a CORS preflight request); ZT301's
    # CI-action fixture (`.github/actions/preflight/entrypoint.sh`, image
    # `quay.io/example/preflight:1`) and its snapshot use it as a generic action name
    # (commit efe3217), before held-out-85 held jetstack/preflight.
    "preflight",
    # "fluxcd", the Flux project's API-group domain (`kustomize.toolkit.fluxcd.io/v1`) that
    # every Flux custom resource's apiVersion carries; ztlint reads a Flux `Kustomization`'s
    # inline patches (ztlint/embedded/patches.py, README) and ZT302's fixture
    # `positive_flux_kustomization.yaml` uses the apiVersion (commit b647e9f), before
    # held-out-87 held fluxcd/source-controller.
    "fluxcd",
    # Keycloak, the identity server whose container image (`quay.io/keycloak/keycloak`)
    # ZT201/ZT205 fixtures run and whose test-compose certificate mount provenance's
    # evidence docstring gives as an example; a technology name before held-out-88 held
    # keycloak/keycloak-nodejs-connect.
    "keycloak",
    # Shopify, the commerce platform whose `shpat_`/`shpss_` access tokens ZT202 detects (like
    # Square and Azure above: its rule docs, ztlint/semantics/tokens.py's "Shopify token" and
    # the positive_providers snapshot name it; commit f2cc815), and "rbac-manager", the
    # ordinary descriptive name (RBAC + manager) that ZT310's positive_roles.yaml fixture gives
    # a ClusterRole holding bind/escalate/impersonate (commit f77d3ae); both used before
    # held-out-89 held Shopify/kubeaudit and FairwindsOps/rbac-manager.
    "shopify",
    "rbac-manager",
    # bcrypt, the password-hashing algorithm ZT502 recommends over fast digests (its rule,
    # docs, check, fixtures and snapshots; `golang.org/x/crypto/bcrypt`), and "secure", the
    # ordinary web term (the cookie's `Secure` attribute ZT516 asks for, the `secure` headers
    # package ZT503's rule names, `secure` in ztlint's semantics vocabulary); both used
    # before held-out-90 held pyca/bcrypt and unrolled/secure.
    "bcrypt",
    "secure",
    # JavaScript's `console` object (`console.log`, `console.error`), the logging call ZT607
    # reads as a sink (sensitive_data_logged.py, its fixtures and snapshots) and other checks'
    # fixtures use; an ordinary technology word used before held-out-91 held phasehq/console.
    "console",
    # "operator", the ordinary word (tree-sitter's `operator` field that ztlint's semantics and
    # checks read on binary expressions, Python's `operator` module in ztlint/parsers/code.py,
    # a Kubernetes operator in ZT207's docs, the person running a service); KEDA's API group
    # (`keda.sh/v1alpha1`, the ScaledObject in ZT302's positive_rollout.yaml fixture, like
    # fluxcd above); Prometheus, the metrics format (Envoy's `/stats/prometheus` admin path in
    # ZT512's negative_edge.yaml fixture); and MinIO, the S3-compatible object store (the
    # `minio` values of ZT204's positive_helm_values fixture, a `minio.storage` URL in
    # test_place_evidence); all used before held-out-93 held minio/operator, kedacore/keda and
    # prometheus/blackbox_exporter.
    "operator",
    "keda",
    "prometheus",
    "minio",
    # "server", the ordinary word (a TLS server, an HTTP/API server, `server` blocks and
    # fields that ztlint's checks, semantics, parsers and fixtures read throughout); used
    # long before held-out-98 held gotify/server.
    "server",
    # "keyring", the OS secret store (Python's keyring library in ZT204's negative_pypirc
    # fixture, the keyring crate in its negative_cargo fixture, `KEYRING2ND` in
    # ztlint/semantics/placeholder.py's comments); used before held-out-99 held 99designs/keyring.
    "keyring",
    # "conftest", pytest's per-directory fixture file (`conftest.py`), which ztlint's
    # DEFAULT_TEST_PATHS (ztlint/config/__init__.py) classifies as test code and which
    # ztlint's own tests import (`from tests.conftest import ROOT`); used before
    # held-out-101 held open-policy-agent/conftest.
    "conftest",
    # "docker-socket-proxy", the filtering Docker-API proxy image (tecnativa/docker-socket-proxy)
    # that ZT301's docs and the demo fixture's compose file give as the alternative to
    # mounting /var/run/docker.sock (like "socket-proxy" above); named since the first
    # ZT301 commit, before held-out-107 held linuxserver/docker-socket-proxy.
    "docker-socket-proxy",
    # "httpx", the Python HTTP client whose verify=False ZT101 reads (tls_verification_disabled/
    # python.py since commit 5f982df, its fixtures and error_detail_exposed.py's library list), and
    # "encode", the ordinary method and word (`str.encode`, `jwt.encode`, base64 encode) in
    # ztlint/semantics/nodes.py's conversion list, fixer.py and many checks and fixtures; both
    # used before held-out-117 held encode/httpx.
    "httpx",
    "encode",
    # "installer", the ordinary word for a setup script (fixtures/ZT205/positive_installer.sh,
    # an installer-written compose template in ZT307's fixtures); used before held-out-122
    # held jumpserver/installer.
    "installer",
    # Alibaba Cloud, the provider whose AccessKey IDs ZT202 recognises and whose metadata
    # address ZT102's URL list names; named before held-out-128 held alibaba/higress.
    "alibaba",
    # "\r\nHost:" (HTTP Host header after a `\n` escape in a ZT101 fixture) reads as "nHost".
    "nhost",
    "grafana",  # Grafana Cloud/service-account tokens, providers ZT202 names; before held-out-136
    # RabbitMQ, a KEDA trigger `type: rabbitmq` in ZT302's positive_rollout fixture (b647e9f),
    # named before held-out-140 held rabbitmq/cluster-operator.
    "rabbitmq",
}
# Paths every repository has by convention: GitHub's folder, the two folders of a web
# front end's standard layout (`web/src/`, `web/public/`), which ztlint's own probes and
# tests use, and the helper folders of spec-style test suites (busted's `spec/helpers/`,
# RSpec's `spec/support/`), which provenance names; the paths below them stay checked.
# A package's `src/data/` folder, which provenance's tests used for a test-data file
# name before held-out-20 held a repository with that folder, is conventional too; so is
# Rails' `config/environments/`, whose `test.rb` provenance names; and a Rust crate's
# root `src/lib.rs` and `src/main.rs`, which every crate has (Cargo's layout).
CONVENTIONAL = re.compile(
    r"^(?:\.github/|web/(?:src|public)$|spec/(?:helpers|support)$|src/data$"
    r"|config/environments(?:$|/test\.rb$)|src/(?:lib|main)\.rs$"
    # BuildKit's Dockerfile frontend image, named by every `# syntax=docker/dockerfile:1`
    # directive (ZT206's docs and fixture, commit 67fa8c4), before held-out-92 labelled
    # louislam/uptime-kuma's `docker/dockerfile`.
    r"|docker/dockerfile$"
    # Kubernetes code-generator's (and kubebuilder's) folder of API types, `pkg/apis/<group>/
    # <version>/`, whose `zz_generated.deepcopy.go` provenance's tests classify as generated
    # (commit c31d3ce), before held-out-93 labelled minio/operator's `pkg/apis/minio.min.io/`;
    # the group folders below it stay checked.
    r"|pkg/apis$"
    # A Go Kubernetes project's `pkg/client/` folder, where k8s.io/code-generator's client-gen
    # puts clientsets and their fakes (`pkg/client/clientset/versioned/fake`); provenance's
    # test gives `pkg/client/fake/clientset.go` as stand-in test material (commit 5906060)
    # before held-out-94 labelled vmware-tanzu/velero's `pkg/client/kubeconfig`.
    r"|pkg/client$"
    # The file Visual Studio Code reads a workspace's launch configurations from (its
    # documented name, as `.github/` is GitHub's), which provenance names as developer
    # runs after held-out-140 labelled one (mariadb-operator/mariadb-operator).
    r"|\.vscode/launch\.json$)"
)


# Files that are copies of public registries, not rules: the list of delegated top-level
# domains (ZT102's hosts) holds brands' TLDs (`.netflix`, `.lego`) that some panel
# repositories' owners share; it is the Public Suffix List's, not chosen for the panel.
UNSEARCHED = frozenset({"tests/test_panel_names.py", "ztlint/checks/transport/_common/tlds.txt"})


def _searched() -> dict[str, str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", *SEARCHED], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    out = {}
    for rel in filter(None, listed.split("\0")):
        path = ROOT / rel
        if rel in UNSEARCHED or not path.is_file():
            continue
        out[rel] = path.read_text(encoding="utf-8", errors="replace")
    return out


def _panel() -> tuple[set[str], set[str], set[str]]:
    with (PANEL / "repositories.csv").open(newline="") as fh:
        slugs = {row["repository"] for row in csv.DictReader(fh)}
    words = {w for slug in slugs for w in slug.split("/") if w.lower() not in VOCABULARY}
    paths: set[str] = set()
    with (PANEL / "verdicts.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            parts = row["location"].rsplit(":", 1)[0].split("/")
            for n in range(2, len(parts) + 1):
                prefix = "/".join(parts[:n])
                if not CONVENTIONAL.match(prefix):
                    paths.add(prefix if n == len(parts) else prefix + "/")
    return slugs, words, paths


def test_nothing_names_the_panel() -> None:
    slugs, words, paths = _panel()
    assert slugs and words and paths
    word = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(w) for w in sorted(words)) + r")(?![\w-])", re.I
    )
    found = []
    for rel, text in _searched().items():
        found += [f"{rel}: {s}" for s in slugs if s.lower() in text.lower()]
        found += [f"{rel}: {m.group(1)}" for m in word.finditer(text)]
        # A path counts where it starts a path (`ext/lib/` does not hold `t/lib/`, nor
        # does a URL's `https://grpc.io/docs/guides/`).
        found += [
            f"{rel}: {p}"
            for p in paths
            if p in text and re.search(rf"(?<![\w./-]){re.escape(p)}", text)
        ]
    assert not found, "panel names in rules or tests:\n" + "\n".join(sorted(set(found)))


def test_the_check_would_see_a_panel_path() -> None:
    """The check is not vacuous: a labelled path is in the set it looks for."""
    _, _, paths = _panel()
    assert any(p.count("/") >= 2 for p in paths)

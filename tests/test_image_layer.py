"""ZT206: what a COPY/ADD path names, judged by the name alone."""

from __future__ import annotations

import pytest

from ztlint.checks.secrets.secret_in_image_layer import secret_file
from ztlint.model import Confidence


@pytest.mark.parametrize(
    ("path", "confidence"),
    [
        ("id_rsa", Confidence.HIGH),
        ("deploy/.ssh/id_deploy", Confidence.HIGH),
        (".ssh/", Confidence.HIGH),
        ("tls/server.key", Confidence.HIGH),
        ("keys/RSAprivatekey.pem", Confidence.HIGH),
        ("certs/privkey.pem", Confidence.HIGH),
        ("client.p12", Confidence.HIGH),
        ("gcp/service-account-prod.json", Confidence.HIGH),
        (".aws/credentials", Confidence.HIGH),
        (".docker/config.json", Confidence.HIGH),
        (".env", Confidence.MEDIUM),
        ("config/prod.env", Confidence.MEDIUM),
        (".npmrc", Confidence.MEDIUM),
        ("server.pem", Confidence.MEDIUM),
        ("*.pem", Confidence.MEDIUM),
        ("keystore.jks", Confidence.MEDIUM),
    ],
)
def test_secret_files(path: str, confidence: Confidence) -> None:
    judged = secret_file(path)
    assert judged is not None and judged.confidence is confidence


@pytest.mark.parametrize(
    "path",
    [
        "ca-certificates.crt",
        "certs/ca.pem",
        "fullchain.pem",
        "cert.pem",
        "id_rsa.pub",
        "release.pub.key",
        "license.key",
        ".env.example",
        "env.sample",
        "truststore.jks",
        "config.json",
        "credentials.example.json",
        "keys/",
        ".",
    ],
)
def test_not_secret_files(path: str) -> None:
    assert secret_file(path) is None

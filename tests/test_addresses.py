"""Global reachability comes from the IANA registries' table, the same on every Python
release (ipaddress.is_global changed for 192.0.0.0/24 and 3fff::/20 between releases)."""

import ipaddress

import pytest

from ztlint.semantics.addresses import globally_reachable


@pytest.mark.parametrize(
    ("address", "reachable"),
    [
        ("8.8.8.8", True),
        ("192.0.0.192", False),  # IETF protocol assignments (a cloud's metadata service)
        ("192.0.0.9", True),  # Port Control Protocol anycast: the block's exception
        ("100.64.1.1", False),  # shared address space (carrier-grade NAT)
        ("198.18.0.1", False),  # benchmarking
        ("240.0.0.1", False),
        ("3fff::1", False),  # IPv6 documentation (RFC 9637)
        ("2001:db8::1", False),
        ("2001:4:112::1", True),  # AS112 within 2001::/23
        ("fd00::1", False),
        ("2606:4700::1111", True),
    ],
)
def test_globally_reachable(address: str, reachable: bool) -> None:
    assert globally_reachable(ipaddress.ip_address(address)) is reachable

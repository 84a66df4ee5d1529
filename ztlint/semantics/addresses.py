"""Whether an address is reachable from the whole Internet, the same on every Python
release: a table of the IANA special-purpose registries, shared by the rules that judge
an address (hardcoded public addresses, trusted proxies, plaintext hosts)."""

from __future__ import annotations

import ipaddress

# The special-purpose blocks that are not globally reachable (IANA's IPv4 and IPv6
# Special-Purpose Address Registries), with the exceptions inside them that are. Read
# from this table, not from `ipaddress.is_global`, whose answer for some blocks
# (`192.0.0.0/24`, `3fff::/20`) changes between Python releases: a report must not.
_NOT_GLOBAL = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4",
        "::/128", "::1/128", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "2001::/23",
        "2001:db8::/32", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10",
    )
)  # fmt: skip
_GLOBAL_EXCEPTIONS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "192.0.0.9/32", "192.0.0.10/32", "2001:1::1/128", "2001:1::2/128", "2001:3::/32",
        "2001:4:112::/48", "2001:20::/28", "2001:30::/28",
    )
)  # fmt: skip


def globally_reachable(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an address is globally reachable, by the IANA registries' table: the same
    answer on every Python release."""
    if any(ip in n for n in _GLOBAL_EXCEPTIONS if n.version == ip.version):
        return True
    return not any(ip in n for n in _NOT_GLOBAL if n.version == ip.version)

"""ZT701 reports an address only on evidence that it is one host somebody runs: the
address itself (global unicast, not a resolver, mask, network or placeholder) and where
it is written (not a version or section number, a URL path, prose, documentation keys,
a compose network, or a table of dozens of addresses)."""

from __future__ import annotations

import ipaddress
import json
import subprocess
import sys
import textwrap

import pytest

from ztlint import classify
from ztlint.checks.hygiene import hardcoded_public_ip as public_ip
from ztlint.checks.hygiene.hardcoded_public_ip import (
    TABLE_SIZE,
    WELL_KNOWN_RESOLVERS,
    is_well_known_resolver,
    public_addresses,
)
from ztlint.rule import FileContext
from ztlint.source import SourceText


def _context(rel: str, text: str) -> FileContext:
    fclass = classify.classify(rel, text)
    return FileContext(rel, fclass.kinds, fclass.parser, SourceText(text))


def _found(rel: str, text: str) -> list[str]:
    ctx = _context(rel, text)
    if "dotenv" in ctx.kinds:
        hits = public_ip.detect_dotenv(ctx)
    elif ctx.parser in ("yaml", "json", "toml"):
        hits = public_ip.detect_config(ctx)
    else:
        hits = public_ip.detect_code(ctx)
    return [h.value or "" for h in hits]


def _tokens(text: str) -> list[str]:
    return [address for _, _, address in public_addresses(text)]


@pytest.mark.parametrize(
    "text",
    [
        # well-known public resolvers, IPv4 and IPv6, bare and with a port
        "8.8.8.8",
        "8.8.4.4:53",
        "1.1.1.1",
        "1.0.0.3",
        "9.9.9.11",
        "149.112.112.112",
        "[2001:4860:4860::8888]:53",
        "2606:4700:4700::1111",
        "2620:fe::fe",
        "208.67.222.222",
        "94.140.15.15",
        "194.242.2.4",
        "2a07:e340::2",
        "168.63.129.16",
        "180.184.1.1",
        # netmasks, networks and route halves
        "128.0.0.0",
        "255.255.255.0",
        "52.14.0.0",
        "17.0.0.0/8",
        "52.14.201.0/24",
        "2000::/3",
        "2000::",
        "8000::",
        "2a01:4f8:c0c:1234::",
        "2a01:4f8:c0c:1234::/64",
        # IPv6 text outside global unicast 2000::/3, and documentation ranges
        "fec0:0:0:ffff::1",
        "172:28:0::254",
        "203:0:113::10",
        "1111::/64",
        "2001:db8::10",
        "3fff::10",
        "203.0.113.7",
        "198.51.100.7",
        "192.0.2.7",
        # hex groups that are a serial or a fingerprint
        "4A:2F:00:8C:11:03:9E:5B",
        "2A:3F:00:8C:11:03:9E:5B",
        # section numbers, versions, OIDs, placeholder shapes
        "RFC 5280 §4.1.2.4",
        "v52.14.201.7",
        "2.5.4.3",
        "1.3.6.1.4.1.311",
        "1.2.3.4",
        "5.6.7.8",
        "12.34.56.78",
        "123.45.67.89",
        "11.22.33.44",
        "4.4.4.4",
    ],
)
def test_tokens_that_are_not_one_public_host(text: str) -> None:
    assert _tokens(text) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("52.14.201.7", "52.14.201.7"),
        ("52.14.201.9:53", "52.14.201.9"),  # a DNS port does not make a resolver
        ("52.14.201.7/32", "52.14.201.7"),  # a host route
        ("52.14.201.7/24", "52.14.201.7"),  # an interface address: still one host
        ("https://52.14.201.7:4433/relay", "52.14.201.7"),
        ("[2a01:4f8:c0c:1234::2]:443", "2a01:4f8:c0c:1234::2"),
        ("2606:4700:10::6816:1e1a", "2606:4700:10::6816:1e1a"),  # Cloudflare, not its DNS
        ("8.8.8.9", "8.8.8.9"),  # next to a resolver is not a resolver
        ("34.56.78.91", "34.56.78.91"),
        ("3.128.36.92", "3.128.36.92"),
    ],
)
def test_tokens_that_are_one_public_host(text: str, address: str) -> None:
    assert _tokens(text) == [address]


def test_resolver_set_holds_only_global_unicast_blocks() -> None:
    for network in WELL_KNOWN_RESOLVERS:
        assert network.is_global, network
        if isinstance(network, ipaddress.IPv6Network):
            assert network.subnet_of(ipaddress.IPv6Network("2000::/3")), network
        # an operator's resolver block, never a provider's whole allocation
        assert network.prefixlen >= (24 if network.version == 4 else 29), network


def test_resolver_blocks_do_not_overlap() -> None:
    for a in WELL_KNOWN_RESOLVERS:
        for b in WELL_KNOWN_RESOLVERS:
            assert a is b or a.version != b.version or not a.overlaps(b), (a, b)


def test_resolver_lookup() -> None:
    assert is_well_known_resolver("8.8.8.8")
    assert is_well_known_resolver("2001:4860:4860::8844")
    assert not is_well_known_resolver("52.14.201.7")
    assert not is_well_known_resolver("not an address")
    for network in WELL_KNOWN_RESOLVERS:  # the first and last address of every block
        assert is_well_known_resolver(str(network.network_address)), network
        assert is_well_known_resolver(str(network.broadcast_address)), network
        after = network.broadcast_address + 1
        inside = any(
            after in other for other in WELL_KNOWN_RESOLVERS if other.version == after.version
        )
        assert is_well_known_resolver(str(after)) is inside, network


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('var s = "release 52.14.201.7"\n', []),
        ('var s = "section 52.14.201.7"\n', []),
        ('var s = "https://bgp.example.net/ip/52.14.201.7"\n', []),
        ('var s = "https://52.14.201.7/ip/52.14.201.8"\n', ["52.14.201.7"]),
        ('var s = "ssh://[2a01:4f8:c0c:1234::2]:22"\n', ["2a01:4f8:c0c:1234::2"]),
        # prose: help and usage text
        (
            'var s = "the address of the server to use, for example 52.14.201.7"\n',
            [],
        ),
        (
            'var s = "Servers to ask, " +\n\t"as a list of addresses in the form " +\n'
            '\t"host:port: 52.14.201.7:53"\n',
            [],
        ),
        # short notes and command lines are not prose
        ('var s = "relay at 52.14.201.7"\n', ["52.14.201.7"]),
        ('var s = "ip route add 52.14.201.7 via 10.0.0.1 dev eth0"\n', ["52.14.201.7"]),
        ('var s = "relay " + "52.14.201.7"\n', ["52.14.201.7"]),
        # names that say the value is documentation
        ('var exampleAddr = "52.14.201.7"\n', []),
        ('var usageText = "52.14.201.7"\n', []),
        ('var helperAddr = "52.14.201.7"\n', ["52.14.201.7"]),
    ],
)
def test_where_an_address_is_written_in_code(text: str, expected: list[str]) -> None:
    assert _found("main.go", "package main\n\n" + text) == expected


def test_python_help_keyword_is_documentation() -> None:
    text = 'parser.add_argument("--relay", help="52.14.201.7:4433")\nRELAY = "52.14.201.8"\n'
    assert _found("cli.py", text) == ["52.14.201.8"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("example: 52.14.201.7\n", []),
        ("examples: [52.14.201.7]\n", []),
        ("x-example: 52.14.201.7\n", []),
        ("description: reach it at 52.14.201.7\n", []),
        ("item:\n  example:\n    addr: 52.14.201.7\n", []),
        ("server_example_host: 52.14.201.7\n", []),
        ("endpoint: 52.14.201.7\n", ["52.14.201.7"]),
        ("endpoint: the address of the server, such as 52.14.201.7 or a name\n", []),
        ("serial: 4A:2F:00:8C:11:03:9E:5B\n", []),
        # compose keys mean a compose network only in a compose file
        ("ipv4_address: 52.14.201.7\n", ["52.14.201.7"]),
    ],
)
def test_where_an_address_is_written_in_config(text: str, expected: list[str]) -> None:
    assert _found("settings.yaml", text) == expected


def test_compose_network_addresses_are_local_but_extra_hosts_are_not() -> None:
    text = (
        "services:\n"
        "  app:\n"
        "    image: app:1\n"
        "    extra_hosts:\n"
        '      - "relay.example.com:52.14.201.7"\n'
        "    networks:\n"
        "      lan:\n"
        "        ipv4_address: 52.14.201.8\n"
        "        ipv6_address: 2a01:4f8:c0c:32::8\n"
        "networks:\n"
        "  lan:\n"
        "    ipam:\n"
        "      config:\n"
        "        - gateway: 52.14.201.1\n"
    )
    ctx = _context("docker-compose.yml", text)
    assert "compose" in ctx.kinds
    assert _found("docker-compose.yml", text) == ["52.14.201.7"]


def _table(size: int) -> str:
    rows = [{"host": f"n{i}.example.com", "ipv4": f"52.14.{i + 1}.9"} for i in range(size)]
    return json.dumps({"servers": rows}, indent=1)


def test_a_table_of_dozens_of_addresses_is_data() -> None:
    assert len(_found("map.json", _table(TABLE_SIZE - 1))) == TABLE_SIZE - 1
    assert _found("map.json", _table(TABLE_SIZE)) == []
    code = "package x\n\nvar hosts = []string{\n" + "".join(
        f'\t"52.14.{i + 1}.9",\n' for i in range(TABLE_SIZE)
    )
    assert _found("hosts.go", code + "}\n") == []
    assert len(_found("hosts.go", code.rsplit("\t", 1)[0] + "}\n")) == TABLE_SIZE - 1


def test_dotenv_inline_comment_is_not_a_value() -> None:
    text = (
        "RELAY=relay.example.com # was 52.14.201.7\nQUOTED='52.14.201.8 # kept'\nUP=52.14.201.9\n"
    )
    assert _found(".env", text) == ["52.14.201.8", "52.14.201.9"]


# --- complexity: doubling the input costs at most 2.5 times as much ------------------


def _costs(line: str, n: int) -> tuple[float, float]:
    """Best seconds ZT701's .env detector takes on `line` built with n and with 2n, sizes
    alternated five times in one fresh interpreter (load spikes hit both), capped."""
    code = f"""
        import time
        from ztlint import classify
        from ztlint.checks.hygiene import hardcoded_public_ip as public_ip
        from ztlint.rule import FileContext
        from ztlint.source import SourceText

        def cost(n):
            text = {line} + "\\n"
            fclass = classify.classify(".env", text)
            ctx = FileContext(".env", fclass.kinds, fclass.parser, SourceText(text))
            t = time.process_time()
            list(public_ip.detect_dotenv(ctx))
            return time.process_time() - t

        small, large = [], []
        for _ in range(5):
            small.append(cost({n}))
            large.append(cost({2 * n}))
        print(min(small), min(large))
    """
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    small, large = proc.stdout.split()
    return float(small), float(large)


@pytest.mark.parametrize(
    "line",
    [
        # many addresses, each in a URL's host and path
        '"X=" + "https://52.14.1.9/ip/52.14.2.8 " * n',
        # one long word before a URL, then many addresses after it
        '"X=" + "a" * n * 8 + "://h/ 52.14.1.9" + " 52.14.3.7" * n',
        # many URL openers with no scheme, and version words
        '"X=" + "://52.14.1.9 release 52.14.1.8 " * n',
    ],
)
def test_dotenv_line_cost_is_linear(line: str) -> None:
    small, large = _costs(line, 5_000)
    assert large <= 2.5 * small + 0.05, (small, large)

import ipaddress

from flask import abort, request

ADMIN_NETWORK = ipaddress.ip_network("10.20.0.0/16")
ALLOWED = {"10.20.0.5", "10.20.0.6"}


def admin_only():
    forwarded = request.headers.get("X-Forwarded-For", "")
    client = forwarded.split(",")[0].strip()
    # ruleid: ztlint.forwarded-for-reaches-access-decision
    if ipaddress.ip_address(client) not in ADMIN_NETWORK:
        abort(403)


def allow_listed():
    client = request.headers.get("X-Real-IP")
    # ruleid: ztlint.forwarded-for-reaches-access-decision
    return client in ALLOWED


def from_peer():
    client = request.remote_addr
    # ok: ztlint.forwarded-for-reaches-access-decision
    return client in ALLOWED


def logged_only(log):
    forwarded = request.headers.get("X-Forwarded-For", "")
    # ok: ztlint.forwarded-for-reaches-access-decision
    log.info("request from %s", forwarded)

import hmac

from flask import abort, request

API_TOKEN = load_token()


def check():
    supplied = request.headers.get("X-Api-Token", "")
    candidate = supplied.strip()
    # ruleid: ztlint.request-secret-compared-with-eq
    if candidate != API_TOKEN:
        abort(401)


def check_signature(settings):
    sig = request.args.get("sig")
    # ruleid: ztlint.request-secret-compared-with-eq
    return sig == settings.webhook_secret


def safe():
    supplied = request.headers.get("X-Api-Token", "")
    # ok: ztlint.request-secret-compared-with-eq
    if not hmac.compare_digest(supplied, API_TOKEN):
        abort(401)


def mode():
    wanted = request.args.get("mode")
    # ok: ztlint.request-secret-compared-with-eq
    return wanted == "compact"

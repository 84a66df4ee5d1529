"""ZT204 in code: what the object or dictionary literal around a credential says about
it: a table of named constants, a list of user accounts, a search client's settings."""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint.checks import codeutil
from ztlint.rule import FileContext
from ztlint.semantics.credentials import accounts, is_account_record

# Collections: a literal among a list's elements is an element, not the name's value.
COLLECTIONS = frozenset(
    {"list", "tuple", "set", "array", "array_expression", "tuple_expression", "array_literal"}
)
_RECORDS = frozenset({"dictionary", "object"})


def in_accounts(ctx: FileContext, pair: Node) -> bool:
    """Whether the pair is the password of an account record in a collection of user
    accounts written in code: a list of dictionaries or objects, or one keyed by user
    (`users = {"admin": {"password": ..., "email": ...}, ...}`)."""
    record = pair.parent
    if record is None or record.type not in _RECORDS or record.parent is None:
        return False
    holder = record.parent
    if holder.type == "pair" and holder.parent is not None:
        children = [p.child_by_field_name("value") for p in holder.parent.named_children]
    elif holder.type in COLLECTIONS:
        children = list(holder.named_children)
    else:
        return False
    records = [c for c in children if c is not None and c.type in _RECORDS]
    key_lists = [_scalar_keys(ctx, r) for r in records]
    return (
        len(records) >= 2 and accounts(key_lists) and is_account_record(_scalar_keys(ctx, record))
    )


# Algolia's client settings: an application id, the index searched and a key. The key
# a search client is given this way is the search-only key Algolia issues to be shipped
# to browsers (Docusaurus's and VitePress's `algolia` theme settings, InstantSearch).
_SEARCH_CLIENT = ({"appid", "applicationid"}, {"indexname"})


def search_only_key(ctx: FileContext, pair: Node) -> bool:
    """The pair is the `apiKey` of an object that also names Algolia's `appId` and
    `indexName`: a search-only key, public by design."""
    key = pair.child_by_field_name("key")
    record = pair.parent
    if key is None or record is None or record.type not in _RECORDS:
        return False
    name = (codeutil.literal_value(ctx, key) or codeutil.text(ctx, key)).replace("_", "").lower()
    if name not in ("apikey", "searchapikey", "searchkey"):
        return False
    keys = {k.replace("_", "").lower() for k in _scalar_keys(ctx, record)}
    return all(keys & wanted for wanted in _SEARCH_CLIENT)


def _scalar_keys(ctx: FileContext, record: Node) -> list[str]:
    """The keys of a dictionary or object literal whose values are not records or lists."""
    keys = []
    for pair in record.named_children:
        key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if pair.type != "pair" or key is None or value is None:
            continue
        if value.type in _RECORDS or value.type in COLLECTIONS:
            continue
        keys.append(codeutil.literal_value(ctx, key) or codeutil.text(ctx, key))
    return keys


_CONSTANT_KEY = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


def constant_table_entry(ctx: FileContext, pair: Node) -> bool:
    """An entry of an object or dictionary whose keys are all constant names in
    capitals (`EVENTS = {PASSWORD_RESET: "acme:password_reset", ...}`): a table of named
    constants, whose values are judged as a declared constant's."""
    record = pair.parent
    if pair.type != "pair" or record is None or record.type not in _RECORDS:
        return False
    keys = [p.child_by_field_name("key") for p in record.named_children if p.type == "pair"]
    names = [codeutil.literal_value(ctx, k) or codeutil.text(ctx, k) for k in keys if k]
    return len(names) >= 2 and all(_CONSTANT_KEY.fullmatch(n) for n in names)

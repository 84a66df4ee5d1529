"""XML documents (Android resources and manifests, Apple property lists) into a small
element tree with lines and columns, and binary property lists into the same plist
model.

XML is read through defusedxml's SAX reader with its defaults: an entity declaration
(the billion laughs) or an external reference (XXE) stops the parse with a
ParseFailure, so nothing is ever expanded, fetched or read. A DOCTYPE that only names
an external DTD (every Xcode plist names Apple's) is allowed: the reader is told never
to load the external subset, so the name stays a name. defusedxml and the SAX reader
(which imports urllib) are imported on the first XML file a rule asks about, never on
the way to a scan without one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ztlint.model import Span
from ztlint.parsers.budget import over_budget
from ztlint.parsers.data import MAX_DEPTH, ParseFailure
from ztlint.source import SourceText

if TYPE_CHECKING:
    from xml.sax.xmlreader import AttributesImpl


class Element:
    """An XML element: its tag, its attributes in source order, its children and its
    character data. `line` and `column` (1-based) are where its start tag begins."""

    __slots__ = ("attrs", "children", "column", "line", "parent", "tag", "text")

    def __init__(
        self, tag: str, attrs: dict[str, str], line: int, column: int, parent: Element | None
    ) -> None:
        self.tag = tag
        self.attrs = attrs
        self.line = line
        self.column = column
        self.parent = parent
        self.children: list[Element] = []
        self.text = ""

    def ancestors(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def iter(self) -> Iterator[Element]:
        """This element and every element below it, in document order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def __repr__(self) -> str:
        return f"Element({self.tag!r}@{self.line})"


def _reader_class() -> Any:
    from xml.parsers import expat

    from defusedxml.expatreader import DefusedExpatParser

    class Reader(DefusedExpatParser):  # type: ignore[misc]
        """defusedxml's SAX reader that never asks for the external DTD subset: the
        SAX reader turns parameter-entity parsing on, so a DOCTYPE's system id would
        reach the (refusing) external-reference handler and every Xcode plist would
        be refused. Entity declarations and external entities are still refused."""

        def reset(self) -> None:
            super().reset()
            self._parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    return Reader


def parse_xml(source: SourceText) -> Element:
    """The root element of an XML document. Raises ParseFailure for malformed XML,
    for entity declarations and external references, and past the parse budget."""
    text = source.text
    over = over_budget(text)
    if over is not None:
        raise over
    from xml.sax import SAXParseException
    from xml.sax.handler import ContentHandler

    from defusedxml.common import DefusedXmlException

    reader = _reader_class()()

    class Builder(ContentHandler):
        def __init__(self) -> None:
            super().__init__()
            self.root: Element | None = None
            self.current: Element | None = None
            self.depth = 0

        def startElement(self, name: str, attrs: AttributesImpl) -> None:
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ParseFailure(
                    f"nesting deeper than {MAX_DEPTH} levels; not parsed",
                    reader.getLineNumber(),
                )
            line = reader.getLineNumber()
            column = _tag_column(source, line, reader.getColumnNumber(), name)
            element = Element(name, dict(attrs.items()), line, column, self.current)
            if self.current is None:
                self.root = element
            else:
                self.current.children.append(element)
            self.current = element

        def endElement(self, name: str) -> None:
            self.depth -= 1
            if self.current is not None:
                self.current = self.current.parent

        def characters(self, content: str) -> None:
            if self.current is not None:
                self.current.text += content

    builder = Builder()
    reader.setContentHandler(builder)
    try:
        reader.feed(text)
        reader.close()
    except DefusedXmlException as refused:
        what = type(refused).__name__
        raise ParseFailure(
            f"XML refused ({what}): entity declarations and external references are "
            "never expanded or fetched; the file was not checked",
            _line(reader),
        ) from None
    except SAXParseException as error:
        raise ParseFailure(
            f"XML syntax error: {error.getMessage()}",
            error.getLineNumber(),
            (error.getColumnNumber() or 0) + 1,
        ) from None
    if builder.root is None:
        raise ParseFailure("no XML element")
    return builder.root


def _tag_column(source: SourceText, line: int, reported: int, tag: str) -> int:
    """The 1-based column of `<tag` on the line. expat counts characters in the builds
    we know, bytes in older ones; the text decides which."""
    text = source.line(line)
    opening = "<" + tag
    if text.startswith(opening, reported):
        return reported + 1
    by_bytes = source.point_column(line - 1, reported)
    if text.startswith(opening, by_bytes - 1):
        return by_bytes
    found = text.find(opening)
    return found + 1 if found >= 0 else 1


def _line(reader: Any) -> int | None:
    try:
        line = reader.getLineNumber()
    except Exception:  # the reader has no parser any more
        return None
    return line if isinstance(line, int) else None


def attribute_span(source: SourceText, element: Element, name: str) -> Span:
    """The span of `name="value"` in the element's start tag, else of the tag's start."""
    start = source.line_offset(element.line) + element.column - 1
    text = source.text
    close = text.find(">", start)
    end = close if close >= 0 else len(text)
    at = start
    while True:
        at = text.find(name, at + 1, end)
        if at < 0:
            break
        before = text[at - 1] if at > 0 else " "
        rest = text[at + len(name) : end].lstrip()
        if before.isspace() and rest.startswith("="):
            value_start = text.find(rest[1:].lstrip()[:1], at + len(name))
            quote = text[value_start] if value_start >= 0 else ""
            value_end = text.find(quote, value_start + 1, end) if quote in "\"'" else -1
            return source.span(at, value_end + 1 if value_end >= 0 else at + len(name))
    return Span(element.line, element.column, element.line, element.column + 1 + len(element.tag))


# --- property lists ---------------------------------------------------------------


class PlistValue:
    """A property-list value with where it is: for an XML plist the line and column of
    its element (and, for a dictionary entry, of its `<key>`); a binary plist's values
    are all at line 1."""

    __slots__ = ("column", "key_column", "key_line", "line", "value")

    def __init__(
        self, value: Any, line: int = 1, column: int = 1, key_line: int = 1, key_column: int = 1
    ) -> None:
        # dict[str, PlistValue], list[PlistValue], or a scalar (str, bool, int, float, ...)
        self.value = value
        self.line = line
        self.column = column
        self.key_line = key_line
        self.key_column = key_column

    def get(self, key: str) -> PlistValue | None:
        return self.value.get(key) if isinstance(self.value, dict) else None


_SCALARS = {"string", "integer", "real", "date", "data"}


def plist_from_xml(root: Element) -> PlistValue | None:
    """The property list an XML `<plist>` holds, or None when the root is no plist."""
    if root.tag != "plist":
        return None
    body = [child for child in root.children]
    return _plist_value(body[0]) if body else None


def _plist_value(element: Element) -> PlistValue:
    # Nesting is bounded by parse_xml's depth limit; built without recursion.
    out = PlistValue(None, element.line, element.column)
    stack: list[tuple[Element, PlistValue]] = [(element, out)]
    while stack:
        node, holder = stack.pop()
        tag = node.tag
        if tag == "dict":
            entries: dict[str, PlistValue] = {}
            children = node.children
            for i in range(0, len(children) - 1, 2):
                key, value = children[i], children[i + 1]
                if key.tag != "key":
                    continue
                child = PlistValue(None, value.line, value.column, key.line, key.column)
                entries[key.text.strip()] = child
                stack.append((value, child))
            holder.value = entries
        elif tag == "array":
            items = []
            for value in node.children:
                child = PlistValue(None, value.line, value.column, value.line, value.column)
                items.append(child)
                stack.append((value, child))
            holder.value = items
        elif tag in ("true", "false"):
            holder.value = tag == "true"
        elif tag in _SCALARS:
            holder.value = node.text.strip() if tag != "string" else node.text
        else:
            holder.value = None
    return out


def plist_from_binary(data: bytes) -> PlistValue:
    """A binary property list (`bplist00`), every value at line 1. Raises ParseFailure
    when plistlib cannot read it."""
    import plistlib

    try:
        loaded = plistlib.loads(data, fmt=plistlib.FMT_BINARY)
    except Exception as exc:  # plistlib raises several kinds on corrupt input
        raise ParseFailure(f"binary property list not readable: {type(exc).__name__}") from None
    return _wrap(loaded)


def _wrap(value: Any) -> PlistValue:
    """plistlib shares an object that several references name (and a hostile file can
    make a cycle): each container is wrapped once, so the work is the file's size."""
    out = PlistValue(None)
    made: dict[int, PlistValue] = {}
    stack: list[tuple[Any, PlistValue]] = [(value, out)]
    while stack:
        item, holder = stack.pop()
        if isinstance(item, dict | list | tuple):
            if id(item) in made:
                holder.value = made[id(item)].value
                continue
            made[id(item)] = holder
        if isinstance(item, dict):
            entries: dict[str, PlistValue] = {}
            for key, sub in item.items():
                child = PlistValue(None)
                entries[str(key)] = child
                stack.append((sub, child))
            holder.value = entries
        elif isinstance(item, list | tuple):
            items = []
            for sub in item:
                child = PlistValue(None)
                items.append(child)
                stack.append((sub, child))
            holder.value = items
        elif isinstance(item, bool | int | float | str):
            holder.value = item
        elif isinstance(item, datetime.datetime):
            holder.value = item.isoformat()
        else:
            holder.value = None  # data, UIDs: nothing a rule reads
    return out

"""EX001 flask-debug-enabled: `app.run(debug=True)` starts Werkzeug's interactive
debugger, which runs any Python a visitor types into the error page."""

from __future__ import annotations

from collections.abc import Iterator

from ztlint import api

DOCS = """\
## What it does
Reports a Flask application started with `debug=True`.

## Why is this bad?
The debugger's error page runs any Python a visitor types: whoever reaches the port
runs code on the server.

## Example
```python
app.run(host="0.0.0.0", debug=True)
```

## Use instead
```python
app.run(host="0.0.0.0", debug=os.environ.get("FLASK_DEBUG") == "1")
```

## References
- https://flask.palletsprojects.com/en/latest/debugging/
"""


def detect(ctx: api.FileContext) -> Iterator[api.Hit]:
    """Calls `<x>.run(..., debug=True)`."""
    stack = [ctx.tree().root_node]
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        if node.type != "call":
            continue
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if function is None or arguments is None or function.type != "attribute":
            continue
        method = function.child_by_field_name("attribute")
        if method is None or method.text != b"run":
            continue
        for arg in arguments.named_children:
            name = arg.child_by_field_name("name")
            value = arg.child_by_field_name("value")
            if (
                arg.type == "keyword_argument"
                and name is not None
                and name.text == b"debug"
                and value is not None
                and value.type == "true"
            ):
                yield api.Hit(
                    span=api.span_of(ctx, arg),
                    message="Flask app.run(debug=True) serves the interactive debugger",
                )


RULE = api.Rule(
    meta=api.RuleMeta(
        id="EX001",
        name="flask-debug-enabled",
        title="Flask's interactive debugger is on",
        severity=api.Severity.HIGH,
        confidence=api.Confidence.HIGH,
        cwe=489,
        message="Flask app.run(debug=True) serves the interactive debugger",
        fix="Turn debug off outside development: read it from the environment.",
        docs=DOCS,
        references=("https://flask.palletsprojects.com/en/latest/debugging/",),
    ),
    detectors=(
        api.Detector(
            name="flask-debug-enabled/python",
            kinds=frozenset({"python"}),
            triggers=("debug",),
            run=detect,
        ),
    ),
)

PLUGIN = api.Plugin(prefix="EX", rules=(RULE,))

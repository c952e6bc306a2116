"""Numbers and JSON from requests, bounded to what the databases and parsers can take.

An id beyond a database integer names nothing (404), a number too large for a column is
no number, and JSON nested deeper than a person would write is unreadable (400); none of
them reaches a query or the parser's recursion limit.
"""

import json

from flask import request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

# The largest value of an INTEGER column on PostgreSQL (and of an id anywhere here).
INT_MAX = 2**31 - 1
# Deeper JSON is refused before the parser recurses into it.
JSON_MAX_DEPTH = 32


class IdConverter(IntegerConverter):
    """<int:...> in routes: a database integer, so larger numbers match no route (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def is_db_int(value) -> bool:
    """Whether `value` is an integer a row id can be (anything else is no row)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= INT_MAX


def arg_id(name: str) -> int | None:
    """A query argument that names a row: a positive database integer, or None."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= INT_MAX else None


def page_arg(name: str = "page") -> int:
    """The page number asked for, within what a list can have."""
    return min(arg_id(name) or 1, 1_000_000)


def as_count(value) -> int | None:
    """`value` as a database integer of 0 or more (an int, or ASCII digits), else None:
    a version, a lock."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = int(value) if value.isascii() and value.isdecimal() and len(value) < 11 else None
    return value if isinstance(value, int) and 0 <= value <= INT_MAX else None


def as_id(value) -> int | None:
    """`value` as a row id (a positive database integer), else None."""
    value = as_count(value)
    return value if value else None


def too_deep(text: str | bytes, limit: int = JSON_MAX_DEPTH) -> bool:
    """Whether JSON text nests arrays and objects deeper than `limit` (strings aside)."""
    depth, in_string, escaped = 0, False, False
    for char in text.decode("utf-8", "replace") if isinstance(text, bytes) else text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def refuse_too_deep(text: str | bytes) -> None:
    """Raise ValueError for JSON nested deeper than JSON_MAX_DEPTH."""
    if too_deep(text):
        raise ValueError(f"JSON nested deeper than {JSON_MAX_DEPTH} levels")


def loads(text: str | bytes):
    """json.loads, refusing documents nested deeper than JSON_MAX_DEPTH (ValueError)."""
    refuse_too_deep(text)
    return json.loads(text)


class JSONProvider(DefaultJSONProvider):
    """The app's JSON: request bodies nested too deeply are unreadable, not a crash."""

    def loads(self, s, **kwargs):
        refuse_too_deep(s)
        return super().loads(s, **kwargs)

"""Plain text typed by users, shown as paragraphs and lists; always escaped."""

import re
import unicodedata
from itertools import groupby
from urllib.parse import quote, urlsplit

from flask import Request
from markupsafe import Markup
from werkzeug.datastructures import ImmutableMultiDict

# Lengths every feature holds its fields to: a name, and a block of prose.
NAME_MAX = 200
TEXT_MAX = 20_000

_BULLET = re.compile(r"^\s*[-•*]\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(value: str) -> str:
    """Text any database can hold: NUL characters removed, unpaired surrogates as U+FFFD.

    A str holds a surrogate only when it is unpaired (JSON and UTF-8 decoding join pairs
    into one code point); PostgreSQL refuses NUL and neither database encodes a surrogate.
    """
    if value.isascii():
        return value.replace("\x00", "") if "\x00" in value else value
    return _SURROGATE.sub("\ufffd", value.replace("\x00", ""))


def clean_tree(value):
    """A parsed JSON document with every string in it (keys too) cleaned."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [clean_tree(item) for item in value]
    if isinstance(value, dict):
        return {clean(str(key)): clean_tree(item) for key, item in value.items()}
    return value


def paragraphs(text: str | None) -> Markup:
    """Blank lines separate paragraphs; lines starting with "- " are a list wherever
    they appear, even right after a line of text. Markup's own format and join escape
    every piece of the text."""
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    html = []
    for block in filter(None, (b.strip("\n") for b in blocks)):
        for bulleted, run in groupby(block.split("\n"), key=lambda line: bool(_BULLET.match(line))):
            run = list(run)
            if bulleted:
                items = Markup("").join(
                    Markup("<li>{}</li>").format(_BULLET.sub("", line)) for line in run
                )
                html.append(Markup("<ul>{}</ul>").format(items))
            else:
                html.append(Markup("<p>{}</p>").format(Markup("<br>").join(run)))
    return Markup("").join(html)


def short(text: str, length: int = 60) -> str:
    """`text` cut to `length` characters with an ellipsis, for messages."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def lines(text: str | None) -> list[str]:
    """Non-empty lines, for one-per-line fields such as probes."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CleanValues(ImmutableMultiDict):
    """Form fields and query arguments, cleaned of what no database can hold."""

    def __init__(self, mapping=None):
        if isinstance(mapping, list):
            mapping = [
                (clean(key), clean(value) if isinstance(value, str) else value)
                for key, value in mapping
            ]
        super().__init__(mapping)


class CleanRequest(Request):
    """The app's request: every form field and query argument goes through clean()."""

    parameter_storage_class = CleanValues


def safe_link(url: str | None, allow_local: bool = False) -> str | None:
    """The address when it may be shown as a link: https, or http to this machine when
    `allow_local` (development). Anything else (javascript:, data:, plain http) is text."""
    parts = urlsplit((url or "").strip())
    if parts.scheme == "https" and parts.hostname:
        return url.strip()
    if allow_local and parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1"):
        return url.strip()
    return None


def disposition(filename: str, extension: str, inline: bool = False) -> str:
    """A Content-Disposition header for a download: the name keeps its accents and any
    script (RFC 6266 filename*), with a plain ASCII fallback for old clients."""
    name = "-".join("".join(c if c.isalnum() else " " for c in filename).split())[:150]
    name = name or "document"
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fallback = "-".join(part for part in ascii_.split("-") if part) or "document"
    kind = "inline" if inline else "attachment"
    return (
        f"{kind}; filename=\"{fallback}.{extension}\"; filename*=UTF-8''{quote(name)}.{extension}"
    )


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """ "1 scorecard", "2 scorecards": a number with its word, never "scorecard(s)"."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"

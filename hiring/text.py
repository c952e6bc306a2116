"""Plain text typed by users, shown as paragraphs and lists; always escaped."""

import re

from markupsafe import Markup, escape

_BULLET = re.compile(r"^\s*[-•*]\s+")


def paragraphs(text: str | None) -> Markup:
    """Blank lines separate paragraphs; a block of "- " lines is a list."""
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    html = []
    for block in filter(None, (b.strip("\n") for b in blocks)):
        lines = block.split("\n")
        if all(_BULLET.match(line) for line in lines):
            items = "".join(f"<li>{escape(_BULLET.sub('', line))}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        else:
            html.append("<p>" + "<br>".join(str(escape(line)) for line in lines) + "</p>")
    return Markup("".join(html))


def lines(text: str | None) -> list[str]:
    """Non-empty lines, for one-per-line fields such as probes."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]

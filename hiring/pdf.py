"""PDF rendering: the one WeasyPrint entry point.

A document is one Jinja template under templates/pdf/ laid out once: its running header,
"Page X of Y", the confidentiality line and a draft's mark are CSS margin boxes, so the
fonts are embedded once per document. WeasyPrint fetches nothing but the app's own
static files and data: URLs. A document too long is refused before layout (from its
text) and after it (from its pages), with a message for the user.

WeasyPrint is imported on the first render: web workers that never render (a queue
worker does) never load it.
"""

import atexit
import hashlib
import io
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Response, current_app, render_template

from hiring.text import disposition

BASE_URL = "https://pdf.invalid/"
# With every template under templates/pdf/, what a document's look comes from.
STYLESHEETS = ("css/pdf.css",)
# Text a page holds at most, in characters: the estimate before layout errs low on pages.
CHARS_PER_PAGE = 6000
_TAGS = re.compile(r"<[^>]*>")
_loaded: dict = {}
_fingerprints: dict[str, str] = {}


class PdfError(Exception):
    """A document that could not be made, with a message for the user."""


def _weasyprint():
    """WeasyPrint's classes and one font configuration for the process (about 13% faster
    per small document than one per render)."""
    if not _loaded:
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        class StaticOnlyFetcher(URLFetcher):
            """The app's static files and data: URLs; file:, http(s): and the rest refused."""

            def __init__(self, static_folder: str):
                super().__init__(timeout=2, allowed_protocols={"data"}, allow_redirects=False)
                self.root = Path(static_folder).resolve()

            def fetch(self, url, headers=None):
                if url.startswith("data:"):
                    return super().fetch(url, headers)
                parts = urlsplit(url)
                if (parts.scheme, parts.netloc) == ("https", "pdf.invalid") and (
                    parts.path.startswith("/static/")
                ):
                    path = (self.root / unquote(parts.path.removeprefix("/static/"))).resolve()
                    if path.is_relative_to(self.root) and path.is_file():
                        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                        return URLFetcherResponse(
                            url, body=path.read_bytes(), headers={"Content-Type": kind}
                        )
                raise ValueError(f"PDF rendering fetches only the app's static files: {url[:100]}")

        _loaded.update(html=HTML, fonts=FontConfiguration(), fetcher=StaticOnlyFetcher)
        # Let the font configuration go while the interpreter can still run its clean-up.
        atexit.register(_loaded.clear)
    return _loaded


def fetcher(static_folder: str):
    """The URL fetcher every render uses: the app's static files and data: URLs only."""
    return _weasyprint()["fetcher"](static_folder)


def warm() -> None:
    """Load WeasyPrint's fonts and layout code, so that no user waits for it."""
    w = _weasyprint()
    w["html"](string="<p>warm</p>").write_pdf(font_config=w["fonts"])


def render_pdf(template: str, **context) -> bytes:
    """Render a template under templates/pdf/ to PDF bytes."""
    config = current_app.config
    html = render_template(template, paper=config["PAPER_SIZE"], **context)
    if len(html) > config["PDF_MAX_HTML_BYTES"]:
        raise PdfError("This document is too large to render. Export fewer scorecards at once.")
    estimate = len(_TAGS.sub("", html)) // CHARS_PER_PAGE
    if estimate > config["PDF_MAX_PAGES"]:
        raise PdfError(
            f"This document would have about {estimate} pages, more than the limit of "
            f"{config['PDF_MAX_PAGES']}. Export fewer scorecards at once."
        )
    w = _weasyprint()
    document = w["html"](
        string=html, base_url=BASE_URL, url_fetcher=fetcher(current_app.static_folder)
    ).render(font_config=w["fonts"])
    if len(document.pages) > config["PDF_MAX_PAGES"]:
        raise PdfError(
            f"This document would have {len(document.pages)} pages, more than the limit of "
            f"{config['PDF_MAX_PAGES']}. Export fewer scorecards at once."
        )
    return document.write_pdf()


def fingerprint() -> str:
    """A digest of the PDF templates, stylesheets and paper size: part of every stored
    document's key, so a new look is never served from an old rendering."""
    paper = current_app.config["PAPER_SIZE"]
    if paper not in _fingerprints:
        digest = hashlib.sha256(paper.encode())
        folder = Path(current_app.template_folder, "pdf")
        for path in sorted(folder.glob("*.html")):
            digest.update(path.read_bytes())
        for name in STYLESHEETS:
            digest.update(Path(current_app.static_folder, name).read_bytes())
        _fingerprints[paper] = digest.hexdigest()[:16]
    return _fingerprints[paper]


def send_pdf(data: bytes, filename: str, inline: bool = False) -> Response:
    """A PDF download that no browser or proxy keeps; `inline` shows it in the browser."""
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": disposition(filename, "pdf", inline),
            "Cache-Control": "no-store",
        },
    )


def appended(document: bytes, parts: list[bytes]) -> bytes:
    """The document with the pages of each part after its own (pikepdf; the parts are
    PDFs rewritten on upload, see hiring.interviews.attachments)."""
    import pikepdf  # noqa: PLC0415  loaded where documents are made, as WeasyPrint is

    if not parts:
        return document
    with pikepdf.open(io.BytesIO(document)) as whole:
        for part in parts:
            with pikepdf.open(io.BytesIO(part)) as pages:
                whole.pages.extend(pages.pages)
        out = io.BytesIO()
        whole.save(out)
        return out.getvalue()

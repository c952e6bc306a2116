"""PDF documents: the one WeasyPrint entry point, a render cache, and assembly.

Every document is made of parts (a cover, scorecards, a kit guide) rendered once with
WeasyPrint and cached on disk under a key of what they show (ids and versions, the
templates' fingerprint, the paper size); a submitted scorecard never changes until it
is amended, which bumps its version and so its key. Parts are joined with pikepdf and
stamped with one overlay that carries the running header, "Page X of Y", the
confidentiality line and, for drafts, the "Draft" mark on every page. A packet whose
scorecards did not change is never laid out again.

WeasyPrint fetches nothing but the app's own static files and data: URLs. A job on the
in-process pool lays out in a helper process; a request or an RQ worker lays out itself.
"""

import ctypes
import fcntl
import gc
import hashlib
import io
import logging
import mimetypes
import multiprocessing
import os
import re
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pikepdf
from flask import Response, current_app, g, render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from hiring.jobs import give_way, in_job, in_pool, lower_priority, redis_url
from hiring.text import disposition

log = logging.getLogger("hiring.pdf")

BASE_URL = "https://pdf.invalid/"
TEMPLATES = (
    "pdf/_base.html",
    "pdf/overlay.html",
    "pdf/cover.html",
    "pdf/_cover.html",
    "pdf/scorecards.html",
    "pdf/_scorecard.html",
    "pdf/guide.html",
    "pdf/_guide.html",
)
STYLESHEETS = ("css/pdf.css",)

# One font configuration per process: WeasyPrint is about 13% faster per small document.
_FONTS = FontConfiguration()
_FINGERPRINT: dict[str, str] = {}


TOO_LONG = "The document took too long to render and was stopped. Export fewer scorecards at once."


class PdfError(Exception):
    """A document that could not be made, with a message for the user."""

    status = 422


class PdfBusy(PdfError):
    """The user already has a document rendering."""

    status = 429


# Text a page holds at most, in characters: the estimate before layout errs low on pages.
CHARS_PER_PAGE = 6000
# A document that failed its limits is refused at once when asked again unchanged, for
# this long (a render stopped by the time budget may fit on a quieter machine later).
FAILURE_MEMORY_SECONDS = 600


class StaticOnlyFetcher(URLFetcher):
    """Serves the app's static files and data: URLs; refuses file:, http(s): and the rest."""

    def __init__(self, static_folder: str):
        super().__init__(timeout=2, allowed_protocols={"data"}, allow_redirects=False)
        self.root = Path(static_folder).resolve()

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) == ("https", "pdf.invalid") and parts.path.startswith(
            "/static/"
        ):
            path = (self.root / unquote(parts.path.removeprefix("/static/"))).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, body=path.read_bytes(), headers={"Content-Type": kind}
                )
        raise ValueError(f"PDF rendering fetches only the app's static files, not {url[:100]}")


_TAGS = re.compile(r"<[^>]*>")


def _remaining() -> float:
    """Seconds left of the render budget: one budget per request (or per export on the
    command line, see `budget`), however many parts it renders. In a request the budget
    is wall time: someone waits. In a job it is the job thread's CPU time: a job at idle
    priority may wait for the CPU while web workers are busy, and the budget bounds the
    work a document makes, not that wait (JOB_TIME_LIMIT bounds the wait). The CPU time
    of the job's layouts in a helper process counts too."""

    def job_cpu() -> float:
        return time.thread_time() + g.get("pdf_helper_cpu", 0.0)

    clock = job_cpu if in_job() else time.monotonic
    deadline = g.get("pdf_deadline")
    if deadline is None:
        deadline = g.pdf_deadline = clock() + current_app.config["PDF_TIME_LIMIT"]
    return deadline - clock()


@contextmanager
def budget():
    """A fresh render budget for one export, where one request makes several."""
    g.pop("pdf_deadline", None)
    g.pop("pdf_helper_cpu", None)
    try:
        yield
    finally:
        g.pop("pdf_deadline", None)
        g.pop("pdf_helper_cpu", None)


class RenderTimeout(PdfError):
    """A render stopped by its time budget."""

    def __init__(self, message: str = TOO_LONG):
        super().__init__(message)


class _Deadline:
    """Stop a render that runs too long: with SIGALRM in a process's main thread (a web
    or job worker), and from a timer thread in a pool thread (the in-process job pool),
    which raises in the render's thread at its next Python step.

    With `wall` (in a job), `seconds` is CPU time of the render's thread: when the alarm
    rings early because the thread waited for the CPU, it is set again for what is left,
    until the CPU time is used or `wall` seconds have passed."""

    def __init__(self, seconds: float, wall: float | None = None):
        self.seconds = seconds
        self.wall = wall
        self.main = threading.current_thread() is threading.main_thread()
        self.lock = threading.Lock()
        self.running = False
        self.fired = False

    def _left(self, used_cpu: float) -> float:
        """Seconds until the deadline may have come, 0 when it has."""
        if self.wall is None:
            return 0
        wall_left = self.wall - (time.monotonic() - self.started)
        return max(0, min(self.seconds - used_cpu, wall_left))

    def _expired(self, signum, frame):
        left = self._left(time.thread_time() - self.cpu_start)
        if left > 0:
            signal.setitimer(signal.ITIMER_REAL, left)
            return
        raise RenderTimeout()

    def _arm(self, seconds: float, ident: int) -> None:
        self.timer = threading.Timer(seconds, self._interrupt, (ident,))
        self.timer.daemon = True
        self.timer.start()

    def _interrupt(self, ident: int) -> None:
        with self.lock:
            if not self.running:
                return
            if self.wall is not None and hasattr(time, "pthread_getcpuclockid"):
                used = time.clock_gettime(time.pthread_getcpuclockid(ident)) - self.cpu_start
                left = self._left(used)
                if left > 0:
                    self._arm(left, ident)
                    return
            self.fired = True
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(ident), ctypes.py_object(RenderTimeout)
            )

    def __enter__(self):
        if self.seconds <= 0:
            return self
        self.running = True
        self.started, self.cpu_start = time.monotonic(), time.thread_time()
        first = self.seconds if self.wall is None else min(self.seconds, self.wall)
        if self.main:
            self.previous = signal.signal(signal.SIGALRM, self._expired)
            signal.setitimer(signal.ITIMER_REAL, first)
        else:
            self._arm(first, threading.current_thread().ident)
        return self

    def __exit__(self, *exc):
        if self.seconds <= 0:
            return False
        if self.main:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
            return False
        with self.lock:
            self.running = False
            self.timer.cancel()
            if self.fired and exc[0] is None:
                # Fired as the render ended: clear the exception not yet raised.
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(threading.current_thread().ident), None
                )
        return False


def warm() -> None:
    """Load WeasyPrint's fonts and layout code once, so that no user waits for it, and
    keep what the process has loaded out of the collector's sight: the collection after
    each render (see `_collector_paused`) then walks that render's objects only, not the
    whole heap (0.11 s less per render here, a third of a scorecard's layout)."""
    HTML(string="<p>warm</p>").write_pdf(font_config=_FONTS)
    gc.collect()
    gc.freeze()


def render_pdf(template: str, **context) -> bytes:
    """Render a template under templates/pdf/ to PDF bytes: the one WeasyPrint entry point."""
    return _render(template, context, None)


def render_pdf_parts(template: str, anchors: list[str], **context) -> list[bytes]:
    """Render a template once and cut it into one PDF per anchor (an element id), each from
    the page where its anchor stands to the page before the next one's.

    Many parts laid out in one document cost less than each on its own.
    """
    return _render(template, context, anchors)


def _render(template: str, context: dict, anchors: list[str] | None):
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
    give_way()
    remaining = _remaining()
    if remaining <= 0:
        raise RenderTimeout()
    order = Layout(
        html,
        current_app.static_folder,
        anchors,
        config["PDF_MAX_PAGES"],
        remaining,
        config["JOB_TIME_LIMIT"] if in_job() else None,
    )
    if in_pool():
        made, cpu = _in_helper(order)
        g.pdf_helper_cpu = g.get("pdf_helper_cpu", 0.0) + cpu
        return made
    return order.run()


@dataclass(frozen=True)
class Layout:
    """One WeasyPrint layout, with what it may use: plain values, so that it can run in a
    helper process. Makes one PDF, or with `anchors`, one per anchor."""

    html: str
    static_folder: str
    anchors: list[str] | None
    max_pages: int
    # Seconds the layout may take: CPU time with `wall` (in a job), else wall time.
    seconds: float
    wall: float | None
    # In a helper process: seconds beyond those limits after which the process ends
    # itself, when the layout is stuck where its deadline cannot stop it.
    grace: float = 10

    def run(self):
        document = HTML(
            string=self.html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher(self.static_folder)
        )
        with _collector_paused(), _Deadline(self.seconds, self.wall):
            rendered = document.render(font_config=_FONTS)
            if len(rendered.pages) > self.max_pages:
                raise PdfError(
                    f"This document would have {len(rendered.pages)} pages, more than the "
                    f"limit of {self.max_pages}. Export fewer scorecards at once."
                )
            if self.anchors is None:
                return rendered.write_pdf()
            pages = rendered.pages
            starts = [
                next(n for n, page in enumerate(pages) if a in page.anchors) for a in self.anchors
            ]
            ends = [*starts[1:], len(pages)]
            return [
                rendered.copy(pages[a:b]).write_pdf() for a, b in zip(starts, ends, strict=True)
            ]


# Layouts for the in-process pool -------------------------------------------------------
#
# A pool thread shares its process's interpreter lock with the web worker's requests, and
# at idle priority it may be taken off the CPU while it holds the lock: a save then waits
# for a render. So the pool's threads hand each layout to a helper process of their own
# (one per pool thread, at the job priority) and wait for it without the lock.

CRASHED = "The document could not be laid out; the error was logged. Try again later."
_helpers: dict[int, ProcessPoolExecutor] = {}
_helpers_lock = threading.Lock()


def _helper() -> ProcessPoolExecutor:
    """The helper processes of this process, started on first use (and after a fork)."""
    pid = os.getpid()
    with _helpers_lock:
        if pid not in _helpers:
            config = current_app.config
            _helpers[pid] = ProcessPoolExecutor(
                max_workers=max(1, int(config["JOB_THREADS"])),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_helper_started,
                initargs=(pid, config["JOB_PRIORITY"]),
            )
        return _helpers[pid]


def start_helpers() -> None:
    """Start this process's layout helpers now (an app server's worker, as it starts), so
    that the first document a job lays out does not wait for one to start."""
    if not redis_url():
        _helper().submit(os.getpid)


def _in_helper(order: Layout):
    """Run `order` in a helper process: what it made and the CPU seconds it used."""
    helper = _helper()
    try:
        return helper.submit(_helper_run, order).result()
    except BrokenProcessPool:
        log.exception("a layout helper process ended during a layout")
        with _helpers_lock:
            # Another pool thread may have replaced it already: drop only this one.
            if _helpers.get(os.getpid()) is helper:
                del _helpers[os.getpid()]
        raise PdfError(CRASHED) from None


def _helper_started(parent: int, priority: str | int) -> None:
    """A helper process starts: at the job priority, ending with the process it helps,
    with WeasyPrint warm."""
    lower_priority(priority)

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
    warm()


def _helper_run(order: Layout):
    """In a helper process: the layout, and the CPU seconds it used. A layout stuck where
    its deadline cannot stop it ends the process; the pool thread waiting hears so."""
    limit = (order.wall if order.wall is not None else order.seconds) + order.grace
    stuck = threading.Timer(limit, os._exit, (70,))
    stuck.daemon = True
    stuck.start()
    started = time.thread_time()
    try:
        return order.run(), time.thread_time() - started
    finally:
        stuck.cancel()


@contextmanager
def _collector_paused():
    """Pause the garbage collector for one render, where that cannot leak.

    The collector would walk the previous render's objects: a 20-scorecard render ran 8%
    faster paused (bench, one run). The switch is process-wide, so it is touched only in
    a process's main thread (a web worker's, one request at a time; a job worker's; a
    layout helper's: the pool's threads lay out there), and only when it was on; it is
    back on, and has collected, when the render ends however it ends.
    """
    pause = gc.isenabled() and threading.current_thread() is threading.main_thread()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if pause:
            gc.enable()
            gc.collect()


def fingerprint() -> str:
    """A hash of the PDF templates and stylesheets: a new look is a new cache key."""
    key = current_app.config["PAPER_SIZE"]
    if key not in _FINGERPRINT:
        digest = hashlib.sha256(key.encode())
        for name in TEMPLATES:
            digest.update(Path(current_app.template_folder, name).read_bytes())
        for name in STYLESHEETS:
            digest.update(Path(current_app.static_folder, name).read_bytes())
        _FINGERPRINT[key] = digest.hexdigest()[:16]
    return _FINGERPRINT[key]


def _cache_dir() -> Path:
    folder = Path(
        current_app.config["PDF_CACHE_DIR"] or Path(current_app.instance_path, "pdf-cache")
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# A cached file's name starts with its owner (say "candidate-7"), so that everything
# rendered about one person can be deleted with them; parts about nobody are "shared".
SHARED = "shared"


def _cache_path(key: str, owner: str) -> Path:
    digest = hashlib.sha256(f"{fingerprint()}:{key}".encode()).hexdigest()
    return _cache_dir() / f"{owner}-{digest}.pdf"


def stored(key: str, owner: str = SHARED) -> bytes | None:
    """The bytes stored under `key`, or None."""
    path = _cache_path(key, owner)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    path.touch()
    return data


def store(key: str, data: bytes, owner: str = SHARED) -> None:
    """Keep `data` under `key`."""
    path = _cache_path(key, owner)
    _write_whole(path, data)
    _prune(path.parent)


def _write_whole(path: Path, data: bytes) -> None:
    """Write `data` to `path`, then rename, so that no reader sees half a file."""
    fd, temp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temp, path)


def cached(key: str, make: Callable[[], bytes], owner: str = SHARED) -> bytes:
    """The bytes stored under `key`, made (and stored) when missing."""
    data = stored(key, owner)
    if data is None:
        data = make()
        store(key, data, owner)
    return data


def _failure_marker(key: str, owner: str) -> Path:
    return _cache_path(key, owner).with_suffix(".failed")


def failure(key: str, owner: str = SHARED) -> str | None:
    """Why the document under `key` failed its limits lately, if it did."""
    marker = _failure_marker(key, owner)
    try:
        if time.time() - marker.stat().st_mtime < FAILURE_MEMORY_SECONDS:
            return marker.read_text(encoding="utf-8")
    except FileNotFoundError:
        pass
    return None


@contextmanager
def failures_remembered(key: str, owner: str = SHARED):
    """Refuse at once a document that failed its limits lately, unchanged (same key)."""
    message = failure(key, owner)
    if message is not None:
        raise PdfError(message)
    try:
        yield
    except PdfBusy:
        raise
    except PdfError as error:
        # Whole or not at all: a request polling for the job reads it meanwhile.
        _write_whole(_failure_marker(key, owner), str(error).encode())
        raise


@contextmanager
def one_at_a_time(owner: str):
    """Let one render run at a time for `owner` (a user), and at most PDF_CONCURRENCY on
    this host, so that some worker is always free for saves and health checks; PdfBusy
    otherwise."""
    with held(owner) as busy:
        if busy:
            raise PdfBusy(busy)
        yield


@contextmanager
def held(owner: str):
    """Take `owner`'s lock and a host slot if both are free: yields None when taken, or
    why not. A web worker waiting for a render job holds them too, so that waiting can
    never take every worker."""
    folder = _cache_dir() / "locks"
    folder.mkdir(exist_ok=True)
    with ExitStack() as stack:
        if not _lock(stack, folder / f"{owner}.lock"):
            yield "Another of your documents is rendering. Try again when it is ready."
            return
        slots = range(max(1, int(current_app.config["PDF_CONCURRENCY"])))
        if not any(_lock(stack, folder / f"slot-{n}.lock") for n in slots):
            yield "The server is rendering other documents. Try again in a few seconds."
            return
        yield None


def _lock(stack: ExitStack, path: Path) -> bool:
    """Take the lock file at `path` for as long as `stack` holds, if it is free."""
    handle = stack.enter_context(open(path, "w"))
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    stack.callback(fcntl.flock, handle, fcntl.LOCK_UN)
    return True


def discard(owner: str) -> int:
    """Delete every rendering kept for `owner`; return how many files went."""
    folder = _cache_dir()
    files = [*folder.glob(f"{owner}-*.pdf"), *folder.glob(f"{owner}-*.failed")]
    for path in files:
        path.unlink(missing_ok=True)
    return len(files)


def _prune(folder: Path) -> None:
    """Keep the cache within its size, oldest first; forget stale failures."""
    for marker in folder.glob("*.failed"):
        if time.time() - marker.stat().st_mtime > FAILURE_MEMORY_SECONDS:
            marker.unlink(missing_ok=True)
    limit = current_app.config["PDF_CACHE_FILES"]
    files = list(folder.glob("*.pdf"))
    if len(files) > limit:
        files.sort(key=lambda p: p.stat().st_mtime)
        for old in files[: len(files) - limit]:
            old.unlink(missing_ok=True)


def assemble(
    parts: list[bytes],
    *,
    header: str,
    title: str,
    subject: str,
    draft: bool = False,
    owner: str = SHARED,
) -> bytes:
    """Join parts into one document, stamped with header, page numbers and marks."""
    # The parts stay open until the document is written: their pages are copied then.
    sources = [pikepdf.open(io.BytesIO(part)) for part in parts]
    total = sum(len(source.pages) for source in sources)
    overlay = pikepdf.open(
        io.BytesIO(
            cached(
                f"overlay:{total}:{draft}:{header}:{current_app.config['PDF_CONFIDENTIAL']}",
                lambda: render_pdf("pdf/overlay.html", pages=total, header=header, draft=draft),
                owner,
            )
        )
    )
    document = pikepdf.new()
    for source in sources:
        document.pages.extend(source.pages)
    # Each stamp is drawn as a form over its page, whose content is left as it is: 65 ms
    # for a 44-page packet here, where pypdf's merging of content streams took 490-660 ms.
    for page, stamp in zip(document.pages, overlay.pages, strict=True):
        page.add_overlay(stamp)
    document.docinfo["/Title"] = title
    document.docinfo["/Author"] = current_app.config["PDF_AUTHOR"]
    document.docinfo["/Subject"] = subject
    document.docinfo["/Creator"] = "Scorecards"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


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

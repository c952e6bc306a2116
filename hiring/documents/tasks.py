"""Rendering documents: the one place a layout happens, run by the task queue.

A committed change queues the renders it made stale (a candidate's packet, a submitted
scorecard, a published kit version's guide), in the time zones of their likely readers,
so that a document is usually ready before anyone asks; one asked for and not ready is
queued by the request. Either way the store's claim lets one render run per document.
"""

import logging
import time

from flask import current_app, g

from hiring import changes, tasks
from hiring.documents import operations as ops
from hiring.documents.kinds import KINDS, Spec, Unavailable, build
from hiring.documents.queries import reader_zones
from hiring.extensions import db
from hiring.pdf import PdfError

log = logging.getLogger("hiring.documents")


def make(spec: Spec) -> str | None:
    """Build the document, claim it, lay it out and store it; why it cannot be made, or
    None (made here, ready already, or being made elsewhere). In a request context whose
    time zone is the spec's."""
    # What is read to build the key is what is laid out: a commit must not expire it.
    db.session().expire_on_commit = False
    try:
        document = build(spec)
    except Unavailable as error:
        return str(error)
    ops.ask(document)
    claimed = ops.claim(document.key)
    db.session.commit()
    if not claimed:
        return None
    started, cpu = time.monotonic(), time.thread_time()
    try:
        data = document.render()
    except PdfError as error:
        message = str(error)
    except Exception:
        log.exception("rendering %s %s failed", spec.kind, spec.ident)
        message = ops.FAILED
    else:
        log.info(
            "laid out %s %s (%s) in %.2f s, %.2f s of CPU, %d KB",
            spec.kind,
            spec.ident,
            spec.zone,
            time.monotonic() - started,
            time.thread_time() - cpu,
            len(data) // 1024,
        )
        if not ops.keep(document.key, data):
            log.info("%s %s was deleted while it rendered: nothing kept", spec.kind, spec.ident)
        db.session.commit()
        return None
    db.session.rollback()
    ops.fail(document.key, message)
    db.session.commit()
    return message


@tasks.task(priority=tasks.DOCUMENTS)
def render(
    kind: str,
    ident: int,
    zone: str,
    reader_id: int | None,
    with_guide: bool,
    with_documents: bool = False,
) -> None:
    """Render one document into the store, in time zone `zone`."""
    if kind not in KINDS:
        raise ValueError(f"no document of kind {kind!r}")
    with current_app.test_request_context():
        g.time_zone = zone
        make(Spec(kind, ident, zone, reader_id, with_guide, with_documents))


def _prepare(kind: str, ident: int, candidate_id: int | None = None) -> None:
    for zone in reader_zones(candidate_id):
        with current_app.test_request_context():
            g.time_zone = zone
            make(Spec(kind, ident, zone))


@tasks.task(priority=tasks.DOCUMENTS)
def prepare_packet(candidate_id: int) -> None:
    """A candidate's packet as the panel's managers read it, after a change to it."""
    _prepare("packet", candidate_id, candidate_id)


@tasks.task(priority=tasks.DOCUMENTS)
def prepare_scorecard(scorecard_id: int) -> None:
    """A scorecard submitted or amended."""
    _prepare("scorecard", scorecard_id)


@tasks.task(priority=tasks.DOCUMENTS)
def prepare_guide(version_id: int) -> None:
    """A kit version's guide, once published."""
    _prepare("guide", version_id)


@tasks.periodic(minute="*/10")
def prune() -> None:
    """Keep the document store within its size."""
    if ops.prune():
        db.session.commit()


def _when_preparing(task):
    def queue(ident) -> None:
        if current_app.config["PREPARE_DOCUMENTS"]:
            tasks.enqueue(task, ident)

    return queue


changes.on("candidate", _when_preparing(prepare_packet))
changes.on("scorecard", _when_preparing(prepare_scorecard))
changes.on("kit_version", _when_preparing(prepare_guide))

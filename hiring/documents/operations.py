"""The document store: one row per rendering, which is also the claim on making it.

A request that finds no rendering adds the row (queued) and queues the render task; the
task claims it (queued -> rendering) in one conditional update, so that one render runs
whichever host, worker or poll asks; the rendering is stored in one update on that claim
(rendering -> ready). A render whose candidate was deleted meanwhile finds no row to
store into: the deletion took it. Verbs flush; their callers commit.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from hiring.documents.kinds import Document
from hiring.documents.models import State, StoredDocument
from hiring.extensions import db, utcnow

# A claim held this long without a rendering is taken to be dead (its worker stopped).
CLAIM_SECONDS = 300
# A failure is told as it is for this long; asked for after, the document is tried again.
FAILURE_SECONDS = 600
# A read is recorded at most this often per document (it orders what is pruned first).
READ_EVERY = timedelta(hours=1)

FAILED = "This document could not be made because of an error on our side; it was logged."


class Missing:
    """A row that could not be added (its candidate was deleted meanwhile)."""

    state = State.FAILED
    error = "This document's data no longer exists."


def find(key: str) -> StoredDocument | None:
    """A document's row, without its bytes."""
    return db.session.get(StoredDocument, key)


def data_of(key: str, read_at=None) -> bytes | None:
    """A ready document's bytes. Its read is noted when the last noted (`read_at`, as
    read with its row) is an hour old: a download is not a write."""
    data = db.session.scalar(
        select(StoredDocument.data).where(
            StoredDocument.key == key, StoredDocument.state == State.READY
        )
    )
    now = utcnow()
    if data is not None and (read_at is None or read_at < now - READ_EVERY):
        db.session.execute(
            update(StoredDocument)
            .where(StoredDocument.key == key, StoredDocument.read_at < now - READ_EVERY)
            .values(read_at=now)
            .execution_options(synchronize_session=False)
        )
    return data


def ask(document: Document) -> bool:
    """Add the document's row, queued, unless it has one; True when this call added it.
    False too when its candidate no longer exists."""
    dialect = db.session.connection().dialect.name
    table = StoredDocument.__table__
    now = utcnow()
    insert = (
        (postgresql if dialect == "postgresql" else sqlite)
        .insert(table)
        .values(
            key=document.key,
            kind=document.spec.kind,
            candidate_id=document.candidate_id,
            state=State.QUEUED.value,
            size=0,
            error="",
            created_at=now,
            updated_at=now,
            read_at=now,
        )
        .on_conflict_do_nothing(index_elements=["key"])
        # The row it added, if any: row counts of this statement differ between drivers.
        .returning(table.c.key)
    )
    try:
        with db.session.begin_nested():
            return db.session.execute(insert).first() is not None
    except IntegrityError:  # the candidate was deleted meanwhile
        return False


def claim(key: str) -> bool:
    """Take the document's rendering on: queued, a failure told long enough, or a claim
    whose worker is gone. True for the one caller that gets it."""
    now = utcnow()
    claimed = db.session.execute(
        update(StoredDocument)
        .where(
            StoredDocument.key == key,
            or_(
                StoredDocument.state == State.QUEUED,
                (StoredDocument.state == State.RENDERING)
                & (StoredDocument.updated_at < now - timedelta(seconds=CLAIM_SECONDS)),
                (StoredDocument.state == State.FAILED)
                & (StoredDocument.updated_at < now - timedelta(seconds=FAILURE_SECONDS)),
            ),
        )
        .values(state=State.RENDERING, updated_at=now, error="")
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def keep(key: str, data: bytes) -> bool:
    """Store a rendering on its claim; False when the row is gone (its candidate deleted)."""
    now = utcnow()
    kept = db.session.execute(
        update(StoredDocument)
        .where(StoredDocument.key == key, StoredDocument.state == State.RENDERING)
        .values(state=State.READY, data=data, size=len(data), updated_at=now, read_at=now)
        .execution_options(synchronize_session=False)
    )
    return kept.rowcount == 1


def fail(key: str, message: str) -> None:
    """Record why the document could not be made; it is told to whoever asks, for a while."""
    db.session.execute(
        update(StoredDocument)
        .where(StoredDocument.key == key, StoredDocument.state == State.RENDERING)
        .values(state=State.FAILED, error=message[:500], updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def prune() -> int:
    """Keep the store within its size: failures told long enough, claims whose worker is
    gone, renderings unread for DOCUMENTS_KEEP_DAYS, then the least read first. Returns
    how many rows went."""
    config = current_app.config
    now = utcnow()
    gone = db.session.execute(
        delete(StoredDocument).where(
            or_(
                (StoredDocument.state == State.FAILED)
                & (StoredDocument.updated_at < now - timedelta(seconds=FAILURE_SECONDS)),
                (StoredDocument.state != State.READY)
                & (StoredDocument.updated_at < now - timedelta(seconds=4 * CLAIM_SECONDS)),
                StoredDocument.read_at < now - timedelta(days=config["DOCUMENTS_KEEP_DAYS"]),
            )
        )
    ).rowcount
    total = db.session.scalar(select(func.coalesce(func.sum(StoredDocument.size), 0)))
    over = total - config["DOCUMENTS_MAX_BYTES"]
    if over > 0:
        oldest = db.session.execute(
            select(StoredDocument.key, StoredDocument.size).order_by(StoredDocument.read_at)
        ).all()
        doomed = []
        for key, size in oldest:
            if over <= 0:
                break
            doomed.append(key)
            over -= size
        gone += db.session.execute(
            delete(StoredDocument).where(StoredDocument.key.in_(doomed))
        ).rowcount
    return gone

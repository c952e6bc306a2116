"""Rendered documents, kept in the database so that every app host shares them."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from hiring.extensions import CleanString, UTCDateTime, db, enum_column, utcnow


class State(enum.StrEnum):
    """Where a document stands: asked for, being laid out, ready, or failed (why kept)."""

    QUEUED = "queued"
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"


class StoredDocument(db.Model):
    """One rendering, under a key that is a digest of everything it shows: a change to any
    of it is another key. Its one row is also the claim on rendering it, so that however
    many hosts, workers and polls ask, a document is laid out once."""

    __tablename__ = "documents"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Whose data it shows: deleting the candidate deletes it, in the same transaction.
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[State] = mapped_column(enum_column(State, "document_state"))
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    size: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(CleanString(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the state last changed (a rendering claim older than a while is taken over).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<StoredDocument {self.kind} {self.key[:12]} {self.state}>"

from datetime import datetime

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from hiring.extensions import CleanString, UTCDateTime, db, utcnow


class AuditEvent(db.Model):
    """Who did what to which object, when, from where, in which request.

    Append-only: nothing deletes a row, and nothing updates one but the count of an
    unauthenticated failure's repeats (`repeats`, see operations.record_repeat), so that
    a client guessing passwords cannot grow the log a row per guess. Keeps no personal
    data of candidates, and no passwords, note texts or tokens.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_label: Mapped[str] = mapped_column(CleanString(254))
    action: Mapped[str] = mapped_column(CleanString(60), index=True)
    subject_type: Mapped[str] = mapped_column(CleanString(40))
    subject_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    address: Mapped[str] = mapped_column(CleanString(45), default="")
    request_id: Mapped[str] = mapped_column(CleanString(32), default="")
    # What makes a repeat the same failure (the e-mail typed, a limit's key), and how many
    # repeats came from the same address within the hour after this row.
    repeat_key: Mapped[str | None] = mapped_column(CleanString(300), index=True)
    repeats: Mapped[int] = mapped_column(default=0, server_default="0")

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.subject_type}:{self.subject_id}>"

from datetime import datetime

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from hiring.extensions import CleanString, UTCDateTime, db, utcnow


class AuditEvent(db.Model):
    """Who did what to which object, when, from where, in which request.

    Append-only: nothing updates or deletes a row. Keeps no personal data of candidates,
    and no passwords, note texts or tokens.
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

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.subject_type}:{self.subject_id}>"

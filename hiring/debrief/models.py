"""Hiring decisions on candidates: each one kept, the latest in force."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hiring.auth.models import User
from hiring.extensions import CleanString, CleanText, UTCDateTime, db, utcnow
from hiring.interviews import reach


class Decision(db.Model):
    """A manager's decision on a candidate, with why. A change adds a row: the earlier
    decisions stay as the history."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    # The application it decides (None: a decision from before openings existed).
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    # One of the team's labels (HIRING_DECISION_LABELS) when it was recorded.
    outcome: Mapped[str] = mapped_column(CleanString(60))
    rationale: Mapped[str] = mapped_column(CleanText)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decided_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Decision {self.id} candidate {self.candidate_id}: {self.outcome}>"


reach.also_hide(
    lambda hidden: (
        Decision,
        or_(Decision.application_id.is_(None), Decision.application_id.not_in(hidden)),
    )
)


class StoredFigures(db.Model):
    """Figures read over every rating (calibration, agreement, a kit's comparison), as
    last computed, with the generation of changes they include (see hiring.changes)."""

    __tablename__ = "figures"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    generation: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Read only when not decoded already (see figures._decoded).
    data: Mapped[dict] = mapped_column(JSON, deferred=True)

    def __repr__(self) -> str:
        return f"<StoredFigures {self.name} at {self.generation}>"

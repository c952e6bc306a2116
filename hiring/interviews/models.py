from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from hiring.extensions import CleanString, CleanText, UTCDateTime, db, utcnow
from hiring.kits.models import KitVersion


class Candidate(db.Model):
    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(CleanString(200))
    email: Mapped[str] = mapped_column(CleanString(254), default="")
    role: Mapped[str] = mapped_column(CleanString(200), default="")
    source: Mapped[str] = mapped_column(CleanString(100), default="")
    notes: Mapped[str] = mapped_column(CleanText, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    interviews: Mapped[list["Interview"]] = relationship(
        back_populates="candidate",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Interview.scheduled_at",
    )

    def __repr__(self) -> str:
        return f"<Candidate {self.id}>"


class Interview(db.Model):
    """A candidate meeting a panel over one kit version at one time."""

    __tablename__ = "interviews"
    __table_args__ = (UniqueConstraint("id", "kit_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    kit_version_id: Mapped[int] = mapped_column(
        ForeignKey("kit_versions.id", ondelete="RESTRICT"), index=True
    )
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    location: Mapped[str] = mapped_column(CleanString(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    candidate: Mapped[Candidate] = relationship(back_populates="interviews")
    kit_version: Mapped[KitVersion] = relationship(back_populates="interviews")
    scorecards: Mapped[list["Scorecard"]] = relationship(  # noqa: F821
        back_populates="interview", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Interview {self.id}>"


# How many interviews use a kit version: a version in use is frozen. Loaded with the
# version in the same query, so lists of versions show their use without more queries.
KitVersion.interview_count = column_property(
    select(func.count(Interview.id))
    .where(Interview.kit_version_id == KitVersion.id)
    .correlate_except(Interview)
    .scalar_subquery()
)

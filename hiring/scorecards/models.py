import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Select,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, selectinload

from hiring.auth.models import User, enum_column
from hiring.extensions import UTCDateTime, db, utcnow
from hiring.interviews.models import Interview
from hiring.kits.models import with_content


class Recommendation(enum.StrEnum):
    STRONG_NO = "strong_no"
    NO = "no"
    YES = "yes"
    STRONG_YES = "strong_yes"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class TierMatch(enum.StrEnum):
    """Which sample-answer tier the candidate's answer resembled."""

    BELOW_BASIC = "below_basic"
    BASIC = "basic"
    SOLID = "solid"
    EXCEPTIONAL = "exceptional"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ScorecardState(enum.StrEnum):
    NOT_STARTED = "not started"
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Scorecard(db.Model):
    """One interviewer's record of one interview."""

    __tablename__ = "scorecards"
    __table_args__ = (
        UniqueConstraint("interview_id", "interviewer_id"),
        UniqueConstraint("id", "kit_version_id"),
        ForeignKeyConstraint(
            ["interview_id", "kit_version_id"],
            ["interviews.id", "interviews.kit_version_id"],
            ondelete="CASCADE",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(index=True)
    kit_version_id: Mapped[int]
    interviewer_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    recommendation: Mapped[Recommendation | None] = mapped_column(
        enum_column(Recommendation, "recommendation")
    )
    summary: Mapped[str] = mapped_column(Text, default="")
    # Bumped by every save; a save names the version it was based on.
    version: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    interview: Mapped[Interview] = relationship(back_populates="scorecards")
    interviewer: Mapped[User] = relationship()
    item_notes: Mapped[list["ItemNote"]] = relationship(
        back_populates="scorecard", cascade="all, delete-orphan", passive_deletes=True
    )
    ratings: Mapped[list["Rating"]] = relationship(
        back_populates="scorecard", cascade="all, delete-orphan", passive_deletes=True
    )
    revisions: Mapped[list["ScorecardRevision"]] = relationship(
        back_populates="scorecard",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ScorecardRevision.at",
    )

    def __repr__(self) -> str:
        return f"<Scorecard {self.id} interview {self.interview_id} by {self.interviewer_id}>"

    @property
    def state(self) -> ScorecardState:
        if self.submitted_at is not None:
            return ScorecardState.SUBMITTED
        if self.version > 0:
            return ScorecardState.DRAFT
        return ScorecardState.NOT_STARTED


class ItemNote(db.Model):
    """Notes on one kit question, and the tier the answer resembled."""

    __tablename__ = "item_notes"
    __table_args__ = (
        ForeignKeyConstraint(
            ["scorecard_id", "kit_version_id"],
            ["scorecards.id", "scorecards.kit_version_id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["kit_item_id", "kit_version_id"],
            ["kit_items.id", "kit_items.kit_version_id"],
            ondelete="RESTRICT",
        ),
    )

    scorecard_id: Mapped[int] = mapped_column(primary_key=True)
    kit_item_id: Mapped[int] = mapped_column(primary_key=True, index=True)
    kit_version_id: Mapped[int]
    notes: Mapped[str] = mapped_column(Text, default="")
    tier: Mapped[TierMatch | None] = mapped_column(enum_column(TierMatch, "tier_match"))

    scorecard: Mapped[Scorecard] = relationship(back_populates="item_notes")

    def __repr__(self) -> str:
        return f"<ItemNote {self.scorecard_id}:{self.kit_item_id}>"


class Rating(db.Model):
    """A rating on the kit version's scale, or "not assessed", with its evidence."""

    __tablename__ = "ratings"
    __table_args__ = (
        ForeignKeyConstraint(
            ["scorecard_id", "kit_version_id"],
            ["scorecards.id", "scorecards.kit_version_id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["kit_competency_id", "kit_version_id"],
            ["kit_competencies.id", "kit_competencies.kit_version_id"],
            ondelete="RESTRICT",
        ),
        # The rating must be a point of this kit version's scale.
        ForeignKeyConstraint(
            ["kit_version_id", "value"],
            ["scale_points.kit_version_id", "scale_points.value"],
            ondelete="RESTRICT",
        ),
        CheckConstraint("NOT (not_assessed AND value IS NOT NULL)", name="assessed_or_not"),
    )

    scorecard_id: Mapped[int] = mapped_column(primary_key=True)
    kit_competency_id: Mapped[int] = mapped_column(primary_key=True, index=True)
    kit_version_id: Mapped[int]
    value: Mapped[int | None]
    not_assessed: Mapped[bool] = mapped_column(default=False)
    evidence: Mapped[str] = mapped_column(Text, default="")

    scorecard: Mapped[Scorecard] = relationship(back_populates="ratings")

    def __repr__(self) -> str:
        return f"<Rating {self.scorecard_id}:{self.kit_competency_id}={self.value}>"


class ScorecardRevision(db.Model):
    """The content of a submitted scorecard before an amendment, and why it changed."""

    __tablename__ = "scorecard_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(
        ForeignKey("scorecards.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(1000))
    content: Mapped[dict] = mapped_column(JSON)

    scorecard: Mapped[Scorecard] = relationship(back_populates="revisions")

    def __repr__(self) -> str:
        return f"<ScorecardRevision {self.scorecard_id} at {self.at}>"


def scorecards_with_content() -> Select:
    """Scorecards with their interview, candidate, kit version and content loaded."""
    return select(Scorecard).options(
        joinedload(Scorecard.interviewer),
        joinedload(Scorecard.interview).options(
            joinedload(Interview.candidate),
            with_content(joinedload(Interview.kit_version)),
        ),
        selectinload(Scorecard.item_notes),
        selectinload(Scorecard.ratings),
        selectinload(Scorecard.revisions),
    )

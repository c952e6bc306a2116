import enum
import re
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hiring.extensions import CleanString, CleanText, UTCDateTime, db, enum_column, utcnow

_SPACES = re.compile(r"\s+")


def normalise_key(text: str) -> str:
    """The matching key of a name or prompt: case-folded, with single spaces."""
    return _SPACES.sub(" ", text).strip().casefold()


class Tier(enum.StrEnum):
    BASIC = "basic"
    SOLID = "solid"
    EXCEPTIONAL = "exceptional"

    @property
    def label(self) -> str:
        return self.value.capitalize()


question_competencies = Table(
    "question_competencies",
    db.metadata,
    Column("question_id", ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "competency_id",
        ForeignKey("competencies.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

question_tags = Table(
    "question_tags",
    db.metadata,
    Column("question_id", ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Competency(db.Model):
    """A named skill in the shared catalogue, unique case-insensitively."""

    __tablename__ = "competencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(CleanString(200))
    key: Mapped[str] = mapped_column(CleanString(200), unique=True)
    description: Mapped[str] = mapped_column(CleanText, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    anchors: Mapped[list["CompetencyAnchor"]] = relationship(
        back_populates="competency",
        cascade="all, delete-orphan",
        order_by="CompetencyAnchor.point",
    )
    questions: Mapped[list["Question"]] = relationship(
        secondary=question_competencies, back_populates="competencies"
    )

    def __repr__(self) -> str:
        return f"<Competency {self.id} {self.name!r}>"

    def anchor_for(self, point: int) -> str:
        return next((a.text for a in self.anchors if a.point == point), "")


class CompetencyAnchor(db.Model):
    """What a rating of `point` looks like for a competency on the default scale."""

    __tablename__ = "competency_anchors"
    __table_args__ = (CheckConstraint("point BETWEEN 1 AND 7", name="point_range"),)

    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True
    )
    point: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(CleanText)

    competency: Mapped[Competency] = relationship(back_populates="anchors")

    def __repr__(self) -> str:
        return f"<CompetencyAnchor {self.competency_id}:{self.point}>"


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(CleanString(60), unique=True)

    def __repr__(self) -> str:
        return f"<Tag {self.name!r}>"


class Question(db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    prompt: Mapped[str] = mapped_column(CleanText)
    prompt_key: Mapped[str] = mapped_column(CleanString(1000), unique=True)
    level: Mapped[str] = mapped_column(CleanString(30), default="", index=True)
    role_family: Mapped[str] = mapped_column(CleanString(100), default="", index=True)
    # Lower-cased prompt, answers, rationales and tips: one column to search on
    # every database alike. Written by questions.operations whenever they change.
    search_text: Mapped[str] = mapped_column(CleanText, default="")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    tiers: Mapped[list["AnswerTier"]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="AnswerTier.tier"
    )
    prep_tips: Mapped[list["PrepTip"]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="PrepTip.position"
    )
    competencies: Mapped[list[Competency]] = relationship(
        secondary=question_competencies, back_populates="questions", order_by=Competency.name
    )
    tags: Mapped[list[Tag]] = relationship(secondary=question_tags, order_by=Tag.name)

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.prompt[:40]!r}>"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def tier(self, tier: Tier) -> "AnswerTier | None":
        return next((t for t in self.tiers if t.tier is tier), None)

    @property
    def ordered_tiers(self) -> list["AnswerTier"]:
        return [t for t in (self.tier(x) for x in Tier) if t is not None]


class AnswerTier(db.Model):
    """A sample answer at one tier, with why it is that tier."""

    __tablename__ = "answer_tiers"
    __table_args__ = (UniqueConstraint("question_id", "tier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    tier: Mapped[Tier] = mapped_column(enum_column(Tier, "tier"))
    answer: Mapped[str] = mapped_column(CleanText)
    rationale: Mapped[str | None] = mapped_column(CleanText)

    question: Mapped[Question] = relationship(back_populates="tiers")

    def __repr__(self) -> str:
        return f"<AnswerTier {self.question_id}:{self.tier}>"


class PrepTip(db.Model):
    __tablename__ = "prep_tips"
    __table_args__ = (UniqueConstraint("question_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(CleanText)

    question: Mapped[Question] = relationship(back_populates="prep_tips")

    def __repr__(self) -> str:
        return f"<PrepTip {self.question_id}:{self.position}>"

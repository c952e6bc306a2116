import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    UniqueConstraint,
    column,
    exists,
    func,
    select,
    table,
)
from sqlalchemy.orm import (
    Mapped,
    column_property,
    mapped_column,
    relationship,
)

from hiring.extensions import CleanString, CleanText, UTCDateTime, db, utcnow
from hiring.questions.models import Competency, Question, Tier

DEFAULT_SCALE = ("Below basic", "Basic", "Solid", "Exceptional")


class VersionState(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    FROZEN = "frozen"

    @property
    def label(self) -> str:
        # A frozen version is a published one that interviews use: people read one word.
        return "Published, in use" if self is VersionState.FROZEN else self.value.capitalize()


class Kit(db.Model):
    """A reusable, versioned plan for one interview of a role."""

    __tablename__ = "kits"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(CleanString(200))
    role: Mapped[str] = mapped_column(CleanString(200))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    versions: Mapped[list["KitVersion"]] = relationship(
        back_populates="kit", cascade="all, delete-orphan", order_by="KitVersion.number"
    )

    def __repr__(self) -> str:
        return f"<Kit {self.id} {self.title!r}>"


_INTERVIEWS = table("interviews", column("kit_version_id"))


class KitVersion(db.Model):
    """One numbered version of a kit; frozen once an interview uses it."""

    __tablename__ = "kit_versions"
    __table_args__ = (
        UniqueConstraint("kit_id", "number"),
        CheckConstraint("duration_minutes BETWEEN 5 AND 600", name="duration_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kit_id: Mapped[int] = mapped_column(ForeignKey("kits.id", ondelete="CASCADE"))
    number: Mapped[int]
    purpose: Mapped[str] = mapped_column(CleanText, default="")
    duration_minutes: Mapped[int] = mapped_column(default=60)
    briefing: Mapped[str] = mapped_column(CleanText, default="")
    # The overall recommendation: how many points (2 to 5) and the team's labels for them
    # (None: the default labels); interviews.models.SCALES says which values they are.
    recommendation_points: Mapped[int] = mapped_column(default=4, server_default="4")
    recommendation_labels: Mapped[list | None] = mapped_column(JSON)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic lock for the builder: a save names the lock it loaded.
    lock: Mapped[int] = mapped_column(default=0)

    kit: Mapped[Kit] = relationship(back_populates="versions")
    sections: Mapped[list["KitSection"]] = relationship(
        back_populates="kit_version", cascade="all, delete-orphan", order_by="KitSection.position"
    )
    competencies: Mapped[list["KitCompetency"]] = relationship(
        back_populates="kit_version",
        cascade="all, delete-orphan",
        order_by="KitCompetency.position",
    )
    scale: Mapped[list["ScalePoint"]] = relationship(
        back_populates="kit_version", cascade="all, delete-orphan", order_by="ScalePoint.value"
    )
    interviews: Mapped[list["Interview"]] = relationship(  # noqa: F821
        back_populates="kit_version", passive_deletes="all"
    )

    # Whether interviews use the version (a version in use is frozen), and how many do.
    # Interviews are a feature above kits: both read their table by name. `in_use` is
    # loaded with the version (an indexed EXISTS stops at the first row); the count
    # reads every interview of the version, so it loads only where a page shows it.
    in_use: Mapped[bool] = column_property(
        exists().where(_INTERVIEWS.c.kit_version_id == id).correlate_except(_INTERVIEWS)
    )
    interview_count: Mapped[int] = column_property(
        select(func.count())
        .select_from(_INTERVIEWS)
        .where(_INTERVIEWS.c.kit_version_id == id)
        .correlate_except(_INTERVIEWS)
        .scalar_subquery(),
        deferred=True,
        raiseload=True,
    )

    def __repr__(self) -> str:
        return f"<KitVersion {self.kit_id} v{self.number}>"

    @property
    def state(self) -> VersionState:
        if self.in_use:
            return VersionState.FROZEN
        if self.published_at is not None:
            return VersionState.PUBLISHED
        return VersionState.DRAFT

    @property
    def items(self) -> list["KitItem"]:
        return [item for section in self.sections for item in section.items]

    @property
    def planned_minutes(self) -> int:
        return sum(item.minutes for item in self.items)


class KitSection(db.Model):
    __tablename__ = "kit_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    kit_version_id: Mapped[int] = mapped_column(
        ForeignKey("kit_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    title: Mapped[str] = mapped_column(CleanString(200))

    kit_version: Mapped[KitVersion] = relationship(back_populates="sections")
    items: Mapped[list["KitItem"]] = relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="KitItem.position"
    )

    def __repr__(self) -> str:
        return f"<KitSection {self.id} {self.title!r}>"


class KitItem(db.Model):
    """A question placed in a kit section, with its timing and probes.

    On publish the prompt and the answer tiers are copied into the item, so that
    scorecards keep showing what the interviewer saw after the bank changes.
    """

    __tablename__ = "kit_items"
    __table_args__ = (
        UniqueConstraint("id", "kit_version_id"),
        CheckConstraint("minutes BETWEEN 0 AND 240", name="minutes_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("kit_sections.id", ondelete="CASCADE"), index=True
    )
    kit_version_id: Mapped[int] = mapped_column(
        ForeignKey("kit_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="RESTRICT"), index=True
    )
    minutes: Mapped[int] = mapped_column(default=5)
    probes: Mapped[str] = mapped_column(CleanText, default="")
    prompt: Mapped[str | None] = mapped_column(CleanText)
    guide: Mapped[dict | None] = mapped_column(JSON)

    section: Mapped[KitSection] = relationship(back_populates="items")
    question: Mapped[Question] = relationship()

    def __repr__(self) -> str:
        return f"<KitItem {self.id} q{self.question_id}>"

    @property
    def display_prompt(self) -> str:
        """The prompt as published (or, in a draft, as the bank has it now)."""
        return self.prompt if self.prompt is not None else self.question.prompt

    @property
    def display_tiers(self) -> list[dict]:
        """The calibration guide: tier, answer and rationale, as published or as in the bank."""
        if self.guide is not None:
            return [{"tier": Tier(name), **value} for name, value in self.guide.items()]
        return [
            {"tier": t.tier, "answer": t.answer, "rationale": t.rationale}
            for t in self.question.ordered_tiers
        ]


class KitCompetency(db.Model):
    """A competency rated on the kit's scorecard, with its anchors per point."""

    __tablename__ = "kit_competencies"
    __table_args__ = (
        UniqueConstraint("kit_version_id", "competency_id"),
        UniqueConstraint("id", "kit_version_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kit_version_id: Mapped[int] = mapped_column(ForeignKey("kit_versions.id", ondelete="CASCADE"))
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int]
    name: Mapped[str | None] = mapped_column(CleanString(200))  # copied on publish
    anchors: Mapped[dict] = mapped_column(JSON, default=dict)  # {"1": "...", ...}

    kit_version: Mapped[KitVersion] = relationship(back_populates="competencies")
    competency: Mapped[Competency] = relationship()

    def __repr__(self) -> str:
        return f"<KitCompetency {self.id} c{self.competency_id}>"

    @property
    def display_name(self) -> str:
        return self.name or self.competency.name

    def anchor(self, point: int) -> str:
        return self.anchors.get(str(point), "")


class ScalePoint(db.Model):
    """One point of a kit version's rating scale."""

    __tablename__ = "scale_points"
    __table_args__ = (CheckConstraint("value BETWEEN 1 AND 7", name="value_range"),)

    kit_version_id: Mapped[int] = mapped_column(
        ForeignKey("kit_versions.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(CleanString(60))

    kit_version: Mapped[KitVersion] = relationship(back_populates="scale")

    def __repr__(self) -> str:
        return f"<ScalePoint {self.kit_version_id}:{self.value} {self.label!r}>"

"""Candidates, interviews, and the scorecards their panels fill in."""

import enum
from datetime import datetime, timedelta

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    LargeBinary,
    UniqueConstraint,
    and_,
    or_,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import (
    Mapped,
    mapped_column,
    relationship,
)

from hiring.auth.models import User
from hiring.extensions import CleanString, CleanText, UTCDateTime, db, enum_column, utcnow
from hiring.kits.models import KitVersion
from hiring.openings.models import Opening, PlannedInterview, Stage


class Candidate(db.Model):
    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(CleanString(200))
    email: Mapped[str] = mapped_column(CleanString(254), default="")
    role: Mapped[str] = mapped_column(CleanString(200), default="")
    source: Mapped[str] = mapped_column(CleanString(100), default="")
    notes: Mapped[str] = mapped_column(CleanText, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When its details last changed (an API client syncs by it).
    updated_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )

    interviews: Mapped[list["Interview"]] = relationship(
        back_populates="candidate",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Interview.scheduled_at",
    )

    applications: Mapped[list["Application"]] = relationship(
        back_populates="candidate",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Application.applied_at",
    )

    def __repr__(self) -> str:
        return f"<Candidate {self.id}>"


class ApplicationStatus(enum.StrEnum):
    ACTIVE = "active"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    HIRED = "hired"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# Why an application is rejected: a short list, so that funnels can count them.
REJECT_REASONS = (
    "Did not meet a must-have",
    "Another candidate was stronger",
    "Compensation or terms",
    "Location or work pattern",
    "Role filled or closed",
    "Other",
)


class Application(db.Model):
    """A candidate applying to an opening: one stage at a time, its own interviews,
    debrief and decisions."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("candidate_id", "opening_id"),
        Index("ix_applications_opening_status_stage", "opening_id", "status", "stage_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    opening_id: Mapped[int] = mapped_column(ForeignKey("openings.id", ondelete="RESTRICT"))
    stage_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_stages.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus, "application_status"), default=ApplicationStatus.ACTIVE
    )
    reason: Mapped[str] = mapped_column(CleanString(200), default="")
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stage_entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When it last moved or changed (an API client syncs by it).
    updated_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )

    candidate: Mapped[Candidate] = relationship(back_populates="applications")
    opening: Mapped[Opening] = relationship()
    stage: Mapped[Stage | None] = relationship()
    interviews: Mapped[list["Interview"]] = relationship(
        back_populates="application", order_by="Interview.scheduled_at", viewonly=True
    )
    documents: Mapped[list["CandidateDocument"]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="CandidateDocument.uploaded_at",
    )
    moves: Mapped[list["Move"]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Move.at",
    )

    def __repr__(self) -> str:
        return f"<Application {self.id} candidate {self.candidate_id} opening {self.opening_id}>"

    @property
    def active(self) -> bool:
        return self.status is ApplicationStatus.ACTIVE


class DocumentKind(enum.StrEnum):
    CV = "cv"
    COVER_LETTER = "cover letter"
    WORK_SAMPLE = "work sample"

    @property
    def label(self) -> str:
        return "CV" if self is DocumentKind.CV else self.value.capitalize()


class CandidateDocument(db.Model):
    """A file a candidate sent with an application (a CV, a cover letter, a work sample):
    kept in the database, never served inline; a PDF as rewritten on upload."""

    __tablename__ = "candidate_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, "document_kind"))
    filename: Mapped[str] = mapped_column(CleanString(200))
    media_type: Mapped[str] = mapped_column(CleanString(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(CleanString(64))
    pages: Mapped[int | None]
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped["Application"] = relationship(back_populates="documents")
    uploaded_by: Mapped[User | None] = relationship()

    @property
    def is_pdf(self) -> bool:
        return self.media_type == "application/pdf"


class Move(db.Model):
    """An application's step: applied, advanced, moved back, rejected, withdrawn, hired;
    who did it and when. Stage names are copied, so history reads the same after a plan
    changes."""

    __tablename__ = "application_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(CleanString(20))
    from_stage: Mapped[str] = mapped_column(CleanString(100), default="")
    to_stage: Mapped[str] = mapped_column(CleanString(100), default="")
    reason: Mapped[str] = mapped_column(CleanString(200), default="")

    application: Mapped[Application] = relationship(back_populates="moves")
    by: Mapped[User | None] = relationship()


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
    duration_minutes: Mapped[int] = mapped_column(default=60, server_default="60")
    location: Mapped[str] = mapped_column(CleanString(200), default="")
    # A video-call address; shown as a link only when it is safe (see `safe_link`).
    link: Mapped[str] = mapped_column(CleanString(500), default="", server_default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(CleanString(1000), default="", server_default="")
    # The calendar invitation's SEQUENCE: raised by every change sent to the panel.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The application it belongs to (None: an interview from before openings existed),
    # and the plan's interview it carries out (None with an application: ad hoc).
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    planned_interview_id: Mapped[int | None] = mapped_column(
        ForeignKey("planned_interviews.id", ondelete="SET NULL"), index=True
    )

    candidate: Mapped[Candidate] = relationship(back_populates="interviews")
    application: Mapped[Application | None] = relationship(back_populates="interviews")
    planned: Mapped[PlannedInterview | None] = relationship()
    kit_version: Mapped[KitVersion] = relationship(back_populates="interviews")
    scorecards: Mapped[list["Scorecard"]] = relationship(  # noqa: F821
        back_populates="interview", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Interview {self.id}>"

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def ends_at(self) -> datetime:
        return self.scheduled_at + timedelta(minutes=self.duration_minutes)

    @property
    def panel(self) -> list["Scorecard"]:
        """The scorecards of the people on the panel now (removed ones are history)."""
        return [s for s in self.scorecards if s.removed_at is None]


class Recommendation(enum.StrEnum):
    """The overall recommendation, on a canonical five-value scale; a kit's scale uses 2
    to 5 of these (`SCALES`), with the team's own labels (KitVersion)."""

    STRONG_NO = "strong_no"
    NO = "no"
    NEUTRAL = "neutral"
    YES = "yes"
    STRONG_YES = "strong_yes"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def positive(self) -> bool:
        return self in (Recommendation.YES, Recommendation.STRONG_YES)

    @property
    def negative(self) -> bool:
        return self in (Recommendation.NO, Recommendation.STRONG_NO)


R = Recommendation
# The values a kit's recommendation scale of each size uses, lowest first.
SCALES = {
    2: (R.NO, R.YES),
    3: (R.NO, R.NEUTRAL, R.YES),
    4: (R.STRONG_NO, R.NO, R.YES, R.STRONG_YES),
    5: (R.STRONG_NO, R.NO, R.NEUTRAL, R.YES, R.STRONG_YES),
}


def recommendation_words(versions) -> dict[Recommendation, str]:
    """Each recommendation in the team's words: those of the first of `versions` (newest
    first) whose scale has it, else the canonical label. A kit that says "Hold" for the
    middle says it in its comparison and its exports too."""
    words: dict[Recommendation, str] = {}
    for version in versions:
        for value, label in recommendation_scale(version):
            words.setdefault(value, label)
    return {value: words.get(value, value.label) for value in Recommendation}


def recommendation_scale(version: KitVersion) -> list[tuple[Recommendation, str]]:
    """A kit version's recommendation scale: each value with the team's label."""
    values = SCALES.get(version.recommendation_points, SCALES[4])
    labels = version.recommendation_labels or []
    return [
        (value, labels[n] if n < len(labels) and labels[n] else value.label)
        for n, value in enumerate(values)
    ]


def recommendation_label(version: KitVersion, value: Recommendation | str | None) -> str:
    """The team's label for a recommendation on this kit version's scale."""
    if not value:
        return ""
    value = Recommendation(value)
    return dict(recommendation_scale(version)).get(value, value.label)


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
    WITHDRAWN = "withdrawn"
    REMOVED = "removed"

    @property
    def label(self) -> str:
        if self is ScorecardState.WITHDRAWN:
            return "Withdrawn: saw the panel before scoring"
        if self is ScorecardState.REMOVED:
            return "Removed from the panel (draft kept)"
        return self.value.capitalize()

    @classmethod
    def of(
        cls,
        submitted_at: datetime | None,
        withdrawn_at: datetime | None,
        removed_at: datetime | None,
        version: int,
    ) -> "ScorecardState":
        """The state of a scorecard with these columns (a row read without its record)."""
        if submitted_at is not None:
            return cls.SUBMITTED
        if withdrawn_at is not None:
            return cls.WITHDRAWN
        if removed_at is not None:
            return cls.REMOVED
        return cls.DRAFT if version > 0 else cls.NOT_STARTED


# A scorecard still to be done: not submitted, withdrawn or removed from the panel.
OPEN = "submitted_at IS NULL AND withdrawn_at IS NULL AND removed_at IS NULL"


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
        # What a submit checks, kept by the database too where it fits in one row.
        CheckConstraint(
            "submitted_at IS NULL OR recommendation IS NOT NULL", name="submitted_recommends"
        ),
        CheckConstraint(
            "withdrawn_at IS NULL OR (submitted_at IS NULL AND first_submitted_at IS NULL)",
            name="withdrawn_never_submitted",
        ),
        CheckConstraint(
            "removed_at IS NULL OR first_submitted_at IS NULL", name="removed_never_submitted"
        ),
        # A person's scorecards in interview order: each dashboard list is a range of this
        # index, read up to its limit, however many scorecards the person has.
        Index("ix_scorecards_interviewer_scheduled", "interviewer_id", "scheduled_at"),
        # A person's submitted scorecards, the latest submission first: the dashboard's
        # "Recently submitted" reads the top of this range, past any number of drafts.
        Index("ix_scorecards_interviewer_submitted", "interviewer_id", "submitted_at"),
        # Dashboards, overdue lists and reminders read the open scorecards only: partial
        # indexes keep them fast however many are submitted. With the interview's id,
        # counting the overdue ones (up to a cap) joins their interviews from the index
        # alone, without reading each scorecard (0.34 ms for 1,000, against 1.3).
        Index(
            "ix_scorecards_open",
            "interviewer_id",
            "scheduled_at",
            "interview_id",
            postgresql_where=text(OPEN),
            sqlite_where=text(OPEN),
        ),
        Index(
            "ix_scorecards_open_scheduled",
            "scheduled_at",
            "interview_id",
            postgresql_where=text(OPEN),
            sqlite_where=text(OPEN),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(index=True)
    kit_version_id: Mapped[int]
    interviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    # The interview's time, kept on each of its scorecards (set with the interview's and
    # moved with it), so that the indexes above can order a person's scorecards.
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recommendation: Mapped[Recommendation | None] = mapped_column(
        enum_column(Recommendation, "recommendation")
    )
    summary: Mapped[str] = mapped_column(CleanText, default="")
    # Bumped by every save; a save names the version it was based on.
    version: Mapped[int] = mapped_column(default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The first submission is kept as it was: the independent judgement, for reliability
    # figures and for the "changed after seeing the panel" marker.
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_recommendation: Mapped[Recommendation | None] = mapped_column(
        enum_column(Recommendation, "first_recommendation")
    )
    recommendation_changed_after_panel: Mapped[bool] = mapped_column(default=False)
    # Stepped back from scoring to read the panel first: never submitted after that.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Taken off the panel with a draft: kept as history, never filled in again.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last reminder e-mail about this scorecard: one per HIRING_REMINDER_HOURS.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The interview timer, kept here so every device shows the same: seconds counted
    # before the last pause, and when it was last started (None while paused).
    timer_seconds: Mapped[int] = mapped_column(default=0, server_default="0")
    timer_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
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
        return ScorecardState.of(
            self.submitted_at, self.withdrawn_at, self.removed_at, self.version
        )

    def timer_elapsed(self, now: datetime) -> int:
        """Seconds on the interview timer at `now`."""
        running = (now - self.timer_started_at).total_seconds() if self.timer_started_at else 0
        return self.timer_seconds + max(0, int(running))

    @hybrid_property
    def expected(self) -> bool:
        """Whether the panel's count expects it: on the panel, not stepped back from."""
        return self.removed_at is None and self.withdrawn_at is None

    @expected.inplace.expression
    @classmethod
    def _expected_expression(cls):
        return and_(cls.removed_at.is_(None), cls.withdrawn_at.is_(None))

    @hybrid_property
    def sees_panel(self) -> bool:
        """Whether its author may read colleagues' scorecards of this interview."""
        return self.first_submitted_at is not None or self.withdrawn_at is not None

    @sees_panel.inplace.expression
    @classmethod
    def _sees_panel_expression(cls):
        return or_(cls.first_submitted_at.is_not(None), cls.withdrawn_at.is_not(None))

    @property
    def recommendation_marker(self) -> Recommendation | None:
        """The first-submitted recommendation, when it was changed after seeing the panel."""
        if self.recommendation_changed_after_panel and (
            self.recommendation != self.first_recommendation
        ):
            return self.first_recommendation
        return None


# OPEN as a clause, for statements: the open scorecards (the partial indexes' condition).
IS_OPEN = and_(
    Scorecard.submitted_at.is_(None),
    Scorecard.withdrawn_at.is_(None),
    Scorecard.removed_at.is_(None),
)


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
    notes: Mapped[str] = mapped_column(CleanText, default="")
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
    evidence: Mapped[str] = mapped_column(CleanText, default="")
    # As first submitted (None before the first submission); see Scorecard.
    first_value: Mapped[int | None]
    first_not_assessed: Mapped[bool | None]
    changed_after_panel: Mapped[bool] = mapped_column(default=False)

    scorecard: Mapped[Scorecard] = relationship(back_populates="ratings")

    def __repr__(self) -> str:
        return f"<Rating {self.scorecard_id}:{self.kit_competency_id}={self.value}>"

    @property
    def first_label(self) -> str | None:
        """The first-submitted rating, when it was changed after seeing the panel."""
        if not self.changed_after_panel or (self.value, self.not_assessed) == (
            self.first_value,
            self.first_not_assessed,
        ):
            return None
        return "not assessed" if self.first_not_assessed else str(self.first_value)


class ScorecardRevision(db.Model):
    """The content of a submitted scorecard before an amendment, and why it changed."""

    __tablename__ = "scorecard_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(
        ForeignKey("scorecards.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(CleanString(1000))
    content: Mapped[dict] = mapped_column(JSON)

    scorecard: Mapped[Scorecard] = relationship(back_populates="revisions")

    def __repr__(self) -> str:
        return f"<ScorecardRevision {self.scorecard_id} at {self.at}>"

"""Openings: a role a team hires for, its scorecard of attributes, its interview plan."""

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Table, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hiring.auth.models import User
from hiring.extensions import CleanString, CleanText, UTCDateTime, db, enum_column, utcnow
from hiring.kits.models import KitVersion
from hiring.questions.models import Competency


class OpeningStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    ON_HOLD = "on hold"
    CLOSED = "closed"
    FILLED = "filled"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def active(self) -> bool:
        """Whether candidates may apply and move: open, or on hold (moves, no new ones)."""
        return self in (OpeningStatus.OPEN, OpeningStatus.ON_HOLD)


class TeamRole(enum.StrEnum):
    HIRING_MANAGER = "hiring manager"
    RECRUITER = "recruiter"
    COORDINATOR = "coordinator"
    INTERVIEWER = "interviewer"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Opening(db.Model):
    """A job the team hires for (a requisition)."""

    __tablename__ = "openings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(CleanString(200))
    team: Mapped[str] = mapped_column(CleanString(200), default="")
    location: Mapped[str] = mapped_column(CleanString(200), default="")
    headcount: Mapped[int] = mapped_column(default=1)
    status: Mapped[OpeningStatus] = mapped_column(
        enum_column(OpeningStatus, "opening_status"), default=OpeningStatus.DRAFT
    )
    description: Mapped[str] = mapped_column(CleanText, default="")
    # Invisible off its hiring team (admins aside): an executive hire, a replacement not
    # yet announced. Its applications, interviews and scorecards are not there for anyone
    # else, but their own panels.
    confidential: Mapped[bool] = mapped_column(default=False, server_default=false())
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped by every change to the scorecard or the plan: a form names the version it
    # was built from, so two tabs editing one plan never overwrite each other unseen.
    version: Mapped[int] = mapped_column(default=0)
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("openings.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    members: Mapped[list["Member"]] = relationship(
        back_populates="opening", cascade="all, delete-orphan", order_by="Member.position"
    )
    attributes: Mapped[list["Attribute"]] = relationship(
        back_populates="opening", cascade="all, delete-orphan", order_by="Attribute.position"
    )
    stages: Mapped[list["Stage"]] = relationship(
        back_populates="opening", cascade="all, delete-orphan", order_by="Stage.position"
    )

    def __repr__(self) -> str:
        return f"<Opening {self.id} {self.title!r}>"

    @property
    def planned(self) -> list["PlannedInterview"]:
        """Every planned interview, in the plan's order."""
        return [p for stage in self.stages for p in stage.interviews]

    def people(self, role: TeamRole) -> list[User]:
        return [m.user for m in self.members if m.role is role]

    @property
    def interviewers(self) -> list[User]:
        """Who may sit on its panels: the interviewers named, and the rest of the team."""
        seen: dict[int, User] = {}
        for member in sorted(self.members, key=lambda m: m.role is not TeamRole.INTERVIEWER):
            seen.setdefault(member.user_id, member.user)
        return list(seen.values())


class Member(db.Model):
    """Someone on an opening's hiring team, in one role."""

    __tablename__ = "opening_members"

    opening_id: Mapped[int] = mapped_column(
        ForeignKey("openings.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[TeamRole] = mapped_column(enum_column(TeamRole, "team_role"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    opening: Mapped[Opening] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class Attribute(db.Model):
    """An attribute a hire needs: a competency of the catalogue, in a named category,
    must-have or nice-to-have."""

    __tablename__ = "opening_attributes"
    __table_args__ = (UniqueConstraint("opening_id", "competency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("openings.id", ondelete="CASCADE"))
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="RESTRICT"), index=True
    )
    category: Mapped[str] = mapped_column(CleanString(100), default="")
    must_have: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    opening: Mapped[Opening] = relationship(back_populates="attributes")
    competency: Mapped[Competency] = relationship()

    @property
    def name(self) -> str:
        return self.competency.name


class Stage(db.Model):
    """A step of the interview plan (phone screen, technical, on-site loop…)."""

    __tablename__ = "plan_stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    opening_id: Mapped[int] = mapped_column(
        ForeignKey("openings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(CleanString(100))

    opening: Mapped[Opening] = relationship(back_populates="stages")
    interviews: Mapped[list["PlannedInterview"]] = relationship(
        back_populates="stage", cascade="all, delete-orphan", order_by="PlannedInterview.position"
    )

    def __repr__(self) -> str:
        return f"<Stage {self.id} {self.name!r}>"


planned_focus = Table(
    "planned_focus",
    db.metadata,
    Column(
        "planned_interview_id",
        ForeignKey("planned_interviews.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "attribute_id",
        ForeignKey("opening_attributes.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

planned_panel = Table(
    "planned_panel",
    db.metadata,
    Column(
        "planned_interview_id",
        ForeignKey("planned_interviews.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class PlannedInterview(db.Model):
    """An interview every candidate meets at a stage: its kit, length, panel and focus."""

    __tablename__ = "planned_interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("plan_stages.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(CleanString(200))
    kit_version_id: Mapped[int] = mapped_column(
        ForeignKey("kit_versions.id", ondelete="RESTRICT"), index=True
    )
    duration_minutes: Mapped[int] = mapped_column(default=60)
    panel_size: Mapped[int] = mapped_column(default=1)

    stage: Mapped[Stage] = relationship(back_populates="interviews")
    kit_version: Mapped[KitVersion] = relationship()
    focus: Mapped[list[Attribute]] = relationship(
        secondary=planned_focus, order_by=Attribute.position
    )
    # Who may sit on its panel; none named: anyone on the opening's hiring team.
    panel: Mapped[list[User]] = relationship(secondary=planned_panel, order_by=User.name)

    def __repr__(self) -> str:
        return f"<PlannedInterview {self.id} {self.title!r}>"

"""Every model, imported in one place so that mappers and Alembic see them all."""

from hiring.audit.models import AuditEvent
from hiring.auth.models import Role, User
from hiring.debrief.models import Decision
from hiring.interviews import search as candidate_search  # noqa: F401  its index's DDL events
from hiring.interviews.models import (
    Candidate,
    Interview,
    ItemNote,
    Rating,
    Scorecard,
    ScorecardRevision,
)
from hiring.kits.models import Kit, KitCompetency, KitItem, KitSection, KitVersion, ScalePoint
from hiring.mail import OutgoingMail
from hiring.questions import search  # noqa: F401  the search index's DDL events
from hiring.questions.models import AnswerTier, Competency, CompetencyAnchor, PrepTip, Question, Tag

__all__ = [
    "AnswerTier",
    "AuditEvent",
    "Candidate",
    "Competency",
    "CompetencyAnchor",
    "Decision",
    "Interview",
    "ItemNote",
    "Kit",
    "KitCompetency",
    "KitItem",
    "KitSection",
    "KitVersion",
    "OutgoingMail",
    "PrepTip",
    "Question",
    "Rating",
    "Role",
    "ScalePoint",
    "Scorecard",
    "ScorecardRevision",
    "Tag",
    "User",
]

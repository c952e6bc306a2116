"""Every model, imported in one place so that mappers and Alembic see them all; and
every task, so that the queue knows them before a worker starts."""

from hiring.api.models import ApiToken
from hiring.audit.models import AuditEvent
from hiring.auth.models import Role, User
from hiring.changes import Generation
from hiring.debrief import figures  # noqa: F401  its refresh task
from hiring.debrief.digest import DigestSent
from hiring.debrief.models import Decision, StoredFigures
from hiring.documents import tasks as document_tasks  # noqa: F401  the render tasks
from hiring.documents.models import StoredDocument
from hiring.interviews import search as candidate_search  # noqa: F401  its index's DDL events
from hiring.interviews.models import (
    Application,
    Candidate,
    CandidateDocument,
    Interview,
    ItemNote,
    Move,
    Rating,
    Scorecard,
    ScorecardRevision,
)
from hiring.kits.models import Kit, KitCompetency, KitItem, KitSection, KitVersion, ScalePoint
from hiring.mail import OutgoingMail
from hiring.openings.models import Attribute, Member, Opening, PlannedInterview, Stage
from hiring.questions import search  # noqa: F401  the search index's DDL events
from hiring.questions.models import AnswerTier, Competency, CompetencyAnchor, PrepTip, Question, Tag
from hiring.scorecards import tasks as scorecard_tasks  # noqa: F401  reminders
from hiring.tasks import QueueWorker
from hiring.webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "AnswerTier",
    "ApiToken",
    "Application",
    "Attribute",
    "AuditEvent",
    "Candidate",
    "CandidateDocument",
    "Competency",
    "CompetencyAnchor",
    "Decision",
    "DigestSent",
    "Generation",
    "Interview",
    "ItemNote",
    "Kit",
    "KitCompetency",
    "KitItem",
    "KitSection",
    "KitVersion",
    "Member",
    "Move",
    "Opening",
    "OutgoingMail",
    "PlannedInterview",
    "PrepTip",
    "QueueWorker",
    "Question",
    "Rating",
    "Role",
    "ScalePoint",
    "Scorecard",
    "ScorecardRevision",
    "Stage",
    "StoredDocument",
    "StoredFigures",
    "Tag",
    "WebhookDelivery",
    "WebhookEndpoint",
    "User",
]

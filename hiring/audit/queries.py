"""Reads of the audit log."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select

from hiring.audit.models import AuditEvent


@dataclass(frozen=True)
class Filters:
    """What the admin asked to see; empty fields filter nothing."""

    user: str = ""  # part of the actor's e-mail
    action: str = ""  # an action, or its start ("scorecard." for every scorecard action)
    subject_type: str = ""
    subject_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def latest(filters: Filters = Filters()) -> Select:
    """Audit events matching `filters`, newest first."""
    stmt = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if filters.user:
        stmt = stmt.where(AuditEvent.actor_label.contains(filters.user.lower(), autoescape=True))
    if filters.action:
        stmt = stmt.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.subject_type:
        stmt = stmt.where(AuditEvent.subject_type == filters.subject_type)
    if filters.subject_id is not None:
        stmt = stmt.where(AuditEvent.subject_id == filters.subject_id)
    if filters.since is not None:
        stmt = stmt.where(AuditEvent.at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(AuditEvent.at < filters.until)
    return stmt

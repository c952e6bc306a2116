"""Reads of the audit log."""

from sqlalchemy import Select, select

from hiring.audit.models import AuditEvent


def latest() -> Select:
    """Audit events, newest first."""
    return select(AuditEvent).order_by(AuditEvent.at.desc())

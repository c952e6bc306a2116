from flask import has_request_context
from flask_login import current_user

from hiring.audit.models import AuditEvent
from hiring.extensions import db


def record(action: str, subject_type: str, subject_id: int | None, **details) -> AuditEvent:
    """Add an audit event for the current user (or the command line)."""
    actor = current_user if has_request_context() and current_user.is_authenticated else None
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else "command line",
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details,
    )
    db.session.add(event)
    return event

"""Recording what happened: one verb, used by every feature."""

from flask import g, has_request_context, request
from flask_login import current_user

from hiring.audit.models import AuditEvent
from hiring.extensions import db


def record(action: str, subject_type: str, subject_id: int | None, **details) -> AuditEvent:
    """Add an audit event for the current user (or the command line), with the client's
    address and the request id when there is a request."""
    in_request = has_request_context()
    actor = current_user if in_request and current_user.is_authenticated else None
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else ("anonymous" if in_request else "command line"),
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details,
        address=(request.remote_addr or "")[:45] if in_request else "",
        request_id=g.get("request_id", "") if in_request else "",
    )
    db.session.add(event)
    return event

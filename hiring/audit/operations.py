"""Recording what happened: one verb, used by every feature."""

from datetime import timedelta

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import func, select, update

from hiring.audit.models import AuditEvent
from hiring.extensions import db, utcnow


def record(action: str, subject_type: str, subject_id: int | None, **details) -> AuditEvent:
    """Add an audit event for the current user (or the command line), with the client's
    address and the request id when there is a request."""
    # The command line renders documents in a made-up request: it has no request id.
    in_request = has_request_context() and "request_id" in g
    actor = current_user if in_request and current_user.is_authenticated else None
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        # An API call names its token (g.actor_label); a signed-in user their e-mail.
        actor_label=(actor.email if actor else None)
        or (g.get("actor_label") if has_request_context() else None)
        or ("anonymous" if in_request else "command line"),
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details,
        address=(request.remote_addr or "")[:45] if in_request else "",
        request_id=g.get("request_id", "") if in_request else "",
    )
    db.session.add(event)
    return event


REPEATS_WITHIN = timedelta(hours=1)


def record_repeat(
    action: str, subject_type: str, subject_id: int | None, same: str, **details
) -> None:
    """Record a failure an unauthenticated client can repeat at will: the first from an
    address for `same` (what makes it the same failure) within the hour is a row, the
    next ones count on it."""
    address = (request.remote_addr or "")[:45] if has_request_context() else ""
    key = same[:300]
    first = (
        select(func.max(AuditEvent.id))
        .where(
            AuditEvent.repeat_key == key,
            AuditEvent.action == action,
            AuditEvent.address == address,
            AuditEvent.at >= utcnow() - REPEATS_WITHIN,
        )
        .scalar_subquery()
    )
    counted = db.session.execute(
        update(AuditEvent)
        .where(AuditEvent.id == first)
        .values(repeats=AuditEvent.repeats + 1)
        .execution_options(synchronize_session=False)
    )
    if counted.rowcount == 0:
        record(action, subject_type, subject_id, **details).repeat_key = key


def exported(what: str, subject_type: str, subject_id: int | None, **details) -> None:
    """Record an export (a PDF, a JSON document) and keep the record at once: exports
    change nothing else, so this is the request's one commit."""
    record(f"{what}.export", subject_type, subject_id, **details)
    db.session.commit()

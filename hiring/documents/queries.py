"""Reads for documents: the time zones their likely readers use."""

from sqlalchemy import func, or_, select

from hiring.auth.models import Role, User
from hiring.extensions import db
from hiring.interviews.models import Interview, Scorecard
from hiring.timezones import organisation_zone

# Documents are prepared ahead of a change for at most this many time zones.
PREPARED_ZONES = 3


def reader_zones(candidate_id: int | None = None) -> list[str]:
    """The time zones documents are prepared in: those most of their likely readers
    (managers, and the candidate's panel) use, the organisation's for those who set none."""
    readers = User.role.in_([Role.ADMIN, Role.MANAGER])
    if candidate_id is not None:
        panel = (
            select(Scorecard.interviewer_id)
            .join(Interview, Scorecard.interview_id == Interview.id)
            .where(Interview.candidate_id == candidate_id)
        )
        readers = or_(readers, User.id.in_(panel))
    rows = db.session.execute(
        select(User.time_zone, func.count())
        .where(User.active, readers)
        .group_by(User.time_zone)
        .order_by(func.count().desc())
        .limit(PREPARED_ZONES)
    ).all()
    fallback = organisation_zone().key
    zones = list(dict.fromkeys(name or fallback for name, _ in rows)) or [fallback]
    return zones[:PREPARED_ZONES]

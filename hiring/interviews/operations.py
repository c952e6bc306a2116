"""Verbs for candidates and interviews. They flush; the caller commits."""

from datetime import datetime

from sqlalchemy import select

from hiring.audit.operations import record
from hiring.auth.models import User
from hiring.extensions import db
from hiring.interviews.models import Candidate, Interview
from hiring.kits.models import KitVersion, VersionState
from hiring.scorecards.models import Scorecard


class InterviewError(ValueError):
    """A request the interview cannot take, with a message for the user."""


def save_candidate(
    candidate: Candidate, *, name: str, email: str, role: str, source: str, notes: str
) -> Candidate:
    """Write a candidate's details."""
    candidate.name, candidate.email = name.strip(), (email or "").strip().lower()
    candidate.role, candidate.source = (role or "").strip(), (source or "").strip()
    candidate.notes = notes or ""
    if candidate.id is None:
        db.session.add(candidate)
        db.session.flush()
        record("candidate.create", "candidate", candidate.id)
    return candidate


def schedule(
    candidate: Candidate,
    version: KitVersion,
    at: datetime,
    panel: list[User],
    location: str = "",
    created_by_id: int | None = None,
) -> Interview:
    """Schedule an interview on a published kit version; each panelist gets a scorecard."""
    if version.state is VersionState.DRAFT:
        raise InterviewError("Only a published kit version can be used for an interview.")
    if version.kit.archived_at is not None:
        raise InterviewError("That kit is archived.")
    if not panel:
        raise InterviewError("Choose at least one interviewer.")
    interview = Interview(
        candidate=candidate,
        kit_version=version,
        scheduled_at=at,
        location=location.strip(),
        created_by_id=created_by_id,
    )
    db.session.add(interview)
    db.session.flush()
    for user in panel:
        db.session.add(
            Scorecard(interview_id=interview.id, kit_version_id=version.id, interviewer_id=user.id)
        )
    db.session.flush()
    record("interview.schedule", "interview", interview.id, panel=[u.id for u in panel])
    return interview


def delete_candidate(candidate: Candidate) -> None:
    """Delete a candidate and everything recorded about them; the audit keeps only ids."""
    interviews = db.session.scalars(
        select(Interview.id).where(Interview.candidate_id == candidate.id)
    ).all()
    record("candidate.delete", "candidate", candidate.id, interviews=len(interviews))
    db.session.delete(candidate)
    db.session.flush()

"""Verbs for candidates, applications' interviews and their panels. They flush; the
caller commits."""

from datetime import datetime

from sqlalchemy import func, select

from hiring import changes, webhooks
from hiring.audit.operations import record
from hiring.auth.models import User
from hiring.domain import DomainError, Kind
from hiring.extensions import db, utcnow
from hiring.interviews import notices
from hiring.interviews.models import (
    Application,
    Candidate,
    CandidateDocument,
    Interview,
    Scorecard,
)
from hiring.kits.models import KitVersion, VersionState
from hiring.openings.models import PlannedInterview


def save_candidate(
    candidate: Candidate | None, *, name: str, email: str, role: str, source: str, notes: str
) -> Candidate:
    """Write a candidate's details; a new candidate when `candidate` is None."""
    candidate = candidate or Candidate()
    before = {f: getattr(candidate, f) for f in ("name", "email", "role", "source", "notes")}
    candidate.name, candidate.email = name.strip(), (email or "").strip().lower()
    candidate.role, candidate.source = (role or "").strip(), (source or "").strip()
    candidate.notes = notes or ""
    if candidate.id is None:
        db.session.add(candidate)
        db.session.flush()
        record("candidate.create", "candidate", candidate.id)
    else:
        # Which fields changed, never their values: those are personal data.
        changed = sorted(f for f, value in before.items() if getattr(candidate, f) != value)
        if changed:
            record("candidate.update", "candidate", candidate.id, fields=changed)
            changes.record("candidate", candidate.id)
    return candidate


def schedule(
    candidate: Candidate,
    version: KitVersion,
    at: datetime,
    panel: list[User],
    location: str = "",
    created_by_id: int | None = None,
    *,
    duration: int | None = None,
    link: str = "",
    application: Application | None = None,
    planned: PlannedInterview | None = None,
) -> Interview:
    """Schedule an interview on a published kit version; each panelist gets a scorecard
    and an invitation. With an application, the interview is part of it: the plan's
    interview it carries out (`planned`), or ad hoc."""
    _check_version(version)
    if not panel:
        raise DomainError(Kind.INVALID, "Choose at least one interviewer.")
    _check_application(candidate, application, planned)
    interview = Interview(
        application=application,
        planned=planned,
        candidate=candidate,
        kit_version=version,
        scheduled_at=at,
        duration_minutes=duration or version.duration_minutes,
        location=location.strip(),
        link=(link or "").strip(),
        created_by_id=created_by_id,
    )
    db.session.add(interview)
    db.session.flush()
    for user in panel:
        db.session.add(_panel_scorecard(interview, user.id))
    db.session.flush()
    record("interview.schedule", "interview", interview.id, panel=[u.id for u in panel])
    _announce("interview.scheduled", interview)
    changes.record("candidate", candidate.id)
    for scorecard in interview.panel:
        notices.invite(interview, scorecard)
    return interview


def _announce(event: str, interview: Interview) -> None:
    """The interview as webhooks tell it: ids, time and panel; details are read through
    the API."""
    db.session.flush()
    webhooks.emit(
        event,
        {
            "interview_id": interview.id,
            "candidate_id": interview.candidate_id,
            "application_id": interview.application_id,
            "scheduled_at": interview.scheduled_at.isoformat(),
            "duration_minutes": interview.duration_minutes,
            "cancelled": interview.cancelled_at is not None,
            "panel": sorted(s.interviewer_id for s in interview.scorecards if s.removed_at is None),
        },
    )


def _check_application(
    candidate: Candidate, application: Application | None, planned: PlannedInterview | None
) -> None:
    if application is None:
        if planned is not None:
            raise DomainError(Kind.INVALID, "A planned interview belongs to an application.")
        return
    if application.candidate_id != candidate.id:
        raise DomainError(Kind.INVALID, "That application is another candidate's.")
    if not application.active:
        raise DomainError(
            Kind.CONFLICT,
            f"The application is {application.status.value}: reopen it to schedule.",
        )
    if not application.opening.status.active:
        raise DomainError(
            Kind.CONFLICT,
            f"“{application.opening.title}” is {application.opening.status.value}: "
            "reopen it to schedule its interviews.",
        )
    if planned is not None and planned.stage.opening_id != application.opening_id:
        raise DomainError(Kind.INVALID, "That planned interview is another opening's.")


def _panel_scorecard(interview: Interview, interviewer_id: int) -> Scorecard:
    """A panelist's empty scorecard on the interview (flushed, with its kit version), which
    keeps the interview's time for the dashboards' indexes."""
    return Scorecard(
        interview_id=interview.id,
        kit_version_id=interview.kit_version_id,
        interviewer_id=interviewer_id,
        scheduled_at=interview.scheduled_at,
    )


def _check_version(version: KitVersion) -> None:
    if version.state is VersionState.DRAFT:
        raise DomainError(
            Kind.INVALID, "Only a published kit version can be used for an interview."
        )
    if version.kit.archived_at is not None:
        raise DomainError(Kind.INVALID, "That kit is archived.")


def refuse_if_cancelled(interview: Interview) -> None:
    if interview.cancelled:
        raise DomainError(
            Kind.CONFLICT, "This interview is cancelled: restore it first to change it."
        )


def started(interview: Interview) -> bool:
    """Whether anyone has written on a scorecard of the interview (removed drafts too)."""
    return any(s.version > 0 for s in interview.scorecards)


def change(
    interview: Interview,
    *,
    at: datetime,
    duration: int,
    location: str,
    link: str,
    version: KitVersion | None = None,
) -> list[str]:
    """Change when, how long, where, the link, and (before anyone started) the kit
    version; the panel is told. Returns what changed, in words."""
    refuse_if_cancelled(interview)
    changed = []
    location, link = location.strip(), (link or "").strip()
    if at != interview.scheduled_at:
        changed.append("time")
    if duration != interview.duration_minutes:
        changed.append("duration")
    if location != interview.location:
        changed.append("location")
    if link != interview.link:
        changed.append("link")
    if version is not None and version.id != interview.kit_version_id:
        if started(interview):
            raise DomainError(
                Kind.CONFLICT,
                "The kit cannot change: a panelist has started their scorecard on this one.",
            )
        _check_version(version)
        _replace_kit(interview, version)
        changed.append("kit")
    if not changed:
        return []
    interview.scheduled_at, interview.duration_minutes = at, duration
    for scorecard in interview.scorecards:
        scorecard.scheduled_at = at
    interview.location, interview.link = location, link
    interview.sequence += 1
    interview.updated_at = utcnow()
    db.session.flush()
    record("interview.update", "interview", interview.id, fields=changed)
    _announce("interview.changed", interview)
    changes.record("candidate", interview.candidate_id)
    notices.changed(interview, changed)
    return changed


def _replace_kit(interview: Interview, version: KitVersion) -> None:
    """Move an interview nobody started onto another kit version: its empty scorecards
    are made again on the new version (a scorecard belongs to one version)."""
    people = [s.interviewer_id for s in interview.panel]
    for scorecard in list(interview.scorecards):
        db.session.delete(scorecard)
    db.session.flush()
    interview.kit_version = version
    db.session.flush()
    for user_id in people:
        db.session.add(_panel_scorecard(interview, user_id))
    db.session.flush()
    db.session.refresh(interview)


def cancel(interview: Interview, reason: str) -> None:
    """Cancel an interview, with why: it leaves dashboards, overdue lists and aggregates;
    what was submitted stays readable."""
    reason = (reason or "").strip()
    if interview.cancelled:
        raise DomainError(Kind.CONFLICT, "This interview is already cancelled.")
    if not reason:
        raise DomainError(
            Kind.INVALID,
            "Say why it is cancelled: the panel reads it.",
            errors={"reason": "Say why it is cancelled."},
        )
    interview.cancelled_at, interview.cancel_reason = utcnow(), reason
    interview.sequence += 1
    interview.updated_at = utcnow()
    db.session.flush()
    record("interview.cancel", "interview", interview.id)
    _announce("interview.cancelled", interview)
    changes.record("candidate", interview.candidate_id)
    changes.bump("figures")
    notices.cancelled(interview)


def restore(interview: Interview) -> None:
    """Put a cancelled interview back on, as it was."""
    if not interview.cancelled:
        raise DomainError(Kind.CONFLICT, "This interview is not cancelled.")
    interview.cancelled_at, interview.cancel_reason = None, ""
    interview.sequence += 1
    interview.updated_at = utcnow()
    db.session.flush()
    record("interview.restore", "interview", interview.id)
    _announce("interview.changed", interview)
    changes.record("candidate", interview.candidate_id)
    changes.bump("figures")
    notices.changed(interview, ["back on"], kind="restored")


def add_panelist(interview: Interview, user: User) -> Scorecard:
    """Put someone on the panel, with a scorecard and an invitation; someone removed with
    a draft gets that draft back."""
    refuse_if_cancelled(interview)
    if not user.active:
        raise DomainError(Kind.INVALID, f"{user.name}'s account is deactivated.")
    existing = next((s for s in interview.scorecards if s.interviewer_id == user.id), None)
    if existing is not None and existing.removed_at is None:
        raise DomainError(Kind.CONFLICT, f"{user.name} is already on the panel.")
    if existing is not None:
        existing.removed_at = None
        scorecard = existing
    else:
        scorecard = _panel_scorecard(interview, user.id)
        db.session.add(scorecard)
    interview.sequence += 1
    db.session.flush()
    db.session.refresh(interview)
    record("interview.panel_add", "interview", interview.id, user=user.id)
    _announce("interview.changed", interview)
    changes.record("candidate", interview.candidate_id)
    # A panel change is a change of the event: a new SEQUENCE, the newcomer invited, the
    # others sent the new attendee list.
    notices.invite(interview, scorecard)
    notices.changed(interview, ["panel"], skip=user.id)
    return scorecard


def remove_panelist(interview: Interview, user: User, confirmed: bool = False) -> None:
    """Take someone off the panel. A scorecard not started goes; a started draft needs
    `confirmed` and is kept as history; a submitted one keeps its author on the record."""
    refuse_if_cancelled(interview)
    scorecard = next((s for s in interview.panel if s.interviewer_id == user.id), None)
    if scorecard is None:
        raise DomainError(Kind.NOT_FOUND, f"{user.name} is not on this panel.")
    if scorecard.first_submitted_at is not None:
        raise DomainError(
            Kind.CONFLICT,
            f"{user.name} has submitted a scorecard: they stay on the record of this panel.",
        )
    if len(interview.panel) == 1:
        raise DomainError(
            Kind.CONFLICT,
            "An interview needs at least one panelist. Add someone first, or cancel it.",
        )
    if scorecard.version > 0 and not confirmed:
        raise DomainError(
            Kind.CONFLICT,
            f"{user.name} has started a draft. Confirm to take them off the panel: the draft "
            "is kept in the history.",
        )
    if scorecard.version > 0:
        scorecard.removed_at = utcnow()
        kept = True
    else:
        db.session.delete(scorecard)
        kept = False
    interview.sequence += 1
    db.session.flush()
    db.session.refresh(interview)
    record("interview.panel_remove", "interview", interview.id, user=user.id, draft_kept=kept)
    _announce("interview.changed", interview)
    changes.record("candidate", interview.candidate_id)
    notices.removed(interview, user)
    notices.changed(interview, ["panel"])


def delete_candidate(candidate: Candidate, reason: str = "") -> None:
    """Delete a candidate with their applications, interviews, scorecards, notes, the
    documents they sent and every stored document about them (in this transaction); the
    audit keeps only ids and counts."""
    interviews = db.session.scalars(
        select(Interview.id).where(Interview.candidate_id == candidate.id)
    ).all()
    sent = db.session.scalar(
        select(func.count())
        .select_from(CandidateDocument)
        .join(Application)
        .where(Application.candidate_id == candidate.id)
    )
    record(
        "candidate.delete",
        "candidate",
        candidate.id,
        interviews=len(interviews),
        documents=sent,
        **({"reason": reason} if reason else {}),
    )
    db.session.delete(candidate)
    db.session.flush()
    changes.bump("figures")

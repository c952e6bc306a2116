"""Applications: a candidate applying to an opening and moving through its stages. The
verbs flush; the caller commits.

A move names the stage and status the page showed; it is one conditional UPDATE on them,
so a second click, a second tab or a colleague's move in between is refused, not applied
twice.
"""

from sqlalchemy import func, select, update

from hiring import changes, webhooks
from hiring.audit.operations import record
from hiring.auth.models import User
from hiring.domain import DomainError, Kind
from hiring.extensions import db, utcnow
from hiring.interviews.models import (
    REJECT_REASONS,
    Application,
    ApplicationStatus,
    Candidate,
    Move,
)
from hiring.openings.models import Opening, OpeningStatus, Stage
from hiring.text import counted

ACTIONS = ("advance", "back", "reject", "withdraw", "hire", "reopen")

MOVED = (
    "This application was moved meanwhile (another tab, or a colleague): nothing was "
    "changed. The page shows where it is now."
)


def apply(candidate: Candidate, opening: Opening, user: User | None = None) -> Application:
    """The candidate applies to the opening, at its plan's first stage."""
    if opening.status is not OpeningStatus.OPEN:
        raise DomainError(
            Kind.CONFLICT,
            f"“{opening.title}” is {opening.status.value}: only an open opening takes "
            "applications.",
        )
    taken = db.session.scalar(
        select(Application.id).where(
            Application.candidate_id == candidate.id, Application.opening_id == opening.id
        )
    )
    if taken:
        raise DomainError(Kind.CONFLICT, f"{candidate.name} has applied to this opening already.")
    first = opening.stages[0] if opening.stages else None
    application = Application(candidate=candidate, opening=opening, stage=first)
    db.session.add(application)
    db.session.flush()
    application.moves.append(
        Move(
            action="applied", by_id=user.id if user else None, to_stage=first.name if first else ""
        )
    )
    record("application.create", "application", application.id, opening=opening.id)
    changes.record("candidate", candidate.id)
    return application


def move(
    application: Application,
    action: str,
    user: User | None,
    *,
    seen_stage_id: int | None,
    seen_status: str | None,
    reason: str = "",
    to_stage_id: int | None = None,
) -> str:
    """Advance, move back, reject (with a reason from the list), withdraw, hire, or reopen
    a closed application; returns what happened, in words. `to_stage_id` (a card dropped
    on the board) moves it to that stage of the plan: an advance or a move back."""
    opening = application.opening
    to = None
    if action == "to":
        to = next((s for s in opening.stages if s.id == to_stage_id), None)
        if to is None:
            raise DomainError(Kind.INVALID, "That stage is not in this opening's plan.")
        if to is application.stage:
            return f"Still at {to.name}."
        order = list(opening.stages)
        here = order.index(application.stage) if application.stage in order else -1
        action = "advance" if order.index(to) > here else "back"
    if action not in ACTIONS:
        raise DomainError(Kind.INVALID, "Choose what to do with the application.")
    if not opening.status.active:
        raise DomainError(
            Kind.CONFLICT,
            f"“{opening.title}” is {opening.status.value}: reopen it before moving its "
            "applications.",
        )
    if seen_status != application.status.value or seen_stage_id != application.stage_id:
        raise DomainError(Kind.CONFLICT, MOVED)
    stages = list(opening.stages)
    at = stages.index(application.stage) if application.stage in stages else -1
    status, stage = application.status, application.stage
    if action == "reopen":
        if application.active:
            raise DomainError(Kind.CONFLICT, "The application is active already.")
        status = ApplicationStatus.ACTIVE
    elif not application.active:
        raise DomainError(
            Kind.CONFLICT,
            f"The application is {application.status.value}: reopen it first.",
        )
    elif to is not None:
        stage = to
    elif action == "advance":
        if at + 1 >= len(stages):
            raise DomainError(
                Kind.CONFLICT, "This is the plan's last stage: hire, reject, or keep it here."
            )
        stage = stages[at + 1]
    elif action == "back":
        if at <= 0:
            raise DomainError(Kind.CONFLICT, "This is the plan's first stage.")
        stage = stages[at - 1]
    elif action == "reject":
        if reason not in REJECT_REASONS:
            raise DomainError(
                Kind.INVALID,
                "Choose why the application is rejected.",
                errors={"reason": "Choose a reason."},
            )
        status = ApplicationStatus.REJECTED
    elif action == "withdraw":
        status = ApplicationStatus.WITHDRAWN
    elif action == "hire":
        status = ApplicationStatus.HIRED
    now = utcnow()
    values = {"status": status, "stage_id": stage.id if stage else None}
    if stage is not application.stage:
        values["stage_entered_at"] = now
    values["closed_at"] = None if status is ApplicationStatus.ACTIVE else now
    values["reason"] = reason if action == "reject" else ""
    values["updated_at"] = now
    done = db.session.execute(
        update(Application)
        .where(
            Application.id == application.id,
            Application.status == application.status,
            (
                Application.stage_id == application.stage_id
                if application.stage_id is not None
                else Application.stage_id.is_(None)
            ),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise DomainError(Kind.CONFLICT, MOVED)
    before = application.stage.name if application.stage else ""
    db.session.expire(application)
    application.moves.append(
        Move(
            action=action,
            by_id=user.id if user else None,
            from_stage=before,
            to_stage=stage.name if stage else "",
            reason=values["reason"],
        )
    )
    record("application.move", "application", application.id, step=action)
    changes.record("candidate", application.candidate_id)
    webhooks.emit(
        "application.moved",
        {
            "application_id": application.id,
            "candidate_id": application.candidate_id,
            "opening_id": application.opening_id,
            "action": action,
            "from_stage": before,
            "to_stage": stage.name if stage else "",
            "status": values["status"].value,
        },
    )
    said = _said(action, stage, reason)
    if action == "hire" and _filled(opening):
        opening.status, opening.closed_at = OpeningStatus.FILLED, now
        record("opening.status", "opening", opening.id, after=OpeningStatus.FILLED.value)
        said += (
            f" “{opening.title}” has all its {counted(opening.headcount, 'hire')}: "
            "it is now filled."
        )
    return said


def _said(action: str, stage: Stage | None, reason: str) -> str:
    return {
        "advance": f"Moved to {stage.name if stage else ''}.",
        "back": f"Moved back to {stage.name if stage else ''}.",
        "reject": f"Rejected: {reason}.",
        "withdraw": "Marked as withdrawn by the candidate.",
        "hire": "Hired.",
        "reopen": "Reopened.",
    }[action]


def _filled(opening: Opening) -> bool:
    hired = db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(
            Application.opening_id == opening.id,
            Application.status == ApplicationStatus.HIRED,
        )
    )
    return hired >= opening.headcount

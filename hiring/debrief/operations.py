"""Recording a hiring decision."""

from hiring import changes, webhooks
from hiring.audit.operations import record
from hiring.debrief.models import Decision
from hiring.debrief.queries import decisions
from hiring.domain import DomainError, Kind
from hiring.extensions import db, utcnow
from hiring.interviews.models import Application, Candidate


def decide(
    candidate: Candidate,
    outcome: str,
    rationale: str,
    user,
    labels: list[str],
    application: Application | None = None,
) -> Decision:
    """Record a decision on the candidate (on one application of theirs, when given); the
    earlier ones stay as its history."""
    errors = {}
    if outcome not in labels:
        errors["outcome"] = "Choose one of the team's outcomes."
    if not (rationale or "").strip():
        errors["rationale"] = "Say why: the rationale is what the decision is judged by later."
    if errors:
        raise DomainError(Kind.INVALID, "The decision is not recorded.", errors=errors)
    previous = decisions(candidate.id)
    decision = Decision(
        candidate_id=candidate.id,
        application_id=application.id if application else None,
        outcome=outcome,
        rationale=rationale.strip(),
        decided_by_id=user.id,
        decided_at=utcnow(),
    )
    db.session.add(decision)
    db.session.flush()
    changes.record("candidate", candidate.id)
    webhooks.emit(
        "decision.recorded",
        {
            "decision_id": decision.id,
            "candidate_id": candidate.id,
            "application_id": decision.application_id,
            "outcome": outcome,
        },
    )
    # The outcome, never the rationale: that is about a person and stays with the record.
    record(
        "decision.record",
        "candidate",
        candidate.id,
        outcome=outcome,
        previous=previous[-1].outcome if previous else None,
        **({"application": application.id} if application else {}),
    )
    return decision

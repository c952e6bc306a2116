"""Scorecards in the shape ATS integrations map from (Greenhouse Harvest's scorecard)."""

from hiring.api import schemas
from hiring.interviews.models import Recommendation, Scorecard, recommendation_label
from hiring.scorecards.operations import content

# Harvest's five attribute ratings, from the bottom of a scale to its top.
LADDER = ("definitely_not", "no", "mixed", "yes", "strong_yes")
OVERALL = {
    Recommendation.STRONG_NO: "definitely_not",
    Recommendation.NO: "no",
    Recommendation.NEUTRAL: "no_decision",
    Recommendation.YES: "yes",
    Recommendation.STRONG_YES: "strong_yes",
}

MERGE_OVERALL = {
    Recommendation.STRONG_NO: "DEFINITELY_NO",
    Recommendation.NO: "NO",
    Recommendation.NEUTRAL: "NO_DECISION",
    Recommendation.YES: "YES",
    Recommendation.STRONG_YES: "STRONG_YES",
}


def rating(value: int | None, points: int, not_assessed: bool) -> str:
    """A point of a `points`-point scale as a Harvest rating: placed at (v-1)/(n-1) of
    the way up and rounded to the nearest of the five (halves round up)."""
    if not_assessed or value is None or points < 2:
        return "no_decision"
    share = (value - 1) / (points - 1)
    return LADDER[min(4, max(0, int(share * 4 + 0.5)))]


def label_of(card: Scorecard) -> str:
    """The kit's own word for the scorecard's recommendation."""
    return recommendation_label(card.interview.kit_version, card.recommendation)


def _user(user) -> schemas.HarvestUser:
    first, _, last = user.name.partition(" ")
    return schemas.HarvestUser(id=user.id, first_name=first, last_name=last, name=user.name)


def shaped(card: Scorecard) -> schemas.HarvestScorecard:
    """A submitted scorecard (loaded with its content) in the Harvest shape."""
    interview = card.interview
    version = interview.kit_version
    values = content(card)
    points = len(version.scale)
    application = interview.application
    categories = (
        {a.competency_id: a.category for a in application.opening.attributes}
        if application is not None
        else {}
    )
    attributes = []
    ratings: dict[str, list[str]] = {name: [] for name in LADDER}
    for kc in version.competencies:
        value = values[f"rating:{kc.id}:value"]
        not_assessed = values[f"rating:{kc.id}:not_assessed"]
        placed = rating(value, points, not_assessed)
        attributes.append(
            schemas.HarvestAttribute(
                name=kc.display_name,
                type=categories.get(kc.competency_id) or "Skills",
                note=values[f"rating:{kc.id}:evidence"] or None,
                rating=placed,
            )
        )
        if placed in ratings:
            ratings[placed].append(kc.display_name)
    planned = interview.planned
    return schemas.HarvestScorecard(
        id=card.id,
        candidate_id=interview.candidate_id,
        application_id=interview.application_id,
        interview=planned.title if planned else version.kit.title,
        interview_step=schemas.HarvestStep(
            id=planned.id if planned else None,
            name=planned.title if planned else version.kit.title,
        ),
        interviewed_at=interview.scheduled_at,
        submitted_at=card.submitted_at,
        created_at=card.created_at,
        updated_at=card.updated_at or card.submitted_at,
        submitted_by=_user(card.interviewer),
        interviewer=_user(card.interviewer),
        overall_recommendation=OVERALL.get(card.recommendation, "no_decision"),
        attributes=attributes,
        ratings=ratings,
        questions=[
            schemas.HarvestQuestion(
                id=item.id,
                question=item.display_prompt,
                answer=values[f"item:{item.id}:notes"],
            )
            for item in version.items
        ],
    )


def merged(card: Scorecard) -> schemas.MergeScorecard:
    """A submitted scorecard in Merge's ATS Scorecard model (ids as strings)."""
    interview = card.interview
    return schemas.MergeScorecard(
        id=str(card.id),
        remote_id=str(card.id),
        application=str(interview.application_id) if interview.application_id else None,
        interview=str(interview.id),
        interviewer=str(card.interviewer_id),
        remote_created_at=card.created_at,
        submitted_at=card.submitted_at,
        overall_recommendation=MERGE_OVERALL.get(card.recommendation, "NO_DECISION"),
    )

"""Reads for the debrief: decisions, a kit's candidates to compare, first-submitted
ratings for calibration and reliability. Each in a fixed number of queries."""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from hiring.auth.models import User
from hiring.debrief.calibration import Fact
from hiring.debrief.models import Decision
from hiring.extensions import db
from hiring.interviews.models import Interview, Rating, Scorecard
from hiring.kits.models import Kit, KitCompetency, KitVersion, ScalePoint
from hiring.questions.models import Competency


def decisions(candidate_id: int) -> list[Decision]:
    """A candidate's decisions, oldest first: the last is in force."""
    return db.session.scalars(
        select(Decision)
        .where(Decision.candidate_id == candidate_id)
        .options(joinedload(Decision.decided_by))
        .order_by(Decision.decided_at, Decision.id)
    ).all()


def current_decisions(candidate_ids: Iterable[int]) -> dict[int, Decision]:
    """The decision in force for each of these candidates that has one."""
    ids = list(candidate_ids)
    if not ids:
        return {}
    found: dict[int, Decision] = {}
    for decision in db.session.scalars(
        select(Decision)
        .where(Decision.candidate_id.in_(ids))
        .options(joinedload(Decision.decided_by))
        .order_by(Decision.decided_at, Decision.id)
    ):
        found[decision.candidate_id] = decision
    return found


def _held_with_kit(stmt, kit_id: int):
    """`stmt` on scorecards, narrowed to interviews held (not cancelled) with the kit."""
    return (
        stmt.join(Interview, Scorecard.interview_id == Interview.id)
        .join(KitVersion, Interview.kit_version_id == KitVersion.id)
        .where(KitVersion.kit_id == kit_id, Interview.cancelled_at.is_(None))
    )


def kit_scorecards(kit_id: int) -> list[Scorecard]:
    """Every scorecard of interviews held with any version of the kit, with interview and
    candidate: what tells who may read which. Their ratings are read by `kit_ratings`."""
    return (
        db.session.scalars(
            _held_with_kit(select(Scorecard), kit_id)
            .options(
                # The columns that say who may read it and what it counts for, no more:
                # the kit may have many thousand scorecards.
                load_only(
                    Scorecard.interview_id,
                    Scorecard.interviewer_id,
                    Scorecard.kit_version_id,
                    Scorecard.recommendation,
                    Scorecard.submitted_at,
                    Scorecard.first_submitted_at,
                    Scorecard.withdrawn_at,
                    Scorecard.removed_at,
                ),
                joinedload(Scorecard.interview)
                .load_only(
                    Interview.candidate_id,
                    Interview.kit_version_id,
                    Interview.scheduled_at,
                    Interview.cancelled_at,
                )
                .joinedload(Interview.candidate),
            )
            .order_by(Interview.scheduled_at, Scorecard.id)
        )
        .unique()
        .all()
    )


def kit_ratings(kit_id: int) -> dict[int, list[tuple[int, int]]]:
    """The current rating values of the kit's submitted scorecards, as (kit competency,
    value) pairs by scorecard, in one query: plain rows, as a kit may have many thousand."""
    stmt = _held_with_kit(
        select(Rating.scorecard_id, Rating.kit_competency_id, Rating.value)
        .select_from(Rating)
        .join(Scorecard, Rating.scorecard_id == Scorecard.id),
        kit_id,
    ).where(Scorecard.submitted_at.is_not(None), Rating.value.is_not(None))
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for scorecard_id, competency_id, value in db.session.execute(stmt):
        found[scorecard_id].append((competency_id, value))
    return found


def kit_versions(kit_id: int) -> list[KitVersion]:
    """A kit's versions with their competencies and scales, oldest first."""
    return db.session.scalars(
        select(KitVersion)
        .where(KitVersion.kit_id == kit_id)
        .options(
            selectinload(KitVersion.competencies).joinedload(KitCompetency.competency),
            selectinload(KitVersion.scale),
        )
        .order_by(KitVersion.number)
    ).all()


def kits_interviewed() -> list[Kit]:
    """Kits with at least one interview, by title."""
    used = select(KitVersion.kit_id).join(Interview, Interview.kit_version_id == KitVersion.id)
    return db.session.scalars(select(Kit).where(Kit.id.in_(used)).order_by(Kit.title)).all()


def hidden_from(user) -> set[int]:
    """Interviews whose panel the user sits on without having submitted or stepped back:
    none of their colleagues' ratings may reach the user, not even inside a figure."""
    return set(
        db.session.scalars(
            select(Scorecard.interview_id).where(
                Scorecard.interviewer_id == user.id,
                Scorecard.first_submitted_at.is_(None),
                Scorecard.withdrawn_at.is_(None),
            )
        )
    )


def first_ratings(kit_id: int | None = None, hidden: Iterable[int] = ()) -> list[Fact]:
    """Every first-submitted rating (of kit `kit_id` only, when given), leaving out the
    interviews in `hidden`; in three queries whatever the size."""
    scales = dict(
        db.session.execute(
            select(ScalePoint.kit_version_id, func.count()).group_by(ScalePoint.kit_version_id)
        ).all()
    )
    stmt = (
        select(
            Scorecard.interviewer_id,
            Scorecard.interview_id,
            KitVersion.kit_id,
            KitCompetency.competency_id,
            func.coalesce(KitCompetency.name, Competency.name),
            Rating.kit_version_id,
            Rating.first_value,
            Rating.first_not_assessed,
            Interview.scheduled_at,
            Scorecard.first_submitted_at,
        )
        .select_from(Rating)
        .join(Scorecard, Rating.scorecard_id == Scorecard.id)
        .join(Interview, Scorecard.interview_id == Interview.id)
        .join(KitVersion, Interview.kit_version_id == KitVersion.id)
        .join(KitCompetency, Rating.kit_competency_id == KitCompetency.id)
        .join(Competency, KitCompetency.competency_id == Competency.id)
        .where(Scorecard.first_submitted_at.is_not(None), Interview.cancelled_at.is_(None))
        .order_by(Scorecard.id, KitCompetency.position)
    )
    if kit_id is not None:
        stmt = stmt.where(KitVersion.kit_id == kit_id)
    hidden = set(hidden)
    facts = []
    for row in db.session.execute(stmt):
        (who, interview, kit, competency, name, version, value, na, at, submitted) = row
        if interview in hidden or (value is None and not na):
            continue
        facts.append(
            Fact(
                who,
                interview,
                kit,
                competency,
                name,
                scales.get(version, 0),
                None if na else value,
                at,
                submitted,
            )
        )
    return facts


def names(ids: Iterable[int]) -> dict[int, str]:
    """Users' names by id."""
    ids = list(ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def kit_titles(ids: Iterable[int]) -> dict[int, str]:
    ids = list(ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Kit.id, Kit.title).where(Kit.id.in_(ids))).all())

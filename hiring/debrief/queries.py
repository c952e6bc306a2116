"""Reads for the debrief: decisions, a kit's candidates to compare, first-submitted
ratings for calibration and reliability. Each in a fixed number of queries."""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Row, func, select
from sqlalchemy.orm import joinedload, selectinload

from hiring.auth.models import User
from hiring.debrief.calibration import Fact
from hiring.debrief.models import Decision
from hiring.extensions import db
from hiring.interviews.models import Candidate, Interview, Rating, Scorecard
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


def _held_with_kit(stmt, kit_id: int | None):
    """`stmt` on scorecards, narrowed to interviews held (not cancelled) with the kit (with
    any kit for None)."""
    stmt = (
        stmt.join(Interview, Scorecard.interview_id == Interview.id)
        .join(KitVersion, Interview.kit_version_id == KitVersion.id)
        .where(Interview.cancelled_at.is_(None))
    )
    return stmt if kit_id is None else stmt.where(KitVersion.kit_id == kit_id)


def kit_scorecards(kit_id: int) -> list[Row]:
    """Every scorecard of interviews held with any version of the kit, as plain rows (a
    kit may have many thousand): the columns that decide who may read which, read by
    PanelAccess as it reads scorecards, and what each counts for. Interview order."""
    stmt = _held_with_kit(
        select(
            Scorecard.id,
            Scorecard.interview_id,
            Scorecard.interviewer_id,
            Scorecard.kit_version_id,
            Scorecard.recommendation,
            Scorecard.submitted_at,
            Scorecard.removed_at,
            Scorecard.sees_panel.label("sees_panel"),
            Interview.candidate_id,
            Interview.scheduled_at,
        ),
        kit_id,
    ).order_by(Interview.scheduled_at, Scorecard.id)
    return list(db.session.execute(stmt))


def kit_candidates(kit_id: int) -> dict[int, Candidate]:
    """The candidates interviewed with the kit, by id."""
    interviewed = _held_with_kit(select(Interview.candidate_id).select_from(Scorecard), kit_id)
    return {
        c.id: c for c in db.session.scalars(select(Candidate).where(Candidate.id.in_(interviewed)))
    }


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
    none of their colleagues' ratings may reach the user, not even inside a figure. As in
    PanelAccess, someone taken off a panel is off it: their kept draft hides nothing."""
    return set(
        db.session.scalars(
            select(Scorecard.interview_id).where(
                Scorecard.interviewer_id == user.id,
                Scorecard.removed_at.is_(None),
                ~Scorecard.sees_panel,
            )
        )
    )


def first_ratings(kit_id: int | None = None, hidden: Iterable[int] = ()) -> list[Fact]:
    """Every first-submitted rating (of kit `kit_id` only, when given), leaving out the
    interviews in `hidden`; in four queries whatever the size. There may be hundreds of
    thousands: the ratings are read as bare numbers, and what they share (the scorecard's
    times, the competency's name, the scale) once each."""
    scales = dict(
        db.session.execute(
            select(ScalePoint.kit_version_id, func.count()).group_by(ScalePoint.kit_version_id)
        ).all()
    )
    competencies = {
        kit_competency: (competency, name)
        for kit_competency, competency, name in db.session.execute(
            select(
                KitCompetency.id,
                KitCompetency.competency_id,
                func.coalesce(KitCompetency.name, Competency.name),
            ).join(Competency, KitCompetency.competency_id == Competency.id)
        )
    }

    def held(stmt):
        return _held_with_kit(stmt, kit_id).where(Scorecard.first_submitted_at.is_not(None))

    hidden = set(hidden)
    # Each scorecard's (interviewer, interview, kit) and (scheduled, first submitted), as
    # the Fact begins and ends.
    cards = {
        scorecard_id: ((who, interview, kit), (at, submitted))
        for scorecard_id, who, interview, kit, at, submitted in db.session.execute(
            held(
                select(
                    Scorecard.id,
                    Scorecard.interviewer_id,
                    Scorecard.interview_id,
                    KitVersion.kit_id,
                    Interview.scheduled_at,
                    Scorecard.first_submitted_at,
                )
            )
        )
        if interview not in hidden
    }
    ratings = held(
        select(
            Rating.scorecard_id,
            Rating.kit_competency_id,
            Rating.kit_version_id,
            Rating.first_value,
            Rating.first_not_assessed,
        )
        .select_from(Rating)
        .join(Scorecard, Rating.scorecard_id == Scorecard.id)
        .join(KitCompetency, Rating.kit_competency_id == KitCompetency.id)
    ).order_by(Scorecard.id, KitCompetency.position)
    facts = []
    for scorecard_id, kit_competency, version, value, na in db.session.execute(ratings):
        # A scorecard or competency first seen here arrived between the reads: left out,
        # as if read a moment earlier.
        card, named = cards.get(scorecard_id), competencies.get(kit_competency)
        if card is None or named is None or (value is None and not na):
            continue
        where, when = card
        competency, name = named
        facts.append(
            Fact(*where, competency, name, scales.get(version, 0), None if na else value, *when)
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

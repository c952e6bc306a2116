"""Reads for the debrief: decisions, a kit's candidates to compare, first-submitted
ratings for calibration and reliability. Each in a fixed number of queries."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from hiring.auth.models import User
from hiring.debrief.calibration import Fact
from hiring.debrief.models import Decision
from hiring.extensions import db
from hiring.interviews.models import Candidate, Interview, Rating, Recommendation, Scorecard
from hiring.interviews.queries import managed_candidates, pending_panels
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


def application_decisions(application_id: int) -> list[Decision]:
    """An application's decisions, oldest first: the last is in force."""
    return db.session.scalars(
        select(Decision)
        .where(Decision.application_id == application_id)
        .options(joinedload(Decision.decided_by))
        .order_by(Decision.decided_at, Decision.id)
    ).all()


def _held_with_kit(stmt, kit_id: int | None):
    """`stmt` on scorecards, narrowed to interviews held (not cancelled) with the kit (with
    any kit for None)."""
    stmt = (
        stmt.join(Interview, Scorecard.interview_id == Interview.id)
        .join(KitVersion, Interview.kit_version_id == KitVersion.id)
        .where(Interview.cancelled_at.is_(None))
    )
    return stmt if kit_id is None else stmt.where(KitVersion.kit_id == kit_id)


@dataclass
class KitFigures:
    """A kit's candidates as its comparison reads them, counted in SQL (a kit may have
    many thousand scorecards): per candidate, their last interview with the kit and how
    many of those interviews are hidden from the reader; then, over the scorecards the
    reader may read, submitted ones by recommendation, and rating values with how often
    each was given, by kit version and kit competency."""

    versions_used: set[int]
    last_interview: dict[int, datetime]
    hidden: dict[int, int]
    recommendations: dict[int, Counter]
    values: dict[int, list[tuple[int, int, int, int]]]  # (version, kit competency, value, n)

    def to_json(self) -> dict:
        return {
            "versions_used": sorted(self.versions_used),
            "last_interview": [[c, at.isoformat()] for c, at in self.last_interview.items()],
            "recommendations": [
                [c, [[r.value if r else None, n] for r, n in tally.items()]]
                for c, tally in self.recommendations.items()
            ],
            "values": [[c, rows] for c, rows in self.values.items()],
        }

    @classmethod
    def from_json(cls, data: dict) -> "KitFigures":
        return cls(
            set(data["versions_used"]),
            {c: datetime.fromisoformat(at) for c, at in data["last_interview"]},
            {},
            {
                c: Counter({Recommendation(r) if r else None: n for r, n in tally})
                for c, tally in data["recommendations"]
            },
            {c: [tuple(row) for row in rows] for c, rows in data["values"]},
        )


def kit_figures(kit_id: int, reader=None) -> KitFigures:
    """The kit's figures as a manager reads them (the comparison is for managers): every
    submitted scorecard but colleagues' of interviews the reader sits on the panel of
    without having submitted, as PanelAccess decides for a manager; every one without a
    reader (what is kept for readers with no such panel). Five queries."""
    if reader is not None and not reader.is_manager:
        raise ValueError("A kit's comparison is for managers.")
    readable = _held_with_kit(select().select_from(Scorecard), kit_id).where(
        Scorecard.submitted_at.is_not(None)
    )
    hidden: dict[int, int] = {}
    if reader is not None:
        pending = pending_panels(reader.id)
        readable = readable.where(
            or_(Scorecard.interviewer_id == reader.id, Scorecard.interview_id.not_in(pending))
        )
        hidden = _hidden_per_candidate(kit_id, reader)
    versions_used = set(
        db.session.scalars(_held_with_kit(select(Scorecard.kit_version_id).distinct(), kit_id))
    )
    last_interview = dict(
        db.session.execute(
            _held_with_kit(
                select(Interview.candidate_id, func.max(Interview.scheduled_at)).select_from(
                    Scorecard
                ),
                kit_id,
            )
            # Interviewed: someone on the panel has submitted. An interview still to
            # happen, or with every scorecard in draft, puts no one in the comparison.
            .where(Scorecard.submitted_at.is_not(None))
            .group_by(Interview.candidate_id)
            # In the order of their first interview with the kit: ties keep it when sorted.
            .order_by(func.min(Interview.scheduled_at), func.min(Scorecard.id))
        ).all()
    )
    recommendations: dict[int, Counter] = defaultdict(Counter)
    for candidate_id, recommendation, n in db.session.execute(
        readable.add_columns(
            Interview.candidate_id, Scorecard.recommendation, func.count()
        ).group_by(Interview.candidate_id, Scorecard.recommendation)
    ):
        recommendations[candidate_id][recommendation] += n
    values: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    for candidate_id, *counted in db.session.execute(
        readable.join(Rating, Rating.scorecard_id == Scorecard.id)
        .where(Rating.value.is_not(None))
        .add_columns(
            Interview.candidate_id,
            Scorecard.kit_version_id,
            Rating.kit_competency_id,
            Rating.value,
            func.count(),
        )
        .group_by(
            Interview.candidate_id, Scorecard.kit_version_id, Rating.kit_competency_id, Rating.value
        )
    ):
        values[candidate_id].append(tuple(counted))
    return KitFigures(versions_used, last_interview, hidden, recommendations, values)


def _hidden_per_candidate(kit_id: int, reader) -> dict[int, int]:
    """Per candidate, how many of their interviews with the kit are hidden from the reader."""
    return dict(
        db.session.execute(
            _held_with_kit(
                select(
                    Interview.candidate_id, func.count(func.distinct(Scorecard.interview_id))
                ).select_from(Scorecard),
                kit_id,
            )
            .where(
                Scorecard.interview_id.in_(pending_panels(reader.id)),
                Scorecard.interviewer_id != reader.id,
            )
            .group_by(Interview.candidate_id)
        ).all()
    )


def candidate_names(candidate_ids: Iterable[int], reader) -> dict[int, str]:
    """The names of these candidates (a kit's compared) that the reader manages, by id: a
    comparison shows no other team's candidates."""
    ids = set(candidate_ids)
    if not ids:
        return {}
    # A range, not a list of ids: a kit may compare more candidates than a statement may
    # carry parameters (65,535 on PostgreSQL).
    rows = db.session.execute(
        select(Candidate.id, Candidate.name).where(
            Candidate.id.between(min(ids), max(ids)), managed_candidates(reader)
        )
    )
    return {candidate: name for candidate, name in rows if candidate in ids}


def current_outcomes(candidate_ids: Iterable[int]) -> dict[int, str]:
    """The outcome of the decision in force for each of these candidates that has one."""
    ids = set(candidate_ids)
    if not ids:
        return {}
    rows = db.session.execute(  # a range, as above
        select(Decision.candidate_id, Decision.outcome)
        .where(Decision.candidate_id.between(min(ids), max(ids)))
        .order_by(Decision.decided_at, Decision.id)
    )
    return {candidate: outcome for candidate, outcome in rows if candidate in ids}


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


def kit_scales(kit_id: int) -> list:
    """Each of a kit's versions' recommendation scale (points and labels), newest first:
    what `recommendation_words` reads, without loading the versions."""
    return db.session.execute(
        select(KitVersion.recommendation_points, KitVersion.recommendation_labels)
        .where(KitVersion.kit_id == kit_id)
        .order_by(KitVersion.number.desc())
    ).all()


def kits_interviewed() -> list[Kit]:
    """Kits with at least one interview, by title. Asked per kit, each answered by its
    first interview found: a list of every interview's kit grew with the history (7 ms
    of the calibration page at 100,000 scorecards)."""
    used = exists(
        select(Interview.id)
        .join(KitVersion, Interview.kit_version_id == KitVersion.id)
        .where(KitVersion.kit_id == Kit.id)
    )
    return db.session.scalars(select(Kit).where(used).order_by(Kit.title)).all()


def hidden_from(user) -> set[int]:
    """Interviews whose panel the user sits on without having submitted or stepped back:
    none of their colleagues' ratings may reach the user, not even inside a figure."""
    return set(db.session.scalars(pending_panels(user.id)))


def _scales() -> dict[int, int]:
    """Each kit version's scale size."""
    return dict(
        db.session.execute(
            select(ScalePoint.kit_version_id, func.count()).group_by(ScalePoint.kit_version_id)
        ).all()
    )


def _competencies() -> dict[int, tuple[int, str]]:
    """Each kit competency's competency and name."""
    return {
        kit_competency: (competency, name)
        for kit_competency, competency, name in db.session.execute(
            select(
                KitCompetency.id,
                KitCompetency.competency_id,
                func.coalesce(KitCompetency.name, Competency.name),
            ).join(Competency, KitCompetency.competency_id == Competency.id)
        )
    }


def first_ratings(kit_id: int | None = None, hidden: Iterable[int] = ()) -> list[Fact]:
    """Every first-submitted rating (of kit `kit_id` only, when given), leaving out the
    interviews in `hidden`; in four queries whatever the size. There may be hundreds of
    thousands: the ratings are read as bare numbers, and what they share (the scorecard's
    times, the competency's name, the scale) once each."""
    scales, competencies = _scales(), _competencies()

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


def first_values(kit_id: int, hidden: Iterable[int] = ()) -> list[tuple[int, int, str, int, int]]:
    """The kit's first-submitted rating values (not "not assessed"), leaving out the
    interviews in `hidden`, as calibration.kit_reliability reads them: (interview,
    competency, its name, the scale's size, value), in the order of first_ratings. Only
    what the panels' agreement needs: no times, no interviewer."""
    scales, competencies = _scales(), _competencies()
    held = _held_with_kit(
        select(
            Scorecard.interview_id,
            Rating.kit_competency_id,
            Rating.kit_version_id,
            Rating.first_value,
        )
        .select_from(Rating)
        .join(Scorecard, Rating.scorecard_id == Scorecard.id)
        .join(KitCompetency, Rating.kit_competency_id == KitCompetency.id),
        kit_id,
    ).where(
        Scorecard.first_submitted_at.is_not(None),
        Rating.first_value.is_not(None),
        or_(Rating.first_not_assessed.is_(None), ~Rating.first_not_assessed),
    )
    hidden = set(hidden)
    found = []
    for interview, kit_competency, version, value in db.session.execute(
        held.order_by(Scorecard.id, KitCompetency.position)
    ):
        named = competencies.get(kit_competency)
        if interview in hidden or named is None:  # a competency added between the reads
            continue
        found.append((interview, *named, scales.get(version, 0), value))
    return found


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

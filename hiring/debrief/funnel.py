"""Funnel reports: how applications move through an opening's stages, how fast decisions
come, and whether the panels give the evidence the decisions need.

Every figure is counted over the applications made in the chosen dates (all of them
without dates), of one opening or of all. A figure from fewer than SMALL cases is shown
with "too few to tell": five applications moving on or not say little about a rate.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from hiring.debrief import queries
from hiring.debrief.models import Decision
from hiring.extensions import db, utcnow
from hiring.interviews.models import (
    Application,
    ApplicationStatus,
    Interview,
    Rating,
    Scorecard,
)
from hiring.interviews.queries import to_managed_openings
from hiring.kits.models import KitCompetency
from hiring.openings.models import Opening
from hiring.timezones import start_of_day

SMALL = 5
# Greenhouse's mark of a team that decides on evidence: scorecards in within a day.
ON_TIME = timedelta(hours=24)


@dataclass(frozen=True)
class Figure:
    """A figure with the number of cases behind it."""

    value: float | None
    cases: int

    @property
    def too_few(self) -> bool:
        return self.cases < SMALL


@dataclass
class StageRow:
    name: str
    reached: int = 0
    passed: Figure | None = None  # share that reached the next stage
    days: Figure = field(default_factory=lambda: Figure(None, 0))


@dataclass
class Funnel:
    opening: Opening | None
    applications: int = 0
    stages: list[StageRow] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)
    days_to_decision: Figure = field(default_factory=lambda: Figure(None, 0))
    submitted_on_time: Figure = field(default_factory=lambda: Figure(None, 0))
    submitted_ever: Figure = field(default_factory=lambda: Figure(None, 0))
    hours_to_submit: list[tuple[str, Figure]] = field(default_factory=list)
    must_haves_twice: Figure = field(default_factory=lambda: Figure(None, 0))


def _share(hits: int, cases: int) -> Figure:
    return Figure(hits / cases if cases else None, cases)


def _median(values: list[float]) -> Figure:
    return Figure(median(values) if values else None, len(values))


def funnel(
    opening: Opening | None, reader, start: date | None = None, end: date | None = None
) -> Funnel:
    """The funnel of one opening (its stages in plan order), or of every opening the
    reader sees (no stages: they differ between plans)."""
    # The reader's days: from the start of `start` to the end of `end`.
    low, high = start_of_day(start), start_of_day(end, next_day=True)
    stmt = select(Application).options(
        selectinload(Application.moves), joinedload(Application.opening)
    )
    if opening is not None:
        stmt = stmt.where(Application.opening_id == opening.id)
    else:
        stmt = stmt.where(to_managed_openings(reader))
    if low is not None:
        stmt = stmt.where(Application.applied_at >= low)
    if high is not None:
        stmt = stmt.where(Application.applied_at < high)
    applications = db.session.scalars(stmt).all()
    result = Funnel(opening, applications=len(applications))
    ids = [a.id for a in applications]
    for a in applications:
        result.outcomes[a.status.value] = result.outcomes.get(a.status.value, 0) + 1
        if a.status is ApplicationStatus.REJECTED:
            result.reasons[a.reason or "Not said"] = (
                result.reasons.get(a.reason or "Not said", 0) + 1
            )
    if opening is not None:
        result.stages = _stages(opening, applications)
    if not ids:
        return result
    result.days_to_decision = _days_to_decision(applications)
    _submissions(result, ids)
    if opening is not None:
        result.must_haves_twice = _must_haves_twice(opening, ids)
    return result


def _stages(opening: Opening, applications: list[Application]) -> list[StageRow]:
    names = [s.name for s in opening.stages]
    rows = [StageRow(name) for name in names]
    stays: dict[str, list[float]] = defaultdict(list)
    for a in applications:
        path = [m for m in a.moves if m.to_stage]
        reached = {names.index(m.to_stage) for m in path if m.to_stage in names}
        if a.stage is not None and a.stage.name in names:
            reached.add(names.index(a.stage.name))
        furthest = max(reached, default=-1)
        for n in range(furthest + 1):
            rows[n].reached += 1
        # Time in a stage: from the move into it to the next move (stays still running
        # are left out: they have no length yet).
        for move, after in zip(a.moves, a.moves[1:], strict=False):
            if move.to_stage:
                stays[move.to_stage].append((after.at - move.at).total_seconds() / 86400)
    for n, row in enumerate(rows):
        if n + 1 < len(rows):
            row.passed = _share(rows[n + 1].reached, row.reached)
        row.days = _median(stays.get(row.name, []))
    return rows


def _days_to_decision(applications: list[Application]) -> Figure:
    first = dict(
        db.session.execute(
            select(Decision.application_id, func.min(Decision.decided_at))
            .where(Decision.application_id.in_([a.id for a in applications]))
            .group_by(Decision.application_id)
        ).all()
    )
    days = [
        (first[a.id] - a.applied_at).total_seconds() / 86400 for a in applications if a.id in first
    ]
    return _median(days)


def _submissions(result: Funnel, ids: list[int]) -> None:
    """Interviews held (over, not cancelled) with every expected scorecard in within a
    day of their end, and ever; each interviewer's median hours to submit."""
    now = utcnow()
    rows = db.session.execute(
        select(
            Interview.id,
            Interview.scheduled_at,
            Interview.duration_minutes,
            Scorecard.interviewer_id,
            Scorecard.first_submitted_at,
        )
        .join(Scorecard, Scorecard.interview_id == Interview.id)
        .where(
            Interview.application_id.in_(ids),
            Interview.cancelled_at.is_(None),
            Interview.scheduled_at < now,
            Scorecard.expected,
        )
    ).all()
    panels: dict[int, list] = defaultdict(list)
    hours: dict[int, list[float]] = defaultdict(list)
    for interview_id, at, minutes, interviewer_id, submitted in rows:
        ends = at + timedelta(minutes=minutes)
        if ends > now:
            continue
        panels[interview_id].append((ends, submitted))
        if submitted is not None:
            hours[interviewer_id].append(max(0.0, (submitted - ends).total_seconds() / 3600))
    on_time = sum(all(s is not None and s - e <= ON_TIME for e, s in p) for p in panels.values())
    ever = sum(all(s is not None for _, s in p) for p in panels.values())
    result.submitted_on_time = _share(on_time, len(panels))
    result.submitted_ever = _share(ever, len(panels))
    names = queries.names(hours)
    result.hours_to_submit = sorted(
        ((names.get(i, "A former user"), _median(h)) for i, h in hours.items()),
        key=lambda item: (-(item[1].value or 0), item[0]),
    )


def _must_haves_twice(opening: Opening, ids: list[int]) -> Figure:
    """Of each application's must-have attributes (applications with a submitted
    scorecard), the share rated by at least two interviewers."""
    must = {a.competency_id for a in opening.attributes if a.must_have}
    if not must:
        return Figure(None, 0)
    raters: dict[tuple[int, int], set[int]] = defaultdict(set)
    scored: set[int] = set()
    for application_id, competency_id, interviewer_id in db.session.execute(
        select(Interview.application_id, KitCompetency.competency_id, Scorecard.interviewer_id)
        .join(Scorecard, Scorecard.interview_id == Interview.id)
        .join(Rating, Rating.scorecard_id == Scorecard.id)
        .join(KitCompetency, KitCompetency.id == Rating.kit_competency_id)
        .where(
            Interview.application_id.in_(ids),
            Interview.cancelled_at.is_(None),
            Scorecard.submitted_at.is_not(None),
            Rating.value.is_not(None),
        )
    ):
        scored.add(application_id)
        if competency_id in must:
            raters[(application_id, competency_id)].add(interviewer_id)
    cases = len(scored) * len(must)
    hits = sum(len(raters[(a, c)]) >= 2 for a in scored for c in must)
    return _share(hits, cases)

"""How each interviewer rates, against their co-panelists on the same interviews; and how
well the panels of a kit agree. Built on first-submitted ratings only: these figures are
about independent judgement, before anyone read the panel."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from statistics import median
from typing import NamedTuple

import numpy as np

from hiring.debrief.reliability import Agreement, alpha_of, mean_counted, rescale

# Mean difference from co-panelists, in scale points, that marks a rater lenient or severe.
LEANING = 0.5
# Fewer shared ratings than this, and the difference is only a hint.
FEW_SHARED = 8
# A share of "not assessed" at or above this is flagged.
NOT_ASSESSED_SHARE = 0.25
# One point used for this share of a rater's ratings (of at least FEW_SHARED) is flagged.
ONE_POINT_SHARE = 0.7


class Fact(NamedTuple):
    """One first-submitted rating, with where it was given. A named tuple: calibration
    reads hundreds of thousands."""

    interviewer_id: int
    interview_id: int
    kit_id: int
    competency_id: int
    competency: str
    scale: int
    value: int | None  # None: not assessed
    scheduled_at: datetime
    submitted_at: datetime


@dataclass
class Rater:
    """One interviewer's figures."""

    id: int
    name: str
    ratings: int = 0
    not_assessed: int = 0
    differences: list[float] = field(default_factory=list)
    distribution: Counter = field(default_factory=Counter)
    scale: int = 0
    hours: list[float] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def shared(self) -> int:
        return len(self.differences)

    @cached_property
    def leaning(self) -> float | None:
        """Read once `differences` is complete (raters() fills it, then flags). Exactly
        their mean, summed over the few distinct differences there are."""
        return mean_counted(Counter(self.differences).items())

    @property
    def not_assessed_share(self) -> float | None:
        total = self.ratings + self.not_assessed
        return self.not_assessed / total if total else None

    @property
    def median_hours(self) -> float | None:
        return median(self.hours) if self.hours else None

    @property
    def few_shared(self) -> bool:
        return self.shared < FEW_SHARED

    @property
    def label(self) -> str:
        if self.leaning is None or self.few_shared:
            return "—"
        if self.leaning >= LEANING:
            return "Lenient"
        if self.leaning <= -LEANING:
            return "Severe"
        return "In line"

    def as_dict(self) -> dict:
        return {
            "interviewer": self.name,
            "ratings": self.ratings,
            "shared_ratings": self.shared,
            "mean_difference": None if self.leaning is None else round(self.leaning, 2),
            "leaning": self.label,
            "distribution": {str(p): self.distribution.get(p, 0) for p in range(1, self.scale + 1)},
            "not_assessed_share": None
            if self.not_assessed_share is None
            else round(self.not_assessed_share, 3),
            "median_hours_to_submit": None
            if self.median_hours is None
            else round(self.median_hours, 1),
            "flags": self.flags,
        }


def raters(facts: list[Fact], names: dict[int, str], overdue_hours: int) -> list[Rater]:
    """Every interviewer with first-submitted ratings, by name, their standouts flagged."""
    by_unit: dict[tuple[int, int], list[Fact]] = defaultdict(list)
    for fact in facts:
        by_unit[(fact.interview_id, fact.competency_id)].append(fact)
    people: dict[int, Rater] = {}
    timings: dict[int, dict[int, float]] = defaultdict(dict)
    # Values by the scale they were given on: placed on the rater's largest once known.
    given: dict[int, Counter] = defaultdict(Counter)
    for fact in facts:
        rater = people.get(fact.interviewer_id)
        if rater is None:
            name = names.get(fact.interviewer_id, f"User {fact.interviewer_id}")
            rater = people[fact.interviewer_id] = Rater(fact.interviewer_id, name)
        timings[fact.interviewer_id][fact.interview_id] = max(
            0.0, (fact.submitted_at - fact.scheduled_at).total_seconds() / 3600
        )
        if fact.value is None:
            rater.not_assessed += 1
            continue
        rater.ratings += 1
        rater.scale = max(rater.scale, fact.scale)
        given[fact.interviewer_id][(fact.value, fact.scale)] += 1
        others = [
            other.value
            for other in by_unit[(fact.interview_id, fact.competency_id)]
            if other.interviewer_id != fact.interviewer_id and other.value is not None
        ]
        if others:
            # Whole numbers: their sum is exact, so this mean is rounded once.
            rater.differences.append(fact.value - sum(others) / len(others))
    for rater_id, hours in timings.items():
        people[rater_id].hours = list(hours.values())
    for rater_id, values in given.items():
        rater = people[rater_id]
        for (value, scale), n in values.items():
            rater.distribution[round(rescale(value, scale, rater.scale))] += n
    for rater in people.values():
        rater.flags = _flags(rater, overdue_hours)
    return sorted(people.values(), key=lambda r: r.name.lower())


def _flags(rater: Rater, overdue_hours: int) -> list[str]:
    """What makes a rater stand out, in plain words."""
    flags = []
    if rater.leaning is not None and not rater.few_shared:
        if rater.leaning >= LEANING:
            flags.append(
                f"Lenient: rates {rater.leaning:.1f} points above co-panelists on average, "
                f"over {rater.shared} shared ratings."
            )
        elif rater.leaning <= -LEANING:
            flags.append(
                f"Severe: rates {-rater.leaning:.1f} points below co-panelists on average, "
                f"over {rater.shared} shared ratings."
            )
    share = rater.not_assessed_share
    if share is not None and share >= NOT_ASSESSED_SHARE and rater.not_assessed >= 2:
        flags.append(f"Marks {share:.0%} of competencies not assessed.")
    if rater.ratings >= FEW_SHARED:
        point, used = rater.distribution.most_common(1)[0]
        if used / rater.ratings >= ONE_POINT_SHARE:
            flags.append(f"Little range: gives {point} in {used / rater.ratings:.0%} of ratings.")
    if rater.median_hours is not None and rater.median_hours > overdue_hours:
        flags.append(
            f"Slow to submit: a median of {rater.median_hours:.0f} hours after the interview."
        )
    return flags


@dataclass
class KitReliability:
    kit_id: int
    title: str
    overall: Agreement
    competencies: list[tuple[str, Agreement]]
    interviews: int


def reliability(facts: list[Fact], kit_id: int, title: str) -> KitReliability:
    """Alpha for one kit (see kit_reliability), from every interviewer's facts."""
    return kit_reliability(
        kit_id,
        title,
        (
            (f.interview_id, f.competency_id, f.competency, f.scale, f.value)
            for f in facts
            if f.kit_id == kit_id and f.value is not None
        ),
    )


def kit_reliability(
    kit_id: int, title: str, ratings: Iterable[tuple[int, int, str, int, int]]
) -> KitReliability:
    """Alpha for one kit: over every (interview, competency) rated by two or more, and per
    competency over its interviews. Scales of different sizes are placed on the largest.

    `ratings` are the kit's first-submitted values as (interview, competency, its name,
    the scale's size, value), in scorecard order: a competency is named as first seen."""
    ratings = list(ratings)
    target = max((scale for _, _, _, scale, _ in ratings), default=0)
    # Each rating's unit, numbered as first seen, and its value on the kit's largest scale.
    unit_of: dict[tuple[int, int], int] = {}
    unit_competency: list[int] = []
    names: dict[int, str] = {}
    units, values = [], []
    for interview_id, competency_id, name, scale, value in ratings:
        unit = unit_of.get((interview_id, competency_id))
        if unit is None:
            unit = unit_of[(interview_id, competency_id)] = len(unit_competency)
            unit_competency.append(competency_id)
            names.setdefault(competency_id, name)
        units.append(unit)
        values.append(value if scale == target else rescale(value, scale, target))
    unit_array = np.array(units, dtype=np.int64)
    value_array = np.array(values, dtype=float)
    of_competency = np.array(unit_competency, dtype=np.int64)[unit_array]
    per_competency = []
    for competency_id, name in names.items():
        mine = of_competency == competency_id
        per_competency.append((name, alpha_of(unit_array[mine], value_array[mine])))
    return KitReliability(
        kit_id,
        title,
        alpha_of(unit_array, value_array),
        per_competency,
        len({interview_id for interview_id, _ in unit_of}),
    )

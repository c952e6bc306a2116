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

from hiring.debrief.reliability import ENOUGH, Agreement, alpha_of, mean_counted, rescale

# Mean difference from co-panelists, in scale points, that marks a rater lenient or severe.
LEANING = 0.5
# Fewer shared ratings than this, and a leaning is too early to tell: the rule alpha
# follows over units.
FEW_SHARED = ENOUGH
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


class _Judged:
    """What a rater's figures say of them: a share not assessed, whether they share too
    few ratings to judge, and their leaning in a word. Needs ratings, not_assessed,
    shared and leaning."""

    @property
    def not_assessed_share(self) -> float | None:
        total = self.ratings + self.not_assessed
        return self.not_assessed / total if total else None

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


@dataclass
class Rater(_Judged):
    """One interviewer's figures, with the ratings they come from."""

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
    def median_hours(self) -> float | None:
        return median(self.hours) if self.hours else None

    def figures(self) -> "RaterFigures":
        """The rater's figures, without the ratings they come from: what pages show and
        what is kept between refreshes."""
        return RaterFigures(
            self.id,
            self.name,
            self.ratings,
            self.not_assessed,
            self.shared,
            self.leaning,
            dict(self.distribution),
            self.scale,
            self.median_hours,
            list(self.flags),
        )


@dataclass(frozen=True)
class RaterFigures(_Judged):
    """One interviewer's figures as pages show them (and as they are kept)."""

    id: int
    name: str
    ratings: int
    not_assessed: int
    shared: int
    leaning: float | None
    distribution: dict[int, int]
    scale: int
    median_hours: float | None
    flags: list[str]

    def to_json(self) -> dict:
        return {**self.__dict__, "distribution": list(self.distribution.items())}

    @classmethod
    def from_json(cls, data: dict) -> "RaterFigures":
        return cls(**{**data, "distribution": {int(p): n for p, n in data["distribution"]}})

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
    """Every interviewer with first-submitted ratings, by name, their standouts flagged.

    There may be hundreds of thousands of facts: they are read once into columns, and
    counted with numpy. A rating's difference is its value less the mean of the others'
    in its unit (an interview's competency): the unit's sum and count less the rater's
    own. The values are whole numbers, so those sums are exact, and each difference is
    the same float as written out one by one."""
    if not facts:
        return []
    who, interview, _, competency, _, scale, value, scheduled, submitted = zip(*facts, strict=True)
    people_index: dict[int, int] = {}
    rater = np.array([people_index.setdefault(w, len(people_index)) for w in who])
    # A unit's number: its (interview, competency) as one integer, then numbered.
    competencies = np.array(competency, dtype=np.int64)
    pair = np.array(interview, dtype=np.int64) * (int(competencies.max()) + 1) + competencies
    unit = np.unique(pair, return_inverse=True)[1]
    values = np.array(value, dtype=float)  # not assessed: NaN
    scales = np.array(scale, dtype=np.int64)
    rated = ~np.isnan(values)
    count = len(people_index)
    ratings = np.bincount(rater[rated], minlength=count)
    not_assessed = np.bincount(rater[~rated], minlength=count)
    largest = np.zeros(count, dtype=np.int64)
    np.maximum.at(largest, rater[rated], scales[rated])

    # Co-panelists' sums and counts: the unit's, less the rater's own in it.
    r, u, v = rater[rated], unit[rated], values[rated]
    unit_sum = np.bincount(u, weights=v)
    unit_count = np.bincount(u)
    _, own_at = np.unique(u * count + r, return_inverse=True)
    own_sum = np.bincount(own_at, weights=v)
    own_count = np.bincount(own_at)
    others = unit_count[u] - own_count[own_at]
    shared = others > 0
    differences = v[shared] - (unit_sum[u] - own_sum[own_at])[shared] / others[shared]
    by_rater = np.argsort(r[shared], kind="stable")
    split = np.cumsum(np.bincount(r[shared], minlength=count))[:-1]
    differences_of = np.split(differences[by_rater], split)

    # Values by the scale they were given on, placed on the rater's largest. Points run
    # from 1, so (rater, point, scale) is one integer and back.
    points, sizes = v.astype(np.int64), scales[rated]
    span, top = int(points.max(initial=0)) + 1, int(sizes.max(initial=0)) + 1
    given, given_count = np.unique((r * span + points) * top + sizes, return_counts=True)
    # Hours from interview to first submission, once per scorecard.
    hours: dict[int, dict[int, float]] = defaultdict(dict)
    for w, i, at, done in zip(who, interview, scheduled, submitted, strict=True):
        mine = hours[w]
        if i not in mine:
            mine[i] = max(0.0, (done - at).total_seconds() / 3600)

    people = []
    for w, n in people_index.items():
        person = Rater(w, names.get(w, f"User {w}"))
        person.ratings, person.not_assessed = int(ratings[n]), int(not_assessed[n])
        person.scale = int(largest[n])
        person.differences = differences_of[n].tolist()
        person.hours = list(hours[w].values())
        people.append(person)
    for key, used in zip(given.tolist(), given_count.tolist(), strict=True):
        n, point, size = key // top // span, key // top % span, key % top
        person = people[n]
        person.distribution[round(rescale(point, size, person.scale))] += used
    for person in people:
        person.flags = _flags(person, overdue_hours)
    return sorted(people, key=lambda p: p.name.lower())


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

    def as_dict(self) -> dict:
        """As the JSON exports show it."""
        return {
            "kit": self.title,
            "interviews": self.interviews,
            "overall": self.overall.as_dict(),
            "competencies": {name: a.as_dict() for name, a in self.competencies},
        }

    def to_json(self) -> dict:
        return {
            "kit_id": self.kit_id,
            "title": self.title,
            "overall": self.overall.__dict__,
            "competencies": [[name, a.__dict__] for name, a in self.competencies],
            "interviews": self.interviews,
        }

    @classmethod
    def from_json(cls, data: dict) -> "KitReliability":
        return cls(
            data["kit_id"],
            data["title"],
            Agreement(**data["overall"]),
            [(name, Agreement(**a)) for name, a in data["competencies"]],
            data["interviews"],
        )


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
        values.append(rescale(value, scale, target))
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

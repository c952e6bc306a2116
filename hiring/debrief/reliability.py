"""Inter-rater reliability: Krippendorff's alpha over interviews rated by several people.

Alpha suits panels: any number of raters per unit, missing ratings allowed. 1 is perfect
agreement, 0 is what chance alone would give. Krippendorff suggests relying on data with
alpha of at least 0.8 and drawing tentative conclusions down to 0.667; below that, the
raters need calibrating before their ratings are combined.
"""

import statistics
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import krippendorff
import numpy as np

# Below this, ratings are too inconsistent to combine without calibration.
TENTATIVE = 0.667
RELIABLE = 0.8

ONE_RATER = (
    "Not computable: no interview here has two raters of the same competency, so there is "
    "nothing to compare."
)
ALL_EQUAL = (
    "Not computable: every rating compared is the same point, so agreement cannot be told "
    "apart from chance."
)


@dataclass(frozen=True)
class Agreement:
    """Alpha at two levels of measurement, with what it rests on; `problem` says in words
    why it could not be computed."""

    ordinal: float | None
    interval: float | None
    units: int
    ratings: int
    problem: str | None = None

    @property
    def verdict(self) -> str:
        if self.ordinal is None:
            return "Not computable"
        if self.ordinal >= RELIABLE:
            return "Reliable"
        if self.ordinal >= TENTATIVE:
            return "Tentative"
        return "Calibrate"

    @property
    def low(self) -> bool:
        return self.ordinal is not None and self.ordinal < TENTATIVE

    def as_dict(self) -> dict:
        return {
            "alpha_ordinal": None if self.ordinal is None else round(self.ordinal, 3),
            "alpha_interval": None if self.interval is None else round(self.interval, 3),
            "units": self.units,
            "ratings": self.ratings,
            "verdict": self.verdict,
            "problem": self.problem,
        }


def alpha(units: Mapping[Hashable, list[float]]) -> Agreement:
    """Krippendorff's alpha, ordinal and interval, for `units`: each unit (an interview's
    competency) with the values its raters gave. Units with one value cannot be paired
    and are left out, as the coefficient prescribes."""
    sizes = [len(values) for values in units.values()]
    return alpha_of(
        np.repeat(np.arange(len(sizes)), sizes),
        np.array([value for values in units.values() for value in values], dtype=float),
    )


def alpha_of(unit: np.ndarray, values: np.ndarray) -> Agreement:
    """alpha() for ratings given as arrays: `values[i]` was given in unit `unit[i]`, units
    numbered from 0 in the order they are to be read (numbers may be skipped). Whole
    kits hold hundreds of thousands of ratings: counting them here takes no Python loop."""
    sizes = np.bincount(unit) if unit.size else np.zeros(0, dtype=np.int64)
    pairable = sizes >= 2
    paired = pairable[unit]
    units = int(np.count_nonzero(pairable))
    if not units:
        return Agreement(None, None, 0, 0, ONE_RATER)
    kept = values[paired]
    domain = np.unique(kept)
    if domain.size < 2:
        return Agreement(None, None, units, int(kept.size), ALL_EQUAL)
    # The table the coefficient reads: a row per pairable unit, in unit order, counting
    # each value of the domain.
    rows = np.cumsum(pairable) - 1
    counts = np.zeros((units, domain.size))
    np.add.at(counts, (rows[unit[paired]], np.searchsorted(domain, kept)), 1)
    ordinal, interval = (
        float(
            krippendorff.alpha(
                value_counts=counts, value_domain=domain.tolist(), level_of_measurement=level
            )
        )
        for level in ("ordinal", "interval")
    )
    return Agreement(ordinal, interval, units, int(kept.size))


def rescale(value: float, size: int, target: int) -> float:
    """A point on a `size`-point scale placed on a `target`-point one, ends on ends."""
    if size == target or size < 2:
        return value
    return 1 + (value - 1) * (target - 1) / (size - 1)


def mean_of(values: Sequence[float]) -> float | None:
    """The mean, rounded once as statistics.mean rounds it (None for no values). Whole
    numbers, the usual case, skip its exact fractions: their sum is exact already, and
    dividing it rounds once."""
    if not values:
        return None
    if all(type(v) is int for v in values):
        return sum(values) / len(values)
    return float(statistics.mean(values))


def mean_counted(counted: Iterable[tuple[float, int]]) -> float | None:
    """mean_of the values given as (value, how many times it occurs), rounded exactly as
    mean_of rounds the values written out: whole numbers summed, then divided once;
    others summed exactly (as statistics.mean sums them), then rounded once."""
    pairs = [(value, n) for value, n in counted if n]
    total = sum(n for _, n in pairs)
    if not total:
        return None
    if all(type(value) is int for value, _ in pairs):
        return sum(value * n for value, n in pairs) / total
    return float(sum(Fraction(value) * n for value, n in pairs) / total)

"""Inter-rater reliability: Krippendorff's alpha over interviews rated by several people.

Alpha suits panels: any number of raters per unit, missing ratings allowed. 1 is perfect
agreement, 0 is what chance alone would give. Krippendorff suggests relying on data with
alpha of at least 0.8 and drawing tentative conclusions down to 0.667; below that, the
raters need calibrating before their ratings are combined.

A figure over a handful of units says little: alpha from one interview can read -0.18 by
chance alone. So each alpha carries a bootstrap 95% interval (resampling units, as Hayes
and Krippendorff bootstrap alpha; see `interval_of`), and under ENOUGH units no verdict is
given: "Too early to tell". Leniency follows the same rule over shared ratings. Ten,
because below it the interval is wider than the whole way from chance (0) to perfect
agreement (1): for two raters of a four-point
scale who mostly agree within a point, its median width was 1.39 at 5 units, 0.87 at 10,
0.57 at 20 and 0.33 at 50 (tests/test_debrief_reliability.py measures it).
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
# Fewer things compared than this (pairable units for alpha, shared ratings for a rater's
# leaning) and a figure is too early to tell: shown, with no verdict drawn from it.
ENOUGH = 10
TOO_EARLY = "Too early to tell"
# Bootstrap replicates for the interval; a fixed seed keeps a figure the same each time
# it is computed from the same ratings.
REPLICATES = 2000
SEED = 20070101

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
    # The ordinal alpha's bootstrap 95% interval (None where it was not computed).
    ci_low: float | None = None
    ci_high: float | None = None

    @property
    def too_early(self) -> bool:
        return self.ordinal is not None and self.units < ENOUGH

    @property
    def verdict(self) -> str:
        if self.ordinal is None:
            return "Not computable"
        if self.too_early:
            return TOO_EARLY
        if self.ordinal >= RELIABLE:
            return "Reliable"
        if self.ordinal >= TENTATIVE:
            return "Tentative"
        return "Calibrate"

    @property
    def low(self) -> bool:
        return self.ordinal is not None and not self.too_early and self.ordinal < TENTATIVE

    def as_dict(self) -> dict:
        return {
            "alpha_ordinal": None if self.ordinal is None else round(self.ordinal, 3),
            "alpha_interval": None if self.interval is None else round(self.interval, 3),
            "ci95_low": None if self.ci_low is None else round(self.ci_low, 3),
            "ci95_high": None if self.ci_high is None else round(self.ci_high, 3),
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
    ci_low, ci_high = interval_of(counts)
    return Agreement(ordinal, interval, units, int(kept.size), None, ci_low, ci_high)


def ordinal_alphas(counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Ordinal alpha of the units `counts` (a row per unit: how many of its ratings took
    each value of the domain, in order), once per row of `weights` (how many times each
    unit is taken). With weights of one it is krippendorff.alpha's figure.

    alpha = 1 - (n - 1) * sum(o_ck d_ck) / sum(n_c n_k d_ck), with o the coincidences (a
    unit of m ratings adds c_u c_u' - diag(c_u), over m - 1), n_c the value totals and
    the ordinal d_ck = (n_c + ... + n_k - (n_c + n_k) / 2)^2 read off those totals."""
    sizes = counts.sum(axis=1)
    per_unit = (counts[:, :, None] * counts[:, None, :]) - np.einsum(
        "uc,ck->uck", counts, np.eye(counts.shape[1])
    )
    coincidences = np.einsum("bu,uck->bck", weights, per_unit / (sizes - 1)[:, None, None])
    totals = coincidences.sum(axis=2)
    n = totals.sum(axis=1)
    through = np.cumsum(totals, axis=1)
    # sum of n_g for g from c to k (c <= k): through[k] - through[c] + n_c.
    upper = through[:, None, :] - through[:, :, None] + totals[:, :, None]
    ordered = np.triu(np.ones(counts.shape[1:] * 2, dtype=bool))
    span = np.where(ordered, upper, np.swapaxes(upper, 1, 2))
    distance = (span - (totals[:, :, None] + totals[:, None, :]) / 2) ** 2
    observed = (coincidences * distance).sum(axis=(1, 2))
    expected = (totals[:, :, None] * totals[:, None, :] * distance).sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1 - (n - 1) * observed / expected


def interval_of(counts: np.ndarray) -> tuple[float | None, float | None]:
    """The ordinal alpha's bootstrap 95% interval: units drawn with replacement, as many
    as there are, REPLICATES times, and the 2.5th and 97.5th percentiles of the alphas.
    Units with the same ratings count alike, so a draw is a multinomial over the distinct
    ones: a kit of a hundred thousand units costs what a kit of twenty does. Draws where
    every rating is one value have no alpha and are left out. The ordinal metric reads
    ranks only, so the values themselves are not needed."""
    distinct, seen = np.unique(counts, axis=0, return_counts=True)
    total = int(seen.sum())
    draws = np.random.default_rng(SEED).multinomial(total, seen / total, size=REPLICATES)
    alphas = ordinal_alphas(distinct, draws.astype(float))
    alphas = alphas[np.isfinite(alphas)]
    if not alphas.size:
        return None, None
    low, high = np.percentile(alphas, [2.5, 97.5])
    return float(low), float(high)


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

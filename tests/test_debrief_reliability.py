"""Krippendorff's alpha as the debrief uses it: the published worked example, small cases
computed by hand, and the cases where it cannot be computed, said in words."""

import math
import random
import statistics

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hiring.debrief.reliability import (
    ALL_EQUAL,
    ENOUGH,
    ONE_RATER,
    TOO_EARLY,
    alpha,
    alpha_of,
    mean_counted,
    mean_of,
    ordinal_alphas,
    rescale,
)

# Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), section C: four
# observers, twelve units, values 1-5, with missing values (None).
OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def units_of(observers):
    return {
        unit: [row[unit] for row in observers if row[unit] is not None]
        for unit in range(len(observers[0]))
    }


def test_the_published_worked_example():
    result = alpha(units_of(OBSERVERS))
    assert round(result.ordinal, 3) == 0.815
    assert round(result.interval, 3) == 0.849
    # Unit 12 has one value and cannot be paired: 11 units, 40 values.
    assert (result.units, result.ratings) == (11, 40)
    assert result.problem is None and result.verdict == "Reliable"


def test_the_example_does_not_depend_on_the_order_of_raters_or_units():
    shuffled = [list(reversed(row)) for row in reversed(OBSERVERS)]
    assert round(alpha(units_of(shuffled)).ordinal, 3) == 0.815


def test_ratings_as_arrays_read_as_the_units_they_name():
    # A kit's competency reads its own units out of the kit's numbering: the numbers it
    # skips are units of other competencies, not units without ratings to pair.
    units = units_of(OBSERVERS)
    numbered = [(unit * 3 + 2, value) for unit, values in units.items() for value in values]
    random.Random(7).shuffle(numbered)
    result = alpha_of(
        np.array([unit for unit, _ in numbered]),
        np.array([value for _, value in numbered], dtype=float),
    )
    assert result == alpha(units)
    assert alpha_of(np.array([], dtype=np.int64), np.array([])).problem == ONE_RATER


def test_perfect_agreement_is_one():
    result = alpha({"a": [1, 1], "b": [3, 3, 3], "c": [2, 2]})
    assert result.ordinal == pytest.approx(1.0) and result.interval == pytest.approx(1.0)


def test_systematic_disagreement_by_hand():
    # Coincidences: o(1,2) = o(2,1) = 2, n = 4, n1 = n2 = 2. Interval: D_o = 4 * 1 / 4 = 1,
    # D_e = 2 * (2 * 2) * 1 / (4 * 3) = 2/3, alpha = 1 - 1 / (2/3) = -0.5. With two values
    # the ordinal metric is a constant multiple of the interval one: the same alpha.
    result = alpha({"a": [1, 2], "b": [1, 2]})
    assert result.ordinal == pytest.approx(-0.5) and result.interval == pytest.approx(-0.5)


def test_two_agreeing_units_and_one_split_by_hand():
    # o(1,1) = 2, o(3,3) = 2, o(1,3) = o(3,1) = 1; n = 6, n1 = n3 = 3. Interval, d = 2:
    # D_o = 2 * 4 / 6 = 4/3; D_e = 2 * 3 * 3 * 4 / 30 = 2.4; alpha = 1 - (4/3) / 2.4 = 4/9.
    result = alpha({"a": [1, 1], "b": [3, 3], "c": [1, 3]})
    assert result.interval == pytest.approx(4 / 9)
    assert result.ordinal == pytest.approx(4 / 9)  # no value between 1 and 3 was used
    # Three units: the figure is shown, with no verdict.
    assert result.verdict == TOO_EARLY and not result.low


def test_one_interview_is_too_early_to_tell_whatever_its_alpha():
    """The repro: after one interview of four competencies rated by two, alpha read
    -0.18 "Calibrate". Four units is too early: no verdict, and an interval that says
    how little is known."""
    one = alpha({"c1": [3, 2], "c2": [2, 3], "c3": [3, 3], "c4": [2, 4]})
    assert one.ordinal < 0 and one.units == 4
    assert one.verdict == TOO_EARLY and not one.low
    assert one.ci_low <= one.ordinal <= one.ci_high and one.ci_high - one.ci_low >= 0.5
    # The same disagreement over ENOUGH units is a verdict.
    many = alpha(
        {
            f"{n}{c}": v
            for n in range(3)
            for c, v in {"a": [3, 2], "b": [2, 3], "c": [3, 3], "d": [2, 4]}.items()
        }
    )
    assert many.units == 12 >= ENOUGH and many.verdict == "Calibrate" and many.low
    assert many.ci_high - many.ci_low < one.ci_high - one.ci_low


def test_the_interval_of_the_worked_example_holds_its_alpha_and_is_the_same_each_time():
    first, again = alpha(units_of(OBSERVERS)), alpha(units_of(OBSERVERS))
    assert first.ci_low < first.ordinal < first.ci_high <= 1
    assert (first.ci_low, first.ci_high) == (again.ci_low, again.ci_high)
    assert first.as_dict()["ci95_low"] == round(first.ci_low, 3)


unit_counts = st.lists(
    st.lists(st.integers(0, 3), min_size=4, max_size=4).filter(lambda c: sum(c) >= 2),
    min_size=1,
    max_size=25,
)


@settings(max_examples=200, deadline=None)
@given(unit_counts)
def test_the_bootstraps_alpha_is_krippendorffs_when_each_unit_is_taken_once(rows):
    """The interval's replicates are computed without the library; with every unit taken
    once their formula must give the library's alpha."""
    counts = np.array(rows, dtype=float)
    counts = counts[:, counts.sum(axis=0) > 0]
    if counts.shape[1] < 2:
        return
    expected = krippendorff.alpha(
        value_counts=counts,
        value_domain=list(range(counts.shape[1])),
        level_of_measurement="ordinal",
    )
    assert ordinal_alphas(counts, np.ones((1, len(counts))))[0] == pytest.approx(expected)


def test_the_interval_narrows_as_units_grow():
    """What the documented choice of ENOUGH rests on: two raters of a four-point scale
    who mostly agree within a point, many panels of each size."""
    pick = np.random.default_rng(3)

    def median_width(size):
        widths = []
        for _ in range(60):
            units = {}
            for unit in range(size):
                truth = pick.integers(1, 5)
                units[unit] = [int(np.clip(truth + pick.integers(-1, 2), 1, 4)) for _ in "ab"]
            found = alpha(units)
            if found.ci_low is not None:
                widths.append(found.ci_high - found.ci_low)
        return statistics.median(widths)

    five, ten, fifty = median_width(5), median_width(ENOUGH), median_width(50)
    assert five > 1 > ten and fifty < 0.45


def test_ordinal_and_interval_differ_when_the_middle_is_used():
    result = alpha({"a": [1, 2], "b": [1, 2], "c": [2, 3], "d": [3, 3], "e": [1, 1], "f": [2, 2]})
    assert not math.isclose(result.ordinal, result.interval, abs_tol=0.005)


@pytest.mark.parametrize(
    ("units", "problem"),
    [
        ({}, ONE_RATER),
        ({"a": [3], "b": [1], "c": [4]}, ONE_RATER),  # one interviewer per interview
        ({"a": [2, 2], "b": [2, 2, 2], "c": [4]}, ALL_EQUAL),  # every compared rating equal
    ],
)
def test_what_cannot_be_computed_is_said_in_words(units, problem):
    result = alpha(units)
    assert result.ordinal is None and result.interval is None
    assert result.problem == problem and result.verdict == "Not computable"
    assert result.as_dict()["alpha_ordinal"] is None


def test_rescale_puts_ends_on_ends():
    assert rescale(1, 4, 5) == 1 and rescale(4, 4, 5) == 5
    assert rescale(2, 4, 7) == pytest.approx(3)
    assert rescale(3, 5, 5) == 3


def test_mean_of_rounds_as_statistics_mean_does():
    """The figures shown with two decimals must not move with how the mean is summed."""
    assert mean_of([]) is None
    pick = random.Random(7)
    for _ in range(2000):
        whole = [pick.randint(1, 5) for _ in range(pick.randint(1, 40))]
        placed = [rescale(v, 4, 5) for v in whole]
        assert mean_of(whole) == statistics.mean(whole)
        assert mean_of(placed) == statistics.mean(placed)
    # A float sum and a division round twice; statistics.mean, and mean_of, once.
    thirds = [1 / 6, 1 / 2, 5 / 7]
    assert math.fsum(thirds) / 3 != statistics.mean(thirds)
    assert mean_of(thirds) == statistics.mean(thirds)


def test_mean_counted_is_mean_of_the_values_written_out():
    """Counted in SQL (value, how often), a mean is the very float mean_of gives."""
    assert mean_counted([]) is None and mean_counted([(3, 0)]) is None
    pick = random.Random(11)
    for _ in range(2000):
        # Ratings on a 4-point version placed on 5 points, beside 5-point ones.
        counted = [(pick.randint(1, 4), pick.randint(0, 9)) for _ in range(pick.randint(1, 6))]
        mixed = [(rescale(v, 4, 5), n) for v, n in counted] + [(5, pick.randint(0, 3))]
        for pairs in (counted, mixed):
            written_out = [v for v, n in pairs for _ in range(n)]
            assert mean_counted(pairs) == mean_of(written_out)

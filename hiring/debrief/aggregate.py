"""The panel's ratings side by side: per-competency mean, range and disagreement."""

from collections import Counter
from dataclasses import dataclass, field

from hiring.interviews.models import Recommendation, Scorecard

# A spread of this many points or more between two raters of one competency is flagged:
# on a 4-point scale it separates "below basic" from "solid", or "basic" from "exceptional".
DISAGREEMENT = 2


@dataclass(frozen=True)
class Entry:
    """One rater's current rating; `first` when it changed after they saw the panel."""

    who: str
    value: int
    first: str | None = None


@dataclass
class CompetencyRow:
    name: str
    scale_max: int
    ratings: list[Entry] = field(default_factory=list)
    not_assessed: int = 0

    @property
    def values(self) -> list[int]:
        return [entry.value for entry in self.ratings]

    @property
    def changed_after_panel(self) -> bool:
        return any(entry.first is not None for entry in self.ratings)

    @property
    def mean(self) -> float | None:
        return sum(self.values) / len(self.values) if self.values else None

    @property
    def low(self) -> int | None:
        return min(self.values, default=None)

    @property
    def high(self) -> int | None:
        return max(self.values, default=None)

    @property
    def disagreement(self) -> bool:
        return bool(self.values) and self.high - self.low >= DISAGREEMENT


def aggregate(scorecards: list[Scorecard]) -> list[CompetencyRow]:
    """One row per competency rated on these scorecards, in the kits' order."""
    rows: dict[int, CompetencyRow] = {}
    for scorecard in scorecards:
        version = scorecard.interview.kit_version
        ratings = {r.kit_competency_id: r for r in scorecard.ratings}
        for kc in version.competencies:
            row = rows.setdefault(
                kc.competency_id, CompetencyRow(kc.display_name, len(version.scale))
            )
            rating = ratings.get(kc.id)
            if rating is None:
                continue
            if rating.not_assessed:
                row.not_assessed += 1
            elif rating.value is not None:
                row.ratings.append(
                    Entry(scorecard.interviewer.name, rating.value, rating.first_label)
                )
    return list(rows.values())


def tally(scorecards: list[Scorecard]) -> list[tuple[Recommendation, int]]:
    """How many scorecards recommend what, strongest yes first."""
    counts = Counter(s.recommendation for s in scorecards if s.recommendation)
    return [(r, counts.get(r, 0)) for r in reversed(Recommendation)]

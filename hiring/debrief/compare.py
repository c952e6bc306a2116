"""Candidates interviewed with one kit, side by side on the competencies its versions
share. Current (submitted) ratings: this is what the decision is made on."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from hiring.debrief.models import Decision
from hiring.debrief.queries import KitFigures
from hiring.debrief.reliability import mean_counted, mean_of, rescale
from hiring.interviews.models import Candidate, Recommendation
from hiring.kits.models import KitVersion

UNDECIDED = "Undecided"
HIDDEN_DECISION = "Hidden until you submit"


@dataclass(frozen=True)
class Column:
    competency_id: int
    name: str


@dataclass
class Row:
    candidate: Candidate
    means: dict[int, float | None]
    tally: Counter
    scorecards: int
    last_interview: datetime
    decision: Decision | None
    hidden: int = 0
    too_few: bool = False
    # The reader still has a scorecard pending for the candidate: the decision is not theirs
    # to read yet.
    decision_hidden: bool = False

    @cached_property
    def overall(self) -> float | None:
        return mean_of([v for v in self.means.values() if v is not None])

    @property
    def outcome(self) -> str:
        if self.decision_hidden:
            return HIDDEN_DECISION
        return self.decision.outcome if self.decision else UNDECIDED

    def as_dict(self, columns: list[Column]) -> dict:
        return {
            "candidate": self.candidate.name,
            "candidate_id": self.candidate.id,
            "means": {
                c.name: None
                if self.means.get(c.competency_id) is None
                else round(self.means[c.competency_id], 2)
                for c in columns
            },
            "overall": None if self.overall is None else round(self.overall, 2),
            "recommendations": {r.value: self.tally.get(r, 0) for r in reversed(Recommendation)},
            "scorecards": self.scorecards,
            "too_few_to_compare": self.too_few,
            "decision": self.outcome,
            "last_interview": self.last_interview.isoformat(),
        }


@dataclass
class Comparison:
    columns: list[Column]
    rows: list[Row]
    scale: int
    rescaled: bool
    left_out: list[str] = field(default_factory=list)


SORTS = {"name", "overall", "scorecards", "decision", "date"}


def compare(
    versions: list[KitVersion],
    figures: KitFigures,
    candidates: dict[int, Candidate],
    decisions: dict[int, Decision],
    undisclosed: set[int],
    min_scorecards: int,
    since: date | None = None,
    until: date | None = None,
    outcome: str = "",
) -> Comparison:
    """One row per candidate interviewed with the kit, from its `figures` as the reader
    may read them (see queries.kit_figures): current submitted ratings, placed on the
    largest scale in use. The decisions on the `undisclosed` candidates (the reader still
    has a scorecard pending for them) are neither shown nor filtered on."""
    in_use = [v for v in versions if v.id in figures.versions_used] or versions
    shared = set.intersection(*({kc.competency_id for kc in v.competencies} for v in in_use))
    latest = in_use[-1]
    columns = [
        Column(kc.competency_id, kc.display_name)
        for kc in latest.competencies
        if kc.competency_id in shared
    ]
    left_out = sorted(
        {
            f"{kc.display_name} (version {v.number})"
            for v in in_use
            for kc in v.competencies
            if kc.competency_id not in shared
        }
    )
    sizes = {v.id: len(v.scale) for v in versions}
    target = max(sizes[v.id] for v in in_use) if in_use else 0
    competency_of = {kc.id: kc.competency_id for v in versions for kc in v.competencies}

    rows = []
    for candidate_id, last in figures.last_interview.items():
        candidate = candidates.get(candidate_id)
        if candidate is None:  # deleted between the reads
            continue
        if since and last.date() < since or until and last.date() > until:
            continue
        decision = None if candidate.id in undisclosed else decisions.get(candidate.id)
        if outcome and (
            candidate.id in undisclosed or (decision.outcome if decision else UNDECIDED) != outcome
        ):
            continue
        counted: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for version_id, kit_competency_id, value, n in figures.values.get(candidate_id, ()):
            competency = competency_of.get(kit_competency_id)
            if competency in shared:
                size = sizes.get(version_id, target)
                counted[competency].append((rescale(value, size, target), n))
        recommendations = figures.recommendations.get(candidate_id, Counter())
        readable = sum(recommendations.values())
        rows.append(
            Row(
                candidate=candidate,
                means={c.competency_id: mean_counted(counted[c.competency_id]) for c in columns},
                tally=Counter({r: n for r, n in recommendations.items() if r}),
                scorecards=readable,
                last_interview=last,
                decision=decision,
                hidden=figures.hidden.get(candidate_id, 0),
                too_few=readable < min_scorecards,
                decision_hidden=candidate.id in undisclosed,
            )
        )
    return Comparison(
        columns,
        rows,
        target,
        rescaled=len({sizes[v.id] for v in in_use}) > 1,
        left_out=left_out,
    )


def sort_rows(rows: list[Row], key: str, descending: bool) -> list[Row]:
    """Rows sorted by a column; candidates without a figure go last either way."""

    def value(row: Row):
        if key == "name":
            return row.candidate.name.lower()
        if key == "scorecards":
            return row.scorecards
        if key == "decision":
            return row.outcome.lower()
        if key == "date":
            return row.last_interview
        if key.startswith("c") and key[1:].isdigit():
            return row.means.get(int(key[1:]))
        return row.overall

    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    return sorted(present, key=value, reverse=descending) + missing

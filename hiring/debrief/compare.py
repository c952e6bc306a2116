"""Candidates interviewed with one kit, side by side on the competencies its versions
share. Current (submitted) ratings: this is what the decision is made on."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from hiring.debrief.queries import KitFigures
from hiring.debrief.reliability import mean_counted, mean_of, rescale
from hiring.interviews.models import Recommendation
from hiring.kits.models import KitVersion

UNDECIDED = "Undecided"
HIDDEN_DECISION = "Hidden until you submit"


@dataclass(frozen=True)
class Column:
    competency_id: int
    name: str


@dataclass(frozen=True)
class Named:
    """A candidate as a comparison row shows them."""

    id: int
    name: str


@dataclass
class Row:
    candidate: Named
    means: dict[int, float | None]
    overall: float | None
    tally: Counter
    scorecards: int
    last_interview: datetime
    decision: str | None  # the outcome in force
    hidden: int = 0
    too_few: bool = False
    # The reader still has a scorecard pending for the candidate: the decision is not theirs
    # to read yet.
    decision_hidden: bool = False

    @property
    def outcome(self) -> str:
        if self.decision_hidden:
            return HIDDEN_DECISION
        return self.decision or UNDECIDED

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
class Stats:
    """What a kit's comparison keeps per candidate: the means on the shared competencies,
    placed on the largest scale, the recommendations, how many scorecards, and when."""

    candidate_id: int
    means: dict[int, float | None]
    tally: Counter
    scorecards: int
    last_interview: datetime

    @property
    def overall(self) -> float | None:
        return mean_of([v for v in self.means.values() if v is not None])


@dataclass
class Comparison:
    """The comparison's shape (the columns compared, the scale) and its rows: per
    candidate figures (`stats`), or, once assembled for a reader, `rows`."""

    columns: list[Column]
    stats: list[Stats]
    scale: int
    rescaled: bool
    left_out: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    _overalls: dict[int, float | None] | None = field(default=None, repr=False)

    def overalls(self) -> dict[int, float | None]:
        """Each candidate's overall mean, computed once per comparison kept."""
        if self._overalls is None:
            self._overalls = {s.candidate_id: s.overall for s in self.stats}
        return self._overalls

    def to_json(self) -> dict:
        return {
            "overalls": list(self.overalls().items()),
            "columns": [[c.competency_id, c.name] for c in self.columns],
            "scale": self.scale,
            "rescaled": self.rescaled,
            "left_out": self.left_out,
            "stats": [
                [
                    s.candidate_id,
                    list(s.means.items()),
                    [[r.value, n] for r, n in s.tally.items()],
                    s.scorecards,
                    s.last_interview.isoformat(),
                ]
                for s in self.stats
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> "Comparison":
        return cls(
            [Column(c, name) for c, name in data["columns"]],
            [
                Stats(
                    candidate,
                    dict(means),
                    Counter({Recommendation(r): n for r, n in tally}),
                    scorecards,
                    datetime.fromisoformat(last),
                )
                for candidate, means, tally, scorecards, last in data["stats"]
            ],
            data["scale"],
            data["rescaled"],
            data["left_out"],
            _overalls=dict(data["overalls"]),
        )


SORTS = {"name", "overall", "scorecards", "decision", "date"}


def compare(versions: list[KitVersion], figures: KitFigures) -> Comparison:
    """Per candidate interviewed with the kit, from its `figures` as a reader may read them
    (see queries.kit_figures): the means of the current submitted ratings on the
    competencies every version in use rates, placed on the largest scale in use. The
    costly part of a comparison, kept between refreshes."""
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
    stats = []
    for candidate_id, last in figures.last_interview.items():
        counted: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for version_id, kit_competency_id, value, n in figures.values.get(candidate_id, ()):
            competency = competency_of.get(kit_competency_id)
            if competency in shared:
                size = sizes.get(version_id, target)
                counted[competency].append((rescale(value, size, target), n))
        recommendations = figures.recommendations.get(candidate_id, Counter())
        stats.append(
            Stats(
                candidate_id,
                {c.competency_id: mean_counted(counted[c.competency_id]) for c in columns},
                Counter({r: n for r, n in recommendations.items() if r}),
                sum(recommendations.values()),
                last,
            )
        )
    return Comparison(
        columns,
        stats,
        target,
        rescaled=len({sizes[v.id] for v in in_use}) > 1,
        left_out=left_out,
    )


def assemble(
    comparison: Comparison,
    names: dict[int, str],
    outcomes: dict[int, str],
    undisclosed: set[int],
    hidden: dict[int, int],
    min_scorecards: int,
    since: date | None = None,
    until: date | None = None,
    outcome: str = "",
) -> Comparison:
    """The comparison's rows for a reader: with the candidates' names and the decisions in
    force, filtered by interview date and decision. The decisions on the `undisclosed`
    candidates (the reader still has a scorecard pending for them) are neither shown nor
    filtered on."""
    rows = []
    overalls = comparison.overalls()
    for stat in comparison.stats:
        name = names.get(stat.candidate_id)
        if name is None:  # deleted between the reads
            continue
        last = stat.last_interview
        if since and last.date() < since or until and last.date() > until:
            continue
        secret = stat.candidate_id in undisclosed
        overall = overalls[stat.candidate_id]
        decision = None if secret else outcomes.get(stat.candidate_id)
        if outcome and (secret or (decision or UNDECIDED) != outcome):
            continue
        rows.append(
            Row(
                candidate=Named(stat.candidate_id, name),
                means=stat.means,
                overall=overall,
                tally=stat.tally,
                scorecards=stat.scorecards,
                last_interview=last,
                decision=decision,
                hidden=hidden.get(stat.candidate_id, 0),
                too_few=stat.scorecards < min_scorecards,
                decision_hidden=secret,
            )
        )
    # A copy: the comparison read from the kept figures is shared between requests.
    return replace(comparison, rows=rows)


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

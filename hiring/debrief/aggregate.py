"""The panel's ratings side by side: per competency each rater's point, mean, median,
range, disagreement and split; per question each interviewer's notes; who is pending."""

from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from hiring.interviews.models import (
    Candidate,
    Recommendation,
    Scorecard,
    ScorecardState,
    TierMatch,
    recommendation_words,
)
from hiring.interviews.queries import counted
from hiring.timezones import local_date

# A spread of this many points or more between two raters of one competency is flagged:
# on a 4-point scale it separates "below basic" from "solid", or "basic" from "exceptional".
DISAGREEMENT = 2


@dataclass(frozen=True)
class Entry:
    """One rater's current rating; `first` when it changed after they saw the panel."""

    who: str
    value: int
    first: str | None = None
    evidence: str = ""
    scorecard_id: int = 0


@dataclass
class CompetencyRow:
    """One competency on one scale: every rater's point, and "not assessed" apart."""

    name: str
    scale_max: int
    ratings: list[Entry] = field(default_factory=list)
    not_assessed_by: list[str] = field(default_factory=list)
    competency_id: int = 0

    @property
    def not_assessed(self) -> int:
        return len(self.not_assessed_by)

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
    def median(self) -> float | None:
        return median(self.values) if self.values else None

    @property
    def low(self) -> int | None:
        return min(self.values, default=None)

    @property
    def high(self) -> int | None:
        return max(self.values, default=None)

    @property
    def disagreement(self) -> bool:
        """Two raters two or more points apart."""
        return bool(self.values) and self.high - self.low >= DISAGREEMENT

    @property
    def split(self) -> bool:
        """Ratings at both ends of the scale: the mean sits where nobody rated."""
        return self.scale_max > 2 and self.low == 1 and self.high == self.scale_max

    def at(self, point: int) -> list[Entry]:
        """The raters who chose this point."""
        return [entry for entry in self.ratings if entry.value == point]


@dataclass(frozen=True)
class Answer:
    """One interviewer's notes on a question, and the tier the answer resembled."""

    who: str
    tier: TierMatch | None
    notes: str


@dataclass
class QuestionRow:
    prompt: str
    answers: list[Answer] = field(default_factory=list)


def aggregate(scorecards: list[Scorecard]) -> list[CompetencyRow]:
    """One row per competency and scale rated on these scorecards, in the kits' order."""
    rows: dict[tuple[int, int], CompetencyRow] = {}
    for scorecard in scorecards:
        version = scorecard.interview.kit_version
        ratings = {r.kit_competency_id: r for r in scorecard.ratings}
        for kc in version.competencies:
            size = len(version.scale)
            row = rows.setdefault(
                (kc.competency_id, size),
                CompetencyRow(kc.display_name, size, competency_id=kc.competency_id),
            )
            rating = ratings.get(kc.id)
            if rating is None:
                continue
            if rating.not_assessed:
                row.not_assessed_by.append(scorecard.interviewer.name)
            elif rating.value is not None:
                row.ratings.append(
                    Entry(
                        scorecard.interviewer.name,
                        rating.value,
                        rating.first_label,
                        rating.evidence,
                        scorecard.id,
                    )
                )
    return list(rows.values())


def by_question(scorecards: list[Scorecard]) -> list[QuestionRow]:
    """Each question asked, with every interviewer's notes and tier side by side; the same
    bank question asked in several interviews is one row."""
    rows: dict[int, QuestionRow] = {}
    for scorecard in scorecards:
        notes = {n.kit_item_id: n for n in scorecard.item_notes}
        for item in scorecard.interview.kit_version.items:
            row = rows.setdefault(item.question_id, QuestionRow(item.display_prompt))
            note = notes.get(item.id)
            if note is not None and (note.notes.strip() or note.tier):
                row.answers.append(Answer(scorecard.interviewer.name, note.tier, note.notes))
    return list(rows.values())


def tally(scorecards: list[Scorecard]) -> list[tuple[Recommendation, int]]:
    """How many scorecards recommend what, strongest yes first."""
    counts = Counter(s.recommendation for s in scorecards if s.recommendation)
    # "Neutral" only where a kit's scale has it and someone chose it.
    return [
        (r, counts.get(r, 0))
        for r in reversed(Recommendation)
        if r is not Recommendation.NEUTRAL or counts.get(r)
    ]


def words(scorecards: list[Scorecard]) -> dict[Recommendation, str]:
    """The recommendations in the words of the kits these scorecards were scored on, the
    latest scorecard's kit first."""
    latest_first = sorted(scorecards, key=lambda s: s.id, reverse=True)
    return recommendation_words(dict.fromkeys(s.interview.kit_version for s in latest_first))


@dataclass
class Progress:
    """How far a candidate's panel has got: submitted of expected, and who is pending."""

    submitted: int
    expected: int
    pending: list[Scorecard]
    withdrawn: list[Scorecard]

    @property
    def complete(self) -> bool:
        return not self.pending

    def sentence(self) -> str:
        """ "2 of 5 scorecards submitted; pending: A (Kit, 3 Mar), B (…)"."""
        text = f"{self.submitted} of {self.expected} scorecards submitted"
        if self.pending:
            text += "; pending: " + ", ".join(
                f"{s.interviewer.name} ({s.interview.kit_version.kit.title}, "
                f"{local_date(s.interview.scheduled_at)})"
                for s in self.pending
            )
        return text


def progress(candidate: Candidate) -> Progress:
    """The candidate's scorecards by state, counted as every page counts them (`counted`):
    a withdrawn scorecard is expected no more, nor one taken off the panel."""
    scorecards = counted(candidate)
    return Progress(
        submitted=sum(s.submitted_at is not None for s in scorecards),
        expected=len(scorecards),
        pending=[
            s for s in scorecards if s.state in (ScorecardState.NOT_STARTED, ScorecardState.DRAFT)
        ],
        withdrawn=[
            s
            for i in candidate.interviews
            if not i.cancelled
            for s in i.panel
            if s.state is ScorecardState.WITHDRAWN
        ],
    )


def one_line(text: str, limit: int = 140) -> str:
    """A summary's first line, shortened at a word."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


@dataclass
class AttributeRow:
    """One attribute of an opening's scorecard, with every rating of it on the
    application's scorecards (one row per scale), and the plan's interviews that focus
    on it."""

    name: str
    category: str
    must_have: bool
    rows: list[CompetencyRow]
    focused_by: list[str]

    @property
    def gap(self) -> bool:
        """Nobody has rated it yet ("not assessed" is not an assessment)."""
        return not any(row.ratings for row in self.rows)


def rollup(opening, scorecards: list[Scorecard]) -> tuple[list[AttributeRow], list[CompetencyRow]]:
    """The application's ratings by the opening's attributes, must-haves first; and the
    ratings of competencies the scorecard does not ask for, apart."""
    rows = aggregate(scorecards)
    by_competency: dict[int, list[CompetencyRow]] = {}
    for row in rows:
        by_competency.setdefault(row.competency_id, []).append(row)
    attributes = sorted(opening.attributes, key=lambda a: (not a.must_have, a.position))
    asked = {a.competency_id for a in attributes}
    return (
        [
            AttributeRow(
                a.name,
                a.category,
                a.must_have,
                by_competency.get(a.competency_id, []),
                [p.title for p in opening.planned if a in p.focus],
            )
            for a in attributes
        ],
        [row for row in rows if row.competency_id not in asked],
    )

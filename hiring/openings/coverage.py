"""Coverage: which planned interview assesses which attribute, and what the plan misses.

The research behind structured interviews asks that every attribute that matters be
assessed, each by more than one person, and that an interviewer not be asked to judge
too much at once. The rules, as the matrix shows them:

- a must-have attribute is the focus of at least two planned interviews (a gap: opening
  the role asks "open anyway?" with the gap named);
- every attribute is the focus of at least one (a warning for a nice-to-have);
- no interview's kit rates a competency the scorecard does not ask for (a warning);
- no interview has more than seven focus attributes (a warning: attention is finite).
"""

from dataclasses import dataclass, field

from hiring.kits.operations import FOCUSED
from hiring.openings.models import Attribute, Opening, PlannedInterview

MUST_HAVE_ASSESSORS = 2
# As many as a kit aims to rate: a few well-anchored dimensions are judged more reliably.
MOST_FOCUS = FOCUSED.stop - 1


@dataclass(frozen=True)
class Problem:
    text: str
    gap: bool  # a must-have gap (asks before opening); otherwise a warning


@dataclass
class Coverage:
    attributes: list[Attribute]
    planned: list[PlannedInterview]
    # (attribute id, planned interview id) -> "focus", or "rated" when the kit rates the
    # attribute's competency without the interview being responsible for it.
    cells: dict[tuple[int, int], str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def cell(self, attribute: Attribute, planned: PlannedInterview) -> str:
        return self.cells.get((attribute.id, planned.id), "")

    def assessors(self, attribute: Attribute) -> int:
        return sum(self.cells.get((attribute.id, p.id)) == "focus" for p in self.planned)

    @property
    def gaps(self) -> list[Problem]:
        return [p for p in self.problems if p.gap]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.gap]

    @property
    def clean(self) -> bool:
        return not self.problems


def coverage(opening: Opening) -> Coverage:
    attributes = sorted(opening.attributes, key=lambda a: (not a.must_have, a.position))
    planned = opening.planned
    result = Coverage(attributes, planned)
    by_competency = {a.competency_id: a for a in attributes}
    for p in planned:
        focus = {a.id for a in p.focus}
        rated = {kc.competency_id for kc in p.kit_version.competencies}
        for attribute in attributes:
            if attribute.id in focus:
                result.cells[(attribute.id, p.id)] = "focus"
            elif attribute.competency_id in rated:
                result.cells[(attribute.id, p.id)] = "rated"
        extra = [
            kc.display_name
            for kc in p.kit_version.competencies
            if kc.competency_id not in by_competency
        ]
        if extra:
            result.problems.append(
                Problem(
                    f"{p.title} rates {_names(extra)}, which the scorecard does not ask for.",
                    gap=False,
                )
            )
        if len(focus) > MOST_FOCUS:
            result.problems.append(
                Problem(
                    f"{p.title} has {len(focus)} focus attributes: more than {MOST_FOCUS} "
                    "is more than one interviewer can judge well.",
                    gap=False,
                )
            )
    for attribute in attributes:
        n = result.assessors(attribute)
        if attribute.must_have and n < MUST_HAVE_ASSESSORS:
            who = "no interview" if n == 0 else "only one interview"
            result.problems.append(
                Problem(
                    f"Must-have “{attribute.name}” is assessed by {who}; "
                    f"at least {MUST_HAVE_ASSESSORS} should assess it.",
                    gap=True,
                )
            )
        elif n == 0:
            result.problems.append(Problem(f"Nobody assesses “{attribute.name}”.", gap=False))
    return result


def _names(names: list[str]) -> str:
    quoted = [f"“{n}”" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]

"""Figures read over every rating, kept ready: calibration, agreement, a kit's comparison.

Calibration reads every first-submitted rating and a kit's comparison every current one;
at 100,000 scorecards that cost one to three seconds a visit. So they are computed by a
task after each change that moves them (a submission, an amendment, a withdrawal, a
cancelled or restored interview, a deleted candidate), kept in the database with the
generation of changes they include, and read from there; a page says when they were
computed, and that newer ones are coming when a refresh is behind.

Confidential openings are left out of every figure, for every reader alike: what is
kept is shared. What is kept is what a manager reads who sits on no panel still to be
scored. A reader
who does gets figures computed for them on the spot, leaving out those panels, as the
independence rules ask.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update

from hiring import changes, tasks
from hiring.debrief import queries
from hiring.debrief.calibration import KitReliability, RaterFigures, raters, reliability
from hiring.debrief.compare import Comparison, compare
from hiring.debrief.models import StoredFigures
from hiring.extensions import db, utcnow
from hiring.interviews import reach

SHARED = reach.Reach(None)

KIND = "figures"


@dataclass
class Calibration:
    """Every interviewer's figures and every kit's agreement, and when they were computed;
    `personal` when computed for this reader alone (they leave out the reader's panels)."""

    people: list[RaterFigures]
    kits: list[KitReliability]
    computed_at: datetime | None = None
    behind: bool = False
    personal: bool = False

    def as_json(self) -> dict:
        return {
            "people": [p.to_json() for p in self.people],
            "kits": [k.to_json() for k in self.kits],
        }

    @classmethod
    def from_json(cls, data: dict, computed_at: datetime, behind: bool) -> "Calibration":
        return cls(
            [RaterFigures.from_json(p) for p in data["people"]],
            [KitReliability.from_json(k) for k in data["kits"]],
            computed_at,
            behind,
        )


@dataclass
class KitComparison:
    """A kit's comparison (its shape and per candidate figures), with its panels'
    agreement and, per candidate, how many interviews are hidden from the reader."""

    comparison: Comparison
    agreement: KitReliability
    hidden: dict[int, int]
    computed_at: datetime | None = None
    behind: bool = False
    personal: bool = False


def _compute_calibration(facts, kit_id: int | None) -> Calibration:
    people = raters(
        facts,
        queries.names({f.interviewer_id for f in facts}),
        current_app.config["OVERDUE_HOURS"],
    )
    titles = queries.kit_titles({f.kit_id for f in facts} | ({kit_id} if kit_id else set()))
    kits = [
        reliability(facts, kit, title)
        for kit, title in sorted(titles.items(), key=lambda item: item[1])
    ]
    return Calibration([p.figures() for p in people], kits, utcnow())


def _agreement(kit_id: int, facts) -> KitReliability:
    title = queries.kit_titles([kit_id]).get(kit_id, "")
    return reliability(facts, kit_id, title)


def calibration(kit_id: int | None, reader) -> Calibration:
    """The calibration as `reader` may read it (of one kit with `kit_id`). Figures over
    everyone's interviews leave confidential openings out, for every reader alike."""
    with reach.scoped(SHARED):
        return _calibration(kit_id, reader)


def _calibration(kit_id: int | None, reader) -> Calibration:
    hidden = queries.hidden_from(reader)
    if hidden:
        report = _compute_calibration(queries.first_ratings(kit_id, hidden), kit_id)
        report.personal = True
        return report
    name = f"calibration:{kit_id or 'all'}"
    stored = _stored(name)
    if stored is None:
        return _compute_calibration(queries.first_ratings(kit_id), kit_id)
    return Calibration.from_json(
        _decoded(stored, lambda data: data), stored.computed_at, _behind(stored)
    )


def comparison(kit_id: int, reader) -> KitComparison:
    """A kit's comparison as `reader` may read it (confidential openings left out, as in
    the calibration)."""
    with reach.scoped(SHARED):
        return _comparison(kit_id, reader)


def _comparison(kit_id: int, reader) -> KitComparison:
    hidden = queries.hidden_from(reader)
    if hidden:
        kit = queries.kit_figures(kit_id, reader)
        return KitComparison(
            compare(queries.kit_versions(kit_id), kit),
            _agreement(kit_id, queries.first_ratings(kit_id, hidden)),
            kit.hidden,
            utcnow(),
            personal=True,
        )
    stored = _stored(f"compare:{kit_id}")
    if stored is None:
        return KitComparison(
            compare(queries.kit_versions(kit_id), queries.kit_figures(kit_id)),
            _agreement(kit_id, queries.first_ratings(kit_id)),
            {},
            utcnow(),
        )
    comparison, agreement = _decoded(
        stored,
        lambda data: (
            Comparison.from_json(data["comparison"]),
            KitReliability.from_json(data["agreement"]),
        ),
    )
    return KitComparison(comparison, agreement, {}, stored.computed_at, _behind(stored))


# Kept figures decoded, per app, of at most this many names: decoding a comparison of
# 2,000 candidates took longer than the rest of its page (and holds a few MB).
DECODED_KEEP = 16


def _decoded(stored: StoredFigures, decode):
    """`decode(stored.data)`, read and decoded once per refresh in this process: the
    figures under a name change only with their generation and time of computing. What is
    returned is shared: read it, never change it."""
    memo = current_app.extensions.setdefault("figures_decoded", {})
    version = (stored.generation, stored.computed_at)
    hit = memo.get(stored.name)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = decode(stored.data)
    memo.pop(stored.name, None)
    while len(memo) >= DECODED_KEEP:
        memo.pop(next(iter(memo)))
    memo[stored.name] = (version, value)
    return value


def _stored(name: str) -> StoredFigures | None:
    """Kept figures, unless a change is newer and no worker will refresh them: then
    none, and the page computes its own."""
    stored = db.session.get(StoredFigures, name)
    if stored is not None and _behind(stored) and not tasks.runnable():
        return None
    return stored


def _behind(stored: StoredFigures) -> bool:
    return stored.generation < changes.generation(KIND)


@tasks.task(priority=tasks.FIGURES)
def refresh() -> None:
    """Compute every kept figure again, unless they include every change already. Many
    changes queue many refreshes: the first does the work, the rest find nothing to do."""
    with reach.scoped(SHARED):
        _refresh()


def _refresh() -> None:
    wanted = changes.generation(KIND)
    done = db.session.scalar(
        select(StoredFigures.generation).where(StoredFigures.name == "calibration:all")
    )
    if done is not None and done >= wanted:
        return
    facts = queries.first_ratings()
    computed = {"calibration:all": _compute_calibration(facts, None).as_json()}
    # The kits interviewed with, and those kept before: a kit whose every interview is
    # now out of reach (its opening turned confidential) is kept again, empty.
    kept = {
        int(ident)
        for name in db.session.scalars(select(StoredFigures.name))
        if (ident := name.partition(":")[2]).isdecimal()
    }
    titles = queries.kit_titles(kept | {kit.id for kit in queries.kits_interviewed()})
    for kit_id, title in titles.items():
        mine = [f for f in facts if f.kit_id == kit_id]
        computed[f"calibration:{kit_id}"] = _compute_calibration(mine, kit_id).as_json()
        computed[f"compare:{kit_id}"] = {
            "comparison": compare(
                queries.kit_versions(kit_id), queries.kit_figures(kit_id)
            ).to_json(),
            "agreement": reliability(mine, kit_id, title).to_json(),
        }
    now = utcnow()
    for name, data in computed.items():
        # Only forward: a slower refresh that read older data never overwrites a newer one.
        kept = db.session.execute(
            update(StoredFigures)
            .where(StoredFigures.name == name, StoredFigures.generation <= wanted)
            .values(generation=wanted, computed_at=now, data=data)
        )
        if kept.rowcount == 0 and db.session.get(StoredFigures, name) is None:
            db.session.add(StoredFigures(name=name, generation=wanted, computed_at=now, data=data))
    db.session.commit()


def _queue_refresh(_) -> None:
    tasks.enqueue(refresh)


changes.on(KIND, _queue_refresh)

"""Verbs that change scorecards, and who may see them. They flush; the caller commits.

A save names the version of the scorecard it was based on. The version is bumped by a
conditional UPDATE (WHERE version = :base), so two tabs, two devices or a replayed
offline save can never overwrite each other silently: the loser gets a conflict with
the stored values and decides.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, literal, select, union_all, update

from hiring.audit.operations import record
from hiring.extensions import db, utcnow
from hiring.interviews.models import Interview
from hiring.kits.models import KitCompetency, KitItem, ScalePoint
from hiring.scorecards.models import (
    ItemNote,
    Rating,
    Recommendation,
    Scorecard,
    ScorecardRevision,
    TierMatch,
)

FIELD = re.compile(
    r"^(?:(?P<kind>item|rating):(?P<id>\d{1,18}):(?P<part>notes|tier|value|not_assessed|evidence)"
    r"|(?P<top>recommendation|summary))$"
)
TEXT_PARTS = {"notes", "evidence"}


@dataclass
class SaveRefused(Exception):
    """A save that cannot be applied; nothing was written."""

    status: int
    message: str
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class Conflict(Exception):
    """The scorecard changed since the version the save was based on."""

    version: int
    stored: dict


def content(scorecard: Scorecard) -> dict:
    """Every field of the scorecard by its save key, as stored now."""
    version = scorecard.interview.kit_version
    notes = {n.kit_item_id: n for n in scorecard.item_notes}
    ratings = {r.kit_competency_id: r for r in scorecard.ratings}
    values: dict = {}
    for item in version.items:
        note = notes.get(item.id)
        values[f"item:{item.id}:notes"] = note.notes if note else ""
        values[f"item:{item.id}:tier"] = note.tier.value if note and note.tier else ""
    for kc in version.competencies:
        rating = ratings.get(kc.id)
        values[f"rating:{kc.id}:value"] = rating.value if rating else None
        values[f"rating:{kc.id}:not_assessed"] = bool(rating and rating.not_assessed)
        values[f"rating:{kc.id}:evidence"] = rating.evidence if rating else ""
    values["recommendation"] = scorecard.recommendation.value if scorecard.recommendation else ""
    values["summary"] = scorecard.summary
    return values


@dataclass(frozen=True)
class Shape:
    """The ids a scorecard of one kit version may name, and its scale's points."""

    items: frozenset[int]
    competencies: frozenset[int]
    points: frozenset[int]


def shape_of(kit_version_id: int) -> Shape:
    """Read a kit version's shape in one query."""
    rows = db.session.execute(
        union_all(
            select(literal("item"), KitItem.id).where(KitItem.kit_version_id == kit_version_id),
            select(literal("rating"), KitCompetency.id).where(
                KitCompetency.kit_version_id == kit_version_id
            ),
            select(literal("point"), ScalePoint.value).where(
                ScalePoint.kit_version_id == kit_version_id
            ),
        )
    ).all()
    found = {"item": set(), "rating": set(), "point": set()}
    for kind, value in rows:
        found[kind].add(value)
    return Shape(frozenset(found["item"]), frozenset(found["rating"]), frozenset(found["point"]))


def field_labels(scorecard: Scorecard) -> dict[str, str]:
    """A reader's name for every field key of the scorecard, for its history."""
    version = scorecard.interview.kit_version
    labels = {}
    for number, item in enumerate(version.items, start=1):
        labels[f"item:{item.id}:notes"] = f"Q{number} notes"
        labels[f"item:{item.id}:tier"] = f"Q{number}: the answer resembled"
    for kc in version.competencies:
        labels[f"rating:{kc.id}:value"] = f"{kc.display_name}: rating"
        labels[f"rating:{kc.id}:not_assessed"] = f"{kc.display_name}: not assessed"
        labels[f"rating:{kc.id}:evidence"] = f"{kc.display_name}: evidence"
    return labels | {"recommendation": "Recommendation", "summary": "Summary"}


def _check(shape: Shape, changes: dict, max_chars: int) -> dict[str, str]:
    """Problems with the changes, by key; empty when all of them can be saved."""
    errors = {}
    for key, value in changes.items():
        match = FIELD.match(str(key))
        if match is None:
            errors[str(key)[:100]] = "This is not a field of the scorecard."
            continue
        kind, part = match["kind"], match["part"]
        if kind == "item" and int(match["id"]) not in shape.items:
            errors[key] = "That question is not part of this scorecard's kit version."
        elif kind == "rating" and int(match["id"]) not in shape.competencies:
            errors[key] = "That competency is not rated in this scorecard's kit version."
        elif part in TEXT_PARTS or match["top"] == "summary":
            if not isinstance(value, str):
                errors[key] = "Text expected."
            elif len(value) > max_chars:
                errors[key] = (
                    f"This text has {len(value):,} characters; the limit is {max_chars:,}. "
                    "Shorten it to save it: it stays here meanwhile."
                )
        elif part == "tier" and value not in ("", *(t.value for t in TierMatch)):
            errors[key] = "Choose below basic, basic, solid or exceptional."
        elif part == "value" and not (
            value is None
            or value == ""
            or (isinstance(value, int) and not isinstance(value, bool) and value in shape.points)
        ):
            errors[key] = (
                f"A rating is a point of this scale: {min(shape.points)} to {max(shape.points)}."
            )
        elif part == "not_assessed" and not isinstance(value, bool):
            errors[key] = "True or false expected."
        elif match["top"] == "recommendation" and value not in (
            "",
            *(r.value for r in Recommendation),
        ):
            errors[key] = "Choose Strong no, No, Yes or Strong yes."
    return errors


def save(scorecard: Scorecard, base: int, changes: dict, max_chars: int) -> tuple[int, datetime]:
    """Apply `changes` made on top of version `base`; return the new version and its time.

    This is the autosave hot path: it reads the kit version's shape and only the rows it
    changes, and claims the version and writes the scorecard's own fields in one UPDATE.
    """
    if scorecard.submitted_at is not None:
        raise SaveRefused(409, "This scorecard is submitted and read-only. Amend it to change it.")
    errors = _check(shape_of(scorecard.kit_version_id), changes, max_chars)
    if errors:
        raise SaveRefused(422, "Some changes could not be saved.", errors)
    now = utcnow()
    own_fields = {"version": base + 1, "updated_at": now}
    if "summary" in changes:
        own_fields["summary"] = changes["summary"]
    if "recommendation" in changes:
        own_fields["recommendation"] = (
            Recommendation(changes["recommendation"]) if changes["recommendation"] else None
        )
    result = db.session.execute(
        update(Scorecard)
        .where(
            Scorecard.id == scorecard.id,
            Scorecard.version == base,
            Scorecard.submitted_at.is_(None),
        )
        .values(**own_fields)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(scorecard)
        if scorecard.submitted_at is not None:
            raise SaveRefused(409, "This scorecard was submitted meanwhile; it is read-only.")
        raise Conflict(scorecard.version, content(scorecard))

    parsed = [(FIELD.match(key), value) for key, value in changes.items()]
    item_ids = {int(m["id"]) for m, _ in parsed if m["kind"] == "item"}
    rating_ids = {int(m["id"]) for m, _ in parsed if m["kind"] == "rating"}
    notes = _rows(ItemNote, ItemNote.kit_item_id, scorecard.id, item_ids)
    ratings = _rows(Rating, Rating.kit_competency_id, scorecard.id, rating_ids)
    for match, value in parsed:
        if match["kind"] == "item":
            row_id = int(match["id"])
            note = notes.get(row_id)
            if note is None:
                note = notes[row_id] = ItemNote(
                    scorecard_id=scorecard.id,
                    kit_item_id=row_id,
                    kit_version_id=scorecard.kit_version_id,
                    notes="",
                )
                db.session.add(note)
            if match["part"] == "notes":
                note.notes = value
            else:
                note.tier = TierMatch(value) if value else None
        elif match["kind"] == "rating":
            row_id = int(match["id"])
            rating = ratings.get(row_id)
            if rating is None:
                rating = ratings[row_id] = Rating(
                    scorecard_id=scorecard.id,
                    kit_competency_id=row_id,
                    kit_version_id=scorecard.kit_version_id,
                    not_assessed=False,
                    evidence="",
                )
                db.session.add(rating)
            if match["part"] == "evidence":
                rating.evidence = value
            elif match["part"] == "not_assessed":
                rating.not_assessed = value
                if value:
                    rating.value = None
            else:
                rating.value = value or None
                if rating.value is not None:
                    rating.not_assessed = False
    db.session.flush()
    db.session.expire(scorecard)
    return base + 1, now


def _rows(model, key_column, scorecard_id: int, ids: set[int]) -> dict:
    """The scorecard's existing rows among `ids`, by id (no query when there are none)."""
    if not ids:
        return {}
    rows = db.session.scalars(
        select(model).where(model.scorecard_id == scorecard_id, key_column.in_(ids))
    )
    return {getattr(row, key_column.key): row for row in rows}


def problems(scorecard: Scorecard) -> dict[str, str]:
    """What stops the scorecard from being submitted, by field key."""
    version = scorecard.interview.kit_version
    top = max(p.value for p in version.scale)
    ratings = {r.kit_competency_id: r for r in scorecard.ratings}
    found = {}
    for kc in version.competencies:
        rating = ratings.get(kc.id)
        if rating is None or (rating.value is None and not rating.not_assessed):
            found[f"rating:{kc.id}:value"] = "Rate this competency, or mark it not assessed."
        elif rating.value in (1, top) and not rating.evidence.strip():
            found[f"rating:{kc.id}:evidence"] = (
                "A rating at either end of the scale needs evidence: what did the candidate "
                "say or do?"
            )
    if scorecard.recommendation is None:
        found["recommendation"] = "Choose an overall recommendation."
    return found


def submit(scorecard: Scorecard) -> dict[str, str]:
    """Submit the scorecard when it is complete; return the problems otherwise."""
    if scorecard.submitted_at is not None:
        return {}
    found = problems(scorecard)
    if not found:
        scorecard.submitted_at = utcnow()
        scorecard.version += 1
        record("scorecard.submit", "scorecard", scorecard.id)
    return found


def amend(scorecard: Scorecard, reason: str, author_id: int) -> ScorecardRevision:
    """Reopen a submitted scorecard for a change, keeping what it said and why it changes."""
    if scorecard.submitted_at is None:
        raise SaveRefused(409, "Only a submitted scorecard can be amended.")
    revision = ScorecardRevision(
        author_id=author_id,
        reason=reason.strip(),
        content={"submitted_at": scorecard.submitted_at.isoformat(), **content(scorecard)},
    )
    scorecard.revisions.append(revision)
    scorecard.submitted_at = None
    scorecard.version += 1
    record("scorecard.amend", "scorecard", scorecard.id)
    db.session.flush()
    return revision


def has_submitted_for(user_id: int, candidate_id: int) -> bool:
    """Whether the user has submitted a scorecard for this candidate."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Scorecard.interviewer_id == user_id,
                    Scorecard.submitted_at.is_not(None),
                    Scorecard.interview_id == Interview.id,
                    Interview.candidate_id == candidate_id,
                )
            )
        )
    )


def may_view(user, scorecard: Scorecard) -> bool:
    """Managers see every scorecard; an interviewer their own, and colleagues' submitted
    scorecards of a candidate only once they have submitted their own for that candidate."""
    if user.is_manager or scorecard.interviewer_id == user.id:
        return True
    return scorecard.submitted_at is not None and has_submitted_for(
        user.id, scorecard.interview.candidate_id
    )

"""Verbs for scorecards: save, submit, amend, withdraw, the timer and reminders. They
flush; the caller commits.

A save names the version of the scorecard it was based on. The version is bumped by a
conditional UPDATE (WHERE version = :base), so two tabs, two devices or a replayed
offline save can never overwrite each other silently: the loser gets a conflict with
the stored values and decides. A submit is the same compare-and-set on the version it
validated, so a save landing in between makes one of the two refuse.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import NoReturn

from flask import current_app
from sqlalchemy import Update, bindparam, exists, literal, or_, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.util import identity_key

from hiring import changes, webhooks
from hiring.audit.operations import record
from hiring.domain import DomainError, Kind
from hiring.extensions import db, utcnow
from hiring.interviews import notices, queries
from hiring.interviews.models import (
    IS_OPEN,
    SCALES,
    Interview,
    ItemNote,
    Rating,
    Recommendation,
    Scorecard,
    ScorecardRevision,
    TierMatch,
    recommendation_scale,
)
from hiring.interviews.operations import refuse_if_cancelled
from hiring.interviews.queries import access_to, colleagues_visible
from hiring.kits.models import KitCompetency, KitItem, KitVersion, ScalePoint
from hiring.scorecards import queries as lists
from hiring.text import clean
from hiring.timezones import local

TIMER_ACTIONS = ("start", "pause", "reset")


def timer(scorecard: Scorecard, action: str) -> dict:
    """Start (or resume), pause or reset the interview timer, for every device at once;
    returns its state. Repeating an action changes nothing."""
    if action not in TIMER_ACTIONS:
        raise DomainError(Kind.INVALID, "Start, pause or reset the timer.")
    now = utcnow()
    if action == "start" and scorecard.timer_started_at is None:
        scorecard.timer_started_at = now
    elif action == "pause" and scorecard.timer_started_at is not None:
        scorecard.timer_seconds = scorecard.timer_elapsed(now)
        scorecard.timer_started_at = None
    elif action == "reset":
        scorecard.timer_seconds, scorecard.timer_started_at = 0, None
    db.session.flush()
    return timer_state(scorecard, now)


def timer_state(scorecard: Scorecard, now: datetime | None = None) -> dict:
    now = now or utcnow()
    return {
        "elapsed": scorecard.timer_elapsed(now),
        "running": scorecard.timer_started_at is not None,
    }


def describe_reminder(scorecard: Scorecard) -> str:
    """ "Ann <ann@…> about Casey (Kit, 05 Jan 2026, 10:00 GMT)", for the command's output."""
    interview, user = scorecard.interview, scorecard.interviewer
    return (
        f"{user.name} <{user.email}> about {interview.candidate.name} "
        f"({interview.kit_version.kit.title}, {local(interview.scheduled_at)})"
    )


def remind_overdue(overdue_hours: int, reminder_hours: int) -> list[str]:
    """Queue a reminder for every overdue scorecard due one, each committed on its own
    so that a run stopped halfway keeps what it did; returns who was reminded."""
    done = []
    for scorecard in lists.due_reminders(utcnow(), overdue_hours, reminder_hours):
        line = describe_reminder(scorecard)
        if remind(scorecard, reminder_hours):
            db.session.commit()
            done.append(line)
        else:
            db.session.rollback()
    return done


def remind(scorecard: Scorecard, hours: int) -> bool:
    """Queue a reminder for an overdue scorecard, at most once in `hours`: one conditional
    update claims it, so runs at the same time never remind twice."""
    user = scorecard.interviewer
    if not (user.active and user.email_reminders and user.email):
        return False
    if scorecard.interview.cancelled:
        return False
    now = utcnow()
    claimed = db.session.execute(
        update(Scorecard)
        .where(
            Scorecard.id == scorecard.id,
            IS_OPEN,
            or_(
                Scorecard.reminded_at.is_(None),
                Scorecard.reminded_at <= now - timedelta(hours=hours),
            ),
        )
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    notices.remind(scorecard)
    record("scorecard.remind", "scorecard", scorecard.id)
    return True


FIELD = re.compile(
    r"^(?:(?P<kind>item|rating):(?P<id>\d{1,18}):(?P<part>notes|tier|value|not_assessed|evidence)"
    r"|(?P<top>recommendation|summary))$"
)
TEXT_PARTS = {"notes", "evidence"}


@dataclass
class Saved:
    """What a save stored: the new version, and per field what was changed or refused."""

    version: int
    saved_at: datetime
    # Fields stored other than sent (text cleaned of what no database holds).
    stored: dict = field(default_factory=dict)
    # Fields refused, with why; the rest of the batch was saved.
    errors: dict[str, str] = field(default_factory=dict)


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
    recommendations: frozenset[str]
    kit_version_id: int = 0


# Shapes of published kit versions, which never change, by version id; per app.
SHAPES_KEPT = 1000


def shape_of(kit_version_id: int) -> Shape:
    """A kit version's shape, read in one query; kept in memory once the version is
    published, which then never changes: an autosave reads only what it writes."""
    kept = current_app.extensions.setdefault("hiring.shapes", {})
    shape = kept.get(kit_version_id)
    if shape is not None:
        return shape
    rows = db.session.execute(
        union_all(
            select(literal("item"), KitItem.id).where(KitItem.kit_version_id == kit_version_id),
            select(literal("rating"), KitCompetency.id).where(
                KitCompetency.kit_version_id == kit_version_id
            ),
            select(literal("point"), ScalePoint.value).where(
                ScalePoint.kit_version_id == kit_version_id
            ),
            select(literal("recommendations"), KitVersion.recommendation_points).where(
                KitVersion.id == kit_version_id
            ),
            select(literal("draft"), literal(1)).where(
                KitVersion.id == kit_version_id, KitVersion.published_at.is_(None)
            ),
        )
    ).all()
    found = {"item": set(), "rating": set(), "point": set(), "recommendations": set()}
    for kind, value in rows:
        found.setdefault(kind, set()).add(value)
    points = next(iter(found["recommendations"]), 4)
    shape = Shape(
        frozenset(found["item"]),
        frozenset(found["rating"]),
        frozenset(found["point"]),
        frozenset(r.value for r in SCALES.get(points, SCALES[4])),
        kit_version_id,
    )
    if found["recommendations"] and "draft" not in found:
        if len(kept) >= SHAPES_KEPT:
            kept.clear()
        kept[kit_version_id] = shape
    return shape


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


def _check(shape: Shape, key, value, max_chars: int) -> str | None:
    """What is wrong with one change, or None when it can be saved."""
    match = FIELD.match(key) if isinstance(key, str) else None
    if match is None:
        return "This is not a field of the scorecard."
    kind, part = match["kind"], match["part"]
    if kind == "item" and int(match["id"]) not in shape.items:
        return "That question is not part of this scorecard's kit version."
    if kind == "rating" and int(match["id"]) not in shape.competencies:
        return "That competency is not rated in this scorecard's kit version."
    if part in TEXT_PARTS or match["top"] == "summary":
        if not isinstance(value, str):
            return "Text expected."
        if len(value) > max_chars:
            return (
                f"This text has {len(value):,} characters; the limit is {max_chars:,}. "
                "Shorten it to save it: it stays here meanwhile."
            )
    elif part == "tier" and value not in ("", *(t.value for t in TierMatch)):
        return "Choose below basic, basic, solid or exceptional."
    elif part == "value" and not (
        value is None
        or value == ""
        or (isinstance(value, int) and not isinstance(value, bool) and value in shape.points)
    ):
        return f"A rating is a point of this scale: {min(shape.points)} to {max(shape.points)}."
    elif part == "not_assessed" and not isinstance(value, bool):
        return "True or false expected."
    elif match["top"] == "recommendation" and value not in ("", *shape.recommendations):
        # The rare refusal reads the kit's own labels; the hot path never does.
        version = db.session.get(KitVersion, shape.kit_version_id)
        *others, last = (label for _, label in recommendation_scale(version))
        return f"Choose {', '.join(others)} or {last}."
    return None


def is_open(scorecard: Scorecard) -> bool:
    """Whether its author may still fill the scorecard in."""
    return (
        scorecard.submitted_at is None
        and scorecard.withdrawn_at is None
        and scorecard.removed_at is None
        and scorecard.interview.cancelled_at is None
    )


def _refuse_if_closed(scorecard: Scorecard, meanwhile: bool = False) -> None:
    """Refuse a change to a submitted or withdrawn scorecard."""
    when = " meanwhile" if meanwhile else ""
    if scorecard.submitted_at is not None:
        raise DomainError(
            Kind.CONFLICT,
            f"This scorecard was submitted{when}; it is read-only. Amend it to change it.",
        )
    if scorecard.withdrawn_at is not None:
        raise DomainError(
            Kind.CONFLICT,
            f"You stepped back from scoring this interview{when}; the scorecard is closed.",
        )
    if scorecard.removed_at is not None:
        raise DomainError(
            Kind.CONFLICT,
            f"You were taken off this interview's panel{when}; the draft is kept as it was.",
        )
    if scorecard.interview.cancelled_at is not None:
        raise DomainError(
            Kind.CONFLICT,
            f"This interview was cancelled{when}; the scorecard is closed.",
        )


# The kit version of each scorecard saved lately, by (scorecard, author); per app. A hint
# only: the claiming UPDATE checks it, and a scorecard whose interview moved to another
# kit version before anyone started is read again.
KIT_VERSIONS_KEPT = 10_000


def save(
    scorecard_id: int, author_id: int, base: int, changes: dict, max_chars: int
) -> Saved | None:
    """Apply the author's `changes` made on top of version `base`; refuse only the fields
    that are wrong. Returns what was saved, or None when the scorecard is not the author's
    open scorecard at version `base`: `refuse_save` then says why.

    This is the autosave hot path. One UPDATE claims the next version, checks who may fill
    the scorecard and that it is open, and writes its own fields; each note or rating is
    then one upsert. Nothing else is read once the kit version's shape is known.
    """
    kit_version_id = _kit_version_of(scorecard_id, author_id)
    if kit_version_id is None:
        return None
    saved = _save_on(kit_version_id, scorecard_id, author_id, base, changes, max_chars)
    if saved is None:
        moved = _kit_version_of(scorecard_id, author_id, fresh=True)
        if moved is not None and moved != kit_version_id:
            saved = _save_on(moved, scorecard_id, author_id, base, changes, max_chars)
    return saved


def refuse_save(scorecard: Scorecard, base: int) -> NoReturn:
    """Say why a save on its author's `scorecard` based on version `base` was refused:
    closed (since that version, or before), or changed elsewhere. Either way the answer
    holds what is stored, so that the tab keeps only what the server lacks."""
    stored = {"version": scorecard.version, "stored": content(scorecard)}
    try:
        _refuse_if_closed(scorecard, meanwhile=scorecard.version != base)
    except DomainError as error:
        error.data = {"closed": True, **stored}
        raise
    raise DomainError(
        Kind.CONFLICT,
        "This scorecard was changed elsewhere (another tab or device).",
        data=stored,
    )


def _kit_version_of(scorecard_id: int, author_id: int, fresh: bool = False) -> int | None:
    """The kit version of the author's scorecard; None when there is no such scorecard."""
    kept = current_app.extensions.setdefault("hiring.scorecard_versions", {})
    key = (scorecard_id, author_id)
    if not fresh and key in kept:
        return kept[key]
    found = db.session.scalar(
        select(Scorecard.kit_version_id).where(
            Scorecard.id == scorecard_id, queries.fillable_by(author_id)
        )
    )
    if found is None:
        kept.pop(key, None)
        return None
    if len(kept) >= KIT_VERSIONS_KEPT:
        kept.clear()
    kept[key] = found
    return found


def _save_on(
    kit_version_id: int, scorecard_id: int, author_id: int, base: int, changes: dict, max_chars: int
) -> Saved | None:
    """The save, on a scorecard of that kit version; None when the claim fails."""
    shape = shape_of(kit_version_id)
    errors, stored, valid = {}, {}, {}
    for key, value in changes.items():
        problem = _check(shape, key, value, max_chars)
        if problem is not None:
            errors[str(key)[:100]] = problem
            continue
        if isinstance(value, str):
            cleaned = clean(value)
            if cleaned != value:
                stored[key] = cleaned
            value = cleaned
        valid[key] = value
    now = utcnow()
    own_fields = {"version": base + 1, "updated_at": now}
    if "summary" in valid:
        own_fields["summary"] = valid["summary"]
    if "recommendation" in valid:
        own_fields["recommendation"] = (
            Recommendation(valid["recommendation"]) if valid["recommendation"] else None
        )
    claim = db.session.connection().execute(
        _claim(tuple(own_fields)),
        {
            "claimed_id": scorecard_id,
            "author_id": author_id,
            "on_kit_version": kit_version_id,
            "base": base,
        }
        | {f"new_{name}": value for name, value in own_fields.items()},
    )
    if claim.rowcount != 1:
        return None
    if errors and not valid:
        # Refused only now that the scorecard is known to be the author's and open. The
        # claim is undone with the rest, as after any domain error.
        raise DomainError(Kind.INVALID, "These changes could not be saved.", errors=errors)
    _write_rows(scorecard_id, kit_version_id, valid)
    _forget(Scorecard, scorecard_id)
    return Saved(base + 1, now, stored, errors)


def _write_rows(scorecard_id: int, kit_version_id: int, changes: dict) -> None:
    """Upsert the notes and ratings among `changes` (already checked): one statement a row."""
    notes: dict[int, dict] = {}
    ratings: dict[int, dict] = {}
    for key, value in changes.items():
        match = FIELD.match(key)
        if match["kind"] == "item":
            columns = notes.setdefault(int(match["id"]), {})
            if match["part"] == "notes":
                columns["notes"] = value
            else:
                columns["tier"] = TierMatch(value) if value else None
        elif match["kind"] == "rating":
            columns = ratings.setdefault(int(match["id"]), {})
            if match["part"] == "evidence":
                columns["evidence"] = value
            elif match["part"] == "not_assessed":
                columns["not_assessed"] = value
                if value:
                    columns["value"] = None
            else:
                columns["value"] = value or None
                if columns["value"] is not None:
                    columns["not_assessed"] = False
    for item_id, columns in notes.items():
        _upsert(ItemNote, scorecard_id, kit_version_id, {"kit_item_id": item_id}, columns)
    for competency_id, columns in ratings.items():
        _upsert(Rating, scorecard_id, kit_version_id, {"kit_competency_id": competency_id}, columns)


def _upsert(model, scorecard_id: int, kit_version_id: int, key: dict, columns: dict) -> None:
    """Insert the scorecard's row of `model` at `key` with `columns`, or set them on it."""
    connection = db.session.connection()
    connection.execute(
        _upsert_statement(model, connection.dialect.name, tuple(key), tuple(columns)),
        {"scorecard_id": scorecard_id, "kit_version_id": kit_version_id, **key, **columns},
    )
    _forget(model, (scorecard_id, *key.values()))


# The autosave's statements are built once per shape, bound at each save and run on the
# session's connection: building and keying them anew, and running them through the ORM,
# which has nothing to track here, took about a third of a save.


@cache
def _claim(fields: tuple[str, ...]) -> Update:
    """The UPDATE that claims the next version of the author's open scorecard, on the kit
    version the save was checked against, setting `fields` (new_<field> at execution)."""
    return (
        update(Scorecard)
        .where(
            Scorecard.id == bindparam("claimed_id"),
            queries.fillable_by(bindparam("author_id")),
            Scorecard.kit_version_id == bindparam("on_kit_version"),
            Scorecard.version == bindparam("base"),
            IS_OPEN,
            # Correlated, so that it reads the one interview: as IN (SELECT ...), SQLite
            # listed every interview not cancelled on each save.
            exists().where(
                Interview.id == Scorecard.interview_id, Interview.cancelled_at.is_(None)
            ),
        )
        .values({name: bindparam(f"new_{name}") for name in fields})
    )


@cache
def _upsert_statement(model, dialect: str, key: tuple[str, ...], columns: tuple[str, ...]):
    """INSERT ... ON CONFLICT DO UPDATE of `columns` for a row of `model` at (scorecard,
    `key`); SQLite and PostgreSQL spell it alike."""
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(model)
    return insert.on_conflict_do_update(
        index_elements=["scorecard_id", *key],
        set_={name: insert.excluded[name] for name in columns},
    )


def _forget(model, identity) -> None:
    """Expire the session's copy of a row written by a statement, if it holds one."""
    held = db.session.identity_map.get(identity_key(model, identity))
    if held is not None:
        db.session.expire(held)


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


def submit(scorecard: Scorecard, seen_version: int | None = None) -> None:
    """Submit the scorecard as validated, in one compare-and-set on that version.

    `seen_version` is the version the submitting page last saved or loaded: a scorecard
    changed since (in another tab) is not submitted unseen.
    """
    if scorecard.submitted_at is not None:
        return
    _refuse_if_closed(scorecard)
    if seen_version is not None and seen_version != scorecard.version:
        raise DomainError(
            Kind.CONFLICT,
            "Not submitted: this scorecard was saved from another tab or device since this "
            "page last saved. It now shows what is stored; review it and submit again.",
        )
    found = problems(scorecard)
    if found:
        raise DomainError(
            Kind.INVALID, "Not submitted yet: complete the fields marked below.", errors=found
        )
    validated, version = content(scorecard), scorecard.version
    now = utcnow()
    values = {"submitted_at": now, "updated_at": now, "version": version + 1}
    first = scorecard.first_submitted_at is None
    if first:
        values |= {"first_submitted_at": now, "first_recommendation": scorecard.recommendation}
    result = db.session.execute(
        update(Scorecard)
        .where(
            Scorecard.id == scorecard.id,
            Scorecard.version == version,
            Scorecard.submitted_at.is_(None),
            Scorecard.withdrawn_at.is_(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.expire_all()
        _refuse_if_closed(scorecard, meanwhile=True)
        now_stored = content(scorecard)
        labels = field_labels(scorecard)
        changed = [k for k, v in now_stored.items() if validated.get(k) != v]
        raise DomainError(
            Kind.CONFLICT,
            "Not submitted: the scorecard was saved from another tab or device while you "
            "submitted. Changed meanwhile: "
            + (", ".join(labels.get(k, k) for k in changed) or "nothing you can see")
            + ". Review it and submit again.",
            errors={k: "Changed in another tab or device while you submitted." for k in changed},
        )
    if first:
        for rating in scorecard.ratings:
            rating.first_value, rating.first_not_assessed = rating.value, rating.not_assessed
    else:
        _mark_changes_after_panel(scorecard)
    changes.record("candidate", scorecard.interview.candidate_id)
    changes.record("scorecard", scorecard.id)
    changes.bump("figures")
    webhooks.emit(
        "scorecard.submitted" if first else "scorecard.amended",
        {
            "scorecard_id": scorecard.id,
            "interview_id": scorecard.interview_id,
            "candidate_id": scorecard.interview.candidate_id,
            "application_id": scorecard.interview.application_id,
            "interviewer_id": scorecard.interviewer_id,
            "submitted_at": now.isoformat(),
        },
    )
    db.session.flush()
    db.session.expire(scorecard)
    record("scorecard.submit", "scorecard", scorecard.id, first=first)


def _mark_changes_after_panel(scorecard: Scorecard) -> None:
    """Mark the ratings and recommendation a re-submission changed after its author could
    read colleagues' scorecards of the interview; a value back at its first is unmarked."""
    previous = scorecard.revisions[-1].content
    seen = colleagues_visible(
        scorecard, access_to(scorecard.interviewer, scorecard.interview.candidate_id)
    )
    changed = []
    for rating in scorecard.ratings:
        key = f"rating:{rating.kit_competency_id}"
        before = (previous.get(f"{key}:value"), bool(previous.get(f"{key}:not_assessed")))
        now = (rating.value, rating.not_assessed)
        if seen and now != before:
            rating.changed_after_panel = True
            changed.append(f"{key}:value")
        if now == (rating.first_value, rating.first_not_assessed):
            rating.changed_after_panel = False
    recommendation = scorecard.recommendation.value if scorecard.recommendation else ""
    if seen and recommendation != previous.get("recommendation"):
        scorecard.recommendation_changed_after_panel = True
        changed.append("recommendation")
    if scorecard.recommendation == scorecard.first_recommendation:
        scorecard.recommendation_changed_after_panel = False
    if changed:
        scorecard.revisions[-1].content = previous | {"changed_after_panel": changed}


def amend(scorecard: Scorecard, reason: str, author_id: int) -> ScorecardRevision:
    """Reopen a submitted scorecard for a change, keeping what it said and why it changes."""
    if scorecard.submitted_at is None:
        raise DomainError(Kind.CONFLICT, "Only a submitted scorecard can be amended.")
    refuse_if_cancelled(scorecard.interview)
    revision = ScorecardRevision(
        author_id=author_id,
        reason=reason.strip(),
        content={"submitted_at": scorecard.submitted_at.isoformat(), **content(scorecard)},
    )
    scorecard.revisions.append(revision)
    scorecard.submitted_at = None
    scorecard.version += 1
    record("scorecard.amend", "scorecard", scorecard.id)
    changes.record("candidate", scorecard.interview.candidate_id)
    changes.bump("figures")
    db.session.flush()
    return revision


def withdraw(scorecard: Scorecard) -> None:
    """Step back from scoring an interview to read the panel first; never submitted after."""
    if scorecard.first_submitted_at is not None:
        raise DomainError(
            Kind.CONFLICT, "You have submitted this scorecard: you already see the panel."
        )
    _refuse_if_closed(scorecard)
    now = utcnow()
    result = db.session.execute(
        update(Scorecard)
        .where(
            Scorecard.id == scorecard.id,
            Scorecard.submitted_at.is_(None),
            Scorecard.first_submitted_at.is_(None),
            Scorecard.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=now, updated_at=now, version=Scorecard.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(scorecard)
        _refuse_if_closed(scorecard, meanwhile=True)
        raise DomainError(Kind.CONFLICT, "The scorecard was submitted meanwhile.")
    changes.record("candidate", scorecard.interview.candidate_id)
    changes.bump("figures")
    db.session.expire(scorecard)
    record("scorecard.withdraw", "scorecard", scorecard.id)

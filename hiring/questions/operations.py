"""Verbs that change the question bank. They flush; the caller commits."""

import json
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import selectinload

from hiring.audit.operations import record
from hiring.domain import DomainError, Kind
from hiring.extensions import db, utcnow
from hiring.questions.matching import SIMILAR, Match, matches
from hiring.questions.models import (
    AnswerTier,
    Competency,
    CompetencyAnchor,
    PrepTip,
    Question,
    Tag,
    Tier,
    normalise_key,
    question_competencies,
)
from hiring.questions.parsing import (
    BANK_FORMAT,
    BANK_VERSION,
    BankData,
    CompetencyData,
    PageError,
    QuestionData,
    dedupe,
    parse_file,
)
from hiring.text import counted


def search_text(question: Question) -> str:
    """The text the bank's search looks in: prompt, answers and why, tips, tags and the
    competencies evaluated (questions.search indexes it)."""
    parts = [question.prompt]
    for tier in question.tiers:
        parts += [tier.answer, tier.rationale or ""]
    parts += [tip.text for tip in question.prep_tips]
    parts += [tag.name for tag in question.tags]
    parts += [competency.name for competency in question.competencies]
    return "\n".join(p for p in parts if p)


def refresh_search_text(competency: Competency) -> None:
    """A competency's new name is searchable on every question evaluating it."""
    for question in db.session.scalars(
        select(Question).where(Question.competencies.any(Competency.id == competency.id))
    ):
        question.search_text = search_text(question)


def find_competency(name: str) -> Competency | None:
    return db.session.scalar(select(Competency).where(Competency.key == normalise_key(name)))


def competency_named(name: str) -> Competency:
    """The catalogue's competency of this name (any case or spacing), created when new."""
    name = " ".join(name.split())
    competency = find_competency(name)
    if competency is None:
        competency = Competency(name=name, key=normalise_key(name), description="")
        db.session.add(competency)
        db.session.flush()
    return competency


def _tag_named(name: str) -> Tag:
    name = " ".join(name.split()).lower()
    tag = db.session.scalar(select(Tag).where(Tag.name == name))
    if tag is None:
        tag = Tag(name=name)
        db.session.add(tag)
        db.session.flush()
    return tag


def find_question(prompt: str) -> Question | None:
    return db.session.scalar(select(Question).where(Question.prompt_key == normalise_key(prompt)))


def save_question(question: Question, data: QuestionData, *, add_tags: bool = False) -> Question:
    """Write `data` into `question`, updating tiers and tips in place (no duplicates)."""
    question.prompt = data.prompt
    question.prompt_key = normalise_key(data.prompt)
    question.level = data.level.strip().lower()
    question.role_family = " ".join(data.role_family.split())
    names = sorted({" ".join(t.split()).lower() for t in data.tags if t.strip()})
    wanted_tags = [_tag_named(n) for n in names]
    if add_tags:
        wanted_tags = list({t.id: t for t in [*question.tags, *wanted_tags]}.values())
    question.tags = wanted_tags

    existing = {t.tier: t for t in question.tiers}
    for tier in Tier:
        given, row = data.tiers.get(tier), existing.get(tier)
        if given is None and row is not None:
            question.tiers.remove(row)
        elif given is not None and row is None:
            question.tiers.append(
                AnswerTier(tier=tier, answer=given.answer, rationale=given.rationale)
            )
        elif given is not None:
            row.answer, row.rationale = given.answer, given.rationale

    tips = list(question.prep_tips)
    for position, text in enumerate(data.prep_tips):
        if position < len(tips):
            tips[position].text = text
        else:
            question.prep_tips.append(PrepTip(position=position, text=text))
    for extra in tips[len(data.prep_tips) :]:
        question.prep_tips.remove(extra)

    question.competencies = [competency_named(n) for n in data.competencies]
    if data.archived and question.archived_at is None:
        question.archived_at = utcnow()
    question.search_text = search_text(question)
    db.session.flush()
    return question


def create_question(data: QuestionData) -> Question:
    """Add a new question to the bank."""
    question = Question(prompt=data.prompt, prompt_key=normalise_key(data.prompt))
    db.session.add(question)
    return save_question(question, data)


def create_competency(data: CompetencyData) -> Competency:
    """Add a new competency to the catalogue."""
    competency = Competency(name=data.name, key=normalise_key(data.name))
    db.session.add(competency)
    save_competency(competency, data)
    db.session.flush()
    record("competency.create", "competency", competency.id, name=competency.name)
    return competency


def upsert_question(data: QuestionData, *, add_tags: bool = False) -> tuple[Question, bool]:
    """Create the question, or update the one with the same normalised prompt."""
    question = find_question(data.prompt)
    created = question is None
    if created:
        question = Question(prompt=data.prompt, prompt_key=normalise_key(data.prompt))
        db.session.add(question)
    return save_question(question, data, add_tags=add_tags), created


def save_competency(
    competency: Competency, data: CompetencyData, *, whole: bool = False
) -> Competency:
    """Write name, description and the anchors of the points `data` names; a point with
    empty text is dropped. With `whole` (an import: the page is the truth) every point
    from 1 to 7 is written, and those the page lacks are dropped."""
    competency.name = " ".join(data.name.split())
    competency.key = normalise_key(data.name)
    competency.description = data.description
    existing = {a.point: a for a in competency.anchors}
    for point in range(1, 8) if whole else sorted(p for p in data.anchors if 1 <= p <= 7):
        text, row = (data.anchors.get(point) or "").strip(), existing.get(point)
        if not text and row is not None:
            competency.anchors.remove(row)
        elif text and row is None:
            competency.anchors.append(CompetencyAnchor(point=point, text=text))
        elif text:
            row.text = text
    db.session.flush()
    if competency.id is not None:
        refresh_search_text(competency)
    return competency


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    competencies: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # New competencies created although they look like existing ones (no decision given).
    lookalikes: list = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        return (
            f"Imported {counted(self.imported, 'question')}: {self.created} new, {self.updated} "
            f"updated, {self.unchanged} unchanged; {self.competencies} new competencies."
        )


def parse_batch(files: list[tuple[str, bytes]]) -> tuple[list[BankData], list[str]]:
    """Parse every file; return what parsed and the errors, one per bad file."""
    parsed, errors = [], []
    for filename, raw in files:
        try:
            parsed.append(parse_file(raw, filename))
        except PageError as error:
            errors.append(str(error))
    return parsed, errors


@dataclass
class Proposal:
    """A competency a batch would create, and the catalogue's names that look like it."""

    name: str
    matches: list[Match]

    @property
    def likely(self) -> Match | None:
        """The match to offer as the answer: only one whose words nearly are the new
        name's. Sharing a first word ("Empathy with patients", "Empathy with customers")
        is worth asking about, not a reason to merge two competencies by default."""
        best = self.matches[0] if self.matches else None
        return best if best is not None and best.score >= SIMILAR else None


def proposals(parsed: list[BankData]) -> list[Proposal]:
    """Each new competency name in the batch that looks like one in the catalogue."""
    catalogue = db.session.scalars(select(Competency.name).order_by(Competency.name)).all()
    seen, found = set(), []
    for bank in parsed:
        names = [c.name for c in bank.competencies]
        names += [n for q in bank.questions for n in q.competencies]
        for name in names:
            key = normalise_key(name)
            if key in seen or find_competency(name) is not None:
                continue
            seen.add(key)
            if close := matches(name, catalogue):
                found.append(Proposal(name, close))
    return found


def competency_lookalikes(name: str) -> list[Match]:
    """Competencies in the catalogue whose names look like `name`."""
    return matches(name, db.session.scalars(select(Competency.name)).all())


def preview(
    files: list[tuple[str, bytes]],
) -> tuple[list[Proposal], list[str], list[QuestionData]]:
    """What an import would ask before writing: proposed matches, the files refused, and
    the questions it read."""
    parsed, errors = parse_batch(files)
    return proposals(parsed), errors, [q for bank in parsed for q in bank.questions]


def _use_existing(parsed: list[BankData], decisions: dict[str, str]) -> None:
    """Point the batch's competency names at the existing ones chosen instead."""
    chosen = {normalise_key(new): existing for new, existing in decisions.items() if existing}
    for bank in parsed:
        bank.competencies = [c for c in bank.competencies if normalise_key(c.name) not in chosen]
        for question in bank.questions:
            question.competencies = dedupe(
                [chosen.get(normalise_key(n), n) for n in question.competencies]
            )


def import_batch(
    files: list[tuple[str, bytes]],
    *,
    role_family: str | None = None,
    tags: list[str] | None = None,
    skip_invalid: bool = False,
    use_existing: dict[str, str] | None = None,
) -> ImportReport:
    """Import question pages and bank documents: all of them, or none when one is bad.

    With skip_invalid the good files are imported and the bad ones only reported.
    `use_existing` maps a competency name of the batch to the catalogue's competency to
    use instead (a decision on a proposal); without a decision a new name is created and
    the report names what it looks like.
    """
    parsed, errors = parse_batch(files)
    report = ImportReport(errors=errors)
    if errors and not skip_invalid:
        return report
    decided = {normalise_key(name) for name in (use_existing or {})}
    _use_existing(parsed, use_existing or {})
    report.lookalikes = [p for p in proposals(parsed) if normalise_key(p.name) not in decided]
    # All or nothing, whoever calls: a failure while writing undoes the whole batch.
    try:
        with db.session.begin_nested():
            _write_batch(parsed, report, role_family, tags or [])
    except (DomainError, ValueError, SQLAlchemyError) as error:
        return ImportReport(errors=[*errors, f"nothing was imported: {error}"])
    record(
        "questions.import",
        "question",
        None,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        refused=len(errors),
    )
    return report


def _write_batch(parsed, report: ImportReport, role_family: str | None, tags: list[str]) -> None:
    before = db.session.scalar(select(func.count()).select_from(Competency))
    for bank in parsed:
        for competency in bank.competencies:
            row = find_competency(competency.name)
            if row is None:
                row = Competency(name=competency.name, key=normalise_key(competency.name))
                db.session.add(row)
            save_competency(row, competency, whole=True)
        for question in bank.questions:
            report.warnings += question.warnings
            existing = find_question(question.prompt)
            if role_family:
                question.role_family = role_family
            elif not question.role_family and existing is not None:
                question.role_family = existing.role_family
            question.tags = [*question.tags, *tags]
            before_save = _snapshot(existing) if existing is not None else None
            saved, created = upsert_question(question, add_tags=True)
            if created:
                report.created += 1
            elif _snapshot(saved) == before_save:
                report.unchanged += 1
            else:
                report.updated += 1
    report.competencies = db.session.scalar(select(func.count()).select_from(Competency)) - before


def _snapshot(question: Question) -> tuple:
    """Everything an import can change on a question, to tell "unchanged" from "updated"."""
    return (
        question.prompt,
        question.level,
        question.role_family,
        tuple(sorted(t.name for t in question.tags)),
        tuple((t.tier.value, t.answer, t.rationale) for t in question.ordered_tiers),
        tuple(t.text for t in question.prep_tips),
        tuple(sorted(c.name for c in question.competencies)),
        question.archived_at is not None,
    )


def export_bank() -> str:
    """The whole bank as one JSON document; stable, so that a round trip is byte-identical."""
    competencies = db.session.scalars(
        select(Competency).options(selectinload(Competency.anchors))
    ).all()
    questions = db.session.scalars(
        select(Question).options(
            selectinload(Question.tiers),
            selectinload(Question.prep_tips),
            selectinload(Question.competencies),
            selectinload(Question.tags),
        )
    ).all()
    document = {
        "format": BANK_FORMAT,
        "version": BANK_VERSION,
        "competencies": [
            {
                "name": c.name,
                "description": c.description,
                "anchors": {str(a.point): a.text for a in c.anchors},
            }
            for c in sorted(competencies, key=lambda c: c.key)
        ],
        "questions": [
            {
                "prompt": q.prompt,
                "level": q.level,
                "role_family": q.role_family,
                "tags": sorted(t.name for t in q.tags),
                "tiers": {
                    t.tier.value: {"answer": t.answer, "rationale": t.rationale}
                    for t in q.ordered_tiers
                },
                "prep_tips": [t.text for t in q.prep_tips],
                "competencies": sorted((c.name for c in q.competencies), key=normalise_key),
                "archived": q.is_archived,
            }
            for q in sorted(questions, key=lambda q: q.prompt_key)
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def delete_question(question: Question) -> None:
    """Delete a question no kit uses (kits.queries.versions_using tells)."""
    record("question.delete", "question", question.id)
    db.session.delete(question)
    db.session.flush()


def set_archived(question: Question, archived: bool) -> None:
    """Archive a question (hidden from new kits) or bring it back."""
    question.archived_at = utcnow() if archived else None
    record("question.archive" if archived else "question.unarchive", "question", question.id)


def remove_competency(competency: Competency) -> None:
    """Take a competency nothing uses out of the catalogue. One a question evaluates, or a
    kit or an opening rates (the database refuses those), stays: merge it instead."""
    used = db.session.scalar(
        select(func.count())
        .select_from(question_competencies)
        .where(question_competencies.c.competency_id == competency.id)
    )
    if used:
        raise DomainError(
            Kind.CONFLICT,
            f"“{competency.name}” is evaluated by {counted(used, 'question')}: merge it instead.",
        )
    name = competency.name
    try:
        with db.session.begin_nested():
            db.session.delete(competency)
    except IntegrityError:
        raise DomainError(
            Kind.CONFLICT,
            f"“{name}” is rated by a kit or an opening: merge it instead, so that their "
            "ratings follow.",
        ) from None
    record("competency.remove", "competency", None, name=name)


def merge_competencies(source: Competency, target: Competency) -> None:
    """Fold `source` into `target` in the bank: every question link follows, then source
    goes. Kits repoint their own links first (kits.operations.merge_competencies)."""
    linked = select(question_competencies.c.question_id).where(
        question_competencies.c.competency_id == target.id
    )
    db.session.execute(
        delete(question_competencies).where(
            question_competencies.c.competency_id == source.id,
            question_competencies.c.question_id.in_(linked),
        )
    )
    db.session.execute(
        update(question_competencies)
        .where(question_competencies.c.competency_id == source.id)
        .values(competency_id=target.id)
    )
    if not target.description:
        target.description = source.description
    for anchor in source.anchors:
        if not target.anchor_for(anchor.point):
            target.anchors.append(CompetencyAnchor(point=anchor.point, text=anchor.text))
    record("competency.merge", "competency", target.id, merged=source.name, into=target.name)
    db.session.flush()
    db.session.expire_all()
    db.session.delete(db.session.get(Competency, source.id))
    db.session.flush()
    refresh_search_text(target)

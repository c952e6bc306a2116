"""Reads of the question bank: search, filters, a question's page, the catalogue."""

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from hiring.extensions import db
from hiring.questions import search as full_text
from hiring.questions.models import Competency, Question, Tag, question_competencies


def search(
    text: str = "",
    *,
    level: str = "",
    role_family: str = "",
    competency_id: int | None = None,
    tag: str = "",
    include_archived: bool = False,
) -> Select:
    """Questions holding every word of `text` (prompts, answers, tips, tags, competency
    names; a word matches words starting with it), best first, with the given filters."""
    stmt = full_text.matching(select(Question), text)
    if level:
        stmt = stmt.where(Question.level == level)
    if role_family:
        stmt = stmt.where(Question.role_family == role_family)
    if competency_id:
        stmt = stmt.where(Question.competencies.any(Competency.id == competency_id))
    if tag:
        stmt = stmt.where(Question.tags.any(Tag.name == tag))
    if not include_archived:
        stmt = stmt.where(Question.archived_at.is_(None))
    if not full_text.words(text):
        stmt = stmt.order_by(Question.role_family, Question.prompt_key)
    return stmt


def with_details(question_id: int) -> Select:
    """One question with everything its page shows."""
    return (
        select(Question)
        .where(Question.id == question_id)
        .options(
            selectinload(Question.tiers),
            selectinload(Question.prep_tips),
            selectinload(Question.competencies),
            selectinload(Question.tags),
        )
    )


def role_families() -> list[str]:
    """The role families the bank's questions use."""
    return db.session.scalars(
        select(Question.role_family)
        .distinct()
        .where(Question.role_family != "")
        .order_by(Question.role_family)
    ).all()


def competency_choices() -> list[tuple[int, str]]:
    """Every competency of the catalogue as (id, name), in name order."""
    rows = db.session.execute(select(Competency.id, Competency.name).order_by(Competency.key))
    return [(competency_id, name) for competency_id, name in rows]


def filter_options() -> dict:
    """What the bank's filters offer: levels, role families, competencies and tags."""
    return {
        "levels": db.session.scalars(
            select(Question.level).distinct().where(Question.level != "").order_by(Question.level)
        ).all(),
        "families": role_families(),
        "competencies": competency_choices(),
        "tags": db.session.scalars(select(Tag.name).order_by(Tag.name)).all(),
    }


def competencies_with_use() -> list[tuple[Competency, int]]:
    """The catalogue with its anchors, and how many questions evaluate each competency."""
    counts = (
        select(question_competencies.c.competency_id, func.count().label("n"))
        .group_by(question_competencies.c.competency_id)
        .subquery()
    )
    return db.session.execute(
        select(Competency, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.competency_id == Competency.id)
        .options(selectinload(Competency.anchors))
        .order_by(Competency.key)
    ).all()

"""Reads of kits: a version with its content, lists, and what other pages ask of kits."""

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload, undefer

from hiring.extensions import db
from hiring.kits.models import Kit, KitCompetency, KitItem, KitSection, KitVersion, ScalePoint
from hiring.questions.models import Competency, Question


def with_content(path):
    """Loader options for a kit version's kit, sections and items, competencies and scale."""
    return path.options(
        joinedload(KitVersion.kit),
        selectinload(KitVersion.sections)
        .selectinload(KitSection.items)
        .selectinload(KitItem.question)
        .selectinload(Question.competencies),
        selectinload(KitVersion.competencies).joinedload(KitCompetency.competency),
        selectinload(KitVersion.scale),
    )


def version_for_builder(kit_id: int, number: int) -> Select:
    """A kit version with its questions from the bank too, as the builder and guide show it."""
    return (
        select(KitVersion)
        .where(KitVersion.kit_id == kit_id, KitVersion.number == number)
        .options(
            undefer(KitVersion.interview_count),
            joinedload(KitVersion.kit),
            selectinload(KitVersion.sections)
            .selectinload(KitSection.items)
            .selectinload(KitItem.question)
            .options(
                selectinload(Question.competencies).selectinload(Competency.anchors),
                selectinload(Question.tiers),
            ),
            selectinload(KitVersion.competencies).joinedload(KitCompetency.competency),
            selectinload(KitVersion.scale),
        )
    )


def kits(include_archived: bool) -> Select:
    """Kits with their versions, by title."""
    stmt = (
        select(Kit)
        .options(selectinload(Kit.versions).undefer(KitVersion.interview_count))
        .order_by(Kit.title)
    )
    return stmt if include_archived else stmt.where(Kit.archived_at.is_(None))


def published_versions() -> list[KitVersion]:
    """The versions an interview can use: published, of kits in use."""
    return db.session.scalars(
        select(KitVersion)
        .join(Kit)
        .where(KitVersion.published_at.is_not(None), Kit.archived_at.is_(None))
        .options(joinedload(KitVersion.kit))
        .order_by(Kit.title, KitVersion.number.desc())
    ).all()


def versions_using(question: Question) -> int:
    """How many kit versions ask the question: a question in use is not deleted."""
    return db.session.scalar(
        select(func.count(func.distinct(KitItem.kit_version_id))).where(
            KitItem.question_id == question.id
        )
    )


def version(version_id: int) -> KitVersion | None:
    """A kit version by id, or None."""
    return db.session.get(KitVersion, version_id)


def largest_scale_rating(competency_id: int) -> int:
    """The most points of any kit scale that rates this competency (0 when none does)."""
    sizes = (
        select(func.count(ScalePoint.value))
        .join(KitCompetency, KitCompetency.kit_version_id == ScalePoint.kit_version_id)
        .where(KitCompetency.competency_id == competency_id)
        .group_by(ScalePoint.kit_version_id)
        .subquery()
    )
    return db.session.scalar(select(func.max(sizes.c[0]))) or 0

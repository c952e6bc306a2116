"""Reads of kits that other pages need."""

from sqlalchemy import func, select

from hiring.extensions import db
from hiring.kits.models import KitItem, KitVersion
from hiring.questions.models import Question


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

"""Reading openings: one statement per collection, whatever the plan's size."""

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from hiring.extensions import db
from hiring.kits.models import KitVersion
from hiring.openings.models import (
    Attribute,
    Member,
    Opening,
    OpeningStatus,
    PlannedInterview,
    Stage,
)


def plan_options() -> tuple:
    """Load an opening's team, scorecard and plan, ready for the coverage matrix."""
    return (
        selectinload(Opening.members).joinedload(Member.user),
        selectinload(Opening.attributes).joinedload(Attribute.competency),
        selectinload(Opening.stages)
        .selectinload(Stage.interviews)
        .options(
            joinedload(PlannedInterview.kit_version).options(
                joinedload(KitVersion.kit), selectinload(KitVersion.competencies)
            ),
            selectinload(PlannedInterview.focus),
            selectinload(PlannedInterview.panel),
        ),
    )


def with_plan(opening_id: int) -> Select:
    return select(Opening).where(Opening.id == opening_id).options(*plan_options())


def listed(status: OpeningStatus | None = None) -> Select:
    stmt = select(Opening).options(selectinload(Opening.members).joinedload(Member.user))
    if status is not None:
        stmt = stmt.where(Opening.status == status)
    return stmt.order_by(
        (Opening.status == OpeningStatus.OPEN).desc(), Opening.created_at.desc(), Opening.id
    )


def templates() -> list[Opening]:
    """Openings a new one may copy its team, scorecard and plan from."""
    return db.session.scalars(select(Opening).order_by(Opening.title, Opening.id)).all()


def accepting() -> list[Opening]:
    """Openings candidates may apply to now."""
    return db.session.scalars(
        select(Opening).where(Opening.status == OpeningStatus.OPEN).order_by(Opening.title)
    ).all()


def planned_with_opening(planned_id: int) -> Select:
    return (
        select(PlannedInterview)
        .where(PlannedInterview.id == planned_id)
        .options(
            joinedload(PlannedInterview.stage).joinedload(Stage.opening),
            joinedload(PlannedInterview.kit_version).joinedload(KitVersion.kit),
            selectinload(PlannedInterview.focus).joinedload(Attribute.competency),
            selectinload(PlannedInterview.panel),
        )
    )

"""Reading openings: one statement per collection, whatever the plan's size."""

from sqlalchemy import ColumnElement, Select, exists, false, select, true
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


def on_team(user_id: int) -> Select:
    """The openings whose hiring team the user is on, in any role."""
    return select(Member.opening_id).where(Member.user_id == user_id)


def visible(user) -> ColumnElement[bool]:
    """The openings a user sees and changes: an admin every one, a manager those whose
    hiring team they are on, an interviewer none (their interviews are theirs to see)."""
    if user.is_admin:
        return true()
    if not user.is_manager:
        return false()
    return Opening.id.in_(on_team(user.id))


def visible_ids(user) -> Select:
    """The ids of the openings the user sees and changes (`visible`)."""
    return select(Opening.id).where(visible(user))


def manages(user, opening_id: int) -> bool:
    """Whether the user sees and changes this opening and what belongs to it."""
    if user.is_admin:
        return True
    return user.is_manager and bool(
        db.session.scalar(
            select(exists().where(Member.user_id == user.id, Member.opening_id == opening_id))
        )
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


def with_plan(opening_id: int, reader) -> Select:
    return select(Opening).where(Opening.id == opening_id, visible(reader)).options(*plan_options())


def listed(reader, status: OpeningStatus | None = None) -> Select:
    stmt = (
        select(Opening)
        .where(visible(reader))
        .options(selectinload(Opening.members).joinedload(Member.user))
    )
    if status is not None:
        stmt = stmt.where(Opening.status == status)
    return stmt.order_by(
        (Opening.status == OpeningStatus.OPEN).desc(), Opening.created_at.desc(), Opening.id
    )


def templates(reader) -> list[Opening]:
    """Openings a new one may copy its team, scorecard and plan from."""
    return db.session.scalars(
        select(Opening).where(visible(reader)).order_by(Opening.title, Opening.id)
    ).all()


def accepting(reader) -> list[Opening]:
    """Openings candidates may apply to now, of those the reader manages."""
    return db.session.scalars(
        select(Opening)
        .where(Opening.status == OpeningStatus.OPEN, visible(reader))
        .order_by(Opening.title)
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

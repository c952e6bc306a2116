"""Reads of user accounts."""

from collections.abc import Iterable

from sqlalchemy import select

from hiring.auth.models import User
from hiring.extensions import db


def active_users(ids: Iterable[int] | None = None) -> list[User]:
    """Active users by name; only those among `ids` when given."""
    stmt = select(User).where(User.active).order_by(User.name)
    if ids is not None:
        stmt = stmt.where(User.id.in_(list(ids)))
    return db.session.scalars(stmt).all()


def everyone() -> list[User]:
    """Every account, active ones first, by name."""
    return db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()

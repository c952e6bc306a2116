"""Confidential openings: what is not there for a reader off the hiring team.

A confidential opening (an executive hire, a replacement not yet announced) is
invisible to everyone but its hiring team, admins, and the panels of its interviews:
its applications, their interviews, scorecards, decisions, documents and moves. Rather
than each query remembering to leave them out, the reader's reach is set once per
request (or per job, for a document rendered for a reader) and every ORM SELECT of the
session is given the same criteria, joins and relationship loads included
(`with_loader_criteria`). What a confidential application holds is then simply absent:
from lists, search, the candidate picker, counts, comparisons, exports and digests.

Someone on the panel of one of an application's interviews reaches that application (and
reads it by the usual rules of independence); the rest of the opening stays hidden.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

from flask import g, has_app_context
from sqlalchemy import ColumnElement, Select, event, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from hiring.interviews.models import Application, CandidateDocument, Interview, Move, Scorecard
from hiring.openings.models import Member, Opening

_openings = Opening.__table__
_members = Member.__table__
_applications = Application.__table__
_interviews = Interview.__table__
_scorecards = Scorecard.__table__


@dataclass(frozen=True)
class Reach:
    """Whom the criteria are for: a user's id, or None for nobody in particular (figures
    shared by every reader leave every confidential opening out)."""

    user_id: int | None


_UNSET = object()
# A reach set for a block (`scoped`) wins over the request's (`set_for`, kept on `g`).
_override: ContextVar = ContextVar("reach", default=_UNSET)

# Criteria other features add for their own models: (model, clause of hidden applications).
_hiders: list[Callable[[Select], tuple[type, ColumnElement[bool]]]] = []


def _confidential_off_team(user_id: int | None) -> Select:
    """Confidential openings whose hiring team the user is not on (every one for None).

    Written over the tables (not the mapped classes), so that the criteria are not
    applied to themselves."""
    stmt = select(_openings.c.id).where(_openings.c.confidential)
    if user_id is None:
        return stmt
    return stmt.where(
        _openings.c.id.not_in(select(_members.c.opening_id).where(_members.c.user_id == user_id))
    )


def _panels_of(user_id: int) -> Select:
    """The applications whose interviews the user sits (or sat) on the panel of."""
    return (
        select(_interviews.c.application_id)
        .join(_scorecards, _scorecards.c.interview_id == _interviews.c.id)
        .where(_scorecards.c.interviewer_id == user_id, _interviews.c.application_id.is_not(None))
    )


def hidden_openings(user_id: int | None) -> Select:
    """Confidential openings the user is not on the hiring team of, nor on a panel for."""
    stmt = _confidential_off_team(user_id)
    if user_id is None:
        return stmt
    return stmt.where(
        _openings.c.id.not_in(
            select(_applications.c.opening_id).where(_applications.c.id.in_(_panels_of(user_id)))
        )
    )


def hidden_applications(user_id: int | None) -> Select:
    """Applications to confidential openings the user may not know of: off the opening's
    team, and on none of the application's panels."""
    stmt = select(_applications.c.id).where(
        _applications.c.opening_id.in_(_confidential_off_team(user_id))
    )
    if user_id is None:
        return stmt
    return stmt.where(_applications.c.id.not_in(_panels_of(user_id)))


def _hidden_interviews(hidden: Select) -> Select:
    return select(_interviews.c.id).where(_interviews.c.application_id.in_(hidden))


@lru_cache(maxsize=1024)
def criteria(reach: Reach) -> tuple:
    """The loader criteria of a reach, built once per reach: they are immutable, and the
    user's id in them is a bound parameter, so every statement of theirs is cached."""
    hidden = hidden_applications(reach.user_id)
    options = [
        with_loader_criteria(Opening, Opening.id.not_in(hidden_openings(reach.user_id))),
        with_loader_criteria(Application, Application.id.not_in(hidden)),
        with_loader_criteria(
            Interview,
            or_(Interview.application_id.is_(None), Interview.application_id.not_in(hidden)),
        ),
        with_loader_criteria(Scorecard, Scorecard.interview_id.not_in(_hidden_interviews(hidden))),
        with_loader_criteria(CandidateDocument, CandidateDocument.application_id.not_in(hidden)),
        with_loader_criteria(Move, Move.application_id.not_in(hidden)),
    ]
    for hider in _hiders:
        model, clause = hider(hidden)
        options.append(with_loader_criteria(model, clause))
    return tuple(options)


def also_hide(hider: Callable[[Select], tuple[type, ColumnElement[bool]]]) -> None:
    """Let a feature hide its own rows of hidden applications: `hider(hidden)` returns the
    model and the clause keeping the rest."""
    _hiders.append(hider)


@contextmanager
def scoped(reach: Reach | None) -> Iterator[None]:
    """Run the block with `reach` (None: everything, as for an admin or a command)."""
    token = _override.set(reach)
    try:
        yield
    finally:
        _override.reset(token)


def of(user) -> Reach | None:
    """A user's reach: admins reach everything."""
    return None if user.is_admin else Reach(user.id)


def set_for(user) -> None:
    """For the rest of this request: the user's reach."""
    g.reach = of(user)


def current() -> Reach | None:
    override = _override.get()
    if override is not _UNSET:
        return override
    return g.get("reach") if has_app_context() else None


@event.listens_for(Session, "do_orm_execute")
def _apply(state: ORMExecuteState) -> None:
    if not state.is_select or state.is_column_load:
        return
    reach = current()
    if reach is not None:
        state.statement = state.statement.options(*criteria(reach))

"""What a transaction changed, turned into the work it makes stale once it commits.

Operations record what they changed (`record("candidate", 7)`); features that keep
something derived from it (documents to render, figures to refresh, mail to send) say
what to do about each kind (`on("candidate", handler)`). After the commit, and only then,
each handler is called once per thing changed; a rollback forgets what was recorded. So
no view asks for a render by hand, and no task reads data that is not yet committed.

Handlers run after the commit has ended the transaction: they queue tasks with ids and
read nothing from the database. What is derived from many changes at once (figures over
every rating) also keeps a generation, raised in the changing transaction itself (`bump`),
so that whoever refreshes it knows whether it is behind.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable

from flask import current_app
from sqlalchemy import String, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from hiring.extensions import db

_handlers: dict[str, list[Callable]] = defaultdict(list)


def on(kind: str, handler: Callable[[Hashable], None]) -> None:
    """Call `handler(ident)` after each commit that changed a `kind` thing."""
    if handler not in _handlers[kind]:
        _handlers[kind].append(handler)


def record(kind: str, ident: Hashable = None) -> None:
    """Note that this transaction changed the `kind` thing `ident`."""
    db.session.info.setdefault("changed", {})[kind, ident] = None


class Generation(db.Model):
    """How many committed changes a kind of derived data has seen."""

    __tablename__ = "generations"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Generation {self.kind}={self.value}>"


def bump(kind: str) -> None:
    """Record a change to `kind` and raise its generation, in this transaction."""
    raised = db.session.execute(
        update(Generation).where(Generation.kind == kind).values(value=Generation.value + 1)
    )
    if raised.rowcount == 0:
        db.session.add(Generation(kind=kind, value=1))
        db.session.flush()
    record(kind)


def generation(kind: str) -> int:
    """How many changes to `kind` are committed (as this transaction sees them)."""
    return db.session.scalar(select(Generation.value).where(Generation.kind == kind)) or 0


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    changed = session.info.pop("changed", None)
    if not changed:
        return
    for kind, ident in changed:
        for handler in _handlers.get(kind, ()):
            try:
                handler(ident)
            except Exception:  # noqa: BLE001 (the change is committed: log, never undo it)
                current_app.logger.exception("after-commit work for %s %s failed", kind, ident)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("changed", None)

"""Rows sent by workers (e-mail, webhooks): one worker at a time claims each."""

from datetime import timedelta

from sqlalchemy import or_, update

from hiring.extensions import db, utcnow


def claim(model, row_id: int, done, timeout: timedelta) -> bool:
    """Claim row `row_id` of `model` for sending, in one conditional update committed at
    once: not `done` yet (a column, None until sent), and claimed by no one, or by a
    worker that died more than `timeout` ago. Whether this worker has it."""
    now = utcnow()
    claimed = db.session.execute(
        update(model)
        .where(
            model.id == row_id,
            done.is_(None),
            or_(model.claimed_at.is_(None), model.claimed_at < now - timeout),
        )
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed.rowcount == 1

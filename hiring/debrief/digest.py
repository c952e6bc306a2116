"""The managers' weekly digest: on Monday morning (the organisation's time), each manager
who has not turned it off gets one e-mail about the openings whose hiring team they are
on: decisions waiting on them, overdue scorecards, and open openings where nothing
happened for two weeks. Once per ISO week, whatever runs it how often: the week is
claimed per person by a row (its primary key refuses a second), in the transaction that
queues the mail. Nothing to say, no mail (the week is still claimed)."""

from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from hiring import tasks
from hiring.auth.models import Role, User
from hiring.extensions import UTCDateTime, db, utcnow
from hiring.interviews import queries, reach
from hiring.interviews.calendar import external
from hiring.mail import queue
from hiring.text import counted
from hiring.timezones import local, organisation_zone

SENDS_AT = 8  # o'clock on Monday, the organisation's time
QUIET = timedelta(days=14)


class DigestSent(db.Model):
    """That a manager's digest of a week was made (sent, or nothing to say)."""

    __tablename__ = "digests_sent"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    week: Mapped[str] = mapped_column(String(10), primary_key=True)  # "2026-W50"
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued: Mapped[bool] = mapped_column(default=False)


def week_of(now: datetime) -> str | None:
    """The ISO week whose digest is due at `now`, or None before Monday SENDS_AT."""
    here = now.astimezone(organisation_zone())
    year, week, weekday = here.isocalendar()
    if weekday == 1 and here.hour < SENDS_AT:
        return None
    return f"{year}-W{week:02d}"


def send_digests(now: datetime | None = None) -> list[str]:
    """Queue this week's digests not made yet; returns to whom (for the command line).
    Each is committed on its own, so one failure keeps the others."""
    now = now or utcnow()
    week = week_of(now)
    if week is None:
        return []
    done = select(DigestSent.user_id).where(DigestSent.week == week)
    people = db.session.scalars(
        select(User).where(
            User.active,
            User.email_digest,
            User.role.in_([Role.MANAGER, Role.ADMIN]),
            User.id.not_in(done),
        )
    ).all()
    sent = []
    for user in people:
        try:
            # What the digest reads is what its recipient may see.
            with reach.scoped(reach.of(user)):
                made = _digest(user, week, now)
            if made:
                sent.append(user.email)
            db.session.commit()
        except IntegrityError:  # another worker made it meanwhile
            db.session.rollback()
    return sent


def _digest(user: User, week: str, now: datetime) -> bool:
    claim = DigestSent(user_id=user.id, week=week)
    db.session.add(claim)
    db.session.flush()
    hours = current_app.config["OVERDUE_HOURS"]
    context = {
        "recipient": user,
        "week": week,
        "waiting": queries.decisions_waiting(limit=20, member_id=user.id),
        "overdue": queries.overdue_on_openings(user.id, now - timedelta(hours=hours)),
        "quiet": queries.quiet_openings(user.id, now - QUIET),
        "overdue_hours": hours,
        "local": local,
        "external": external,
        "settings_url": external("auth.settings"),
    }
    if not (context["waiting"] or context["overdue"] or context["quiet"]):
        return False
    claim.queued = True
    queue(
        "digest",
        user.name,
        user.email,
        f"Your openings this week: {counted(len(context['waiting']), 'decision')} waiting, "
        f"{counted(len(context['overdue']), 'overdue scorecard')}",
        render_template("mail/digest.txt", **context),
        render_template("mail/digest.html", **context),
    )
    return True


@tasks.periodic(minute="20")
def digest() -> None:
    """Each hour: make the week's digests not made yet (from Monday SENDS_AT on)."""
    config = current_app.config
    with current_app.test_request_context(base_url=config["BASE_URL"] or None):
        send_digests()

"""The e-mails an interview sends: invitations, updates, cancellations and reminders.
Each has a plain-text part and a simple HTML part from templates/mail/, times in the
recipient's own zone, and the calendar invitation where there is one."""

from flask import current_app, render_template

from hiring.auth.models import User
from hiring.interviews.calendar import CANCEL, REQUEST, external, invitation
from hiring.interviews.models import Interview, Scorecard
from hiring.mail import queue
from hiring.timezones import local, organisation_zone, zone

SUBJECTS = {
    "invitation": "Interview: {candidate} on {when}",
    "update": "Updated: interview with {candidate} on {when}",
    "restored": "Back on: interview with {candidate} on {when}",
    "cancellation": "Cancelled: interview with {candidate} on {when}",
    "removed": "You are off the panel: interview with {candidate} on {when}",
}


def _zone_of(user: User):
    return zone(user.time_zone) if user.time_zone else organisation_zone()


def _send(kind: str, interview: Interview, user: User, scorecard, method: str, **extra) -> None:
    tz = _zone_of(user)
    when = local(interview.scheduled_at, "%a %d %b %Y, %H:%M", tz=tz)
    context = {
        "kind": kind,
        "interview": interview,
        "recipient": user,
        "when": when,
        "until": local(interview.ends_at, "%H:%M", tz=tz),
        "scorecard_url": external("scorecards.live", scorecard_id=scorecard.id)
        if scorecard is not None and kind != "removed"
        else None,
        **extra,
    }
    subject = SUBJECTS[kind].format(candidate=interview.candidate.name, when=when)
    attendees = [user] if kind == "removed" else None
    queue(
        kind,
        user.name,
        user.email,
        subject,
        render_template("mail/interview.txt", **context),
        render_template("mail/interview.html", **context),
        invitation(interview, method, scorecard, attendees),
        CANCEL if kind in ("cancellation", "removed") else method,
    )


def invite(interview: Interview, scorecard: Scorecard) -> None:
    """Tell someone put on the panel, with the invitation attached."""
    _send("invitation", interview, scorecard.interviewer, scorecard, REQUEST)


def changed(
    interview: Interview, changes: list[str], kind: str = "update", skip: int | None = None
) -> None:
    """Tell the panel what changed, with the updated invitation (`skip`: someone told
    otherwise, as a newcomer is by an invitation)."""
    for scorecard in interview.panel:
        if scorecard.interviewer_id != skip:
            _send(kind, interview, scorecard.interviewer, scorecard, REQUEST, changes=changes)


def cancelled(interview: Interview) -> None:
    for scorecard in interview.panel:
        _send("cancellation", interview, scorecard.interviewer, scorecard, CANCEL)


def removed(interview: Interview, user: User) -> None:
    """Tell someone taken off the panel; their calendar entry is cancelled."""
    _send("removed", interview, user, None, CANCEL)


def remind(scorecard: Scorecard) -> None:
    """The reminder for an overdue scorecard."""
    interview, user = scorecard.interview, scorecard.interviewer
    tz = _zone_of(user)
    context = {
        "interview": interview,
        "recipient": user,
        "scorecard": scorecard,
        "when": local(interview.scheduled_at, "%a %d %b %Y, %H:%M", tz=tz),
        "scorecard_url": external("scorecards.live", scorecard_id=scorecard.id),
        "settings_url": external("auth.settings"),
        "overdue_hours": current_app.config["OVERDUE_HOURS"],
    }
    queue(
        "reminder",
        user.name,
        user.email,
        f"Reminder: your scorecard for {interview.candidate.name} is overdue",
        render_template("mail/reminder.txt", **context),
        render_template("mail/reminder.html", **context),
    )

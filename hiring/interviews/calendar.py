"""An interview as an iCalendar invitation: one stable UID per interview, a SEQUENCE that
rises with every change, REQUEST for invitations and updates, CANCEL for cancellations."""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for
from icalendar import Calendar, Event, vCalAddress, vText

from hiring.extensions import utcnow
from hiring.interviews.models import Interview, Scorecard
from hiring.mail import one_line

REQUEST, CANCEL = "REQUEST", "CANCEL"


def base_url() -> str:
    """Where the app is reached: HIRING_BASE_URL, else the request's own address."""
    configured = current_app.config["BASE_URL"]
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://127.0.0.1:5000"


def external(endpoint: str, **values) -> str:
    """An absolute link for e-mail and calendars, inside a request or not."""
    if has_request_context():
        return base_url() + url_for(endpoint, **values)
    with current_app.test_request_context(base_url=base_url()):
        return url_for(endpoint, _external=True, **values)


def uid(interview: Interview) -> str:
    """The interview's calendar identity: the same for every update and the cancellation."""
    host = urlsplit(base_url()).hostname or "scorecards"
    return f"interview-{interview.id}@{host}"


def title(interview: Interview) -> str:
    candidate = interview.candidate
    return one_line(f"Interview: {candidate.name} · {interview.kit_version.kit.title}", 250)


def invitation(
    interview: Interview,
    method: str = REQUEST,
    scorecard: Scorecard | None = None,
    attendees: list | None = None,
) -> bytes:
    """The .ics for the interview's panel; `scorecard` names the reader's own link;
    `attendees` (users) replaces the panel, for telling one person they are off it."""
    method = CANCEL if interview.cancelled else method
    calendar = Calendar()
    calendar.add("prodid", "-//Scorecards//Interview invitation//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", uid(interview))
    event.add("sequence", interview.sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", interview.scheduled_at)
    event.add("dtend", interview.ends_at)
    event.add("summary", title(interview))
    if interview.location:
        event.add("location", interview.location)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    lines = [f"Kit: {interview.kit_version.kit.title}, version {interview.kit_version.number}"]
    if interview.link:
        lines.append(f"Join: {interview.link}")
    if scorecard is not None:
        link = external("scorecards.live", scorecard_id=scorecard.id)
        lines.append(f"Your scorecard: {link}")
        event.add("url", link)
    if interview.cancelled and interview.cancel_reason:
        lines.append(f"Cancelled: {interview.cancel_reason}")
    event.add("description", "\n".join(lines))
    sender = current_app.config["MAIL_SENDER"]
    organizer = vCalAddress(f"mailto:{sender.rpartition('<')[2].rstrip('>') or sender}")
    organizer.params["cn"] = vText(sender.partition("<")[0].strip() or "Scorecards")
    event["organizer"] = organizer
    people = attendees if attendees is not None else [s.interviewer for s in interview.panel]
    for person in people:
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(one_line(person.name))
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()

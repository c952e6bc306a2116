"""Outgoing e-mail through an outbox table: a message is stored with the change that
caused it (same transaction), and sent by a task queued after the commit, never inside
the request.

Delivery claims each message with a conditional update, so that workers and the
`send-reminders` command running at once never send a message twice. A failed send is
kept and retried later with a growing delay, by a periodic task; managers see that mail
is failing. Without `HIRING_MAIL_SERVER`, messages are written to the log and to an
outbox folder instead.
"""

import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Mapped, mapped_column

from hiring import changes, outbox, tasks
from hiring.extensions import CleanString, CleanText, UTCDateTime, db, utcnow

log = logging.getLogger("hiring.mail")

# A claimed message whose sender died is claimed again after this long.
CLAIM_TIMEOUT = timedelta(minutes=5)
# Retry after 1, 2, 4 ... minutes, at most hourly.
MAX_DELAY = timedelta(hours=1)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]+")


class OutgoingMail(db.Model):
    """One message to one person, kept until delivered."""

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(CleanString(30))
    to_name: Mapped[str] = mapped_column(CleanString(200), default="")
    to_address: Mapped[str] = mapped_column(CleanString(254))
    subject: Mapped[str] = mapped_column(CleanString(300))
    text: Mapped[str] = mapped_column(CleanText)
    html: Mapped[str] = mapped_column(CleanText)
    # An iCalendar attachment, and its METHOD (REQUEST or CANCEL).
    calendar: Mapped[str | None] = mapped_column(CleanText)
    calendar_method: Mapped[str | None] = mapped_column(CleanString(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(CleanString(500), default="")

    def __repr__(self) -> str:
        return f"<OutgoingMail {self.id} {self.kind} to {self.to_address}>"


def one_line(text: str, limit: int = 200) -> str:
    """Text safe in a header: line breaks and control characters become one space."""
    return " ".join(_UNSAFE.sub(" ", text or "").split())[:limit]


def valid_address(address: str) -> bool:
    name, addr = parseaddr(address or "")
    return bool(addr) and "@" in addr and not _UNSAFE.search(address)


def queue(
    kind: str,
    to_name: str,
    to_address: str,
    subject: str,
    text: str,
    html: str,
    calendar: bytes | None = None,
    method: str | None = None,
) -> OutgoingMail | None:
    """Store a message for delivery after the commit; None when the address is unusable."""
    if not valid_address(to_address):
        log.warning("mail not queued: no usable address kind=%s", kind)
        return None
    message = OutgoingMail(
        kind=kind,
        to_name=one_line(to_name),
        to_address=to_address.strip(),
        subject=one_line(subject, 300),
        text=text,
        html=html,
        calendar=calendar.decode() if calendar else None,
        calendar_method=method,
    )
    db.session.add(message)
    changes.record("mail")
    return message


def build(message: OutgoingMail, sender: str) -> EmailMessage:
    """The MIME message: plain text, a simple HTML alternative, the invitation if any."""
    email = EmailMessage()
    name, addr = parseaddr(sender)
    email["From"] = Address(one_line(name), addr_spec=addr)
    email["To"] = Address(one_line(message.to_name), addr_spec=message.to_address)
    email["Subject"] = one_line(message.subject, 300)
    email["Message-ID"] = make_msgid(domain=addr.rpartition("@")[2] or None)
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    if message.calendar:
        method = message.calendar_method or "REQUEST"
        email.add_attachment(
            message.calendar.encode(),
            maintype="text",
            subtype="calendar",
            filename="invite.ics" if method != "CANCEL" else "cancel.ics",
            params={"method": method},
        )
    return email


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0


def deliver_due(limit: int = 200) -> Delivery:
    """Send what is due, each message claimed first; failures wait and are retried."""
    result = Delivery()
    now = utcnow()
    due = db.session.scalars(
        select(OutgoingMail.id)
        .where(OutgoingMail.sent_at.is_(None), OutgoingMail.next_attempt_at <= now)
        .order_by(OutgoingMail.id)
        .limit(limit)
    ).all()
    for message_id in due:
        if not _claim(message_id):
            continue
        message = db.session.get(OutgoingMail, message_id)
        try:
            _send(build(message, current_app.config["MAIL_SENDER"]))
        except (OSError, smtplib.SMTPException) as error:
            message.attempts += 1
            message.last_error = one_line(f"{type(error).__name__}: {error}", 500)
            delay = min(timedelta(minutes=2 ** (message.attempts - 1)), MAX_DELAY)
            message.next_attempt_at = utcnow() + delay
            message.claimed_at = None
            result.failed += 1
            log.warning(
                "mail failed id=%s attempt=%s error=%s",
                message.id,
                message.attempts,
                message.last_error,
            )
        else:
            message.sent_at = utcnow()
            result.sent += 1
            log.info("mail sent id=%s kind=%s", message.id, message.kind)
        db.session.commit()
    return result


def _claim(message_id: int) -> bool:
    return outbox.claim(OutgoingMail, message_id, OutgoingMail.sent_at, CLAIM_TIMEOUT)


@tasks.task(priority=tasks.MAIL)
def deliver() -> None:
    """Send the mail a committed change queued (and anything else due)."""
    deliver_due(limit=200)


@tasks.periodic(priority=tasks.MAIL, minute="*")
def retry() -> None:
    """Each minute: send what waits for its retry, and what no task took yet."""
    deliver_due(limit=200)


def _queue_delivery(_) -> None:
    tasks.enqueue(deliver)


changes.on("mail", _queue_delivery)


def _send(email: EmailMessage) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        _write_to_outbox(email)
        return
    timeout = config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(
            config["MAIL_SERVER"],
            config["MAIL_PORT"],
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    with smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def outbox_dir() -> Path:
    configured = current_app.config["MAIL_OUTBOX_DIR"]
    return Path(configured) if configured else Path(current_app.instance_path) / "outbox"


def _write_to_outbox(email: EmailMessage) -> None:
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{email['Message-ID'].strip('<>').split('@')[0]}.eml"
    path.write_bytes(bytes(email))
    log.info(
        "mail written to the outbox (no HIRING_MAIL_SERVER) to=%s subject=%r file=%s",
        email["To"],
        email["Subject"],
        path.name,
    )


def failing() -> tuple[int, str]:
    """Messages waiting after a failed attempt, and the latest error."""
    count = db.session.scalar(
        select(func.count()).where(OutgoingMail.sent_at.is_(None), OutgoingMail.attempts > 0)
    )
    if not count:
        return 0, ""
    last = db.session.scalar(
        select(OutgoingMail.last_error)
        .where(OutgoingMail.sent_at.is_(None), OutgoingMail.attempts > 0)
        .order_by(OutgoingMail.next_attempt_at.desc())
        .limit(1)
    )
    return count, last or ""

"""A real SMTP server inside the test process (aiosmtpd), and reading what it received."""

import email
import socket
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller
from icalendar import Calendar


class Inbox:
    """What the server received: one parsed message per recipient and delivery."""

    def __init__(self):
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        parsed = email.message_from_bytes(envelope.content, policy=default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.messages if address in rcpt]

    def clear(self) -> None:
        self.messages.clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port: int) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


def parts(message: EmailMessage) -> tuple[str, str, Calendar | None, str | None]:
    """The plain text, the HTML, the calendar attachment and its METHOD parameter."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            return text, html, Calendar.from_ical(part.get_content()), part.get_param("method")
    return text, html, None, None


def event_of(calendar: Calendar):
    return next(c for c in calendar.walk() if c.name == "VEVENT")

"""Webhooks: what happened, sent signed to the endpoints an admin registered.

An operation emits an event in its own transaction (`emit`): one delivery row per
endpoint that wants it, so that a rolled-back change sends nothing and a committed one
is never lost (the outbox, as for e-mail). After the commit a task sends what is due;
each minute a periodic task sends what waits for a retry. A delivery follows the
Standard Webhooks convention: `webhook-id` (the same on every retry, for idempotency),
`webhook-timestamp` and `webhook-signature` (HMAC-SHA256 of id, timestamp and body with
the endpoint's `whsec_` secret), made by the reference library. A receiver down for
a day misses nothing: retries back off over 27 hours (`BACKOFF`), then the delivery is
kept as given up, to resend from the endpoint's page.

Only https endpoints on public addresses, unless the settings allow http or private
addresses (a development receiver): a webhook is a request the server makes on a URL a
user typed, the classic server-side request forgery.
"""

import base64
import ipaddress
import json
import logging
import secrets
import socket
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpcore
from flask import current_app
from sqlalchemy import JSON, ForeignKey, delete, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from standardwebhooks.webhooks import Webhook

from hiring import changes, outbox, tasks
from hiring.extensions import CleanString, CleanText, UTCDateTime, db, utcnow

log = logging.getLogger("hiring.webhooks")

EVENTS = {
    "scorecard.submitted": "A scorecard is submitted for the first time",
    "scorecard.amended": "An amended scorecard is submitted again",
    "decision.recorded": "A decision is recorded on an application or a candidate",
    "application.moved": "An application advances, moves back, is rejected, withdrawn or hired",
    "interview.scheduled": "An interview is scheduled",
    "interview.changed": "An interview's time, place, kit or panel changes, or it is restored",
    "interview.cancelled": "An interview is cancelled",
}
# After each failed attempt, the wait before the next (Standard Webhooks' suggestion).
BACKOFF = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
CLAIM_TIMEOUT = timedelta(minutes=2)


class WebhookEndpoint(db.Model):
    """Where events are sent, which ones, and the secret that signs them."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(CleanString(500))
    description: Mapped[str] = mapped_column(CleanString(200), default="")
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(CleanString(100))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id} {self.url}>"


class WebhookDelivery(db.Model):
    """One event to one endpoint, kept with what its last attempt met."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[str] = mapped_column(CleanString(40), index=True)
    event: Mapped[str] = mapped_column(CleanString(40))
    # The body exactly as signed and sent.
    payload: Mapped[str] = mapped_column(CleanText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gave_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_status: Mapped[int | None]
    last_ms: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(CleanString(500), default="")

    endpoint: Mapped[WebhookEndpoint] = relationship()

    @property
    def state(self) -> str:
        if self.delivered_at is not None:
            return "delivered"
        if self.gave_up_at is not None:
            return "given up"
        return "retrying" if self.attempts else "waiting"


def new_secret() -> str:
    """A signing secret in the Standard Webhooks form: whsec_ and 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def refused(url: str) -> str | None:
    """Why the app will not send to `url`, or None: https only and public addresses only,
    unless the settings allow otherwise (WEBHOOK_ALLOW_HTTP, WEBHOOK_ALLOW_PRIVATE)."""
    config = current_app.config
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "That is not a URL."
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "Give an https:// address."
    if parts.scheme == "http" and not config["WEBHOOK_ALLOW_HTTP"]:
        return "Only https:// endpoints: events carry candidates' data."
    if parts.username or parts.password:
        return "Put no user name or password in the address; the signature proves the sender."
    if config["WEBHOOK_ALLOW_PRIVATE"]:
        return None
    try:
        _public_addresses(parts.hostname, port)
    except httpcore.ConnectError as refusal:
        return str(refusal)
    return None


def _public_addresses(host: str, port: int) -> list[str]:
    """`host`'s addresses, when every one is public; else ConnectError saying why."""
    try:
        found = list(dict.fromkeys(info[4][0] for info in socket.getaddrinfo(host, port)))
    except (OSError, UnicodeError) as error:
        raise httpcore.ConnectError(f"{host} does not resolve.") from error
    for address in found:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise httpcore.ConnectError(
                f"{host} is a private or local address ({address}): not sent there."
            )
    return found


class _PublicOnly(httpcore.SyncBackend):
    """Opens connections to public addresses only, checked as they are opened: the host is
    resolved here and the socket goes to an address just checked, so a DNS answer that
    changes after the endpoint was accepted (rebinding) cannot point a delivery inside
    the network. TLS still verifies the certificate against the host's name."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = _public_addresses(host, port)
        for n, address in enumerate(addresses):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError:
                if n == len(addresses) - 1:
                    raise
        raise httpcore.ConnectError(f"{host} has no address.")


# What a delivery's connection may raise: said in the log, retried later.
_FAILURES = (
    httpcore.NetworkError,
    httpcore.TimeoutException,
    httpcore.ProtocolError,
    httpcore.UnsupportedProtocol,
)


def _post(url: str, payload: bytes, headers: dict[str, str]) -> int:
    """POST `payload` to `url` (no redirect followed); the status answered."""
    config = current_app.config
    backend = httpcore.SyncBackend() if config["WEBHOOK_ALLOW_PRIVATE"] else _PublicOnly()
    seconds = config["WEBHOOK_TIMEOUT"]
    with httpcore.ConnectionPool(network_backend=backend, retries=0) as pool:
        response = pool.request(
            "POST",
            url,
            headers=headers,
            content=payload,
            extensions={"timeout": dict.fromkeys(("connect", "read", "write", "pool"), seconds)},
        )
        return response.status


def emit(event: str, data: dict) -> None:
    """Queue `event` for every active endpoint that wants it, in this transaction."""
    if event not in EVENTS:
        raise ValueError(f"no webhook event {event!r}")
    endpoints = db.session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))
    ).all()
    wanted = [e for e in endpoints if event in e.events]
    if not wanted:
        return
    body = json.dumps(
        {"type": event, "timestamp": utcnow().isoformat(), "data": data},
        separators=(",", ":"),
        sort_keys=True,
        default=str,
    )
    message_id = "msg_" + secrets.token_urlsafe(18)
    for endpoint in wanted:
        db.session.add(
            WebhookDelivery(
                endpoint_id=endpoint.id,
                message_id=message_id,
                event=event,
                payload=body,
                next_attempt_at=utcnow(),
            )
        )
    changes.record("webhook")


def resend(delivery: WebhookDelivery) -> None:
    """Send a delivery again now (a given-up one too); its message id stays."""
    delivery.gave_up_at = None
    delivery.delivered_at = None
    delivery.claimed_at = None
    delivery.next_attempt_at = utcnow()
    changes.record("webhook")


def signed_headers(endpoint: WebhookEndpoint, message_id: str, body: str) -> dict:
    at = datetime.fromtimestamp(int(time.time()), tz=UTC)
    return {
        "content-type": "application/json",
        "user-agent": "Scorecards-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(endpoint.secret).sign(message_id, at, body),
    }


def deliver_due(limit: int = 100) -> int:
    """Send what is due, each delivery claimed first; how many were delivered."""
    now = utcnow()
    due = db.session.scalars(
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.gave_up_at.is_(None),
            WebhookDelivery.next_attempt_at <= now,
        )
        .order_by(WebhookDelivery.id)
        .limit(limit)
    ).all()
    delivered = 0
    for delivery_id in due:
        if _claim(delivery_id):
            delivered += _attempt(db.session.get(WebhookDelivery, delivery_id))
            db.session.commit()
    return delivered


def _attempt(delivery: WebhookDelivery) -> bool:
    endpoint = delivery.endpoint
    delivery.attempts += 1
    delivery.claimed_at = None
    started = time.monotonic()
    error = refused(endpoint.url) if endpoint.active else "The endpoint is turned off."
    status = None
    if error is None:
        try:
            status = _post(
                endpoint.url,
                delivery.payload.encode(),
                signed_headers(endpoint, delivery.message_id, delivery.payload),
            )
        except _FAILURES as failure:
            error = f"{type(failure).__name__}: {failure}"[:500]
        else:
            if not 200 <= status < 300:
                error = f"The endpoint answered {status}."
    delivery.last_ms = int((time.monotonic() - started) * 1000)
    delivery.last_status = status
    delivery.last_error = error or ""
    if error is None:
        delivery.delivered_at = utcnow()
        delivery.next_attempt_at = None
        log.info("webhook delivered id=%s event=%s", delivery.id, delivery.event)
        return True
    if delivery.attempts > len(BACKOFF):
        delivery.gave_up_at = utcnow()
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = utcnow() + BACKOFF[delivery.attempts - 1]
    log.warning("webhook failed id=%s attempt=%s error=%s", delivery.id, delivery.attempts, error)
    return False


def _claim(delivery_id: int) -> bool:
    return outbox.claim(WebhookDelivery, delivery_id, WebhookDelivery.delivered_at, CLAIM_TIMEOUT)


@tasks.task(priority=tasks.MAIL)
def deliver() -> None:
    """Send the events a committed change emitted (and anything else due)."""
    deliver_due()


@tasks.periodic(priority=tasks.MAIL, minute="*")
def retry() -> None:
    """Each minute: send what waits for its retry, and what no task took yet."""
    deliver_due()


def forget_old(now: datetime | None = None) -> int:
    """Delete deliveries done with (sent, or given up) over WEBHOOK_KEEP_DAYS ago: the
    table would otherwise grow with every event. Returns how many went."""
    before = (now or utcnow()) - timedelta(days=current_app.config["WEBHOOK_KEEP_DAYS"])
    gone = db.session.execute(
        delete(WebhookDelivery).where(
            or_(WebhookDelivery.delivered_at < before, WebhookDelivery.gave_up_at < before)
        )
    ).rowcount
    db.session.commit()
    return gone


@tasks.periodic(minute="35")
def forget() -> None:
    """Each hour: forget old deliveries (forget_old)."""
    if gone := forget_old():
        log.info("forgot %d webhook deliveries", gone)


def _queue_delivery(_) -> None:
    tasks.enqueue(deliver)


changes.on("webhook", _queue_delivery)

"""Times in the reader's time zone: stored in UTC, shown and entered in local time.

The reader's zone is the signed-in user's (from their settings), or the one a document
job renders for (`g.time_zone`), and falls back to the organisation's `HIRING_TIME_ZONE`;
documents rendered outside a request use the organisation's. The standard library's
zoneinfo does the conversions.
"""

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import current_app, g, has_app_context, has_request_context
from flask_login import current_user
from markupsafe import Markup


class LocalTimeError(ValueError):
    """A local time that names no instant, or two: it says which and why."""


@cache
def installed_zones() -> frozenset[str]:
    """Every zone name installed, read from disk once per process."""
    return frozenset(available_timezones())


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name, sorted: what a stored choice may be."""
    return tuple(sorted(name for name in installed_zones() if "/" in name or name == "UTC"))


@cache
def current_zones() -> tuple[str, ...]:
    """The zones to choose from: IANA's current ones (zone1970.tab), without the old
    aliases (US/Eastern, Asia/Calcutta); every zone where the table is not installed."""
    for base in TZPATH:
        table = Path(base) / "zone1970.tab"
        if table.is_file():
            names = {
                line.split("\t")[2]
                for line in table.read_text().splitlines()
                if line and not line.startswith("#") and line.count("\t") >= 2
            }
            return tuple(sorted(n for n in names if n in installed_zones()) + ["UTC"])
    return zone_names()


@cache
def zone_aliases() -> dict[str, str]:
    """Old zone names and the current zone each stands for (Asia/Calcutta: Asia/Kolkata),
    from tzdata's links: a browser may still name its zone the old way."""
    for base in TZPATH:
        links = Path(base) / "tzdata.zi"
        if links.is_file():
            current = set(current_zones())
            pairs = (
                line.split()[1:3] for line in links.read_text().splitlines() if line[:2] == "L "
            )
            return {alias: target for target, alias in pairs if target in current}
    return {}


def zone_choices(keep: str | None = None) -> list[tuple[str, str]]:
    """The current zones labelled with today's UTC offset, west to east: "(UTC+05:30)
    Asia/Kolkata"; `keep`, a stored choice no longer listed, stays offered."""
    now = datetime.now(UTC)
    names = list(current_zones())
    if keep and keep not in names and is_zone(keep):
        names.append(keep)
    labelled = []
    for name in names:
        offset = now.astimezone(ZoneInfo(name)).utcoffset() or timedelta(0)
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        hours, rest = divmod(abs(minutes), 60)
        labelled.append((minutes, name, f"(UTC{sign}{hours:02d}:{rest:02d}) {name}"))
    return [(name, label) for _, name, label in sorted(labelled)]


def zone(name: str | None) -> ZoneInfo:
    """The zone of this name; UTC for an unknown or empty name."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def is_zone(name: str) -> bool:
    return name in zone_names()


def organisation_zone() -> ZoneInfo:
    return zone(current_app.config["TIME_ZONE"] if has_app_context() else None)


def reader_zone() -> ZoneInfo:
    """The zone times are shown in now: the reader's, or the organisation's."""
    if has_request_context():
        # The request's user as flask-login keeps it once loaded: a list shows dozens of
        # times, and going through the `current_user` proxy for each cost more than the
        # conversion.
        name = g.get("time_zone") or getattr(
            g.get("_login_user") or current_user, "time_zone", None
        )
        if name:
            return zone(name)
    return organisation_zone()


def local(
    value: datetime | str | None, fmt: str = "%d %b %Y, %H:%M", tz: ZoneInfo | None = None
) -> str:
    """A stored (UTC) time in the reader's zone, with the zone's abbreviation."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    moment = _in_zone(value, tz or reader_zone())
    return f"{moment.strftime(fmt)} {moment.tzname()}"


def _in_zone(value: datetime, tz: ZoneInfo) -> datetime:
    """`value` in `tz`; in UTC when the zone's offset would carry it past year 1 or 9999
    (a far date stored before input was bounded must never fail a page)."""
    try:
        return value.astimezone(tz)
    except OverflowError:
        return value.astimezone(UTC)


def time_tag(value: datetime | None) -> Markup:
    """A stored time as the reader reads it, in a `<time>` element that keeps the instant
    for machines; nothing for no time. A function, not a macro: lists show one a row."""
    if not value:
        return Markup("")
    # Markup's % escapes what it puts in.
    return Markup('<time datetime="%s">%s</time>') % (value.isoformat(), local(value))


def local_date(value: datetime | None, tz: ZoneInfo | None = None) -> str:
    """The day of a stored time in the reader's zone: "24 Nov"."""
    if value is None:
        return ""
    return _in_zone(value, tz or reader_zone()).strftime("%d %b")


def to_local_input(value: datetime | None, tz: ZoneInfo | None = None) -> datetime | None:
    """A stored time as the naive local time a datetime-local field shows."""
    if value is None:
        return None
    return _in_zone(value, tz or reader_zone()).replace(tzinfo=None)


def start_of_day(day: date | None, next_day: bool = False) -> datetime | None:
    """The start of `day` (or of the day after) in the reader's zone, in UTC: a date
    filter's bounds."""
    if day is None:
        return None
    start = datetime.combine(day + timedelta(days=next_day), time.min, tzinfo=reader_zone())
    return start.astimezone(UTC)


def to_utc(wall: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time entered in `tz` as UTC. A time skipped by a change to summer time,
    or repeated by the change back, is refused with a message that says so."""
    wall = wall.replace(tzinfo=None)
    early = wall.replace(tzinfo=tz, fold=0)
    late = wall.replace(tzinfo=tz, fold=1)
    if early.utcoffset() != late.utcoffset():
        round_trip = early.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if round_trip != wall:
            raise LocalTimeError(
                f"{wall:%H:%M} on {wall:%d %b %Y} does not exist in {tz.key}: the clocks go "
                f"forward then. Choose {_after_gap(wall, tz):%H:%M} or later."
            )
        raise LocalTimeError(
            f"{wall:%H:%M} on {wall:%d %b %Y} happens twice in {tz.key} ({early.tzname()} "
            f"and {late.tzname()}): the clocks go back then. Choose a time outside that hour."
        )
    return early.astimezone(UTC)


def _after_gap(wall: datetime, tz: ZoneInfo) -> datetime:
    """The first wall-clock minute after a skipped stretch."""
    probe = wall
    for _ in range(24 * 60):
        probe += timedelta(minutes=1)
        if probe.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) == probe:
            return probe
    return probe


def today() -> str:
    """The reader's date, for file names: 2026-11-26."""
    return datetime.now(UTC).astimezone(reader_zone()).strftime("%Y-%m-%d")

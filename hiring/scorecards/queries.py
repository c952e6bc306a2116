"""A person's scorecards as lists: the dashboard's, "mine" pages and the reminders' due
list; each a range of an index, read up to its limit, however many there are."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from hiring.auth.models import User
from hiring.extensions import db
from hiring.interviews.models import (
    IS_OPEN,
    Candidate,
    Interview,
    Scorecard,
    ScorecardState,
)
from hiring.interviews.queries import managed_interviews
from hiring.kits.models import Kit, KitVersion
from hiring.timezones import reader_zone


@dataclass(frozen=True)
class BoardRow:
    """A scorecard as a list of them shows it: read as one row of plain values, not as
    records, so that a full list costs little more than an empty one."""

    id: int
    interview_id: int
    scheduled_at: datetime
    location: str
    candidate: str
    kit: str
    interviewer: str
    state: ScorecardState
    reminded_at: datetime | None


@dataclass
class Page:
    """One page of a list (of BoardRows, or of what else a list shows), and whether there
    are others; `total` when it was counted (up to a cap)."""

    items: list
    page: int
    per_page: int
    has_next: bool
    total: int | None = None
    capped: bool = False

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @property
    def pages(self) -> int:
        """How many pages, when counted (and at least as far as rows go on, past a capped
        count); else this one and the next if any."""
        known = self.page + self.has_next
        if self.total is None:
            return known
        return max(1, -(-self.total // self.per_page), known)


@dataclass
class Dashboard:
    """One user's scorecards by what they need next; the team's overdue for managers.
    `more` names the user's lists that go on past what the dashboard shows."""

    today: list[BoardRow]
    upcoming: list[BoardRow]
    drafts: list[BoardRow]
    overdue: list[BoardRow]
    overdue_total: int
    overdue_capped: bool
    submitted: list[BoardRow]
    more: frozenset[str]
    team_overdue: list[BoardRow]
    team_page: Page | None = None


def _listed() -> Select:
    """Scorecards with what a list of them shows, in interview order: of the candidate
    and the kit only the names, not their notes, briefing and the like."""
    return (
        select(Scorecard)
        .options(
            joinedload(Scorecard.interviewer).load_only(User.id, User.name),
            joinedload(Scorecard.interview).options(
                joinedload(Interview.candidate).load_only(Candidate.id, Candidate.name),
                joinedload(Interview.kit_version)
                .load_only(KitVersion.id, KitVersion.kit_id, KitVersion.number)
                .joinedload(KitVersion.kit)
                .load_only(Kit.id, Kit.title),
            ),
        )
        .join(Interview)
        .order_by(Scorecard.scheduled_at, Scorecard.id)
    )


@cache
def _board_rows() -> Select:
    """Scorecards as a list shows them, in interview order: the columns its rows read
    (a scorecard's state, its interview's place, the candidate's, kit's and interviewer's
    names), one row each. Built once: a statement never changes, each list adds to it."""
    return (
        select(
            Scorecard.id,
            Scorecard.interview_id,
            Scorecard.scheduled_at,
            Interview.location,
            Candidate.name,
            Kit.title,
            User.name,
            Scorecard.submitted_at,
            Scorecard.withdrawn_at,
            Scorecard.removed_at,
            Scorecard.version,
            Scorecard.reminded_at,
        )
        .join(Interview, Scorecard.interview_id == Interview.id)
        .join(Candidate, Interview.candidate_id == Candidate.id)
        .join(KitVersion, Interview.kit_version_id == KitVersion.id)
        .join(Kit, KitVersion.kit_id == Kit.id)
        .join(User, Scorecard.interviewer_id == User.id)
        .order_by(Scorecard.scheduled_at, Scorecard.id)
    )


def _board(stmt: Select) -> list[BoardRow]:
    return [
        BoardRow(*head, ScorecardState.of(submitted, withdrawn, removed, version), reminded)
        for *head, submitted, withdrawn, removed, version, reminded in db.session.execute(stmt)
    ]


def _page(stmt: Select, page: int, per_page: int) -> Page:
    """Page `page` of `stmt`'s rows; one row more tells whether another page follows."""
    rows = _board(stmt.limit(per_page + 1).offset((page - 1) * per_page))
    return Page(rows[:per_page], page, per_page, has_next=len(rows) > per_page)


def _capped_count(where: Iterable, cap: int) -> tuple[int, bool]:
    """How many scorecards meet `where` (on them and their interview), counted up to
    `cap`, and whether there are more: a backlog of thousands costs no more than one of
    `cap`. The count reads the two tables, not the names a list shows."""
    counted = db.session.scalar(
        select(func.count()).select_from(
            select(Scorecard.id)
            .join(Interview, Scorecard.interview_id == Interview.id)
            .where(*where)
            .limit(cap + 1)
            .subquery()
        )
    )
    return min(counted, cap), counted > cap


def _overdue(before: datetime) -> list:
    """Conditions of an overdue scorecard: open, on the panel, of an interview held
    before `before` and not cancelled."""
    return [IS_OPEN, Interview.cancelled_at.is_(None), Scorecard.scheduled_at < before]


def due_reminders(now: datetime, overdue_hours: int, reminder_hours: int) -> list[Scorecard]:
    """Overdue scorecards whose interviewer wants reminders and was not reminded in the
    last `reminder_hours`."""
    return (
        db.session.scalars(
            _listed()
            .join(User, Scorecard.interviewer_id == User.id)
            .where(
                *_overdue(now - timedelta(hours=overdue_hours)),
                User.active.is_(True),
                User.email_reminders.is_(True),
                or_(
                    Scorecard.reminded_at.is_(None),
                    Scorecard.reminded_at <= now - timedelta(hours=reminder_hours),
                ),
            )
        )
        .unique()
        .all()
    )


# Rows a list page shows, and the team's overdue list on the dashboard; each of the
# user's own lists there shows fewer, and links to its whole list when there are more.
LIST_LIMIT = 20
BOARD_LIMIT = 10
RECENT_LIMIT = 5

# Overdue scorecards are counted up to this many ("1,000+"); one's own up to MY_COUNT_CAP,
# past which the number tells nothing more ("100+").
COUNT_CAP = 1000
MY_COUNT_CAP = 100

# How many of each of the user's lists the dashboard shows.
BOARD_SHOWS = {
    "today": LIST_LIMIT,
    "upcoming": BOARD_LIMIT,
    "drafts": BOARD_LIMIT,
    "overdue": BOARD_LIMIT,
    "submitted": RECENT_LIMIT,
}

# The user's own lists, by name: what the dashboard shows the first of, each a page too.
MY_LISTS = {
    "upcoming": "Upcoming interviews",
    "drafts": "Scorecards to finish",
    "overdue": "Overdue scorecards",
    "submitted": "Submitted scorecards",
}


def _my_lists(user, now: datetime, overdue_hours: int) -> dict[str, tuple]:
    """What puts a scorecard on each of the user's lists (`today` and MY_LISTS): it is
    overdue `overdue_hours` after its interview; "today" is the reader's day. Between the
    two, an open scorecard is one to finish, written on or not: past midnight, last
    evening's interview would otherwise be on no list until it was overdue."""
    zone = reader_zone()
    day = now.astimezone(zone).date()
    start_today = datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    start_tomorrow = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(
        UTC
    )
    overdue_before = now - timedelta(hours=overdue_hours)
    author = Scorecard.interviewer_id == user.id
    mine = (author, Scorecard.removed_at.is_(None), Interview.cancelled_at.is_(None))
    return {
        "today": (
            *mine,
            Scorecard.scheduled_at >= start_today,
            Scorecard.scheduled_at < start_tomorrow,
        ),
        "upcoming": (*mine, Scorecard.scheduled_at >= start_tomorrow),
        "drafts": (
            author,
            IS_OPEN,
            Interview.cancelled_at.is_(None),
            Scorecard.scheduled_at < start_today,
            Scorecard.scheduled_at >= overdue_before,
        ),
        # The team's overdue list, of the user's scorecards.
        "overdue": (author, *_overdue(overdue_before)),
        "submitted": (*mine, Scorecard.submitted_at.is_not(None)),
    }


def _my_list(name: str, where: tuple) -> Select:
    """One of the user's lists in its order: interview order, but submitted ones the
    latest submission first."""
    stmt = _board_rows().where(*where)
    if name == "submitted":
        stmt = stmt.order_by(None).order_by(Scorecard.submitted_at.desc(), Scorecard.id.desc())
    return stmt


def dashboard(user, now: datetime, overdue_hours: int, team_page: int = 1) -> Dashboard:
    """The user's dashboard: the first of each of their lists, and for managers a page of
    the team's overdue. Every list is bounded in SQL, one query each, whatever the data
    size."""
    lists = _my_lists(user, now, overdue_hours)
    # One row more than shown tells whether the list goes on.
    read = {
        name: _board(_my_list(name, lists[name]).limit(limit + 1))
        for name, limit in BOARD_SHOWS.items()
    }
    more = frozenset(name for name, rows in read.items() if len(rows) > BOARD_SHOWS[name])
    shown = {name: rows[: BOARD_SHOWS[name]] for name, rows in read.items()}
    overdue_total, overdue_capped = _capped_count(lists["overdue"], MY_COUNT_CAP)
    team = None
    if user.is_manager:
        # The interviews they manage: their teams' openings, and those of no opening.
        overdue = [*_overdue(now - timedelta(hours=overdue_hours)), managed_interviews(user)]
        team = _page(_board_rows().where(*overdue), team_page, LIST_LIMIT)
        team.total, team.capped = _capped_count(overdue, COUNT_CAP)
    return Dashboard(
        today=shown["today"],
        upcoming=shown["upcoming"],
        drafts=shown["drafts"],
        overdue=shown["overdue"],
        overdue_total=overdue_total,
        overdue_capped=overdue_capped,
        # The latest few, shown in the order they happened.
        submitted=list(reversed(shown["submitted"])),
        more=more,
        team_overdue=team.items if team else [],
        team_page=team,
    )


def my_list(user, name: str, now: datetime, overdue_hours: int, page: int) -> Page:
    """A page of one of the user's lists (a key of MY_LISTS)."""
    return _page(_my_list(name, _my_lists(user, now, overdue_hours)[name]), page, LIST_LIMIT)

"""Reads of candidates, interviews and scorecards, and the rules for who may read them.

Independence is per interview. A panelist of interview I (manager and admin included)
reads colleagues' scorecards of I only once their own scorecard of I was submitted, or
after stepping back from scoring I. Submitting for another interview of the same
candidate opens nothing of I. Off I's panel, managers and admins read I as their role
allows (drafts too); an interviewer reads I's submitted scorecards once they have
submitted for the candidate and no scorecard of theirs for that candidate is still
pending, so that reading one round never colours a round they have yet to score.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    column,
    exists,
    false,
    func,
    or_,
    select,
    table,
    true,
)
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from hiring.extensions import db, utcnow
from hiring.interviews import search
from hiring.interviews.models import (
    IS_OPEN,
    Application,
    ApplicationStatus,
    Candidate,
    CandidateDocument,
    DocumentKind,
    Interview,
    Move,
    Scorecard,
)
from hiring.kits.models import KitVersion
from hiring.kits.queries import with_content
from hiring.openings.models import Opening, OpeningStatus, Stage
from hiring.openings.queries import on_team, plan_options, visible_ids

HIDDEN_ON_PANEL = "hidden until you submit your scorecard for this interview"
HIDDEN_PENDING = "hidden until you submit your scorecards still pending for this candidate"
HIDDEN_NOT_SCORED = "hidden until you submit a scorecard for this candidate"


ALL = None  # every interview of the candidate (`Managing.interviews`)


@dataclass(frozen=True)
class Managing:
    """What a reader manages of one candidate: the candidate (their details, applications,
    scheduling) and which interviews (drafts, reading without having scored, changes).

    A manager manages what belongs to the openings whose hiring team they are on, and the
    candidates and interviews that belong to no opening; an admin everything; an
    interviewer nothing. Of another team's opening a manager reads as an interviewer."""

    candidate: bool = False
    interviews: frozenset[int] | None = frozenset()

    def interview(self, interview_id: int) -> bool:
        return self.interviews is ALL or interview_id in self.interviews


EVERYTHING = Managing(True, ALL)
NOTHING = Managing()


class PanelAccess:
    """What one reader may see of one candidate's scorecards.

    Built from all of the candidate's scorecards (only their state columns are read),
    so a page holding many of them decides each one without another query.
    """

    def __init__(self, user, scorecards: Iterable[Scorecard], managing: Managing = NOTHING):
        # Read once: a page may ask about many scorecards.
        self.user_id = user.id
        self.managing = managing
        self.scorecards = list(scorecards)
        # Someone taken off a panel is off it: their kept draft opens and hides nothing.
        mine = [
            s for s in self.scorecards if s.interviewer_id == self.user_id and s.removed_at is None
        ]
        self.panels = {s.interview_id: s for s in mine}
        self.pending = any(not s.sees_panel for s in mine)
        # Stepping back from a round opens that round's panel only, never the others.
        self.scored = any(s.first_submitted_at is not None for s in mine)

    @property
    def manages(self) -> bool:
        """Whether the reader manages the candidate (details, applications, scheduling)."""
        return self.managing.candidate

    def manages_interview(self, interview_id: int) -> bool:
        return self.managing.interview(interview_id)

    def hidden_reason(self, interview_id: int) -> str | None:
        """Why colleagues' scorecards of this interview are hidden from the reader, if so."""
        own = self.panels.get(interview_id)
        if own is not None:
            return None if own.sees_panel else HIDDEN_ON_PANEL
        if self.managing.interview(interview_id):
            return None
        if self.pending:
            return HIDDEN_PENDING
        return None if self.scored else HIDDEN_NOT_SCORED

    def may_read(self, scorecard: Scorecard) -> bool:
        """Whether the reader may read this scorecard, in any format."""
        if scorecard.interviewer_id == self.user_id:
            return True
        if self.hidden_reason(scorecard.interview_id) is not None:
            return False
        return self.managing.interview(scorecard.interview_id) or scorecard.submitted_at is not None

    def readable(self, scorecards: Iterable[Scorecard]) -> list[Scorecard]:
        """The scorecards among `scorecards` the reader may read."""
        return [s for s in scorecards if self.may_read(s)]

    def hidden_interviews(self) -> dict[int, str]:
        """Interviews whose colleagues' scorecards are hidden from the reader, with why."""
        hidden = {}
        for scorecard in self.scorecards:
            reason = self.hidden_reason(scorecard.interview_id)
            if reason is not None and scorecard.interviewer_id != self.user_id:
                hidden[scorecard.interview_id] = reason
        return hidden

    def may_read_decision(self) -> bool:
        """Decisions and their rationale are the panel's conclusion: hidden, like the
        scorecards, while the reader still has a scorecard pending for the candidate."""
        return not self.pending

    def may_open_candidate(self) -> bool:
        """Managers open the candidates they manage; anyone those they are on a panel for."""
        return self.managing.candidate or bool(self.panels)


def managed_interviews(user) -> ColumnElement[bool]:
    """`Managing.interviews` as SQL, over Interview: of an application to an opening of
    the user's team, or of no application and a candidate the user manages."""
    if user.is_admin:
        return true()
    if not user.is_manager:
        return false()
    return or_(
        and_(
            Interview.application_id.is_(None),
            Interview.candidate_id.in_(select(Candidate.id).where(managed_candidates(user))),
        ),
        Interview.application_id.in_(
            select(Application.id).where(Application.opening_id.in_(on_team(user.id)))
        ),
    )


def managed_candidates(user) -> ColumnElement[bool]:
    """`Managing.candidate` as SQL, over Candidate: with an application to an opening of
    the user's team, or with no application at all (counted over the table itself, so
    that an application the reader may not know of still counts)."""
    if user.is_admin:
        return true()
    if not user.is_manager:
        return false()
    applications = Application.__table__
    return or_(
        ~exists(select(applications.c.id).where(applications.c.candidate_id == Candidate.id)),
        exists(
            select(Application.id).where(
                Application.candidate_id == Candidate.id,
                Application.opening_id.in_(on_team(user.id)),
            )
        ),
    )


def to_managed_openings(reader) -> ColumnElement[bool]:
    """Over Application: to an opening the reader sees and changes."""
    return Application.opening_id.in_(visible_ids(reader))


def beyond_shared(candidate_id: int, reader) -> bool:
    """Whether the candidate applied where the packet every manager shares may not go:
    to a confidential opening (that the reader's reach holds), or to an opening the
    reader does not manage (the shared packet's cover would name it)."""
    confidential = Application.opening_id.in_(select(Opening.id).where(Opening.confidential))
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Application.candidate_id == candidate_id,
                    or_(confidential, ~to_managed_openings(reader)),
                )
            )
        )
    )


def managed_candidate(reader, candidate_id: int) -> Select:
    """One candidate, when the reader manages them."""
    return select(Candidate).where(Candidate.id == candidate_id, managed_candidates(reader))


def manages_interview(user, interview_id: int) -> bool:
    """`Managing.interview` for one interview, in one query."""
    return bool(
        db.session.scalar(
            select(exists().where(Interview.id == interview_id, managed_interviews(user)))
        )
    )


def managing(user, candidate_id: int) -> Managing:
    """What the user manages of a candidate: no query for an admin or an interviewer, two
    for a manager."""
    if user.is_admin:
        return EVERYTHING
    if not user.is_manager:
        return NOTHING
    manages = db.session.scalar(
        select(exists().where(Candidate.id == candidate_id, managed_candidates(user)))
    )
    interviews = db.session.scalars(
        select(Interview.id).where(Interview.candidate_id == candidate_id, managed_interviews(user))
    )
    return Managing(bool(manages), frozenset(interviews))


def of_candidate(candidate_id: int) -> Select:
    """All of a candidate's scorecards, in interview order."""
    return (
        select(Scorecard)
        .join(Interview)
        .where(Interview.candidate_id == candidate_id)
        .order_by(Interview.scheduled_at, Scorecard.id)
    )


def access_to(user, candidate_id: int) -> PanelAccess:
    """The reader's access to a candidate's scorecards, in one query."""
    return PanelAccess(
        user, db.session.scalars(of_candidate(candidate_id)).all(), managing(user, candidate_id)
    )


def loaded_access(user, candidate: Candidate) -> PanelAccess:
    """The same, for a candidate loaded with `candidate_with_scorecards`: no query more
    for an admin or an interviewer."""
    return PanelAccess(
        user,
        [s for i in candidate.interviews for s in i.scorecards],
        managing(user, candidate.id),
    )


def pending_panels(user_id: int) -> Select:
    """The interviews whose panel the user sits on without having submitted or stepped
    back: PanelAccess's rule in SQL, for figures counted over many candidates. Someone
    taken off a panel is off it: their kept draft hides nothing."""
    return select(Scorecard.interview_id).where(
        Scorecard.interviewer_id == user_id,
        Scorecard.removed_at.is_(None),
        ~Scorecard.sees_panel,
    )


def pending_candidates(user_id: int) -> Select:
    """The candidates for whom the user still has a scorecard pending: their decisions
    are hidden from the user."""
    return (
        select(Interview.candidate_id).where(Interview.id.in_(pending_panels(user_id))).distinct()
    )


def counted(candidate: Candidate) -> list[Scorecard]:
    """The scorecards the panel's count expects of a candidate (loaded with their
    interviews and scorecards): on the panel of an interview not cancelled, not stepped
    back from. Every "n of m submitted" is counted over these, and `statuses` alike."""
    return [s for i in candidate.interviews if not i.cancelled for s in i.scorecards if s.expected]


def may_fill(user, scorecard: Scorecard) -> bool:
    """Only its interviewer fills in, submits, amends or withdraws a scorecard."""
    return scorecard.interviewer_id == user.id


def fillable_by(user_id) -> ColumnElement[bool]:
    """`may_fill` as SQL, for the autosave's one UPDATE: the scorecards the user fills in
    (`user_id` an id, or a parameter bound when the statement runs)."""
    return Scorecard.interviewer_id == user_id


def may_read(user, scorecard: Scorecard) -> bool:
    """Whether the user may read this scorecard: page, JSON, PDF and history alike."""
    if scorecard.interviewer_id == user.id:
        return True
    return access_to(user, scorecard.interview.candidate_id).may_read(scorecard)


def submitted_with_content(candidate_id: int) -> list[Scorecard]:
    """A candidate's submitted scorecards with all a document shows, in interview order;
    a cancelled interview's are left out of what is aggregated."""
    return _submitted(scorecards_with_content(), candidate_id)


def submitted_scorecards(candidate_id: int) -> list[Scorecard]:
    """The same scorecards with their interview, candidate and kit version but not their
    content: enough to tell who may read them and whether a document on them is ready."""
    stmt = select(Scorecard).options(
        joinedload(Scorecard.interviewer),
        joinedload(Scorecard.interview).options(
            joinedload(Interview.candidate), joinedload(Interview.kit_version)
        ),
    )
    return _submitted(stmt, candidate_id)


def submitted_for_packet(candidate_id: int, with_guide: bool) -> list[Scorecard]:
    """What tells whether a candidate's packet is ready: the submitted scorecards, with
    their kits' content only when the packet holds the guides, whose fingerprint reads it."""
    return (submitted_with_content if with_guide else submitted_scorecards)(candidate_id)


def _submitted(stmt: Select, candidate_id: int) -> list[Scorecard]:
    stmt = (
        stmt.join(Interview)
        .where(
            Interview.candidate_id == candidate_id,
            Scorecard.submitted_at.is_not(None),
            Interview.cancelled_at.is_(None),
        )
        .order_by(Interview.scheduled_at, Scorecard.id)
    )
    return db.session.scalars(stmt).unique().all()


def with_content_of(scorecards: list[Scorecard]) -> list[Scorecard]:
    """These scorecards, in this order, with all a document shows loaded (one round of
    queries, however many there are)."""
    if not scorecards:
        return []
    stmt = scorecards_with_content().where(Scorecard.id.in_([s.id for s in scorecards]))
    found = {s.id: s for s in db.session.scalars(stmt).unique()}
    return [found[s.id] for s in scorecards if s.id in found]


def colleagues_visible(scorecard: Scorecard, access: PanelAccess) -> bool:
    """Whether the author of `scorecard` can read any colleague's work on its interview."""
    return any(
        other.id != scorecard.id
        and other.interview_id == scorecard.interview_id
        and other.version > 0
        and access.may_read(other)
        for other in access.scorecards
    )


def may_read_guide(user, version: KitVersion) -> bool:
    """Managers read every kit guide, drafts too; an interviewer the published versions
    used by interviews they are on the panel of."""
    if user.is_manager:
        return True
    if version.published_at is None:
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Scorecard.interviewer_id == user.id,
                    Scorecard.kit_version_id == version.id,
                )
            )
        )
    )


def scorecards_with_content() -> Select:
    """Scorecards with their interview, candidate, kit version and content loaded."""
    return select(Scorecard).options(
        joinedload(Scorecard.interviewer),
        joinedload(Scorecard.interview).options(
            joinedload(Interview.candidate),
            with_content(joinedload(Interview.kit_version)),
        ),
        selectinload(Scorecard.item_notes),
        selectinload(Scorecard.ratings),
        selectinload(Scorecard.revisions),
    )


def _with_scorecards():
    """Loader options: a candidate's interviews, their kits and scorecards with authors."""
    return selectinload(Candidate.interviews).options(
        joinedload(Interview.kit_version).joinedload(KitVersion.kit),
        selectinload(Interview.scorecards).joinedload(Scorecard.interviewer),
    )


def status(candidate: Candidate, access: PanelAccess) -> dict:
    """Interviews planned and done, scorecards submitted of expected (`counted`), and the
    recommendations of the submitted scorecards open to the reader."""
    now = utcnow()
    held = [i for i in candidate.interviews if not i.cancelled]
    scorecards = counted(candidate)
    submitted = [s for s in scorecards if s.submitted_at is not None]
    readable = access.readable(submitted)
    return {
        "planned": sum(i.scheduled_at > now for i in held),
        "done": sum(i.scheduled_at <= now for i in held),
        "cancelled": len(candidate.interviews) - len(held),
        "submitted": len(submitted),
        "expected": len(scorecards),
        "readable": len(readable),
        "tally": Counter(s.recommendation for s in readable if s.recommendation),
    }


def statuses(candidate_ids: list[int], reader) -> dict[int, dict]:
    """`status` of each candidate as a manager reads it, counted in the database: two
    queries however many interviews the candidates have had. The tally leaves out the
    interviews whose panel the reader sits on without having submitted."""
    now = utcnow()
    out = {
        cid: {"planned": 0, "done": 0, "cancelled": 0, "submitted": 0, "expected": 0}
        | {"tally": Counter()}
        for cid in candidate_ids
    }
    if not candidate_ids:
        return out
    held = Interview.cancelled_at.is_(None)
    rows = db.session.execute(
        select(
            Interview.candidate_id,
            func.count().filter(held, Interview.scheduled_at > now),
            func.count().filter(held, Interview.scheduled_at <= now),
            func.count().filter(Interview.cancelled_at.is_not(None)),
        )
        .where(Interview.candidate_id.in_(candidate_ids))
        .group_by(Interview.candidate_id)
    )
    for cid, planned, done, cancelled in rows:
        out[cid] |= {"planned": planned, "done": done, "cancelled": cancelled}
    # Another team's interviews are read as an interviewer would: left out of the tally.
    open_to_reader = or_(
        Scorecard.interviewer_id == reader.id,
        and_(
            Scorecard.interview_id.not_in(pending_panels(reader.id)),
            # Over these candidates' interviews only: over every interview, the list
            # grew with the whole history (13 ms of a page at 100,000 scorecards).
            Scorecard.interview_id.in_(
                select(Interview.id).where(
                    Interview.candidate_id.in_(candidate_ids), managed_interviews(reader)
                )
            ),
        ),
    )
    rows = db.session.execute(
        select(
            Interview.candidate_id,
            Scorecard.recommendation,
            func.count(),
            func.count(Scorecard.submitted_at),
            func.count(Scorecard.submitted_at).filter(open_to_reader),
        )
        .join(Interview, Scorecard.interview_id == Interview.id)
        .where(Interview.candidate_id.in_(candidate_ids), held, Scorecard.expected)
        .group_by(Interview.candidate_id, Scorecard.recommendation)
    )
    for cid, recommendation, expected, submitted, readable in rows:
        out[cid]["expected"] += expected
        out[cid]["submitted"] += submitted
        if recommendation is not None and readable:
            out[cid]["tally"][recommendation] += readable
    return out


def candidates(reader, text: str = "") -> Select:
    """The candidates the reader manages, newest first; `text` searches name, e-mail and
    role."""
    stmt = (
        select(Candidate)
        .where(managed_candidates(reader))
        .order_by(Candidate.created_at.desc(), Candidate.id.desc())
    )
    return stmt.where(search.matches(text)) if text.strip() else stmt


def interview_with_panel(interview_id: int) -> Select:
    """One interview with its candidate, kit and scorecards with their authors."""
    return (
        select(Interview)
        .where(Interview.id == interview_id)
        .options(
            joinedload(Interview.candidate),
            joinedload(Interview.kit_version).joinedload(KitVersion.kit),
            selectinload(Interview.scorecards).joinedload(Scorecard.interviewer),
        )
    )


def candidate_with_scorecards(candidate_id: int) -> Select:
    """One candidate with their interviews, kits and scorecards."""
    return select(Candidate).where(Candidate.id == candidate_id).options(_with_scorecards())


PICKER_LIMIT = 50


def candidate_choices(reader, text: str = "", keep: int | None = None) -> list[Candidate]:
    """Candidates the reader manages to choose from, bounded: those matching `text` (name,
    e-mail, role) or the most recent, by name; with `keep` (the one already chosen) always
    among them."""
    stmt = (
        select(Candidate)
        .where(managed_candidates(reader))
        .order_by(Candidate.created_at.desc(), Candidate.id.desc())
    )
    if text.strip():
        stmt = stmt.where(search.matches(text))
    found = db.session.scalars(stmt.limit(PICKER_LIMIT)).all()
    if keep and all(c.id != keep for c in found):
        chosen = db.session.scalar(
            select(Candidate).where(Candidate.id == keep, managed_candidates(reader))
        )
        found = [chosen, *found] if chosen else found
    return sorted(found, key=lambda c: c.name.lower())


def candidates_with_submissions(ids: Iterable[int] = (), kit_id: int | None = None) -> Select:
    """Candidates with at least one submitted scorecard; only `ids`, or those interviewed
    with kit `kit_id`, when given."""
    stmt = (
        select(Candidate)
        .join(Interview)
        .join(Scorecard)
        .where(Scorecard.submitted_at.is_not(None), Interview.cancelled_at.is_(None))
        .distinct()
        .order_by(Candidate.id)
    )
    if ids:
        stmt = stmt.where(Candidate.id.in_(list(ids)))
    if kit_id:
        stmt = stmt.join(KitVersion, Interview.kit_version_id == KitVersion.id).where(
            KitVersion.kit_id == kit_id
        )
    return stmt


def candidates_untouched_since(cutoff: datetime) -> list[Candidate]:
    """Candidates created before `cutoff` with no interview on or after it."""
    recent = select(Interview.id).where(
        Interview.candidate_id == Candidate.id, Interview.scheduled_at >= cutoff
    )
    return db.session.scalars(
        select(Candidate)
        .where(Candidate.created_at < cutoff, ~exists(recent))
        .order_by(Candidate.id)
    ).all()


# Applications: an opening's pipeline, and one application with everything its page shows.


def opening_counts(opening_ids: list[int]) -> dict[int, Counter]:
    """Per opening, its applications by status, in one statement."""
    counts: dict[int, Counter] = {i: Counter() for i in opening_ids}
    if opening_ids:
        for opening_id, status, n in db.session.execute(
            select(Application.opening_id, Application.status, func.count())
            .where(Application.opening_id.in_(opening_ids))
            .group_by(Application.opening_id, Application.status)
        ):
            counts[opening_id][status.value] = n
    return counts


def stage_counts(opening_id: int) -> Counter:
    """An opening's active applications per stage id, and the closed ones per status."""
    counts: Counter = Counter()
    for stage_id, status, n in db.session.execute(
        select(Application.stage_id, Application.status, func.count())
        .where(Application.opening_id == opening_id)
        .group_by(Application.stage_id, Application.status)
    ):
        if status is ApplicationStatus.ACTIVE:
            counts[stage_id] += n
        counts[status.value] += n
    return counts


# How an opening's applications list may be sorted: by what, ascending.
APPLICATION_SORTS = {
    # Days in the stage: ascending is the latest arrival first.
    "waiting": (Application.stage_entered_at,),
    "name": (Candidate.name,),
    "stage": (Stage.position, Application.stage_entered_at),
    "applied": (Application.applied_at,),
}


def applications_of(
    opening_id: int,
    stage_id: int | None = None,
    status: ApplicationStatus | None = None,
    sort: str = "waiting",
    descending: bool = False,
) -> Select:
    """An opening's applications with their candidates, sorted (`APPLICATION_SORTS`)."""
    keys = APPLICATION_SORTS.get(sort, APPLICATION_SORTS["waiting"])
    if sort not in APPLICATION_SORTS or sort == "waiting":
        descending = not descending  # more days in the stage is an earlier arrival
    stmt = (
        select(Application)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .outerjoin(Stage, Stage.id == Application.stage_id)
        .where(Application.opening_id == opening_id)
        .options(contains_eager(Application.candidate), contains_eager(Application.stage))
        .order_by(*(k.desc() if descending else k for k in keys), Application.id)
    )
    if stage_id is not None:
        stmt = stmt.where(Application.stage_id == stage_id)
    if status is not None:
        stmt = stmt.where(Application.status == status)
    return stmt


def application(application_id: int) -> Select:
    """An application with its candidate's interviews and scorecards (independence is
    per candidate), its opening's plan, and its history."""
    return (
        select(Application)
        .where(Application.id == application_id)
        .options(
            joinedload(Application.candidate)
            .selectinload(Candidate.interviews)
            .options(
                joinedload(Interview.kit_version).joinedload(KitVersion.kit),
                selectinload(Interview.scorecards).joinedload(Scorecard.interviewer),
            ),
            joinedload(Application.opening).options(*plan_options()),
            joinedload(Application.stage),
            selectinload(Application.moves).joinedload(Move.by),
            selectinload(Application.documents),
        )
    )


def applications_by_candidate(candidate_id: int, reader) -> list[Application]:
    """A candidate's applications to the openings the reader manages."""
    return db.session.scalars(
        select(Application)
        .where(Application.candidate_id == candidate_id, to_managed_openings(reader))
        .options(joinedload(Application.opening), joinedload(Application.stage))
        .order_by(Application.applied_at)
    ).all()


def applications_with_plans(candidate_id: int, reader=None) -> list[Application]:
    """A candidate's applications with their openings' scorecards and plans (a packet's
    cover names each opening, the stage reached and the attributes covered); with a
    reader, those to the openings the reader manages."""
    stmt = select(Application).where(Application.candidate_id == candidate_id)
    if reader is not None:
        stmt = stmt.where(to_managed_openings(reader))
    return db.session.scalars(
        stmt.options(
            joinedload(Application.opening).options(*plan_options()), joinedload(Application.stage)
        ).order_by(Application.applied_at, Application.id)
    ).all()


@dataclass
class Standing:
    """Where an application's panels stand: scorecards in of expected, whether any is
    overdue, whether the submitted recommendations split, and whether it is decided."""

    submitted: int = 0
    expected: int = 0
    overdue: int = 0
    positive: bool = False
    negative: bool = False
    decided: bool = False

    @property
    def debrief_ready(self) -> bool:
        return self.expected > 0 and self.submitted == self.expected

    @property
    def needs_decision(self) -> bool:
        return self.debrief_ready and not self.decided

    @property
    def split(self) -> bool:
        return self.positive and self.negative

    @property
    def flags(self) -> list[str]:
        return [
            name
            for name, on in (
                ("needs decision", self.needs_decision),
                ("debrief ready", self.debrief_ready and self.decided),
                ("overdue scorecard", self.overdue > 0),
                ("split panel", self.split),
            )
            if on
        ]


FLAGS = ("needs decision", "debrief ready", "overdue scorecard", "split panel")
# Decisions are a feature above this one: read by the table's name.
PDF = "application/pdf"
_DECISIONS = table(
    "decisions", column("id"), column("application_id"), column("outcome"), column("decided_at")
)


def standings(application_ids: list[int], overdue_before: datetime) -> dict[int, Standing]:
    """Each application's standing, in two statements whatever their number: the
    scorecards of its interviews held (not cancelled) counted as every page counts them,
    and whether a decision is recorded on it."""
    found = {i: Standing() for i in application_ids}
    if not application_ids:
        return found
    positive = ("yes", "strong_yes")
    negative = ("no", "strong_no")
    submitted = Scorecard.submitted_at.is_not(None)
    rows = db.session.execute(
        select(
            Interview.application_id,
            func.count(),
            func.count().filter(submitted),
            func.count().filter(IS_OPEN, Interview.scheduled_at < overdue_before),
            func.count().filter(submitted, Scorecard.recommendation.in_(positive)),
            func.count().filter(submitted, Scorecard.recommendation.in_(negative)),
        )
        .join(Scorecard, Scorecard.interview_id == Interview.id)
        .where(
            Interview.application_id.in_(application_ids),
            Interview.cancelled_at.is_(None),
            Scorecard.expected,
        )
        .group_by(Interview.application_id)
    )
    for application_id, expected, done, overdue, yes, no in rows:
        found[application_id] = Standing(done, expected, overdue, yes > 0, no > 0)
    decided = db.session.scalars(
        select(_DECISIONS.c.application_id)
        .where(_DECISIONS.c.application_id.in_(application_ids))
        .distinct()
    )
    for application_id in decided:
        found[application_id].decided = True
    return found


def applications_of_candidates(candidate_ids: list[int]) -> dict[int, list[Application]]:
    """The listed candidates' applications, active ones first, with their openings and
    stages, and each one's decision in force as `outcome` (None when undecided); three
    statements whatever the number."""
    found: dict[int, list[Application]] = {i: [] for i in candidate_ids}
    if not candidate_ids:
        return found
    rows = db.session.scalars(
        select(Application)
        .where(Application.candidate_id.in_(candidate_ids))
        .options(joinedload(Application.opening), joinedload(Application.stage))
        .order_by(Application.status != ApplicationStatus.ACTIVE, Application.applied_at.desc())
    ).all()
    outcomes = dict(
        db.session.execute(
            select(_DECISIONS.c.application_id, _DECISIONS.c.outcome)
            .where(_DECISIONS.c.application_id.in_([a.id for a in rows]))
            .order_by(_DECISIONS.c.decided_at, _DECISIONS.c.id)
        ).all()
    )
    for application in rows:
        application.outcome = outcomes.get(application.id)
        found[application.candidate_id].append(application)
    return found


def decisions_waiting(
    limit: int = 10, member_id: int | None = None
) -> list[tuple[Application, datetime]]:
    """Active applications whose every expected scorecard is in and on which no decision
    is recorded, waiting longest first, with when the last scorecard came in; with
    `member_id`, of the openings whose hiring team that user is on. Only those
    applications' scorecards are counted (a dashboard reads this on every visit)."""
    candidates = select(Application.id).where(Application.status == ApplicationStatus.ACTIVE)
    if member_id is not None:
        candidates = candidates.where(Application.opening_id.in_(on_team(member_id)))
    held = (
        select(
            Interview.application_id.label("application_id"),
            func.count().label("expected"),
            func.count(Scorecard.submitted_at).label("submitted"),
            func.max(Scorecard.submitted_at).label("since"),
        )
        .join(Scorecard, Scorecard.interview_id == Interview.id)
        .where(
            Interview.application_id.in_(candidates),
            Interview.cancelled_at.is_(None),
            Scorecard.expected,
        )
        .group_by(Interview.application_id)
        .subquery()
    )
    return db.session.execute(
        select(Application, held.c.since)
        .join(held, held.c.application_id == Application.id)
        .where(
            held.c.expected == held.c.submitted,
            ~exists().where(_DECISIONS.c.application_id == Application.id),
        )
        .options(
            joinedload(Application.candidate),
            joinedload(Application.opening),
            joinedload(Application.stage),
        )
        .order_by(held.c.since, Application.id)
        .limit(limit)
    ).all()


def pdf_documents(candidate_id: int, reader) -> list[CandidateDocument]:
    """A candidate's PDF documents (without their bytes) sent to the openings the reader
    manages, CVs first, as a packet appends them."""
    return db.session.scalars(
        select(CandidateDocument)
        .join(Application)
        .where(
            Application.candidate_id == candidate_id,
            CandidateDocument.media_type == PDF,
            to_managed_openings(reader),
        )
        .options(joinedload(CandidateDocument.application).joinedload(Application.opening))
        .order_by(
            CandidateDocument.kind != DocumentKind.CV,
            CandidateDocument.uploaded_at,
            CandidateDocument.id,
        )
    ).all()


def document_data(document_id: int) -> bytes:
    return db.session.scalar(
        select(CandidateDocument.data).where(CandidateDocument.id == document_id)
    )


def document(document_id: int) -> Select:
    return (
        select(CandidateDocument)
        .where(CandidateDocument.id == document_id)
        .options(joinedload(CandidateDocument.application))
    )


def overdue_on_openings(user_id: int, before: datetime, limit: int = 20) -> list[Scorecard]:
    """Open scorecards of interviews held before `before`, on the user's openings,
    oldest first."""
    return db.session.scalars(
        select(Scorecard)
        .join(Interview, Interview.id == Scorecard.interview_id)
        .join(Application, Application.id == Interview.application_id)
        .where(
            IS_OPEN,
            Interview.cancelled_at.is_(None),
            Scorecard.scheduled_at < before,
            Application.opening_id.in_(on_team(user_id)),
        )
        .options(
            joinedload(Scorecard.interviewer),
            joinedload(Scorecard.interview).options(
                joinedload(Interview.candidate),
                joinedload(Interview.kit_version).joinedload(KitVersion.kit),
            ),
        )
        .order_by(Scorecard.scheduled_at, Scorecard.id)
        .limit(limit)
    ).all()


def quiet_openings(user_id: int, since: datetime) -> list[Opening]:
    """The user's open openings where nothing moved and nothing was scheduled since."""
    moved = (
        select(Move.id)
        .join(Application, Application.id == Move.application_id)
        .where(Application.opening_id == Opening.id, Move.at >= since)
    )
    scheduled = (
        select(Interview.id)
        .join(Application, Application.id == Interview.application_id)
        .where(Application.opening_id == Opening.id, Interview.created_at >= since)
    )
    return db.session.scalars(
        select(Opening)
        .where(
            Opening.id.in_(on_team(user_id)),
            Opening.status == OpeningStatus.OPEN,
            ~moved.exists(),
            ~scheduled.exists(),
        )
        .order_by(Opening.title)
    ).all()


# The longest interview the forms accept: how far back one may start and still overlap.
LONGEST = timedelta(minutes=600)


def busy(start: datetime, end: datetime, except_id: int | None = None) -> dict[int, list]:
    """Who sits on the panel of another interview (not cancelled) overlapping [start,
    end): per user, those interviews' (start, end), in order. Read over the tables, not
    the mapped classes: an interview of a confidential opening makes its panel busy too,
    and only its times are told."""
    interviews, scorecards = Interview.__table__, Scorecard.__table__
    rows = db.session.execute(
        select(
            scorecards.c.interviewer_id,
            interviews.c.scheduled_at,
            interviews.c.duration_minutes,
        )
        .join(interviews, interviews.c.id == scorecards.c.interview_id)
        .where(
            interviews.c.cancelled_at.is_(None),
            scorecards.c.removed_at.is_(None),
            interviews.c.scheduled_at < end,
            interviews.c.scheduled_at > start - LONGEST,
            interviews.c.id != (except_id or 0),
        )
        .order_by(interviews.c.scheduled_at)
    )
    found: dict[int, list] = {}
    for user_id, at, minutes in rows:
        until = at + timedelta(minutes=minutes)
        if until > start:
            found.setdefault(user_id, []).append((at, until))
    return found

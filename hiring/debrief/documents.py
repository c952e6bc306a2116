"""The three PDF documents: a scorecard, a candidate packet, a kit guide.

Each is rendered by a background job (see hiring.jobs) and kept in the render cache
under a key of what it shows. A change queues the renders it made stale (`prepare_*`),
so that the document is usually ready when someone asks; `obtain` gives the rendering
when it is ready, or waits for its job, or says how far the job has come.
"""

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Response, current_app, g, jsonify, render_template, request
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import func, or_, select

from hiring import jobs
from hiring.auth.models import Role, User
from hiring.debrief import queries as debrief_queries
from hiring.debrief.aggregate import aggregate, one_line, progress, tally
from hiring.debrief.calibration import raters, reliability
from hiring.debrief.queries import decisions
from hiring.errors import render_error
from hiring.extensions import db, utcnow
from hiring.interviews import queries as interview_queries
from hiring.interviews.models import Candidate, Interview, Scorecard
from hiring.interviews.operations import content, renderings_of
from hiring.kits.models import KitVersion
from hiring.pdf import (
    SHARED,
    PdfError,
    assemble,
    budget,
    cached,
    failure,
    failures_remembered,
    held,
    one_at_a_time,
    render_pdf,
    render_pdf_parts,
    send_pdf,
    store,
    stored,
)
from hiring.timezones import organisation_zone, reader_zone

log = logging.getLogger("hiring.documents")

# The job function that renders every document.
RENDER = "hiring.debrief.documents:render_job"
# Documents rendered ahead of a change for at most this many time zones of its readers.
PREPARED_ZONES = 3


def header_for(candidate: Candidate) -> str:
    """The running header of a candidate's documents."""
    return f"{candidate.name} · {candidate.role}" if candidate.role else candidate.name


def _scorecard_parts(scorecards: list[Scorecard], done: int = 0, total: int = 0) -> list[bytes]:
    """Each scorecard's part: from the cache, the missing ones laid out in one document."""
    # Times are shown in the reader's zone: a rendering per zone.
    zone = reader_zone().key
    keys = [
        f"scorecard:{s.id}:{s.version}:{s.interview.candidate.name}:{s.interview.candidate.role}"
        f":{s.interview.sequence}:{zone}"
        for s in scorecards
    ]
    owners = [renderings_of(s.interview.candidate_id) for s in scorecards]
    parts = [stored(key, owner) for key, owner in zip(keys, owners, strict=True)]
    missing = [n for n, part in enumerate(parts) if part is None]
    if missing:
        todo = [scorecards[n] for n in missing]
        jobs.report(done, total, f"Laying out {_count(len(todo), 'scorecard')}")
        made = render_pdf_parts(
            "pdf/scorecards.html",
            [f"scorecard-{s.id}" for s in todo],
            items=[(s, content(s)) for s in todo],
        )
        for n, data in zip(missing, made, strict=True):
            store(keys[n], data, owners[n])
            parts[n] = data
    return parts


def guide_digest(version: KitVersion) -> str:
    """A fingerprint of everything a kit guide shows. A draft shows the bank's current
    text and every guide the bank's competencies per question, so the version's own
    lock alone would let an edited question's guide go stale."""
    parts = [
        version.kit.title,
        version.kit.role,
        version.purpose,
        version.briefing,
        str(version.duration_minutes),
        str(version.published_at),
        *(p.label for p in version.scale),
    ]
    for section in version.sections:
        parts.append(section.title)
        for item in section.items:
            parts += [
                item.display_prompt,
                item.probes,
                str(item.minutes),
                json.dumps(item.display_tiers, default=str, sort_keys=True),
                "|".join(sorted(c.name for c in item.question.competencies)),
            ]
    for kc in version.competencies:
        parts += [kc.display_name, json.dumps(kc.anchors, sort_keys=True)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _guide_part(version: KitVersion) -> bytes:
    key = f"guide:{version.id}:{guide_digest(version)}"
    return cached(key, lambda: render_pdf("pdf/guide.html", version=version, kit=version.kit))


def _made_once(key: str, make: Callable[[], bytes], owner: str = SHARED) -> bytes:
    """The rendering kept under `key`, made when missing; a document that failed its
    limits lately is refused at once."""
    with failures_remembered(key, owner):
        return cached(key, make, owner)


def _scorecard_key(scorecard: Scorecard) -> str:
    interview = scorecard.interview
    return ":".join(
        str(part)
        for part in (
            "scorecard-document",
            scorecard.id,
            scorecard.version,
            scorecard.submitted_at is None,
            reader_zone().key,
            interview.candidate.name,
            interview.candidate.role,
            interview.sequence,
            scorecard.interviewer.name,
            interview.kit_version.kit.title,
            interview.kit_version.number,
        )
    )


def scorecard_pdf(scorecard: Scorecard) -> bytes:
    """One interviewer's scorecard; a draft is marked on every page."""
    candidate = scorecard.interview.candidate
    key, owner = _scorecard_key(scorecard), renderings_of(candidate.id)

    def make() -> bytes:
        parts = _scorecard_parts([scorecard], 0, 2)
        jobs.report(1, 2, "Numbering the pages")
        return assemble(
            parts,
            header=header_for(candidate),
            title=f"Scorecard: {candidate.name}, by {scorecard.interviewer.name}",
            subject=f"{scorecard.interview.kit_version.kit.title}, version "
            f"{scorecard.interview.kit_version.number}",
            draft=scorecard.submitted_at is None,
            owner=owner,
        )

    return _made_once(key, make, owner)


def _guide_key(version: KitVersion) -> str:
    return f"guide-document:{version.id}:{guide_digest(version)}"


def guide_pdf(version: KitVersion) -> bytes:
    """A kit guide to read and write on before the interview."""

    def make() -> bytes:
        jobs.report(0, 2, "Laying out the guide")
        part = _guide_part(version)
        jobs.report(1, 2, "Numbering the pages")
        return assemble(
            [part],
            header=f"{version.kit.title} · {version.kit.role}",
            title=f"Kit guide: {version.kit.title}, version {version.number}",
            subject=version.kit.role,
            draft=version.published_at is None,
        )

    return _made_once(_guide_key(version), make)


def packet_pdf(
    candidate: Candidate,
    scorecards: list[Scorecard],
    with_guide: bool,
    hidden: dict[int, str] | None = None,
) -> bytes:
    """The candidate packet: a cover with the panel's aggregate, then every scorecard.

    `scorecards` are those the reader may read; `hidden` the interviews kept from the
    reader, with why, which the cover names.
    """
    return packet_document(candidate, scorecards, with_guide, hidden).make()


@dataclass
class Document:
    """A document someone asked for: where its rendering is kept, the job that makes it
    (its key and `render_job`'s arguments), and how to make it here."""

    key: str
    owner: str
    job: str
    args: tuple
    make: Callable[[], bytes]

    def ready(self) -> bytes | None:
        return stored(self.key, self.owner)


# Each document's job: its key and render_job's arguments, the same whether a change
# queues it ahead or a reader asks for it.


def _scorecard_job(scorecard_id: int, zone: str) -> tuple[str, tuple]:
    return f"scorecard:{scorecard_id}:{zone}", ("scorecard", scorecard_id, zone)


def _guide_job(version_id: int, zone: str) -> tuple[str, tuple]:
    return f"guide:{version_id}:{zone}", ("guide", version_id, zone)


def _packet_job(
    candidate_id: int, zone: str, reader_id: int | None, with_guide: bool
) -> tuple[str, tuple]:
    scope = "all" if reader_id is None else f"user-{reader_id}"
    return (
        f"packet:{candidate_id}:{zone}:{scope}:{int(with_guide)}",
        ("packet", candidate_id, zone, reader_id, with_guide),
    )


def _queue(job: tuple[str, tuple]) -> None:
    key, args = job
    jobs.submit(RENDER, *args, key=key)


def scorecard_document(scorecard: Scorecard) -> Document:
    return Document(
        _scorecard_key(scorecard),
        renderings_of(scorecard.interview.candidate_id),
        *_scorecard_job(scorecard.id, reader_zone().key),
        lambda: scorecard_pdf(scorecard),
    )


def guide_document(version: KitVersion) -> Document:
    return Document(
        _guide_key(version),
        SHARED,
        *_guide_job(version.id, reader_zone().key),
        lambda: guide_pdf(version),
    )


def packet_document(
    candidate: Candidate,
    scorecards: list[Scorecard],
    with_guide: bool,
    hidden: dict[int, str] | None = None,
    reader_id: int | None = None,
    decision_open: bool = True,
) -> Document:
    """The packet; `reader_id` names the reader when they may not read the whole panel
    (None: the whole panel, as a manager reads it); `decision_open` is False for a reader
    with a scorecard still pending for the candidate.

    Telling whether the packet is ready reads no scorecard content (unless a guide is
    in it, whose fingerprint reads its kit's): the content is loaded only to lay it out."""
    hidden = hidden or {}
    zone = reader_zone().key
    owner = renderings_of(candidate.id)
    if not scorecards:
        message = f"{candidate.name} has no submitted scorecard yet: there is no packet."

        def refuse() -> bytes:
            raise PdfError(message)

        return Document(f"empty-packet:{candidate.id}", owner, "", (), refuse)
    versions = {s.interview.kit_version.id: s.interview.kit_version for s in scorecards}
    panel = progress(candidate)
    history = decisions(candidate.id) if decision_open else []
    decision = history[-1] if history else None
    key = ":".join(
        [
            f"packet:{candidate.id}:{candidate.name}:{candidate.role}:{with_guide}",
            f"zone={zone}",
            f"interviews={[(i.id, i.sequence) for i in candidate.interviews]}",
            f"hidden={sorted(hidden.items())}",
            f"decision={decision.id if decision else None}:{decision_open}",
            f"pending={[(s.id, s.version, s.withdrawn_at is None) for s in panel.pending]}",
            f"expected={panel.expected}",
            *(f"{s.id}.{s.version}" for s in scorecards),
            *(f"{v.id}.{guide_digest(v) if with_guide else v.lock}" for v in versions.values()),
        ]
    )

    def make_parts() -> bytes:
        # Their content is read here only: telling whether the packet is ready needs none.
        shown = interview_queries.with_content_of(scorecards)
        guides = list(versions.values()) if with_guide else []
        total = 2 + len(shown) + len(guides)
        jobs.report(0, total, "Laying out the cover")
        cover = cached(
            key.replace("packet:", "cover:", 1),
            lambda: render_pdf(
                "pdf/cover.html",
                candidate=candidate,
                scorecards=shown,
                rows=aggregate(shown),
                tally=tally(shown),
                interviews=sorted({s.interview for s in shown}, key=lambda i: i.scheduled_at),
                hidden=sorted(set(hidden.values())),
                hidden_count=len(hidden),
                progress=panel,
                decision=decision,
                decision_hidden=not decision_open,
                one_line=one_line,
            ),
            owner,
        )
        parts = [cover, *_scorecard_parts(shown, 1, total)]
        for n, version in enumerate(guides):
            jobs.report(1 + len(shown) + n, total, "Laying out the kit guide")
            parts.append(_guide_part(version))
        jobs.report(total - 1, total, "Numbering the pages")
        return assemble(
            parts,
            header=header_for(candidate),
            title=f"Candidate packet: {candidate.name}",
            subject=", ".join(sorted({v.kit.title for v in versions.values()})),
            owner=owner,
        )

    return Document(
        key,
        owner,
        *_packet_job(candidate.id, zone, reader_id, with_guide),
        lambda: _made_once(key, make_parts, owner),
    )


def download(document: Document, filename: str, title: str, sent: Callable[[], None]) -> Response:
    """What an export link answers: the PDF when it is ready (waiting a moment for its
    job), else a page that follows the job and fetches the PDF when it is ready. With
    ?progress=1, where the job stands, as JSON, for that page."""
    polling = request.args.get("progress") == "1"
    wait = 0 if polling else current_app.config["PDF_WAIT_SECONDS"]
    try:
        # A poll reports a failed job; the page's own request may try it once more.
        result = obtain(document, wait, f"user-{current_user.id}", retry=not polling)
    except PdfError as error:
        if polling:
            return jsonify(state="failed", error=str(error))
        return render_error(error.status, str(error))
    if polling:
        ready = isinstance(result, bytes)
        return jsonify({"state": "ready"} if ready else result.as_json())
    if isinstance(result, jobs.Status):
        page = render_template("documents/preparing.html", status=result, title=title)
        return Response(page, 202, headers={"Cache-Control": "no-store"})
    sent()
    return send_pdf(result, filename, inline=request.args.get("view") == "1")


def obtain(
    document: Document, wait: float, user: str | None = None, retry: bool = True
) -> bytes | jobs.Status:
    """The document's rendering: at once when it is ready, else from its job (joined
    when one is waiting or running, queued when none is), waiting up to `wait` seconds;
    where the job stands when that is not enough. Rendered here only when no job could
    run it (no worker is running).

    For a `user` (a web request), waiting and rendering here are one at a time per user
    and bounded per host, as renders in web workers were: a second one does not wait, it
    is shown the job's progress (or, rendering here, refused with PdfBusy). A job that
    failed is queued again once with `retry`, else its failure is reported. PdfError when
    the document cannot be made."""
    data = document.ready()
    if data is not None:
        return data
    if not document.job:
        return document.make()  # refuses, saying why
    if not jobs.runnable():
        if user is None:
            return document.make()
        with one_at_a_time(user):
            return document.make()
    if user is None or wait <= 0:
        return _follow(document, wait, retry)
    with held(user) as busy:
        return _follow(document, 0 if busy else wait, retry)


def _follow(document: Document, wait: float, retry: bool) -> bytes | jobs.Status:
    deadline = time.monotonic() + wait
    queued = 0
    while True:
        data = document.ready()
        if data is not None:
            return data
        message = failure(document.key, document.owner)
        if message is not None:
            raise PdfError(message)
        state = jobs.status(document.job)
        if not state.pending:
            # A job that ended without this rendering failed, or read the data before
            # the change that asked for it: queue one that reads it now, once.
            if state.error and (queued or not retry):
                raise PdfError(state.error)
            if queued > 1:
                raise PdfError(jobs.FAILED)
            _queue((document.job, document.args))
            queued += 1
            continue
        left = deadline - time.monotonic()
        if left <= 0:
            return state
        jobs.wait(document.job, min(left, 1.0))


def reliability_json(agreement) -> dict:
    return {
        "kit": agreement.title,
        "interviews": agreement.interviews,
        "overall": agreement.overall.as_dict(),
        "competencies": {name: a.as_dict() for name, a in agreement.competencies},
    }


def calibration_figures(kit_id: int | None, reader) -> tuple[list, list]:
    """Every interviewer's figures and every kit's agreement, as `reader` may see them
    (of one kit with `kit_id`)."""
    facts = debrief_queries.first_ratings(kit_id, debrief_queries.hidden_from(reader))
    people = raters(
        facts,
        debrief_queries.names({f.interviewer_id for f in facts}),
        current_app.config["OVERDUE_HOURS"],
    )
    titles = debrief_queries.kit_titles({f.kit_id for f in facts})
    kits = [
        reliability(facts, kit, title)
        for kit, title in sorted(titles.items(), key=lambda item: item[1])
    ]
    return people, kits


def calibration_document(kit_id: int | None, reader, people, kits, choices) -> Document:
    """The calibration report as `reader` may see it; its key is a digest of its figures."""
    zone = reader_zone().key
    figures = json.dumps(
        [kit_id, zone, [p.as_dict() for p in people], [reliability_json(k) for k in kits]],
        default=str,
        sort_keys=True,
    )
    key = f"calibration:{hashlib.sha256(figures.encode()).hexdigest()[:32]}"

    def make() -> bytes:
        def parts() -> bytes:
            jobs.report(0, 2, "Laying out the report")
            body = render_pdf(
                "pdf/calibration.html",
                people=people,
                kits=kits,
                kit_id=kit_id,
                choices=choices,
                generated=utcnow(),
            )
            jobs.report(1, 2, "Numbering the pages")
            return assemble(
                [body],
                header="Interviewer calibration",
                title="Interviewer calibration",
                subject="Ratings against co-panelists, and agreement per kit",
            )

        return _made_once(key, parts)

    return Document(
        key,
        SHARED,
        f"calibration:{kit_id or 0}:{zone}:user-{reader.id}",
        ("calibration", kit_id or 0, zone, reader.id),
        make,
    )


def render_job(
    kind: str, ident: int, zone: str, reader_id: int | None = None, with_guide: bool = False
) -> str | None:
    """The job: render one document into the cache, in time zone `zone`. Returns why it
    cannot be made, for the user, or None."""
    with current_app.test_request_context():
        g.time_zone = zone
        try:
            with budget():
                if kind == "scorecard":
                    scorecard = db.session.scalar(
                        interview_queries.scorecards_with_content().where(Scorecard.id == ident)
                    )
                    if scorecard is None:
                        return "This scorecard no longer exists."
                    scorecard_pdf(scorecard)
                elif kind == "guide":
                    version = _version(ident)
                    if version is None:
                        return "This kit version no longer exists."
                    guide_pdf(version)
                elif kind == "calibration":
                    reader = db.session.get(User, reader_id)
                    if reader is None or not reader.active or not reader.is_manager:
                        return "This account can no longer export documents."
                    people, kits = calibration_figures(ident or None, reader)
                    choices = debrief_queries.kits_interviewed()
                    calibration_document(ident or None, reader, people, kits, choices).make()
                elif kind == "packet":
                    loading = interview_queries.candidate_with_scorecards(ident)
                    candidate = db.session.scalar(loading)
                    if candidate is None:
                        return "This candidate no longer exists."
                    scorecards = interview_queries.submitted_for_packet(ident, with_guide)
                    hidden: dict[int, str] = {}
                    if reader_id is not None:
                        reader = db.session.get(User, reader_id)
                        if reader is None or not reader.active:
                            return "This account can no longer export documents."
                        access = interview_queries.loaded_access(reader, candidate)
                        scorecards, hidden = access.readable(scorecards), access.hidden_interviews()
                        decision_open = access.may_read_decision()
                    else:
                        decision_open = True
                    packet_document(
                        candidate, scorecards, with_guide, hidden, reader_id, decision_open
                    ).make()
                else:
                    raise ValueError(f"no document of kind {kind!r}")
        except PdfError as error:
            return str(error)
    return None


def _version(version_id: int) -> KitVersion | None:
    from hiring.kits import queries as kit_queries

    version = db.session.get(KitVersion, version_id)
    if version is None:
        return None
    return db.session.scalar(kit_queries.version_for_builder(version.kit_id, version.number))


def reader_zones(candidate_id: int | None = None) -> list[str]:
    """The time zones documents are prepared in: those most of their likely readers
    (managers, and the candidate's panel) use, the organisation's for those who set none."""
    readers = User.role.in_([Role.ADMIN, Role.MANAGER])
    if candidate_id is not None:
        panel = (
            select(Scorecard.interviewer_id)
            .join(Interview, Scorecard.interview_id == Interview.id)
            .where(Interview.candidate_id == candidate_id)
        )
        readers = or_(readers, User.id.in_(panel))
    rows = db.session.execute(
        select(User.time_zone, func.count())
        .where(User.active, readers)
        .group_by(User.time_zone)
        .order_by(func.count().desc())
        .limit(PREPARED_ZONES)
    ).all()
    fallback = organisation_zone().key
    zones = list(dict.fromkeys(name or fallback for name, _ in rows)) or [fallback]
    return zones[:PREPARED_ZONES]


def prepare_candidate(candidate_id: int, scorecard_id: int | None = None) -> None:
    """Queue what a change to a candidate made stale: their packet as the panel's
    managers read it, and the changed scorecard."""
    if not current_app.config["PREPARE_DOCUMENTS"]:
        return
    try:
        for zone in reader_zones(candidate_id):
            _queue(_packet_job(candidate_id, zone, None, False))
            if scorecard_id is not None:
                _queue(_scorecard_job(scorecard_id, zone))
    except RedisError:
        # The change is saved; its documents will be made when someone asks for them.
        log.warning("could not queue renders for candidate %s: Redis is unreachable", candidate_id)


def prepare_guide(version_id: int) -> None:
    """Queue a newly published kit version's guide."""
    if not current_app.config["PREPARE_DOCUMENTS"]:
        return
    try:
        for zone in reader_zones():
            _queue(_guide_job(version_id, zone))
    except RedisError:
        log.warning("could not queue the guide of version %s: Redis is unreachable", version_id)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"

"""Every PDF: a scorecard, a candidate packet, a kit guide, the calibration report.

An export link answers with the PDF when its rendering is stored; otherwise it queues the
render (unless one is queued or running already) and answers with a page that follows it
and downloads the PDF when it is ready (?progress=1: where it stands, as JSON). With no
task worker alive, the request lays the document out itself.
"""

from datetime import timedelta

from flask import Blueprint, Response, abort, jsonify, render_template, request
from flask_login import current_user

from hiring import inputs, tasks
from hiring.audit.operations import exported
from hiring.documents import operations as ops
from hiring.documents.kinds import Spec, Unavailable, build
from hiring.documents.models import State
from hiring.documents.tasks import make, render
from hiring.errors import render_error
from hiring.extensions import db, utcnow
from hiring.interviews import queries as interview_queries
from hiring.interviews.models import Scorecard
from hiring.kits.models import KitVersion
from hiring.pdf import send_pdf
from hiring.security import EVERYONE, MANAGERS, allow
from hiring.timezones import reader_zone, today

bp = Blueprint("documents", __name__)

# A queued render not started after this long is queued again (its task was lost).
REQUEUE_AFTER = timedelta(seconds=30)


@bp.get("/scorecards/<int:scorecard_id>.pdf")
@allow(EVERYONE)
def scorecard(scorecard_id: int):
    """One interviewer's scorecard; a draft is marked on every page."""
    card = db.first_or_404(
        interview_queries.scorecards_with_content().where(Scorecard.id == scorecard_id)
    )
    if not interview_queries.may_read(current_user, card):
        abort(403)
    candidate = card.interview.candidate
    draft = " draft" if card.submitted_at is None else ""
    return _download(
        Spec("scorecard", card.id, reader_zone().key),
        f"{candidate.name} scorecard by {card.interviewer.name}{draft} {today()}",
        f"{card.interviewer.name}'s scorecard on {candidate.name}",
        lambda: exported("scorecard", "scorecard", card.id, format="pdf"),
    )


@bp.get("/candidates/<int:candidate_id>/packet.pdf")
@allow(EVERYONE)
def packet(candidate_id: int):
    """The candidate packet, holding the interviews open to the reader."""
    candidate = db.first_or_404(interview_queries.candidate_with_scorecards(candidate_id))
    access = interview_queries.loaded_access(current_user, candidate)
    if not access.may_open_candidate():
        abort(403)
    guide = request.args.get("guide") == "1"
    attached = request.args.get("documents") == "1" and access.manages
    submitted = interview_queries.submitted_scorecards(candidate.id)
    readable = access.readable(submitted)
    hidden = access.hidden_interviews()
    if hidden and not readable:
        return render_error(
            403, f"The panel's scorecards on {candidate.name} are {next(iter(hidden.values()))}."
        )
    # The whole panel's packet serves every reader who may read all of it.
    # Documents are the reader's own (of the openings they manage), a confidential
    # opening is no part of what every manager shares, and the cover of a reader's
    # packet names only the openings they manage.
    whole = (
        not hidden
        and len(readable) == len(submitted)
        and access.may_read_decision()
        and not attached
        and not interview_queries.beyond_shared(candidate.id, current_user)
    )
    spec = Spec(
        "packet",
        candidate.id,
        reader_zone().key,
        None if whole else current_user.id,
        guide,
        attached,
    )
    extras = [what for what, on in (("kit guide", guide), ("documents", attached)) if on]
    return _download(
        # What was loaded to check access is what the packet shows: not read twice.
        (spec, {"candidate": candidate, "submitted": submitted} if not guide else {}),
        f"{candidate.name} candidate packet"
        f"{' with ' + ' and '.join(extras) if extras else ''} {today()}",
        f"the candidate packet on {candidate.name}",
        lambda: exported("packet", "candidate", candidate.id, guide=guide, documents=attached),
    )


@bp.get("/kits/<int:kit_id>/v/<int:number>/guide.pdf")
@allow(EVERYONE)
def guide(kit_id: int, number: int):
    """A kit guide to read and write on before the interview."""
    version = db.first_or_404(
        db.select(KitVersion).where(KitVersion.kit_id == kit_id, KitVersion.number == number)
    )
    if not interview_queries.may_read_guide(current_user, version):
        abort(403)
    draft = " draft" if version.published_at is None else ""
    return _download(
        Spec("guide", version.id, reader_zone().key),
        f"{version.kit.title} kit guide version {version.number}{draft} {today()}",
        f"the {version.kit.title} kit guide",
        lambda: exported("guide", "kit_version", version.id),
    )


@bp.get("/calibration.pdf")
@allow(MANAGERS)
def calibration():
    """The calibration report, for a calibration meeting."""
    kit_id = inputs.arg_id("kit") or 0
    return _download(
        Spec("calibration", kit_id, reader_zone().key, current_user.id),
        f"interviewer calibration {today()}",
        "the interviewer calibration report",
        lambda: exported("calibration", "kit", kit_id or None, format="pdf"),
    )


def _download(spec: Spec | tuple[Spec, dict], filename: str, title: str, sent) -> Response:
    """`spec`, or the spec with what is loaded already of what the document shows."""
    spec, loaded = spec if isinstance(spec, tuple) else (spec, {})
    polling = request.args.get("progress") == "1"
    try:
        document = build(spec, **loaded)
    except Unavailable as error:
        if polling:
            return jsonify(state="failed", error=str(error))
        return render_error(422, str(error))
    row = _asked(document, spec, ops.find(document.key))
    if row.state is State.READY and not polling:
        data = ops.data_of(document.key, row.read_at)
        if data is None:  # pruned a moment ago: made again
            row = _asked(document, spec, None)
        else:
            sent()
            db.session.commit()
            return send_pdf(data, filename, inline=request.args.get("view") == "1")
    if polling:
        return jsonify(state=row.state.value, error=row.error)
    if row.state is State.FAILED:
        return render_error(422, row.error)
    page = render_template("documents/preparing.html", state=row.state.value, title=title)
    return Response(page, 202, headers={"Cache-Control": "no-store"})


def _asked(document, spec: Spec, row):
    """The document's row, its render queued (or, with no worker alive, done here) when
    it has none, or a queued render was lost, or a claim or a failure is old."""
    now = utcnow()
    stale = row is None or (
        (row.state is State.QUEUED and row.updated_at < now - REQUEUE_AFTER)
        or (
            row.state is State.RENDERING
            and row.updated_at < now - timedelta(seconds=ops.CLAIM_SECONDS)
        )
        or (
            row.state is State.FAILED
            and row.updated_at < now - timedelta(seconds=ops.FAILURE_SECONDS)
        )
    )
    if not stale:
        return row
    added = ops.ask(document)
    db.session.commit()
    if row is None and not added:
        # Another request added it a moment ago, and queued its render.
        return ops.find(document.key) or ops.Missing()
    if tasks.runnable():
        tasks.enqueue(render, *spec.args())
    else:
        make(spec)
    return ops.find(document.key) or ops.Missing()

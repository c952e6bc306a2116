"""Candidates, interviews and the live scorecard: pages, JSON, PDF and autosave."""

from datetime import UTC

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from hiring import inputs, pdf
from hiring.audit.operations import exported
from hiring.auth import queries as people
from hiring.debrief.aggregate import aggregate
from hiring.debrief.documents import packet_pdf, scorecard_pdf
from hiring.domain import DomainError
from hiring.errors import render_error
from hiring.extensions import db
from hiring.interviews import operations as ops
from hiring.interviews import queries
from hiring.interviews.forms import (
    AmendForm,
    CandidateForm,
    InterviewForm,
    SubmitForm,
)
from hiring.interviews.models import (
    Candidate,
    Recommendation,
    Scorecard,
)
from hiring.kits import queries as kit_queries
from hiring.kits.models import KitVersion
from hiring.pdf import PdfError, send_pdf
from hiring.security import ADMINS, EVERYONE, MANAGERS, allow

bp = Blueprint("interviews", __name__)


@bp.get("/candidates/")
@allow(MANAGERS)
def candidates():
    """Candidates, searchable, with their interviews' progress."""
    query = request.args.get("q", "").strip()[:200]
    page = db.paginate(
        queries.candidates(query), page=inputs.page_arg(), per_page=current_app.config["PER_PAGE"]
    )
    return render_template(
        "interviews/candidates.html",
        page=page,
        query=query,
        status={c.id: queries.status(c) for c in page.items},
    )


@bp.route("/candidates/new", methods=["GET", "POST"])
@bp.route("/candidates/<int:candidate_id>/edit", methods=["GET", "POST"])
@allow(MANAGERS)
def candidate_form(candidate_id: int | None = None):
    """Add a candidate, or edit one."""
    candidate = db.get_or_404(Candidate, candidate_id) if candidate_id else None
    form = CandidateForm(obj=candidate)
    if form.validate_on_submit():
        candidate = ops.save_candidate(
            candidate,
            name=form.name.data,
            email=form.email.data,
            role=form.role.data,
            source=form.source.data,
            notes=form.notes.data,
        )
        db.session.commit()
        flash(f"Saved {candidate.name}.", "success")
        return redirect(url_for(".candidate", candidate_id=candidate.id))
    return render_template("interviews/candidate_form.html", form=form, candidate=candidate), (
        422 if request.method == "POST" else 200
    )


@bp.get("/candidates/<int:candidate_id>")
@allow(EVERYONE)
def candidate(candidate_id: int):
    """A candidate's interviews and the panel's scorecards, as far as the reader may see."""
    candidate = db.first_or_404(queries.candidate_with_scorecards(candidate_id))
    access = queries.PanelAccess(
        current_user, [s for i in candidate.interviews for s in i.scorecards]
    )
    if not access.may_open_candidate():
        abort(403)
    readable = access.readable(queries.submitted_with_content(candidate.id))
    return render_template(
        "interviews/candidate.html",
        candidate=candidate,
        access=access,
        hidden=access.hidden_interviews(),
        debrief=aggregate(readable),
        status=queries.status(candidate, access),
    )


@bp.get("/candidates/<int:candidate_id>/packet.pdf")
@allow(EVERYONE)
def packet(candidate_id: int):
    """The candidate packet, holding the interviews open to the reader."""
    candidate = db.get_or_404(Candidate, candidate_id)
    access = queries.access_to(current_user, candidate.id)
    if not access.may_open_candidate():
        abort(403)
    readable = access.readable(queries.submitted_with_content(candidate.id))
    hidden = access.hidden_interviews()
    if hidden and not readable:
        return render_error(
            403, f"The panel's scorecards on {candidate.name} are {next(iter(hidden.values()))}."
        )
    try:
        with pdf.one_at_a_time(f"user-{current_user.id}"):
            data = packet_pdf(
                candidate,
                readable,
                with_guide=request.args.get("guide") == "1",
                hidden=hidden,
            )
    except PdfError as error:
        return render_error(error.status, str(error))
    exported("packet", "candidate", candidate.id, guide=request.args.get("guide") == "1")
    return send_pdf(data, f"packet-{candidate.name}")


@bp.post("/candidates/<int:candidate_id>/delete")
@allow(ADMINS)
def candidate_delete(candidate_id: int):
    """Delete a candidate and everything recorded about them."""
    candidate = db.get_or_404(Candidate, candidate_id)
    ops.delete_candidate(candidate)
    db.session.commit()
    flash(
        "The candidate and all their interviews and scorecards are deleted. "
        "The audit log keeps only that it happened.",
        "success",
    )
    return redirect(url_for(".candidates"))


def _interview_choices(form: InterviewForm) -> None:
    """Fill the interview form's choices: candidates, published kit versions, active users."""
    form.candidate_id.choices = [
        (c.id, f"{c.name} · {c.role}" if c.role else c.name) for c in queries.candidate_choices()
    ]
    form.kit_version_id.choices = [
        (v.id, f"{v.kit.title} · version {v.number}") for v in kit_queries.published_versions()
    ]
    form.panel.choices = [
        (u.id, f"{u.name} ({u.role.label.lower()})") for u in people.active_users()
    ]


@bp.route("/interviews/new", methods=["GET", "POST"])
@allow(MANAGERS)
def interview_new():
    """Schedule an interview with a kit version and a panel."""
    form = InterviewForm(candidate_id=inputs.arg_id("candidate"))
    _interview_choices(form)
    if form.validate_on_submit():
        candidate = db.session.get(Candidate, form.candidate_id.data)
        version = db.session.get(KitVersion, form.kit_version_id.data)
        panel = people.active_users(form.panel.data)
        try:
            ops.schedule(
                candidate,
                version,
                form.scheduled_at.data.replace(tzinfo=UTC),
                panel,
                form.location.data or "",
                current_user.id,
            )
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Interview scheduled; {len(panel)} scorecard(s) are waiting.", "success")
            return redirect(url_for(".candidate", candidate_id=candidate.id))
    return render_template("interviews/interview_form.html", form=form), (
        422 if request.method == "POST" else 200
    )


scorecards_bp = Blueprint("scorecards", __name__, url_prefix="/scorecards")


def load(scorecard_id: int) -> Scorecard:
    """A scorecard with its kit version and content, in a bounded number of queries."""
    return db.first_or_404(queries.scorecards_with_content().where(Scorecard.id == scorecard_id))


def viewable(scorecard_id: int) -> Scorecard:
    """A scorecard the current user may read; 403 for anyone else."""
    scorecard = load(scorecard_id)
    if not queries.may_read(current_user, scorecard):
        abort(403)
    return scorecard


def own(scorecard_id: int) -> Scorecard:
    """A scorecard the current user fills in; anyone else's is refused."""
    scorecard = load(scorecard_id)
    if not queries.may_fill(current_user, scorecard):
        abort(403)
    return scorecard


def render_live(scorecard: Scorecard, problems: dict[str, str] | None = None) -> str:
    """The live scorecard: editable for its author until submitted, read-only otherwise."""
    editable = (
        queries.may_fill(current_user, scorecard)
        and scorecard.submitted_at is None
        and scorecard.withdrawn_at is None
    )
    return render_template(
        "scorecards/live.html",
        scorecard=scorecard,
        interview=scorecard.interview,
        version=scorecard.interview.kit_version,
        values=ops.content(scorecard),
        editable=editable,
        problems=problems or {},
        amend_form=AmendForm(),
        submit_form=SubmitForm(version=scorecard.version),
        may_withdraw=editable and scorecard.first_submitted_at is None,
        recommendations=list(Recommendation),
        labels=ops.field_labels(scorecard) if scorecard.revisions else {},
        note_limit=current_app.config["NOTE_MAX_CHARS"],
    )


@scorecards_bp.get("/<int:scorecard_id>")
@allow(EVERYONE)
def live(scorecard_id: int):
    """The scorecard page."""
    return render_live(viewable(scorecard_id))


@scorecards_bp.get("/<int:scorecard_id>.json")
@allow(EVERYONE)
def as_json(scorecard_id: int):
    """The scorecard's fields as JSON."""
    scorecard = viewable(scorecard_id)
    exported("scorecard", "scorecard", scorecard.id, format="json")
    return jsonify(
        id=scorecard.id,
        candidate=scorecard.interview.candidate.name,
        interviewer=scorecard.interviewer.name,
        state=scorecard.state.value,
        version=scorecard.version,
        fields=ops.content(scorecard),
    )


@scorecards_bp.get("/<int:scorecard_id>.pdf")
@allow(EVERYONE)
def as_pdf(scorecard_id: int):
    """The scorecard as PDF."""
    scorecard = viewable(scorecard_id)
    try:
        with pdf.one_at_a_time(f"user-{current_user.id}"):
            data = scorecard_pdf(scorecard)
    except PdfError as error:
        return render_error(error.status, str(error))
    name = f"scorecard-{scorecard.interview.candidate.name}-{scorecard.interviewer.name}"
    exported("scorecard", "scorecard", scorecard.id, format="pdf")
    return send_pdf(data, name)


@scorecards_bp.post("/<int:scorecard_id>/save")
@allow(EVERYONE)
def save(scorecard_id: int):
    """Autosave: {"base": version, "changes": {key: value}} -> {"version", "saved_at", ...}.

    The reply names the fields stored other than sent ("stored") and the fields refused
    ("errors"); the rest of the batch is saved.
    """
    # The row alone: the hot path checks the change against the kit version's shape.
    scorecard = db.get_or_404(Scorecard, scorecard_id)
    if not queries.may_fill(current_user, scorecard):
        abort(403)
    body = request.get_json(silent=True)
    base = body.get("base") if isinstance(body, dict) else None
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("changes"), dict)
        or not (
            isinstance(base, int) and not isinstance(base, bool) and 0 <= base <= inputs.INT_MAX
        )
    ):
        return jsonify(error="The save could not be read."), 400
    saved = ops.save(scorecard, base, body["changes"], current_app.config["NOTE_MAX_CHARS"])
    db.session.commit()
    return jsonify(
        version=saved.version,
        saved_at=saved.saved_at.isoformat(),
        stored=saved.stored,
        errors=saved.errors,
    )


@scorecards_bp.get("/token")
@allow(EVERYONE)
def token():
    """A fresh CSRF token for a page whose session changed (signed in again)."""
    return jsonify(csrf_token=generate_csrf())


@scorecards_bp.post("/<int:scorecard_id>/submit")
@allow(EVERYONE)
def submit(scorecard_id: int):
    """Submit one's own scorecard: validated and marked submitted in one step."""
    scorecard = own(scorecard_id)
    form = SubmitForm()
    if not form.validate_on_submit():
        return render_error(400, "The submission could not be read. Reload the page.")
    try:
        ops.submit(scorecard, form.version.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return render_live(load(scorecard_id), error.errors), error.kind.value
    db.session.commit()
    flash("Submitted. You can now see the panel's feedback on this interview.", "success")
    return redirect(url_for(".live", scorecard_id=scorecard.id))


@scorecards_bp.post("/<int:scorecard_id>/amend")
@allow(EVERYONE)
def amend(scorecard_id: int):
    """Reopen one's own submitted scorecard, with a reason kept in its history."""
    scorecard = own(scorecard_id)
    form = AmendForm()
    if not form.validate_on_submit():
        flash(" ".join(form.reason.errors) or "Give the reason for the amendment.", "error")
        return redirect(url_for(".live", scorecard_id=scorecard.id, _anchor="history"))
    try:
        ops.amend(scorecard, form.reason.data, current_user.id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".live", scorecard_id=scorecard.id))
    db.session.commit()
    flash(
        "The scorecard is open for your amendment. Submit it again when done; "
        "the original stays in its history.",
        "success",
    )
    return redirect(url_for(".live", scorecard_id=scorecard.id))


@scorecards_bp.post("/<int:scorecard_id>/withdraw")
@allow(EVERYONE)
def withdraw(scorecard_id: int):
    """Step back from scoring one's own scorecard, to read the panel's first."""
    scorecard = own(scorecard_id)
    try:
        ops.withdraw(scorecard)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".live", scorecard_id=scorecard.id))
    db.session.commit()
    flash(
        "You stepped back from scoring this interview: your scorecard is withdrawn and the "
        "panel's scorecards are open to you.",
        "success",
    )
    return redirect(url_for("interviews.candidate", candidate_id=scorecard.interview.candidate_id))

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

from hiring.domain import DomainError
from hiring.errors import render_error
from hiring.extensions import db
from hiring.pdf import PdfError, send_pdf
from hiring.scorecards import operations as ops
from hiring.scorecards import queries
from hiring.scorecards.documents import scorecard_pdf
from hiring.scorecards.forms import AmendForm, SubmitForm, WithdrawForm
from hiring.scorecards.models import Recommendation, Scorecard, scorecards_with_content
from hiring.security import EVERYONE, allow

bp = Blueprint("scorecards", __name__, url_prefix="/scorecards")

# Ids and versions are database integers: anything larger names nothing.
INT_MAX = 2**31 - 1


def load(scorecard_id: int) -> Scorecard:
    """A scorecard with its kit version and content, in a bounded number of queries."""
    return db.first_or_404(scorecards_with_content().where(Scorecard.id == scorecard_id))


def viewable(scorecard_id: int) -> Scorecard:
    """A scorecard the current user may read; 403 for anyone else."""
    scorecard = load(scorecard_id)
    if not queries.may_read(current_user, scorecard):
        abort(403)
    return scorecard


def own(scorecard_id: int) -> Scorecard:
    """A scorecard the current user fills in; anyone else's is refused."""
    scorecard = load(scorecard_id)
    if scorecard.interviewer_id != current_user.id:
        abort(403)
    return scorecard


def render_live(scorecard: Scorecard, problems: dict[str, str] | None = None) -> str:
    """The live scorecard: editable for its author until submitted, read-only otherwise."""
    editable = (
        scorecard.interviewer_id == current_user.id
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
        withdraw_form=WithdrawForm(),
        may_withdraw=editable and scorecard.first_submitted_at is None,
        recommendations=list(Recommendation),
        labels=ops.field_labels(scorecard) if scorecard.revisions else {},
        note_limit=current_app.config["NOTE_MAX_CHARS"],
    )


@bp.get("/<int:scorecard_id>")
@allow(EVERYONE)
def live(scorecard_id: int):
    """The scorecard page."""
    return render_live(viewable(scorecard_id))


@bp.get("/<int:scorecard_id>.json")
@allow(EVERYONE)
def as_json(scorecard_id: int):
    """The scorecard's fields as JSON."""
    scorecard = viewable(scorecard_id)
    return jsonify(
        id=scorecard.id,
        candidate=scorecard.interview.candidate.name,
        interviewer=scorecard.interviewer.name,
        state=scorecard.state.value,
        version=scorecard.version,
        fields=ops.content(scorecard),
    )


@bp.get("/<int:scorecard_id>.pdf")
@allow(EVERYONE)
def as_pdf(scorecard_id: int):
    """The scorecard as PDF."""
    scorecard = viewable(scorecard_id)
    try:
        data = scorecard_pdf(scorecard)
    except PdfError as error:
        return render_error(422, str(error))
    name = f"scorecard-{scorecard.interview.candidate.name}-{scorecard.interviewer.name}"
    return send_pdf(data, name)


@bp.post("/<int:scorecard_id>/save")
@allow(EVERYONE)
def save(scorecard_id: int):
    """Autosave: {"base": version, "changes": {key: value}} -> {"version", "saved_at", ...}.

    The reply names the fields stored other than sent ("stored") and the fields refused
    ("errors"); the rest of the batch is saved.
    """
    # The row alone: the hot path checks the change against the kit version's shape.
    scorecard = db.get_or_404(Scorecard, scorecard_id)
    if scorecard.interviewer_id != current_user.id:
        abort(403)
    body = request.get_json(silent=True)
    base = body.get("base") if isinstance(body, dict) else None
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("changes"), dict)
        or not (isinstance(base, int) and not isinstance(base, bool) and 0 <= base <= INT_MAX)
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


@bp.get("/token")
@allow(EVERYONE)
def token():
    """A fresh CSRF token for a page whose session changed (signed in again)."""
    return jsonify(csrf_token=generate_csrf())


@bp.post("/<int:scorecard_id>/submit")
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


@bp.post("/<int:scorecard_id>/amend")
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


@bp.post("/<int:scorecard_id>/withdraw")
@allow(EVERYONE)
def withdraw(scorecard_id: int):
    """Step back from scoring one's own scorecard, to read the panel's first."""
    scorecard = own(scorecard_id)
    if not WithdrawForm().validate_on_submit():
        return render_error(400, "The request could not be read. Reload the page.")
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

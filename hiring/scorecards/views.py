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

from hiring.auth.forms import ButtonForm
from hiring.errors import render_error
from hiring.extensions import db
from hiring.pdf import PdfError, send_pdf
from hiring.scorecards import operations as ops
from hiring.scorecards.documents import scorecard_pdf
from hiring.scorecards.forms import AmendForm
from hiring.scorecards.models import Scorecard, scorecards_with_content
from hiring.security import EVERYONE, allow

bp = Blueprint("scorecards", __name__, url_prefix="/scorecards")


def load(scorecard_id: int) -> Scorecard:
    """A scorecard with its kit version and content, in a bounded number of queries."""
    return db.first_or_404(scorecards_with_content().where(Scorecard.id == scorecard_id))


def viewable(scorecard_id: int) -> Scorecard:
    scorecard = load(scorecard_id)
    if not ops.may_view(current_user, scorecard):
        abort(403)
    return scorecard


def own(scorecard_id: int) -> Scorecard:
    """A scorecard the current user fills in; anyone else's is refused."""
    scorecard = load(scorecard_id)
    if scorecard.interviewer_id != current_user.id:
        abort(403)
    return scorecard


def render_live(scorecard: Scorecard, problems: dict[str, str] | None = None) -> str:
    return render_template(
        "scorecards/live.html",
        scorecard=scorecard,
        interview=scorecard.interview,
        version=scorecard.interview.kit_version,
        values=ops.content(scorecard),
        editable=scorecard.interviewer_id == current_user.id and scorecard.submitted_at is None,
        problems=problems or {},
        amend_form=AmendForm(),
        labels=ops.field_labels(scorecard) if scorecard.revisions else {},
        note_limit=current_app.config["NOTE_MAX_CHARS"],
    )


@bp.get("/<int:scorecard_id>")
@allow(EVERYONE)
def live(scorecard_id: int):
    return render_live(viewable(scorecard_id))


@bp.get("/<int:scorecard_id>.json")
@allow(EVERYONE)
def as_json(scorecard_id: int):
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
    """Autosave: {"base": version, "changes": {key: value}} -> {"version", "saved_at"}."""
    # The row alone: the hot path checks the change against the kit version's shape.
    scorecard = db.get_or_404(Scorecard, scorecard_id)
    if scorecard.interviewer_id != current_user.id:
        abort(403)
    body = request.get_json(silent=True)
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("changes"), dict)
        or not (isinstance(body.get("base"), int) and not isinstance(body.get("base"), bool))
    ):
        return jsonify(error="The save could not be read."), 400
    try:
        version, saved_at = ops.save(
            scorecard, body["base"], body["changes"], current_app.config["NOTE_MAX_CHARS"]
        )
        db.session.commit()
    except ops.Conflict as conflict:
        db.session.rollback()
        return jsonify(
            error="This scorecard was changed elsewhere (another tab or device).",
            version=conflict.version,
            stored=conflict.stored,
        ), 409
    except ops.SaveRefused as refused:
        db.session.rollback()
        return jsonify(error=refused.message, errors=refused.errors), refused.status
    return jsonify(version=version, saved_at=saved_at.isoformat())


@bp.get("/token")
@allow(EVERYONE)
def token():
    """A fresh CSRF token for a page whose session changed (signed in again)."""
    return jsonify(csrf_token=generate_csrf())


@bp.post("/<int:scorecard_id>/submit")
@allow(EVERYONE)
def submit(scorecard_id: int):
    scorecard = own(scorecard_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    problems = ops.submit(scorecard)
    if problems:
        db.session.rollback()
        flash("Not submitted yet: complete the fields marked below.", "error")
        return render_live(scorecard, problems), 422
    db.session.commit()
    flash("Submitted. You can now see the panel's feedback for this candidate.", "success")
    return redirect(url_for(".live", scorecard_id=scorecard.id))


@bp.post("/<int:scorecard_id>/amend")
@allow(EVERYONE)
def amend(scorecard_id: int):
    scorecard = own(scorecard_id)
    form = AmendForm()
    if not form.validate_on_submit():
        flash(" ".join(form.reason.errors) or "Give the reason for the amendment.", "error")
        return redirect(url_for(".live", scorecard_id=scorecard.id, _anchor="history"))
    try:
        ops.amend(scorecard, form.reason.data, current_user.id)
    except ops.SaveRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for(".live", scorecard_id=scorecard.id))
    db.session.commit()
    flash(
        "The scorecard is open for your amendment. Submit it again when done; "
        "the original stays in its history.",
        "success",
    )
    return redirect(url_for(".live", scorecard_id=scorecard.id))

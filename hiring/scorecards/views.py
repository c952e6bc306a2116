"""The live scorecard: its page, JSON, autosave, submit, amend, withdraw, timer and
reminders; and each person's lists of scorecards."""

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

from hiring import inputs
from hiring.audit.operations import exported
from hiring.domain import DomainError, Kind
from hiring.errors import render_error
from hiring.extensions import db, utcnow
from hiring.interviews import queries
from hiring.interviews.models import (
    Scorecard,
    ScorecardState,
    recommendation_scale,
)
from hiring.scorecards import operations as ops
from hiring.scorecards import queries as lists
from hiring.scorecards.forms import AmendForm, SubmitForm
from hiring.security import EVERYONE, MANAGERS, allow
from hiring.timezones import (
    local,
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
    editable = queries.may_fill(current_user, scorecard) and ops.is_open(scorecard)
    version = scorecard.interview.kit_version
    rated = {kc.competency_id: kc for kc in version.competencies}
    problems = problems or {}
    return render_template(
        "scorecards/live.html",
        timer=ops.timer_state(scorecard),
        # The competencies each question evaluates that this kit rates, to rate in place.
        evaluates={
            item.id: [rated[c.id] for c in item.question.competencies if c.id in rated]
            for item in version.items
        },
        anchors=_problem_anchors(version),
        scorecard=scorecard,
        interview=scorecard.interview,
        version=scorecard.interview.kit_version,
        values=ops.content(scorecard),
        editable=editable,
        problems=problems,
        amend_form=AmendForm(),
        submit_form=SubmitForm(version=scorecard.version),
        may_withdraw=editable and scorecard.first_submitted_at is None,
        recommendations=recommendation_scale(scorecard.interview.kit_version),
        labels=ops.field_labels(scorecard),
        note_limit=current_app.config["NOTE_MAX_CHARS"],
    )


def _problem_anchors(version) -> dict[str, str]:
    """Where the error summary's link for each field goes: the first control to fix."""
    lowest = recommendation_scale(version)[0][0]
    anchors = {"recommendation": f"rec-{lowest.value}", "summary": "summary"}
    for kc in version.competencies:
        anchors[f"rating:{kc.id}:value"] = f"rate-{kc.id}-1"
        anchors[f"rating:{kc.id}:evidence"] = f"ev-{kc.id}"
    for item in version.items:
        anchors[f"item:{item.id}:notes"] = f"notes-{item.id}"
    return anchors


@scorecards_bp.get("/mine/<which>")
@allow(EVERYONE)
def mine(which: str):
    """One of the user's own lists in full, a page at a time: what the dashboard shows
    the first of."""
    if which not in lists.MY_LISTS:
        abort(404)
    hours = current_app.config["OVERDUE_HOURS"]
    page = lists.my_list(current_user, which, utcnow(), hours, inputs.page_arg())
    return render_template(
        "interviews/mine.html",
        which=which,
        title=lists.MY_LISTS[which],
        page=page,
        overdue_hours=hours,
    )


@scorecards_bp.get("/<int:scorecard_id>")
@allow(EVERYONE)
def live(scorecard_id: int):
    """The scorecard page; with ?check=1, what stops its submission, as after a refusal."""
    scorecard = viewable(scorecard_id)
    found = None
    if request.args.get("check") and queries.may_fill(current_user, scorecard):
        found = ops.problems(scorecard) if scorecard.submitted_at is None else None
    return render_live(scorecard, found)


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


@scorecards_bp.post("/<int:scorecard_id>/save")
@allow(EVERYONE)
def save(scorecard_id: int):
    """Autosave: {"base": version, "changes": {key: value}} -> {"version", "saved_at", ...}.

    The reply names the fields stored other than sent ("stored") and the fields refused
    ("errors"); the rest of the batch is saved.
    """
    body = request.get_json(silent=True)
    base = body.get("base") if isinstance(body, dict) else None
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("changes"), dict)
        or not (
            isinstance(base, int) and not isinstance(base, bool) and 0 <= base <= inputs.INT_MAX
        )
    ):
        own(scorecard_id)
        return jsonify(error="The save could not be read."), 400
    saved = ops.save(
        scorecard_id, current_user.id, base, body["changes"], current_app.config["NOTE_MAX_CHARS"]
    )
    if saved is None:
        # Not saved: someone else's scorecard, a closed one, or a stale base. Only this
        # rare path reads the scorecard, to say which.
        ops.refuse_save(own(scorecard_id), base)
    # The status line's "Saved at", in the reader's zone and the app's 24-hour clock (read
    # before the commit expires the user it comes from).
    label = local(saved.saved_at, "%H:%M:%S")
    db.session.commit()
    return jsonify(
        version=saved.version,
        saved_at=saved.saved_at.isoformat(),
        saved_label=label,
        stored=saved.stored,
        errors=saved.errors,
    )


@scorecards_bp.get("/token")
@allow(EVERYONE)
def token():
    """A fresh CSRF token for a page whose session changed (signed in again)."""
    return jsonify(csrf_token=generate_csrf())


@scorecards_bp.get("/<int:scorecard_id>/problems")
@allow(EVERYONE)
def problems(scorecard_id: int):
    """What stops one's own scorecard from being submitted, asked before the confirmation:
    {"problems": {key: message}, "labels": {key: label}, "anchors": {key: element id}}."""
    scorecard = own(scorecard_id)
    version = scorecard.interview.kit_version
    return jsonify(
        problems=ops.problems(scorecard),
        labels=ops.field_labels(scorecard),
        anchors=_problem_anchors(version),
    )


@scorecards_bp.post("/<int:scorecard_id>/submit")
@allow(EVERYONE)
def submit(scorecard_id: int):
    """Submit one's own scorecard: validated and marked submitted in one step. A refusal
    goes back to the scorecard page (never a page that a reload would post again)."""
    scorecard = own(scorecard_id)
    form = SubmitForm()
    if not form.validate_on_submit():
        return render_error(400, "The submission could not be read. Reload the page.")
    try:
        ops.submit(scorecard, form.version.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        # What is missing is derived from the scorecard: the page shows it again.
        check = {"check": 1} if error.kind is Kind.INVALID else {}
        return redirect(url_for(".live", scorecard_id=scorecard_id, **check))
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


@scorecards_bp.route("/<int:scorecard_id>/timer", methods=["GET", "POST"])
@allow(EVERYONE)
def timer(scorecard_id: int):
    """The interview timer of one's own scorecard: {"action": "start"|"pause"|"reset"}
    -> {"elapsed": seconds, "running": bool}; GET reads it, for the other devices."""
    scorecard = db.get_or_404(Scorecard, scorecard_id)
    if not queries.may_fill(current_user, scorecard):
        abort(403)
    if request.method == "GET":
        # Whether the scorecard is still open, so that other tabs learn of a submit soon.
        return jsonify(ops.timer_state(scorecard) | _openness(scorecard))
    body = request.get_json(silent=True)
    action = body.get("action") if isinstance(body, dict) else None
    state = ops.timer(scorecard, action if isinstance(action, str) else "")
    db.session.commit()
    return jsonify(state | _openness(scorecard))


def _openness(scorecard: Scorecard) -> dict:
    return {"open": ops.is_open(scorecard), "version": scorecard.version}


@scorecards_bp.post("/<int:scorecard_id>/remind")
@allow(MANAGERS)
def remind(scorecard_id: int):
    """Send the interviewer a reminder now, unless they had one lately or opted out."""
    scorecard = load(scorecard_id)
    if not queries.manages_interview(current_user, scorecard.interview_id):
        abort(404)  # another team's interview
    user = scorecard.interviewer
    hours = current_app.config["REMINDER_HOURS"]
    if scorecard.state not in (ScorecardState.NOT_STARTED, ScorecardState.DRAFT):
        flash("That scorecard is not open: there is nothing to remind.", "info")
    elif scorecard.interview.cancelled:
        flash("That interview is cancelled: there is nothing to remind.", "info")
    elif not user.email_reminders:
        flash(f"{user.name} has turned reminder e-mails off; ask them directly.", "info")
    elif ops.remind(scorecard, hours):
        db.session.commit()
        flash(f"Reminder sent to {user.name}.", "success")
    else:
        flash(
            f"{user.name} was reminded less than {hours} hours ago "
            f"({local(scorecard.reminded_at)}); one reminder a day is enough.",
            "info",
        )
    return redirect(url_for("main.index"))

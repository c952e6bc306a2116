"""Candidates, interviews and the live scorecard: pages, JSON, PDF and autosave."""

from datetime import datetime, timedelta

from flask import (
    Blueprint,
    Response,
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

from hiring import inputs
from hiring.audit.operations import exported
from hiring.auth import queries as people
from hiring.auth.models import User
from hiring.debrief.aggregate import aggregate
from hiring.domain import DomainError
from hiring.extensions import db, utcnow
from hiring.interviews import applications, attachments, calendar, queries
from hiring.interviews import operations as ops
from hiring.interviews.forms import (
    ApplicationMoveForm,
    ApplyForm,
    CancelForm,
    CandidateForm,
    DocumentForm,
    InterviewDetailsForm,
    InterviewForm,
    NewCandidateForm,
    PanelAddForm,
)
from hiring.interviews.models import (
    Application,
    Candidate,
    CandidateDocument,
    Interview,
)
from hiring.kits import queries as kit_queries
from hiring.kits.models import KitVersion
from hiring.openings import queries as opening_queries
from hiring.openings.models import Opening, PlannedInterview
from hiring.security import ADMINS, EVERYONE, MANAGERS, allow
from hiring.text import counted, disposition
from hiring.timezones import (
    LocalTimeError,
    local,
    reader_zone,
    to_local_input,
    to_utc,
)

bp = Blueprint("interviews", __name__)


@bp.get("/candidates/")
@allow(MANAGERS)
def candidates():
    """Candidates, searchable, with their interviews' progress."""
    query = request.args.get("q", "").strip()[:200]
    page = db.paginate(
        queries.candidates(current_user, query),
        page=inputs.page_arg(),
        per_page=current_app.config["PER_PAGE"],
    )
    return render_template(
        "interviews/candidates.html",
        page=page,
        query=query,
        status=queries.statuses([c.id for c in page.items], current_user),
        applications=queries.applications_of_candidates([c.id for c in page.items]),
        now=utcnow(),
    )


@bp.route("/candidates/new", methods=["GET", "POST"])
@bp.route("/candidates/<int:candidate_id>/edit", methods=["GET", "POST"])
@allow(MANAGERS)
def candidate_form(candidate_id: int | None = None):
    """Add a candidate, or edit one."""
    candidate = (
        db.first_or_404(queries.managed_candidate(current_user, candidate_id))
        if candidate_id
        else None
    )
    if candidate is None:
        form = NewCandidateForm(opening_id=inputs.arg_id("opening") or 0)
        form.opening_id.choices = [(0, "No opening yet")] + [
            (o.id, o.title) for o in opening_queries.accepting(current_user)
        ]
    else:
        form = CandidateForm(obj=candidate)
    if form.validate_on_submit():
        opening_id = getattr(form, "opening_id", None) and form.opening_id.data
        opening = db.session.get(Opening, opening_id) if opening_id else None
        candidate = ops.save_candidate(
            candidate,
            name=form.name.data,
            email=form.email.data,
            role=form.role.data or (opening.title if opening else ""),
            source=form.source.data,
            notes=form.notes.data,
        )
        application = None
        try:
            if opening is not None:
                application = applications.apply(candidate, opening, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Saved {candidate.name}.", "success")
            if application is not None:
                return redirect(url_for("debrief.application", application_id=application.id))
            return redirect(url_for(".candidate", candidate_id=candidate.id))
    return render_template("interviews/candidate_form.html", form=form, candidate=candidate), (
        422 if request.method == "POST" else 200
    )


@bp.get("/candidates/<int:candidate_id>")
@allow(EVERYONE)
def candidate(candidate_id: int):
    """A candidate's interviews and the panel's scorecards, as far as the reader may see."""
    candidate = db.first_or_404(queries.candidate_with_scorecards(candidate_id))
    access = queries.loaded_access(current_user, candidate)
    if not access.may_open_candidate():
        abort(403)
    readable = access.readable(queries.submitted_with_content(candidate.id))
    applied = queries.applications_by_candidate(candidate.id, current_user)
    apply_form = ApplyForm()
    taken = {a.opening_id for a in applied}
    apply_form.opening_id.choices = [
        (o.id, o.title) for o in opening_queries.accepting(current_user) if o.id not in taken
    ]
    return render_template(
        "interviews/candidate.html",
        candidate=candidate,
        applications=applied,
        apply_form=apply_form,
        access=access,
        hidden=access.hidden_interviews(),
        debrief=aggregate(readable),
        status=queries.status(candidate, access),
    )


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


def _candidate_label(candidate: Candidate) -> str:
    return f"{candidate.name} · {candidate.role}" if candidate.role else candidate.name


def _interview_choices(form: InterviewForm) -> None:
    """Fill the interview form's choices: candidates (bounded: the chosen one, those the
    search names, or the most recent), published kit versions, active users."""
    chosen = form.candidate_id.data if inputs.is_db_int(form.candidate_id.data) else None
    found = queries.candidate_choices(
        current_user, request.args.get("find", "").strip()[:100], keep=chosen
    )
    form.candidate_id.choices = [("", "Choose a candidate")] * (chosen is None) + [
        (c.id, _candidate_label(c)) for c in found
    ]
    form.kit_version_id.choices = _version_choices()
    form.panel.choices = [
        (u.id, f"{u.name} ({u.role.label.lower()})") for u in people.active_users()
    ]


def _version_choices(current: KitVersion | None = None) -> list[tuple[int, str]]:
    versions = kit_queries.published_versions()
    if current is not None and current not in versions:
        versions = [current, *versions]
    return [(v.id, f"{v.kit.title} · version {v.number}") for v in versions]


def _utc_from_form(form, before: datetime | None = None) -> datetime | None:
    """The form's local date and time in UTC; a time the reader's zone skips or repeats
    is put on the field as an error, and so is a new time in the past unless the form
    says it happened already (`before`: the time stored, which may stay as it is)."""
    try:
        at = to_utc(form.scheduled_at.data, reader_zone())
    except LocalTimeError as error:
        form.scheduled_at.errors = [*form.scheduled_at.errors, str(error)]
        return None
    if at != before and at < utcnow() - PAST and not form.past_ok.data:
        form.scheduled_at.errors = [
            *form.scheduled_at.errors,
            "This time is in the past. If the interview happened already, tick “It happened "
            "already” to record it; otherwise check the date.",
        ]
        return None
    return at


# A time this far before now is in the past (a few minutes late is scheduling "now").
PAST = timedelta(minutes=30)


@bp.get("/candidates/options.json")
@allow(MANAGERS)
def candidate_options():
    """Candidates matching what is typed, for the interview form's picker."""
    found = queries.candidate_choices(current_user, request.args.get("q", "").strip()[:100])
    return jsonify(candidates=[{"id": c.id, "label": _candidate_label(c)} for c in found])


@bp.get("/interviews/busy.json")
@allow(MANAGERS)
def busy():
    """Who already has an interview at a time, for the panel picker: `at` a local date and
    time in the reader's zone (as the form's field gives it), `minutes` long, leaving out
    the interview being edited (`except`). Times only: whose interview it is stays with
    those who may read it."""
    try:
        wall = datetime.strptime(request.args.get("at", ""), "%Y-%m-%dT%H:%M")
        if not 1900 <= wall.year <= 2200:
            raise ValueError
        start = to_utc(wall, reader_zone())
    except (ValueError, LocalTimeError):
        return jsonify(error="Give `at` as a date and time, 2026-12-07T14:30."), 400
    minutes = request.args.get("minutes", type=int) or 60
    end = start + timedelta(minutes=min(max(minutes, 5), 600))
    found = queries.busy(start, end, inputs.arg_id("except"))
    return jsonify(busy={str(user_id): _busy_words(times) for user_id, times in found.items()})


def _busy_words(times: list[tuple[datetime, datetime]]) -> str:
    """ "Has an interview 14:00 UTC–15:00 UTC", in the reader's zone."""
    spans = [f"{local(a, '%H:%M')}–{local(b, '%H:%M')}" for a, b in times]
    return f"Has an interview {', '.join(spans)}"


def _flash_clashes(interview: Interview, panel: list[User]) -> None:
    """Say who of `panel` has another interview at the same time (scheduled anyway: a
    manager may know it moves)."""
    found = queries.busy(interview.scheduled_at, interview.ends_at, interview.id)
    clashing = [u.name for u in panel if u.id in found]
    if clashing:
        flash(
            f"{' and '.join(clashing)} already {'has' if len(clashing) == 1 else 'have'} "
            "another interview at that time.",
            "warning",
        )


def _plan_context(form: InterviewForm) -> tuple[Application | None, PlannedInterview | None]:
    """The application and planned interview the form schedules for (from the query string
    on the first visit, from the form after), checked to belong together; their kit,
    duration and candidate become the form's defaults."""
    application_id = _db_int(form.application_id.data) or inputs.arg_id("application")
    planned_id = _db_int(form.planned_id.data) or inputs.arg_id("planned")
    if not application_id:
        return None, None
    application = _managed(db.first_or_404(queries.application(application_id)))
    planned = None
    if planned_id:
        planned = next((p for p in application.opening.planned if p.id == planned_id), None)
        if planned is None:
            abort(404, "That interview is not in the plan of this application's opening.")
    form.application_id.data, form.planned_id.data = application.id, planned and planned.id
    if request.method == "GET":
        form.candidate_id.data = application.candidate_id
        if planned is not None:
            form.kit_version_id.data = planned.kit_version_id
            form.duration.data = planned.duration_minutes
    return application, planned


def _db_int(value) -> int | None:
    return value if inputs.is_db_int(value) else None


def _panel_choices(form: InterviewForm, application, planned) -> None:
    """Everyone active; with an opening, its planned panel or hiring team first."""
    users = people.active_users()
    label = {u.id: f"{u.name} ({u.role.label.lower()})" for u in users}
    first = []
    if planned is not None and planned.panel:
        first, heading = [u.id for u in planned.panel], "Who may sit on this interview"
    elif application is not None:
        first, heading = [u.id for u in application.opening.interviewers], "The hiring team"
    first = [i for i in first if i in label]
    if not first:
        form.panel.choices = list(label.items())
        return
    form.panel.choices = {
        heading: [(i, label[i]) for i in first],
        "Everyone else": [(u.id, label[u.id]) for u in users if u.id not in set(first)],
    }


@bp.route("/interviews/new", methods=["GET", "POST"])
@allow(MANAGERS)
def interview_new():
    """Schedule an interview with a kit version and a panel; the panel is invited. From an
    application's plan, the kit, duration and candidate come from the plan."""
    form = InterviewForm(candidate_id=inputs.arg_id("candidate"))
    application, planned = _plan_context(form)
    _interview_choices(form)
    _panel_choices(form, application, planned)
    if form.validate_on_submit() and (at := _utc_from_form(form)) is not None:
        candidate = db.session.get(Candidate, form.candidate_id.data)
        version = db.session.get(KitVersion, form.kit_version_id.data)
        panel = people.active_users(form.panel.data)
        try:
            interview = ops.schedule(
                candidate,
                version,
                at,
                panel,
                form.location.data or "",
                current_user.id,
                duration=form.duration.data,
                link=form.link.data or "",
                application=application,
                planned=planned,
            )
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(
                f"Interview scheduled; {counted(len(panel), 'scorecard is', 'scorecards are')} "
                "waiting and the panel is invited.",
                "success",
            )
            _flash_clashes(interview, panel)
            if application is not None:
                return redirect(url_for("debrief.application", application_id=application.id))
            return redirect(url_for(".candidate", candidate_id=candidate.id))
    return render_template(
        "interviews/interview_form.html",
        form=form,
        zone=reader_zone().key,
        application=application,
        planned=planned,
    ), (422 if request.method == "POST" else 200)


@bp.post("/candidates/<int:candidate_id>/applications")
@allow(MANAGERS)
def apply(candidate_id: int):
    """The candidate applies to an open opening."""
    candidate = db.first_or_404(queries.managed_candidate(current_user, candidate_id))
    form = ApplyForm()
    form.opening_id.choices = [(o.id, o.title) for o in opening_queries.accepting(current_user)]
    if not form.validate():
        flash("Choose an open opening.", "error")
        return redirect(url_for(".candidate", candidate_id=candidate.id))
    try:
        application = applications.apply(
            candidate, db.session.get(Opening, form.opening_id.data), current_user
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".candidate", candidate_id=candidate.id))
    db.session.commit()
    flash(f"{candidate.name} applies to “{application.opening.title}”.", "success")
    return redirect(url_for("debrief.application", application_id=application.id))


def _managed(application: Application) -> Application:
    """The application, when its opening is one the reader sees and changes; to anyone
    else it is not there."""
    if not opening_queries.manages(current_user, application.opening_id):
        abort(404)
    return application


def _managed_application(application_id: int) -> Application:
    """The application of this id, when the reader manages it (`_managed`)."""
    return _managed(db.get_or_404(Application, application_id))


@bp.post("/applications/<int:application_id>/documents")
@allow(MANAGERS)
def document_attach(application_id: int):
    """Attach a CV, a cover letter or a work sample to the application."""
    application = _managed_application(application_id)
    back = redirect(
        url_for("debrief.application", application_id=application.id, _anchor="documents")
    )
    form = DocumentForm()
    if not form.validate():
        flash("Nothing attached: " + " ".join(e for v in form.errors.values() for e in v), "error")
        return back
    upload = form.file.data
    max_bytes = current_app.config["CANDIDATE_DOCUMENT_MAX_BYTES"]
    try:
        document = attachments.attach(
            application,
            form.kind.data,
            upload.filename or "",
            upload.stream.read(max_bytes + 1),
            current_user,
            max_bytes,
        )
    except DomainError as error:
        db.session.rollback()
        flash("Nothing attached: " + str(error), "error")
        return back
    db.session.commit()
    flash(f"Attached {document.filename} ({document.kind.label}).", "success")
    return back


def _readable_document(document_id: int) -> CandidateDocument:
    document = db.first_or_404(queries.document(document_id))
    _managed_application(document.application_id)
    return document


@bp.get("/candidate-documents/<int:document_id>")
@allow(MANAGERS)
def document_download(document_id: int):
    """A candidate's document, always as a download (never shown in the app's origin)."""
    document = _readable_document(document_id)
    data = queries.document_data(document.id)
    stem, _, suffix = document.filename.rpartition(".")
    exported("document", "application", document.application_id, kind=document.kind.value)
    return Response(
        data,
        mimetype=document.media_type,
        headers={
            "Content-Disposition": disposition(stem or document.filename, suffix or "bin"),
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "no-store",
        },
    )


@bp.post("/candidate-documents/<int:document_id>/delete")
@allow(MANAGERS)
def document_remove(document_id: int):
    document = _readable_document(document_id)
    application_id, name = document.application_id, document.filename
    attachments.remove(document)
    db.session.commit()
    flash(f"Removed {name}.", "success")
    return redirect(
        url_for("debrief.application", application_id=application_id, _anchor="documents")
    )


def _board_args() -> dict:
    """The board's filter the move was made from, kept on the way back."""
    flag = request.form.get("flag", "")
    return {"flag": flag} if flag in queries.FLAGS else {}


@bp.post("/applications/<int:application_id>/move")
@allow(MANAGERS)
def application_move(application_id: int):
    """Advance, move back, reject, withdraw, hire or reopen an application."""
    application = _managed(db.first_or_404(queries.application(application_id)))
    form = ApplicationMoveForm()
    if request.form.get("return_to") == "board":
        back = redirect(
            url_for("openings.board", opening_id=application.opening_id, **_board_args())
        )
    else:
        back = redirect(url_for("debrief.application", application_id=application.id))
    if not form.validate():
        flash("Nothing was changed: the form was incomplete. Try again.", "error")
        return back
    try:
        said = applications.move(
            application,
            form.action.data,
            current_user,
            seen_stage_id=form.seen_stage.data or None,
            seen_status=form.seen_status.data,
            reason=form.reason.data or "",
            to_stage_id=form.to_stage.data,
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return back
    db.session.commit()
    flash(said, "success")
    return back


def _interview(interview_id: int) -> Interview:
    """An interview the reader manages (another team's is not there to change)."""
    return db.first_or_404(
        queries.interview_with_panel(interview_id).where(queries.managed_interviews(current_user))
    )


@bp.route("/interviews/<int:interview_id>/edit", methods=["GET", "POST"])
@allow(MANAGERS)
def interview_edit(interview_id: int):
    """Change an interview: time, duration, place, link, kit (before anyone started), the
    panel; cancel or restore it. The panel is told by e-mail."""
    interview = _interview(interview_id)
    form = InterviewDetailsForm(
        kit_version_id=interview.kit_version_id,
        scheduled_at=to_local_input(interview.scheduled_at),
        duration=interview.duration_minutes,
        location=interview.location,
        link=interview.link,
    )
    form.kit_version_id.choices = _version_choices(interview.kit_version)
    if form.validate_on_submit() and (at := _utc_from_form(form, interview.scheduled_at)):
        version = db.session.get(KitVersion, form.kit_version_id.data)
        try:
            changes = ops.change(
                interview,
                at=at,
                duration=form.duration.data or interview.kit_version.duration_minutes,
                location=form.location.data or "",
                link=form.link.data or "",
                version=version,
            )
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            if changes:
                flash(f"Saved ({', '.join(changes)}); the panel is told.", "success")
            else:
                flash("Nothing changed.", "info")
            return redirect(url_for(".interview_edit", interview_id=interview.id))
    return render_template(
        "interviews/interview_edit.html",
        interview=interview,
        form=form,
        add_form=_panel_add_form(interview),
        cancel_form=CancelForm(),
        started=ops.started(interview),
        zone=reader_zone().key,
        local_start=to_local_input(interview.scheduled_at).strftime("%Y-%m-%dT%H:%M"),
    ), (422 if request.method == "POST" else 200)


def _panel_add_form(interview: Interview) -> PanelAddForm:
    form = PanelAddForm()
    on_panel = {s.interviewer_id for s in interview.panel}
    form.people.choices = [
        (u.id, f"{u.name} ({u.role.label.lower()})")
        for u in people.active_users()
        if u.id not in on_panel
    ]
    return form


def _done(interview: Interview, message: str):
    """Commit what an operation did and say so; back to the interview's page."""
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".interview_edit", interview_id=interview.id))


def _refused(interview: Interview, error: DomainError):
    """Undo what an operation started and show why it refused; back to the page."""
    db.session.rollback()
    flash(error.said(), "error")
    return redirect(url_for(".interview_edit", interview_id=interview.id))


@bp.post("/interviews/<int:interview_id>/panel")
@allow(MANAGERS)
def panel_add(interview_id: int):
    """Put people on the panel: each gets a scorecard and an invitation."""
    interview = _interview(interview_id)
    form = _panel_add_form(interview)
    if not form.validate():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for(".interview_edit", interview_id=interview.id))
    added = people.active_users(form.people.data)
    try:
        for user in added:
            ops.add_panelist(interview, user)
    except DomainError as error:
        return _refused(interview, error)
    done = _done(interview, f"Added {', '.join(u.name for u in added)}; invitations are sent.")
    _flash_clashes(interview, added)
    return done


@bp.post("/interviews/<int:interview_id>/panel/<int:user_id>/remove")
@allow(MANAGERS)
def panel_remove(interview_id: int, user_id: int):
    """Take someone off the panel; a started draft needs confirm=1 and is kept."""
    interview = _interview(interview_id)
    user = db.get_or_404(User, user_id)
    try:
        ops.remove_panelist(interview, user, confirmed=request.form.get("confirm") == "1")
    except DomainError as error:
        return _refused(interview, error)
    return _done(interview, f"{user.name} is off the panel and told so.")


@bp.post("/interviews/<int:interview_id>/cancel")
@allow(MANAGERS)
def interview_cancel(interview_id: int):
    """Cancel an interview, with the reason the panel reads."""
    interview = _interview(interview_id)
    form = CancelForm()
    try:
        ops.cancel(interview, form.reason.data if form.validate() else "")
    except DomainError as error:
        return _refused(interview, error)
    return _done(interview, "The interview is cancelled and the panel told.")


@bp.post("/interviews/<int:interview_id>/restore")
@allow(MANAGERS)
def interview_restore(interview_id: int):
    """Put a cancelled interview back on."""
    interview = _interview(interview_id)
    try:
        ops.restore(interview)
    except DomainError as error:
        return _refused(interview, error)
    return _done(interview, "The interview is back on and the panel told.")


@bp.get("/interviews/<int:interview_id>.ics")
@allow(EVERYONE)
def interview_ics(interview_id: int):
    """The interview's calendar invitation, for its managers and the people on its panel."""
    interview = db.first_or_404(queries.interview_with_panel(interview_id))
    own = next((s for s in interview.panel if s.interviewer_id == current_user.id), None)
    if own is None and not queries.manages_interview(current_user, interview.id):
        abort(403)
    data = calendar.invitation(interview, scorecard=own)
    return Response(
        data,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": disposition(f"interview {interview.id}", "ics"),
            "Cache-Control": "no-store",
        },
    )

"""Openings: the list, a new one (from a template), and the page where its team,
scorecard and interview plan are built, with the coverage matrix beside them."""

from collections.abc import Callable
from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from hiring import inputs
from hiring.auth import queries as people
from hiring.domain import DomainError, Kind
from hiring.extensions import db, utcnow
from hiring.interviews import queries as pipeline
from hiring.interviews.forms import ApplicationMoveForm
from hiring.interviews.models import ApplicationStatus
from hiring.kits import queries as kit_queries
from hiring.kits.models import KitVersion
from hiring.kits.queries import with_content
from hiring.openings import operations as ops
from hiring.openings import queries
from hiring.openings.coverage import MOST_FOCUS, coverage
from hiring.openings.forms import (
    AttributeChangeForm,
    AttributeForm,
    DetailsForm,
    MoveForm,
    NewOpeningForm,
    PlannedForm,
    StageForm,
    StatusForm,
    Versioned,
)
from hiring.openings.models import (
    Attribute,
    Opening,
    OpeningStatus,
    PlannedInterview,
    Stage,
    TeamRole,
)
from hiring.questions.models import Competency
from hiring.questions.queries import competency_choices
from hiring.security import MANAGERS, allow

bp = Blueprint("openings", __name__, url_prefix="/openings")


def _opening(opening_id: int) -> Opening:
    return db.first_or_404(queries.with_plan(opening_id, current_user))


def _back(opening: Opening, anchor: str = "", **args):
    return redirect(url_for(".opening", opening_id=opening.id, _anchor=anchor or None, **args))


def _refused(error: DomainError) -> None:
    db.session.rollback()
    flash(error.said(), "error")


def _form_problems(form) -> None:
    flash(" ".join(e for errors in form.errors.values() for e in errors), "error")


@bp.get("/")
@allow(MANAGERS)
def index():
    """Openings, open ones first, with their pipelines' counts."""
    status = request.args.get("status", "")
    chosen = OpeningStatus(status) if status in {s.value for s in OpeningStatus} else None
    page = db.paginate(
        queries.listed(current_user, chosen),
        page=inputs.page_arg(),
        per_page=current_app.config["PER_PAGE"],
    )
    return render_template(
        "openings/index.html",
        page=page,
        status=chosen,
        statuses=list(OpeningStatus),
        counts=pipeline.opening_counts([o.id for o in page.items]),
        TeamRole=TeamRole,
    )


@bp.route("/new", methods=["GET", "POST"])
@allow(MANAGERS)
def new():
    """A new draft opening, empty or copied from another."""
    form = NewOpeningForm(template=inputs.arg_id("template") or 0)
    form.template.choices = [(0, "An empty plan")] + [
        (o.id, f"{o.title} ({o.status.value})") for o in queries.templates(current_user)
    ]
    if form.validate_on_submit():
        template = _opening(form.template.data) if form.template.data else None
        opening = ops.create(
            title=form.title.data,
            team=form.team.data,
            location=form.location.data,
            headcount=form.headcount.data,
            description=form.description.data,
            confidential=form.confidential.data,
            user=current_user,
            template=template,
        )
        db.session.commit()
        flash(
            f"“{opening.title}” is a draft"
            + (f", with the team, scorecard and plan of “{template.title}”." if template else ".")
            + " Build its scorecard and plan, then open it.",
            "success",
        )
        return _back(opening)
    return render_template("openings/new.html", form=form), (
        422 if request.method == "POST" else 200
    )


def _details_form(opening: Opening, formdata=None) -> DetailsForm:
    form = DetailsForm(
        formdata=formdata,
        obj=opening,
        version=opening.version,
        hiring_manager=next((u.id for u in opening.people(TeamRole.HIRING_MANAGER)), None),
        recruiters=[
            u.id for r in (TeamRole.RECRUITER, TeamRole.COORDINATOR) for u in opening.people(r)
        ],
        interviewers=[u.id for u in opening.people(TeamRole.INTERVIEWER)],
    )
    users = people.active_users()
    form.hiring_manager.choices = [(u.id, u.name) for u in users if u.role.value != "interviewer"]
    form.recruiters.choices = [(u.id, u.name) for u in users]
    form.interviewers.choices = [(u.id, u.name) for u in users]
    return form


def _keeps_me(form: DetailsForm) -> bool:
    """A manager who takes themselves off the hiring team would lose the opening from
    sight in the middle of the change: refused, with why (an admin sees every opening)."""
    if current_user.is_admin:
        return True
    chosen = {form.hiring_manager.data, *form.recruiters.data, *form.interviewers.data}
    if current_user.id in chosen:
        return True
    form.hiring_manager.errors = [
        *form.hiring_manager.errors,
        "Keep yourself on the hiring team: off it, you would no longer see this opening. "
        "To leave it, ask another member of the team or an admin.",
    ]
    return False


@bp.route("/<int:opening_id>/edit", methods=["GET", "POST"])
@allow(MANAGERS)
def edit(opening_id: int):
    """The opening's details and hiring team."""
    opening = _opening(opening_id)
    form = _details_form(opening, formdata=None if request.method == "GET" else request.form)
    if form.validate_on_submit() and _keeps_me(form):
        try:
            ops.update_details(
                opening,
                form.version.data,
                title=form.title.data,
                team=form.team.data or "",
                location=form.location.data or "",
                headcount=form.headcount.data,
                description=form.description.data or "",
                confidential=form.confidential.data,
            )
            ops.set_team(
                opening,
                opening.version,
                {
                    TeamRole.HIRING_MANAGER: people.active_users([form.hiring_manager.data]),
                    TeamRole.RECRUITER: people.active_users(form.recruiters.data),
                    TeamRole.INTERVIEWER: people.active_users(form.interviewers.data),
                },
            )
        except DomainError as error:
            _refused(error)
            if error.kind is Kind.CONFLICT:
                return redirect(url_for(".edit", opening_id=opening.id))
        else:
            db.session.commit()
            flash("Saved the opening's details and hiring team.", "success")
            return _back(opening)
    return render_template("openings/edit.html", form=form, opening=opening), (
        422 if request.method == "POST" else 200
    )


@bp.get("/<int:opening_id>")
@allow(MANAGERS)
def opening(opening_id: int):
    """The opening: its team, scorecard, plan, coverage and pipeline."""
    opening = _opening(opening_id)
    attribute_form = AttributeForm(version=opening.version)
    taken = {a.competency_id for a in opening.attributes}
    attribute_form.competency_id.choices = [
        (cid, name) for cid, name in competency_choices() if cid not in taken
    ]
    status_form = StatusForm(version=opening.version)
    status_form.status.choices = [(s.value, s.label) for s in OpeningStatus]
    matrix = coverage(opening)
    return render_template(
        "openings/opening.html",
        opening=opening,
        coverage=matrix,
        categories=_categories(opening),
        attribute_form=attribute_form,
        stage_form=StageForm(version=opening.version),
        plain_form=Versioned(version=opening.version),
        TeamRole=TeamRole,
        status_form=status_form,
        confirm_open=request.args.get("confirm") == "open" and bool(matrix.gaps),
        plan_errors=ops.plan_errors(opening),
        counts=pipeline.stage_counts(opening.id),
        OpeningStatus=OpeningStatus,
        MOST_FOCUS=MOST_FOCUS,
    )


def _categories(opening: Opening) -> list[tuple[str, list[Attribute]]]:
    """The scorecard's attributes by category, in the order each category first appears."""
    grouped: dict[str, list[Attribute]] = {}
    for attribute in opening.attributes:
        grouped.setdefault(attribute.category or "Other", []).append(attribute)
    return list(grouped.items())


@bp.post("/<int:opening_id>/status")
@allow(MANAGERS)
def status(opening_id: int):
    opening = _opening(opening_id)
    form = StatusForm()
    form.status.choices = [(s.value, s.label) for s in OpeningStatus]
    if not form.validate():
        _form_problems(form)
        return _back(opening)
    target = OpeningStatus(form.status.data)
    try:
        ops.set_status(opening, form.version.data, target, open_anyway=form.open_anyway.data)
    except DomainError as error:
        db.session.rollback()
        if error.data.get("gaps"):
            return _back(opening, "status", confirm="open")
        flash(str(error), "error")
        return _back(opening, "status")
    db.session.commit()
    flash(f"“{opening.title}” is {target.value}.", "success")
    return _back(opening)


@bp.get("/<int:opening_id>/applications")
@allow(MANAGERS)
def pipeline_list(opening_id: int):
    """The opening's applications: by stage, or closed ones by outcome; longest waiting
    first."""
    opening = _opening(opening_id)
    stage_id = inputs.arg_id("stage")
    stage = next((s for s in opening.stages if s.id == stage_id), None)
    status_arg = request.args.get("status", "active")
    status = ApplicationStatus(status_arg) if status_arg in set(ApplicationStatus) else None
    sort = request.args.get("sort", "waiting")
    sort = sort if sort in pipeline.APPLICATION_SORTS else "waiting"
    # Longest waiting first, unless asked otherwise.
    direction = request.args.get("dir", "")
    if direction not in ("asc", "desc"):
        direction = "desc" if sort == "waiting" else "asc"
    descending = direction == "desc"
    page = db.paginate(
        pipeline.applications_of(opening.id, stage.id if stage else None, status, sort, descending),
        page=inputs.page_arg(),
        per_page=current_app.config["PER_PAGE"],
    )
    return render_template(
        "openings/pipeline.html",
        opening=opening,
        page=page,
        stage=stage,
        status=status,
        statuses=list(ApplicationStatus),
        counts=pipeline.stage_counts(opening.id),
        now=utcnow(),
        sort=sort,
        descending=descending,
    )


BOARD_CARDS = 300


@bp.get("/<int:opening_id>/board")
@allow(MANAGERS)
def board(opening_id: int):
    """The pipeline as a board: a column per stage with its active applications, each
    with its days in the stage, scorecards in, and flags; moved by the buttons on it."""
    opening = _opening(opening_id)
    flag = request.args.get("flag", "")
    flag = flag if flag in pipeline.FLAGS else ""
    cards = db.session.scalars(
        pipeline.applications_of(opening.id, status=ApplicationStatus.ACTIVE).limit(BOARD_CARDS)
    ).all()
    now = utcnow()
    hours = current_app.config["OVERDUE_HOURS"]
    standing = pipeline.standings([a.id for a in cards], now - timedelta(hours=hours))
    if flag:
        cards = [a for a in cards if flag in standing[a.id].flags]
    columns = {stage.id: [] for stage in opening.stages}
    for application in cards:
        columns.setdefault(application.stage_id, []).append(application)
    counts = pipeline.stage_counts(opening.id)
    return render_template(
        "openings/board.html",
        opening=opening,
        columns=columns,
        standing=standing,
        counts=counts,
        truncated=counts["active"] > BOARD_CARDS,
        flag=flag,
        flags=pipeline.FLAGS,
        now=now,
        move_form=ApplicationMoveForm(),
    )


def _change(opening: Opening, anchor: str, form, change: Callable, said: str | None = None):
    """A change of the opening's scorecard or plan from a form that names its version:
    the form checked, the change made and committed and said, or why not; back to the
    opening either way."""
    if not form.validate():
        _form_problems(form)
    else:
        try:
            change(form)
        except DomainError as error:
            _refused(error)
        else:
            db.session.commit()
            if said:
                flash(said, "success")
    return _back(opening, anchor)


# The scorecard


@bp.post("/<int:opening_id>/attributes")
@allow(MANAGERS)
def attribute_add(opening_id: int):
    opening = _opening(opening_id)
    form = AttributeForm()
    form.competency_id.choices = competency_choices()
    chosen = form.competency_id.data
    competency = db.session.get(Competency, chosen) if inputs.is_db_int(chosen) else None

    def add(form):
        ops.add_attribute(
            opening, form.version.data, competency, form.category.data, form.must_have.data
        )

    name = competency.name if competency else ""
    return _change(opening, "scorecard", form, add, f"“{name}” is on the scorecard.")


def _attribute(opening: Opening, attribute_id: int) -> Attribute:
    attribute = next((a for a in opening.attributes if a.id == attribute_id), None)
    if attribute is None:
        raise DomainError(Kind.NOT_FOUND, "That attribute is not on this opening's scorecard.")
    return attribute


@bp.post("/<int:opening_id>/attributes/<int:attribute_id>")
@allow(MANAGERS)
def attribute_change(opening_id: int, attribute_id: int):
    opening = _opening(opening_id)
    attribute = _attribute(opening, attribute_id)

    def update(form):
        ops.update_attribute(attribute, form.version.data, form.category.data, form.must_have.data)

    return _change(
        opening, "scorecard", AttributeChangeForm(), update, f"Saved “{attribute.name}”."
    )


@bp.post("/<int:opening_id>/attributes/<int:attribute_id>/delete")
@allow(MANAGERS)
def attribute_delete(opening_id: int, attribute_id: int):
    opening = _opening(opening_id)
    attribute = _attribute(opening, attribute_id)
    return _change(
        opening,
        "scorecard",
        Versioned(),
        lambda form: ops.remove_attribute(attribute, form.version.data),
        f"“{attribute.name}” is off the scorecard, and off every interview's focus.",
    )


# The plan


def _stage(opening: Opening, stage_id: int) -> Stage:
    stage = next((s for s in opening.stages if s.id == stage_id), None)
    if stage is None:
        raise DomainError(Kind.NOT_FOUND, "That stage is not in this opening's plan.")
    return stage


@bp.post("/<int:opening_id>/stages")
@allow(MANAGERS)
def stage_add(opening_id: int):
    opening = _opening(opening_id)
    form = StageForm()
    return _change(
        opening,
        "plan",
        form,
        lambda form: ops.add_stage(opening, form.version.data, form.name.data),
        f"Added the stage “{(form.name.data or '').strip()}”: now plan its interviews.",
    )


@bp.post("/<int:opening_id>/stages/<int:stage_id>")
@allow(MANAGERS)
def stage_change(opening_id: int, stage_id: int):
    """Rename a stage (a name), or move it before or after its neighbour (a step)."""
    opening = _opening(opening_id)
    stage = _stage(opening, stage_id)
    if "step" in request.form:
        form = MoveForm()
        return _change(
            opening, "plan", form, lambda f: ops.move_stage(stage, f.version.data, f.step.data)
        )
    form = StageForm()
    return _change(
        opening, "plan", form, lambda f: ops.rename_stage(stage, f.version.data, f.name.data)
    )


@bp.post("/<int:opening_id>/stages/<int:stage_id>/delete")
@allow(MANAGERS)
def stage_delete(opening_id: int, stage_id: int):
    opening = _opening(opening_id)
    stage = _stage(opening, stage_id)
    return _change(
        opening,
        "plan",
        Versioned(),
        lambda form: ops.remove_stage(
            stage, form.version.data, pipeline.stage_counts(opening.id)[stage.id]
        ),
        f"Removed the stage “{stage.name}” and its planned interviews.",
    )


def _planned_form(opening: Opening, planned: PlannedInterview | None, formdata=None):
    form = PlannedForm(
        formdata=formdata,
        version=opening.version,
        **(
            {
                "title": planned.title,
                "kit_version_id": planned.kit_version_id,
                "duration": planned.duration_minutes,
                "panel_size": planned.panel_size,
                "focus": [a.id for a in planned.focus],
                "panel": [u.id for u in planned.panel],
            }
            if planned
            else {}
        ),
    )
    versions = kit_queries.published_versions()
    if planned is not None and planned.kit_version not in versions:
        versions = [planned.kit_version, *versions]
    form.kit_version_id.choices = [(v.id, f"{v.kit.title} · version {v.number}") for v in versions]
    form.focus.choices = [
        (a.id, f"{a.name}{' (must-have)' if a.must_have else ''}") for a in opening.attributes
    ]
    team = opening.interviewers
    form.panel.choices = [(u.id, u.name) for u in team] or [
        (u.id, u.name) for u in people.active_users()
    ]
    return form, versions


@bp.route("/<int:opening_id>/stages/<int:stage_id>/interviews/new", methods=["GET", "POST"])
@bp.route("/<int:opening_id>/planned/<int:planned_id>", methods=["GET", "POST"])
@allow(MANAGERS)
def planned(opening_id: int, stage_id: int | None = None, planned_id: int | None = None):
    """Plan an interview at a stage, or change one: kit, length, panel, focus."""
    opening = _opening(opening_id)
    if planned_id is not None:
        planned = next((p for p in opening.planned if p.id == planned_id), None)
        if planned is None:
            raise DomainError(Kind.NOT_FOUND, "That interview is not in this opening's plan.")
        stage = planned.stage
    else:
        planned, stage = None, _stage(opening, stage_id)
    form, versions = _planned_form(
        opening, planned, formdata=None if request.method == "GET" else request.form
    )
    if form.validate_on_submit():
        kit_version = db.session.get(KitVersion, form.kit_version_id.data)
        chosen = set(form.focus.data or [])
        values = dict(
            title=form.title.data or "",
            kit_version=kit_version,
            duration=form.duration.data,
            panel_size=form.panel_size.data,
            focus=[a for a in opening.attributes if a.id in chosen],
            panel=people.active_users(form.panel.data or []) if form.panel.data else [],
        )
        try:
            if planned is None:
                planned = ops.add_planned(stage, form.version.data, **values)
            else:
                ops.update_planned(planned, form.version.data, **values)
        except DomainError as error:
            _refused(error)
            for name, message in error.errors.items():
                if name in form:
                    form[name].errors = [*form[name].errors, message]
            if error.kind is Kind.CONFLICT:
                return redirect(request.path)
        else:
            db.session.commit()
            flash(f"Saved “{planned.title}” in {stage.name}.", "success")
            return _back(opening, "plan")
    rated = {v.id: [kc.competency_id for kc in v.competencies] for v in versions}
    chosen = form.kit_version_id.data
    asks = (
        db.session.scalar(with_content(select(KitVersion).where(KitVersion.id == chosen)))
        if chosen in rated
        else None
    )
    return render_template(
        "openings/planned.html",
        asks=asks,
        form=form,
        opening=opening,
        stage=stage,
        planned=planned,
        rated=rated,
        attributes={a.id: a.competency_id for a in opening.attributes},
    ), (422 if request.method == "POST" else 200)


@bp.post("/<int:opening_id>/planned/<int:planned_id>/delete")
@allow(MANAGERS)
def planned_delete(opening_id: int, planned_id: int):
    opening = _opening(opening_id)
    planned = next((p for p in opening.planned if p.id == planned_id), None)
    if planned is None:
        raise DomainError(Kind.NOT_FOUND, "That interview is not in this opening's plan.")
    return _change(
        opening,
        "plan",
        Versioned(),
        lambda form: ops.remove_planned(planned, form.version.data),
        f"Removed “{planned.title}” from the plan.",
    )

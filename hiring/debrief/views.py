"""The debrief: a candidate's panel side by side with the decision; candidates of one kit
compared; interviewers calibrated. Pages, CSV, JSON and the calibration PDF."""

from datetime import date

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

from hiring import inputs
from hiring.audit.operations import exported
from hiring.config import labels as listed
from hiring.debrief import figures, queries
from hiring.debrief.aggregate import (
    aggregate,
    by_question,
    one_line,
    progress,
    rollup,
    tally,
    words,
)
from hiring.debrief.compare import SORTS, UNDECIDED, assemble, sort_rows
from hiring.debrief.exports import csv_response
from hiring.debrief.forms import DecisionForm
from hiring.debrief.funnel import SMALL, funnel
from hiring.debrief.operations import decide
from hiring.domain import DomainError
from hiring.extensions import db
from hiring.interviews import queries as interviews
from hiring.interviews.forms import ApplicationMoveForm, DocumentForm
from hiring.interviews.models import (
    REJECT_REASONS,
    Candidate,
    Recommendation,
    ScorecardState,
    recommendation_words,
)
from hiring.kits.models import Kit
from hiring.openings import queries as opening_queries
from hiring.scorecards.queries import Page
from hiring.security import EVERYONE, MANAGERS, allow
from hiring.timezones import today

bp = Blueprint("debrief", __name__)

FORMATS = "<any(csv, json):fmt>"


def decision_labels() -> list[str]:
    """The outcomes a manager may record, in the team's words (HIRING_DECISION_LABELS)."""
    return listed(current_app.config["DECISION_LABELS"])


def _decision_form(**data) -> DecisionForm:
    form = DecisionForm(**data)
    form.outcome.choices = [(label, label) for label in decision_labels()]
    return form


def _panel(candidate_id: int):
    """The candidate, the reader's access, and the submitted scorecards open to the reader;
    403 with the reason when every one is hidden."""
    candidate = db.first_or_404(interviews.candidate_with_scorecards(candidate_id))
    access = interviews.loaded_access(current_user, candidate)
    if not access.may_open_candidate():
        abort(403)
    readable = access.readable(interviews.submitted_with_content(candidate.id))
    hidden = access.hidden_interviews()
    if hidden and not readable:
        abort(403, f"The panel's scorecards on {candidate.name} are {next(iter(hidden.values()))}.")
    return candidate, access, readable, hidden


@bp.get("/candidates/<int:candidate_id>/debrief", defaults={"fmt": "html"})
@bp.get(f"/candidates/<int:candidate_id>/debrief.{FORMATS}")
@allow(EVERYONE)
def debrief(candidate_id: int, fmt: str):
    """Everything the panel submitted on a candidate, side by side, and the decision."""
    candidate, access, readable, hidden = _panel(candidate_id)
    rows = aggregate(readable)
    # The decisions are the panel's conclusion: hidden while the reader's own are pending.
    history = queries.decisions(candidate.id) if access.may_read_decision() else []
    if fmt == "csv":
        response = csv_response(
            f"debrief-{candidate.name}-{today()}",
            [
                "competency",
                "interviewer",
                "rating",
                "scale",
                "not_assessed",
                "first_submitted",
                "evidence",
            ],
            [
                *(
                    [row.name, e.who, e.value, row.scale_max, "", e.first or "", e.evidence]
                    for row in rows
                    for e in row.ratings
                ),
                *(
                    [row.name, who, "", row.scale_max, "yes", "", ""]
                    for row in rows
                    for who in row.not_assessed_by
                ),
            ],
        )
        exported("debrief", "candidate", candidate.id, format="csv")
        return response
    if fmt == "json":
        response = jsonify(
            _debrief_json(
                candidate, readable, rows, history, hidden, not access.may_read_decision()
            )
        )
        exported("debrief", "candidate", candidate.id, format="json")
        return response
    return render_template(
        "debrief/debrief.html",
        candidate=candidate,
        access=access,
        readable=readable,
        hidden=hidden,
        rows=rows,
        questions=by_question(readable),
        tally=tally(readable),
        words=words(readable),
        progress=progress(candidate),
        history=history,
        decision_open=access.may_read_decision(),
        HIDDEN_PENDING=interviews.HIDDEN_PENDING,
        form=_decision_form(),
        one_line=one_line,
    )


def _debrief_json(candidate, readable, rows, history, hidden, hidden_decisions) -> dict:
    return {
        "candidate": {"id": candidate.id, "name": candidate.name, "role": candidate.role},
        "progress": progress(candidate).sentence(),
        "hidden_interviews": len(hidden),
        "competencies": [
            {
                "name": row.name,
                "scale": row.scale_max,
                "ratings": [
                    {
                        "interviewer": e.who,
                        "value": e.value,
                        "first_submitted": e.first,
                        "evidence": e.evidence,
                    }
                    for e in row.ratings
                ],
                "not_assessed_by": row.not_assessed_by,
                "mean": None if row.mean is None else round(row.mean, 2),
                "median": row.median,
                "range": [row.low, row.high] if row.values else None,
                "disagreement": row.disagreement,
                "split": row.split,
            }
            for row in rows
        ],
        "questions": [
            {
                "prompt": q.prompt,
                "answers": [
                    {
                        "interviewer": a.who,
                        "tier": a.tier.value if a.tier else None,
                        "notes": a.notes,
                    }
                    for a in q.answers
                ],
            }
            for q in by_question(readable)
        ],
        "scorecards": [
            {
                "interviewer": s.interviewer.name,
                "interview": s.interview.kit_version.kit.title,
                "recommendation": s.recommendation.value if s.recommendation else None,
                "first_recommendation": s.recommendation_marker.value
                if s.recommendation_marker
                else None,
                "summary": s.summary,
            }
            for s in readable
        ],
        "decisions_hidden": hidden_decisions,
        "decisions": [
            {
                "outcome": d.outcome,
                "rationale": d.rationale,
                "by": d.decided_by.name if d.decided_by else None,
                "at": d.decided_at.isoformat(),
            }
            for d in history
        ],
    }


@bp.post("/candidates/<int:candidate_id>/decision")
@allow(MANAGERS)
def decision(candidate_id: int):
    """Record the decision on a candidate, from the debrief."""
    candidate = db.get_or_404(Candidate, candidate_id)
    access = interviews.access_to(current_user, candidate.id)
    if not access.manages:
        abort(404)
    if not access.may_read_decision():
        flash(
            f"The decision is not recorded: your own scorecard on {candidate.name} is still "
            "pending. Submit it (or step back from scoring) first.",
            "error",
        )
        return redirect(url_for(".debrief", candidate_id=candidate.id))
    form = _decision_form()
    if not form.validate():
        problems = [e for errors in form.errors.values() for e in errors]
        flash("The decision is not recorded: " + " ".join(problems), "error")
        return redirect(url_for(".debrief", candidate_id=candidate.id, _anchor="decision"))
    try:
        decide(
            candidate,
            form.outcome.data,
            form.rationale.data,
            current_user,
            decision_labels(),
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.said(), "error")
    else:
        db.session.commit()
        flash(f"Decision recorded: {form.outcome.data}.", "success")
    return redirect(url_for(".debrief", candidate_id=candidate.id, _anchor="decision"))


def _application(application_id: int):
    """The application, the reader's access to its candidate (independence is per
    candidate, across applications), and its submitted scorecards open to the reader."""
    application = db.first_or_404(interviews.application(application_id))
    if not opening_queries.manages(current_user, application.opening_id):
        abort(404)  # another team's application is not there
    access = interviews.loaded_access(current_user, application.candidate)
    mine = {i.id for i in application.candidate.interviews if i.application_id == application.id}
    readable = [
        s
        for s in access.readable(interviews.submitted_with_content(application.candidate_id))
        if s.interview_id in mine
    ]
    return application, access, readable


@bp.get("/applications/<int:application_id>")
@allow(MANAGERS)
def application(application_id: int):
    """An application: where it is in the plan, what to schedule next, the roll-up of
    every stage's ratings by the opening's attributes, the decision and the history."""
    application, access, readable = _application(application_id)
    opening = application.opening
    held = [i for i in application.candidate.interviews if i.application_id == application.id]
    by_planned: dict[int, list] = {}
    for interview in held:
        if interview.planned_interview_id:
            by_planned.setdefault(interview.planned_interview_id, []).append(interview)
    attributes, others = rollup(opening, readable)
    decision_open = access.may_read_decision()
    move_form = ApplicationMoveForm()
    move_form.reason.choices = [("", "Choose a reason…")] + [(r, r) for r in REJECT_REASONS]
    stages = list(opening.stages)
    at = stages.index(application.stage) if application.stage in stages else -1
    return render_template(
        "debrief/application.html",
        access=access,
        application=application,
        opening=opening,
        candidate=application.candidate,
        stages=stages,
        next_stage=stages[at + 1] if 0 <= at < len(stages) - 1 else None,
        previous_stage=stages[at - 1] if at > 0 else None,
        by_planned=by_planned,
        ad_hoc=[i for i in held if i.planned_interview_id is None],
        held=held,
        attributes=attributes,
        others=others,
        hidden=access.hidden_interviews(),
        tally=tally(readable),
        words=words(readable),
        history=queries.application_decisions(application.id) if decision_open else [],
        decision_open=decision_open,
        form=_decision_form(),
        move_form=move_form,
        document_form=DocumentForm(),
        pending_count=sum(
            s.state in (ScorecardState.NOT_STARTED, ScorecardState.DRAFT)
            for i in held
            if not i.cancelled
            for s in i.panel
        ),
        HIDDEN_PENDING=interviews.HIDDEN_PENDING,
    )


@bp.post("/applications/<int:application_id>/decision")
@allow(MANAGERS)
def application_decision(application_id: int):
    """Record the decision on an application."""
    application, access, _ = _application(application_id)
    back = redirect(url_for(".application", application_id=application.id, _anchor="decision"))
    if not access.may_read_decision():
        flash(
            "The decision is not recorded: your own scorecard on "
            f"{application.candidate.name} is still pending. Submit it (or step back from "
            "scoring) first.",
            "error",
        )
        return back
    form = _decision_form()
    if not form.validate():
        flash(
            "The decision is not recorded: "
            + " ".join(e for errors in form.errors.values() for e in errors),
            "error",
        )
        return back
    try:
        decide(
            application.candidate,
            form.outcome.data,
            form.rationale.data,
            current_user,
            decision_labels(),
            application=application,
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.said(), "error")
    else:
        db.session.commit()
        flash(f"Decision recorded: {form.outcome.data}.", "success")
    return back


def _page_of(items: list, per_page: int) -> Page:
    """The page of `items` the request asks for (the last one past the end)."""
    number = min(inputs.page_arg(), max(1, -(-len(items) // per_page)))
    start = (number - 1) * per_page
    return Page(
        items[start : start + per_page],
        number,
        per_page,
        has_next=start + per_page < len(items),
        total=len(items),
    )


def _date_range() -> tuple[date | None, date | None, str | None]:
    """The ?from= and ?to= dates; the wrong way round, swapped and said."""
    start, end = _date_arg("from"), _date_arg("to")
    if start and end and start > end:
        return end, start, f"The dates are the wrong way round: {start} is after {end}."
    return start, end, None


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, "")[:10])
    except ValueError:
        return None


@bp.get("/kits/<int:kit_id>/compare", defaults={"fmt": "html"})
@bp.get(f"/kits/<int:kit_id>/compare.{FORMATS}")
@allow(MANAGERS)
def compare_kit(kit_id: int, fmt: str):
    """The candidates interviewed with a kit, across its versions, side by side."""
    kit = db.get_or_404(Kit, kit_id)
    since, until, problem = _date_range()
    labels = decision_labels()
    outcome = request.args.get("decision", "")
    if outcome not in (*labels, UNDECIDED):
        outcome = ""
    undisclosed = set(db.session.scalars(interviews.pending_candidates(current_user.id)))
    kept = figures.comparison(kit.id, current_user)
    names = queries.candidate_names((s.candidate_id for s in kept.comparison.stats), current_user)
    result = assemble(
        kept.comparison,
        names,
        queries.current_outcomes(names),
        undisclosed,
        kept.hidden,
        current_app.config["COMPARE_MIN_SCORECARDS"],
        since,
        until,
        outcome,
    )
    sort = request.args.get("sort", "overall")
    if sort not in SORTS and not any(sort == f"c{c.competency_id}" for c in result.columns):
        sort = "overall"
    descending = request.args.get("dir", "desc" if sort != "name" else "asc") == "desc"
    rows = sort_rows(result.rows, sort, descending)
    words = recommendation_words(queries.kit_scales(kit.id))
    if fmt == "csv":
        response = csv_response(
            f"comparison-{kit.title}-{today()}",
            [
                "candidate",
                *(c.name for c in result.columns),
                "overall",
                *(words[r] for r in reversed(Recommendation)),
                "scorecards",
                "too_few",
                "decision",
            ],
            (
                [
                    row.candidate.name,
                    *(row.means.get(c.competency_id) for c in result.columns),
                    row.overall,
                    *(row.tally.get(r, 0) for r in reversed(Recommendation)),
                    row.scorecards,
                    "yes" if row.too_few else "",
                    row.outcome,
                ]
                for row in rows
            ),
        )
        exported("comparison", "kit", kit.id, format="csv")
        return response
    agreement = kept.agreement
    if fmt == "json":
        response = jsonify(
            kit=kit.title,
            scale=result.scale,
            rescaled=result.rescaled,
            not_compared=result.left_out,
            candidates=[row.as_dict(result.columns) for row in rows],
            reliability=agreement.as_dict(),
        )
        exported("comparison", "kit", kit.id, format="json")
        return response
    # Sorted over every candidate, shown a page at a time: a kit may have thousands.
    page = _page_of(rows, current_app.config["COMPARE_PER_PAGE"])
    return render_template(
        "debrief/compare.html",
        kit=kit,
        result=result,
        page=page,
        sort=sort,
        descending=descending,
        since=since,
        until=until,
        problem=problem,
        outcome=outcome,
        labels=[*labels, UNDECIDED],
        agreement=agreement,
        computed_at=kept.computed_at,
        behind=kept.behind,
        personal=kept.personal,
        min_scorecards=current_app.config["COMPARE_MIN_SCORECARDS"],
        words=words,
    )


@bp.get("/calibration", defaults={"fmt": "html"})
@bp.get(f"/calibration.{FORMATS}")
@allow(MANAGERS)
def calibration(fmt: str):
    """How each interviewer rates against their co-panelists, and how well panels agree."""
    kit_id = inputs.arg_id("kit")
    report = figures.calibration(kit_id, current_user)
    people, kits = report.people, report.kits
    if fmt == "csv":
        response = csv_response(
            f"calibration-{today()}",
            [
                "interviewer",
                "ratings",
                "shared_ratings",
                "mean_difference",
                "leaning",
                "not_assessed_share",
                "median_hours_to_submit",
                "flags",
            ],
            (
                [
                    r.name,
                    r.ratings,
                    r.shared,
                    r.leaning,
                    r.label,
                    r.not_assessed_share,
                    r.median_hours,
                    " ".join(r.flags),
                ]
                for r in people
            ),
        )
        exported("calibration", "kit", kit_id, format="csv")
        return response
    if fmt == "json":
        response = jsonify(
            interviewers=[r.as_dict() for r in people],
            reliability=[k.as_dict() for k in kits],
        )
        exported("calibration", "kit", kit_id, format="json")
        return response
    # A page of interviewers at a time, those who stand out first: a company may have
    # hundreds (the CSV, JSON and PDF hold them all).
    ordered = sorted(people, key=lambda r: not r.flags)
    page = _page_of(ordered, current_app.config["CALIBRATION_PER_PAGE"])
    return render_template(
        "debrief/calibration.html",
        page=page,
        people=people,
        kits=kits,
        kit_id=kit_id,
        choices=queries.kits_interviewed(),
        computed_at=report.computed_at,
        behind=report.behind,
        personal=report.personal,
    )


@bp.get("/reports/funnel", defaults={"fmt": "html"})
@bp.get(f"/reports/funnel.{FORMATS}")
@allow(MANAGERS)
def funnel_report(fmt: str):
    """An opening's funnel (or every opening's outcomes), in the chosen dates."""
    opening_id = inputs.arg_id("opening")
    opening = (
        db.first_or_404(opening_queries.with_plan(opening_id, current_user)) if opening_id else None
    )
    start, end, problem = _date_range()
    report = funnel(opening, current_user, start, end)
    title = f"funnel {opening.title if opening else 'all openings'} {today()}"
    if fmt == "json":
        response = jsonify(_funnel_json(report, start, end))
        exported("funnel", "opening", opening.id if opening else None, format="json")
        return response
    if fmt == "csv":
        response = csv_response(
            title, ["figure", "stage", "value", "cases", "too_few"], _funnel_rows(report)
        )
        exported("funnel", "opening", opening.id if opening else None, format="csv")
        return response
    return render_template(
        "debrief/funnel.html",
        report=report,
        opening=opening,
        openings=opening_queries.templates(current_user),
        start=start,
        end=end,
        problem=problem,
        SMALL=SMALL,
    )


def _figure(figure) -> dict:
    return {"value": figure.value, "cases": figure.cases, "too_few": figure.too_few}


def _funnel_json(report, start, end) -> dict:
    return {
        "opening": {"id": report.opening.id, "title": report.opening.title}
        if report.opening
        else None,
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "applications": report.applications,
        "outcomes": report.outcomes,
        "rejection_reasons": report.reasons,
        "stages": [
            {
                "name": row.name,
                "reached": row.reached,
                "passed_on": _figure(row.passed) if row.passed else None,
                "median_days": _figure(row.days),
            }
            for row in report.stages
        ],
        "median_days_to_decision": _figure(report.days_to_decision),
        "scorecards_in_within_24h": _figure(report.submitted_on_time),
        "scorecards_in_ever": _figure(report.submitted_ever),
        "median_hours_to_submit": {who: _figure(f) for who, f in report.hours_to_submit},
        "must_haves_assessed_twice": _figure(report.must_haves_twice),
    }


def _funnel_rows(report):
    for row in report.stages:
        yield ["reached", row.name, row.reached, row.reached, ""]
        if row.passed:
            yield ["passed on", row.name, row.passed.value, row.passed.cases, row.passed.too_few]
        yield ["median days in stage", row.name, row.days.value, row.days.cases, row.days.too_few]
    for name, figure in (
        ("median days to decision", report.days_to_decision),
        ("scorecards in within 24 hours", report.submitted_on_time),
        ("scorecards in", report.submitted_ever),
        ("must-haves assessed twice", report.must_haves_twice),
    ):
        yield [name, "", figure.value, figure.cases, figure.too_few]
    for who, figure in report.hours_to_submit:
        yield [f"median hours to submit: {who}", "", figure.value, figure.cases, figure.too_few]

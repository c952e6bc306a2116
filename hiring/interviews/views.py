from collections import Counter
from datetime import UTC

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from hiring.auth.forms import ButtonForm
from hiring.auth.models import User
from hiring.errors import render_error
from hiring.extensions import db, utcnow
from hiring.interviews.forms import CandidateForm, InterviewForm
from hiring.interviews.models import Candidate, Interview
from hiring.interviews.operations import InterviewError, delete_candidate, save_candidate, schedule
from hiring.kits.models import Kit, KitVersion
from hiring.pdf import PdfError, send_pdf
from hiring.scorecards import queries as scorecard_queries
from hiring.scorecards.aggregate import aggregate
from hiring.scorecards.documents import packet_pdf
from hiring.scorecards.models import Scorecard
from hiring.security import ADMINS, EVERYONE, MANAGERS, allow

bp = Blueprint("interviews", __name__)


def _with_scorecards():
    return selectinload(Candidate.interviews).options(
        joinedload(Interview.kit_version).joinedload(KitVersion.kit),
        selectinload(Interview.scorecards).joinedload(Scorecard.interviewer),
    )


def status(candidate: Candidate, access=None) -> dict:
    """Interviews planned and done, scorecards submitted of expected, recommendation tally;
    with `access`, of the interviews open to that reader only."""
    now = utcnow()
    scorecards = [s for i in candidate.interviews for s in i.scorecards]
    if access is not None:
        hidden = access.hidden_interviews()
        scorecards = [s for s in scorecards if s.interview_id not in hidden]
    submitted = [s for s in scorecards if s.submitted_at is not None]
    return {
        "planned": sum(i.scheduled_at > now for i in candidate.interviews),
        "done": sum(i.scheduled_at <= now for i in candidate.interviews),
        "submitted": len(submitted),
        "expected": len(scorecards),
        "tally": Counter(s.recommendation for s in submitted if s.recommendation),
    }


@bp.get("/candidates/")
@allow(MANAGERS)
def candidates():
    query = request.args.get("q", "").strip()[:200]
    stmt = select(Candidate).options(_with_scorecards()).order_by(Candidate.created_at.desc())
    if query:
        like = f"%{query}%"
        stmt = stmt.where(
            or_(Candidate.name.ilike(like), Candidate.email.ilike(like), Candidate.role.ilike(like))
        )
    page = db.paginate(stmt, per_page=25)
    return render_template(
        "interviews/candidates.html",
        page=page,
        query=query,
        status={c.id: status(c) for c in page.items},
    )


@bp.route("/candidates/new", methods=["GET", "POST"])
@bp.route("/candidates/<int:candidate_id>/edit", methods=["GET", "POST"])
@allow(MANAGERS)
def candidate_form(candidate_id: int | None = None):
    candidate = db.get_or_404(Candidate, candidate_id) if candidate_id else None
    form = CandidateForm(obj=candidate)
    if form.validate_on_submit():
        candidate = save_candidate(
            candidate or Candidate(),
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
    candidate = db.first_or_404(
        select(Candidate).where(Candidate.id == candidate_id).options(_with_scorecards())
    )
    access = scorecard_queries.PanelAccess(
        current_user, [s for i in candidate.interviews for s in i.scorecards]
    )
    if not access.may_open_candidate():
        abort(403)
    readable = access.readable(scorecard_queries.submitted_with_content(candidate.id))
    return render_template(
        "interviews/candidate.html",
        candidate=candidate,
        access=access,
        hidden=access.hidden_interviews(),
        debrief=aggregate(readable),
        status=status(candidate, access),
    )


@bp.get("/candidates/<int:candidate_id>/packet.pdf")
@allow(EVERYONE)
def packet(candidate_id: int):
    """The candidate packet, holding the interviews open to the reader."""
    candidate = db.get_or_404(Candidate, candidate_id)
    access = scorecard_queries.access_to(current_user, candidate.id)
    if not access.may_open_candidate():
        abort(403)
    readable = access.readable(scorecard_queries.submitted_with_content(candidate.id))
    hidden = access.hidden_interviews()
    if hidden and not readable:
        return render_error(
            403, f"The panel's scorecards on {candidate.name} are {next(iter(hidden.values()))}."
        )
    try:
        data = packet_pdf(
            candidate,
            readable,
            with_guide=request.args.get("guide") == "1",
            hidden=hidden,
        )
    except PdfError as error:
        return render_error(422, str(error))
    return send_pdf(data, f"packet-{candidate.name}")


@bp.post("/candidates/<int:candidate_id>/delete")
@allow(ADMINS)
def candidate_delete(candidate_id: int):
    candidate = db.get_or_404(Candidate, candidate_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    delete_candidate(candidate)
    db.session.commit()
    flash(
        "The candidate and all their interviews and scorecards are deleted. "
        "The audit log keeps only that it happened.",
        "success",
    )
    return redirect(url_for(".candidates"))


def _interview_choices(form: InterviewForm) -> None:
    form.candidate_id.choices = [
        (c.id, f"{c.name} · {c.role}" if c.role else c.name)
        for c in db.session.scalars(select(Candidate).order_by(Candidate.name))
    ]
    versions = db.session.scalars(
        select(KitVersion)
        .join(Kit)
        .where(KitVersion.published_at.is_not(None), Kit.archived_at.is_(None))
        .options(joinedload(KitVersion.kit))
        .order_by(Kit.title, KitVersion.number.desc())
    ).all()
    form.kit_version_id.choices = [(v.id, f"{v.kit.title} · version {v.number}") for v in versions]
    form.panel.choices = [
        (u.id, f"{u.name} ({u.role.label.lower()})")
        for u in db.session.scalars(select(User).where(User.active).order_by(User.name))
    ]


@bp.route("/interviews/new", methods=["GET", "POST"])
@allow(MANAGERS)
def interview_new():
    form = InterviewForm(candidate_id=request.args.get("candidate", type=int))
    _interview_choices(form)
    if form.validate_on_submit():
        candidate = db.session.get(Candidate, form.candidate_id.data)
        version = db.session.get(KitVersion, form.kit_version_id.data)
        panel = db.session.scalars(
            select(User).where(User.id.in_(form.panel.data), User.active)
        ).all()
        try:
            schedule(
                candidate,
                version,
                form.scheduled_at.data.replace(tzinfo=UTC),
                panel,
                form.location.data or "",
                current_user.id,
            )
        except InterviewError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Interview scheduled; {len(panel)} scorecard(s) are waiting.", "success")
            return redirect(url_for(".candidate", candidate_id=candidate.id))
    return render_template("interviews/interview_form.html", form=form), (
        422 if request.method == "POST" else 200
    )

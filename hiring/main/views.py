from datetime import timedelta

from flask import Blueprint, current_app, render_template, send_from_directory
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from hiring.extensions import db, utcnow
from hiring.interviews.models import Interview, Scorecard
from hiring.kits.models import KitVersion
from hiring.security import EVERYONE, allow, public

bp = Blueprint("main", __name__)


def _scorecards():
    return (
        select(Scorecard)
        .options(
            joinedload(Scorecard.interviewer),
            joinedload(Scorecard.interview).options(
                joinedload(Interview.candidate),
                joinedload(Interview.kit_version).joinedload(KitVersion.kit),
            ),
        )
        .join(Interview)
        .order_by(Interview.scheduled_at)
    )


@bp.get("/")
@allow(EVERYONE)
def index():
    now = utcnow()
    overdue_before = now - timedelta(hours=current_app.config["OVERDUE_HOURS"])
    mine = (
        db.session.scalars(_scorecards().where(Scorecard.interviewer_id == current_user.id))
        .unique()
        .all()
    )
    open_ = [s for s in mine if s.submitted_at is None]
    team_overdue = []
    if current_user.is_manager:
        team_overdue = (
            db.session.scalars(
                _scorecards().where(
                    Scorecard.submitted_at.is_(None), Interview.scheduled_at < overdue_before
                )
            )
            .unique()
            .all()
        )
    return render_template(
        "main/index.html",
        today=[s for s in mine if s.interview.scheduled_at.date() == now.date()],
        upcoming=[s for s in mine if s.interview.scheduled_at.date() > now.date()],
        drafts=[
            s
            for s in open_
            if s.version > 0
            and s.interview.scheduled_at.date() < now.date()
            and s.interview.scheduled_at >= overdue_before
        ],
        overdue=[s for s in open_ if s.interview.scheduled_at < overdue_before],
        submitted=[s for s in mine if s.submitted_at is not None][-5:],
        team_overdue=team_overdue,
        overdue_hours=current_app.config["OVERDUE_HOURS"],
    )


@bp.get("/healthz")
@public
def healthz():
    """For load balancers and the benchmarks: answers without touching the database."""
    return {"status": "ok"}


@bp.get("/favicon.ico")
@public
def favicon():
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml")

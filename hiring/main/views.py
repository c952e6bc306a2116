"""The dashboard, and the two routes every deployment needs."""

from flask import Blueprint, current_app, render_template, send_from_directory
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from hiring import inputs, jobs, mail
from hiring.extensions import db, utcnow
from hiring.interviews import queries
from hiring.security import EVERYONE, allow, public

bp = Blueprint("main", __name__)


@bp.get("/")
@allow(EVERYONE)
def index():
    """The signed-in user's interviews and scorecards; managers also see the team's overdue."""
    hours = current_app.config["OVERDUE_HOURS"]
    board = queries.dashboard(current_user, utcnow(), hours, inputs.page_arg("overdue_page"))
    return render_template(
        "main/index.html",
        **vars(board),
        overdue_hours=hours,
        mail_failing=mail.failing() if current_user.is_manager else None,
    )


@bp.get("/healthz")
@public
def healthz():
    """For load balancers: the database answers, and Redis when limits or jobs are kept
    there. 503 names what does not answer. With job workers, how many are alive: none is
    a warning for whoever watches (documents are then laid out on request in the app
    servers), not a reason to stop sending users here."""
    checks = {"database": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        checks["database"] = "unreachable"
    storage = current_app.config["RATELIMIT_STORAGE_URI"]
    for name, url in (("redis", storage), ("jobs", current_app.config["REDIS_URL"])):
        if url.startswith(("redis://", "rediss://")):
            try:
                jobs.client(url, timeout=1).ping()
                checks[name] = "ok"
            except RedisError:
                checks[name] = "unreachable"
    extra = {}
    if checks.get("jobs") == "ok":
        try:
            extra["job_workers"] = jobs.worker_count()
        except RedisError:
            checks["jobs"] = "unreachable"
    healthy = all(value == "ok" for value in checks.values())
    return (
        {"status": "ok" if healthy else "failing", **checks, **extra},
        200 if healthy else 503,
    )


@bp.get("/favicon.ico")
@public
def favicon():
    """The site icon, where browsers look for it."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml")

"""The dashboard, and the two routes every deployment needs."""

from flask import Blueprint, current_app, render_template, send_from_directory
from flask_login import current_user
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from hiring import inputs, mail, tasks
from hiring.extensions import db, utcnow
from hiring.interviews import queries as interviews
from hiring.scorecards import queries
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
        # Waiting on them: on the openings whose hiring team they are on (admins: all).
        waiting=interviews.decisions_waiting(
            member_id=None if current_user.is_admin else current_user.id
        )
        if current_user.is_manager
        else [],
    )


# One Redis client per URL in this process (a load balancer asks every few seconds).
_redis: dict[str, Redis] = {}


@bp.get("/healthz")
@public
def healthz():
    """For load balancers: the database answers, and Redis when limits or the task queue
    are kept there. 503 names what does not answer. Also how many task workers are alive:
    none is a warning for whoever watches (documents are then laid out on request in the
    app servers, and mail waits), not a reason to stop sending users here."""
    checks = {"database": "ok"}
    extra = {}
    try:
        db.session.execute(text("SELECT 1"))
        extra["task_workers"] = tasks.live_workers()
    except SQLAlchemyError:
        db.session.rollback()
        checks["database"] = "unreachable"
    storage = current_app.config["RATELIMIT_STORAGE_URI"]
    for name, url in (("redis", storage), ("queue", current_app.config["REDIS_URL"])):
        if url.startswith(("redis://", "rediss://")):
            try:
                if url not in _redis:
                    _redis[url] = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
                _redis[url].ping()
                checks[name] = "ok"
            except RedisError:
                checks[name] = "unreachable"
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

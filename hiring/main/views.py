"""The dashboard, and the two routes every deployment needs."""

from flask import Blueprint, current_app, render_template, send_from_directory
from flask_login import current_user

from hiring import inputs, mail
from hiring.extensions import utcnow
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
    """For load balancers and the benchmarks: answers without touching the database."""
    return {"status": "ok"}


@bp.get("/favicon.ico")
@public
def favicon():
    """The site icon, where browsers look for it."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml")

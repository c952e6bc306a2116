"""A hiring toolkit with structured scorecards."""

import hmac
import os
import sqlite3
from pathlib import Path

from flask import Flask
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from hiring import (
    cli,
    config,
    errors,
    inputs,
    models,  # noqa: F401  every mapper and every task is known before the first query
    requestlog,
    security,
    tasks,
    text,
    timezones,
)
from hiring.admin.views import bp as admin_bp
from hiring.api import writes  # noqa: F401  the API's writes, on its blueprint
from hiring.api.pages import bp as api_tokens_bp
from hiring.api.views import bp as api_bp
from hiring.api.views import docs_bp as api_docs_bp
from hiring.auth import sso
from hiring.auth.models import Role, User
from hiring.auth.views import bp as auth_bp
from hiring.debrief.reliability import ENOUGH
from hiring.debrief.views import bp as debrief_bp
from hiring.documents.views import bp as documents_bp
from hiring.extensions import csrf, db, limiter, login_manager, migrate
from hiring.interviews import reach
from hiring.interviews.models import (
    Recommendation,
    TierMatch,
    recommendation_label,
    recommendation_scale,
)
from hiring.interviews.views import bp as interviews_bp
from hiring.kits.views import bp as kits_bp
from hiring.main.views import bp as main_bp
from hiring.openings.views import bp as openings_bp
from hiring.questions.models import Tier
from hiring.questions.views import bp as questions_bp
from hiring.scorecards.views import scorecards_bp

# Feature packages keep their __init__ empty and the app imports each blueprint from its
# views module: importing one feature's models then never pulls in another's views.
ROOT = Path(__file__).resolve().parent

# The main navigation: endpoint, label, roles that see it, endpoint prefixes it stands for.
NAV_ITEMS = [
    ("main.index", "Dashboard", security.EVERYONE, ("main.", "scorecards.")),
    (
        "interviews.candidates",
        "Candidates",
        security.MANAGERS,
        ("interviews.", "debrief.debrief", "debrief.decision"),
    ),
    (
        "openings.index",
        "Openings",
        security.MANAGERS,
        ("openings.", "debrief.application", "debrief.funnel"),
    ),
    ("kits.index", "Kits", security.MANAGERS, ("kits.", "debrief.compare")),
    ("questions.index", "Question bank", security.EVERYONE, ("questions.",)),
    (
        "questions.competencies",
        "Competencies",
        security.EVERYONE,
        ("questions.competenc", "questions.merge"),
    ),
    ("debrief.calibration", "Calibration", security.MANAGERS, ("debrief.calibration",)),
    ("admin.users", "Users", security.ADMINS, ("admin.",)),
]


def _resource(name: str) -> str:
    """A top-level folder in a checkout, or its copy inside the installed package."""
    in_checkout = ROOT.parent / name
    return str(in_checkout if in_checkout.is_dir() else ROOT / name)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def create_app(config_overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=_resource("templates"),
        static_folder=_resource("static"),
        # Several app servers or workers on one machine each have their own folder.
        instance_path=(config_overrides or {}).get("INSTANCE_PATH")
        or os.environ.get("HIRING_INSTANCE_PATH"),
        instance_relative_config=True,
    )
    app.request_class = text.CleanRequest
    app.json = inputs.JSONProvider(app)
    app.url_map.converters["int"] = inputs.IdConverter
    config.load(app, config_overrides)
    if app.config["TRUSTED_PROXIES"]:
        # The client's address is the one the trusted proxies saw, for limits and audit.
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=_resource("migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    tasks.init_app(app)
    sso.init_app(app)

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(questions_bp)
    app.register_blueprint(kits_bp)
    app.register_blueprint(openings_bp)
    app.register_blueprint(interviews_bp)
    app.register_blueprint(scorecards_bp)
    app.register_blueprint(debrief_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_docs_bp)
    app.register_blueprint(api_tokens_bp)

    requestlog.register(app)
    app.before_request(security.check_access)
    app.before_request(_set_reach)
    app.after_request(security.set_security_headers)
    errors.register(app)
    cli.register(app)
    _register_template_helpers(app)
    security.assert_every_view_guarded(app)
    return app


def _set_reach() -> None:
    """What this request's queries reach: confidential openings off the reader's team are
    not there (hiring.interviews.reach)."""
    if current_user.is_authenticated:
        reach.set_for(current_user)


@login_manager.user_loader
def _load_user(session_id: str):
    """The user a session names, while its token is the user's current one."""
    user_id, _, token = session_id.partition(":")
    if not (user_id.isdecimal() and len(user_id) < 10 and token):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active:
        return None
    return user if hmac.compare_digest(user.session_token, token) else None


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        Role=Role,
        Recommendation=Recommendation,
        TierMatch=TierMatch,
        Tier=Tier,
        nav_items=NAV_ITEMS,
        ENOUGH=ENOUGH,
    )
    app.jinja_env.filters.update(
        paragraphs=text.paragraphs,
        lines=text.lines,
        local=timezones.local,
        local_date=timezones.local_date,
        safe_link=lambda url: text.safe_link(url, allow_local=not app.config["HTTPS"]),
    )
    app.jinja_env.globals.update(
        reader_zone=timezones.reader_zone,
        time_tag=timezones.time_tag,
        recommendation_scale=recommendation_scale,
        recommendation_label=recommendation_label,
    )

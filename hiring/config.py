"""Configuration: defaults here, then HIRING_* environment variables, then overrides."""

import os
import secrets
from pathlib import Path

from flask import Flask

from hiring import ratelimits
from hiring.timezones import installed_zones

DEFAULTS = {
    # An empty DATABASE_URL means a SQLite file in the instance folder.
    "DATABASE_URL": "",
    "HTTPS": False,
    # Empty: a SQLite file in the instance folder, shared by the host's workers (see
    # hiring.ratelimits); redis://… when several hosts serve.
    "RATELIMIT_STORAGE_URI": "",
    # When the limits' storage (Redis) cannot be reached, sign-in keeps working and keeps
    # being limited, per worker in memory, until it is back (Flask-Limiter logs it): a
    # bare 500 on every sign-in would lock everyone out, and no limit at all would open
    # the door to guessing.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "LOGIN_RATE_LIMIT": "10 per minute",
    # Failed sign-ins to one account from one address, before that address must wait
    # (OWASP: throttle the account and address together, so that a stranger who knows an
    # e-mail cannot lock its owner out) ...
    "ACCOUNT_ADDRESS_LOGIN_LIMIT": "5 per 15 minutes",
    # ... and to one account from every address, a higher cap against guessing spread
    # over many addresses.
    "ACCOUNT_LOGIN_LIMIT": "50 per hour",
    # Reverse proxies in front of the app whose X-Forwarded-For is believed (ProxyFix).
    "TRUSTED_PROXIES": 0,
    # A session ends after this long without a request, and this long after sign-in.
    "SESSION_IDLE_MINUTES": 120,
    "SESSION_MAX_HOURS": 12,
    "OVERDUE_HOURS": 24,
    # The organisation's time zone (IANA name): the default of every user's, and of
    # documents rendered outside a request.
    "TIME_ZONE": "UTC",
    # Where the app is reached, for links in e-mail and calendar invitations sent
    # outside a request (the reminder command); empty: the request's own address.
    "BASE_URL": "",
    # Outgoing e-mail. No server: messages are written to the log and to MAIL_OUTBOX_DIR
    # (instance/outbox when empty) instead of being sent.
    "MAIL_SERVER": "",
    "MAIL_PORT": 587,
    "MAIL_USE_TLS": True,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_SENDER": "Scorecards <scorecards@localhost>",
    "MAIL_TIMEOUT": 10,
    "MAIL_OUTBOX_DIR": "",
    # A scorecard is reminded at most once in this many hours.
    "REMINDER_HOURS": 24,
    # The outcomes a manager records on a candidate, in the team's words, comma-separated.
    "DECISION_LABELS": "Advance, Hire, Hold, Reject",
    # Fewer submitted scorecards than this, and a candidate is marked "too few to compare".
    "COMPARE_MIN_SCORECARDS": 2,
    # Candidates per page of a kit's comparison (its CSV and JSON hold them all).
    "COMPARE_PER_PAGE": 50,
    # Interviewers per page of the calibration (its CSV, JSON and PDF hold them all).
    "CALIBRATION_PER_PAGE": 50,
    # The task queue (documents, mail, figures, reminders): on this Redis, for any number
    # of hosts and workers; empty: a SQLite file (QUEUE_PATH, or instance/queue.db). Its
    # tasks run in `flask --app hiring worker` processes, at this niceness (0-19).
    "REDIS_URL": "",
    "QUEUE_PATH": "",
    "WORKER_NICE": 10,
    # Run each task at once, in the code that queues it (the tests).
    "TASKS_IMMEDIATE": False,
    # Render a document when a change makes it stale, before anyone asks for it.
    "PREPARE_DOCUMENTS": True,
    # Rendered documents are kept in the database, the least read first to go past this
    # many bytes, and those unread for this many days.
    "DOCUMENTS_MAX_BYTES": 500 * 1024 * 1024,
    "DOCUMENTS_KEEP_DAYS": 30,
    "PAPER_SIZE": "A4",
    "PDF_AUTHOR": "Hiring team",
    "PDF_CONFIDENTIAL": "Confidential: for the hiring decision only. Do not forward.",
    "PDF_MAX_PAGES": 400,
    "PDF_MAX_HTML_BYTES": 8 * 1024 * 1024,
    "UPLOAD_MAX_FILE_BYTES": 512 * 1024,
    # A candidate's CV, cover letter or work sample.
    "CANDIDATE_DOCUMENT_MAX_BYTES": 10 * 1024 * 1024,
    "UPLOAD_MAX_FILES": 50,
    "NOTE_MAX_CHARS": 200_000,
    "PER_PAGE": 25,
    # Single sign-on (OpenID Connect): the provider's issuer URL, this app's client id and
    # secret there, and its name on the sign-in page. Accounts are matched by verified
    # e-mail; one is made on first sign-in (with OIDC_DEFAULT_ROLE) for the domains
    # listed (comma-separated). SSO_ONLY turns passwords off but SSO_BREAK_GLASS's.
    "OIDC_ISSUER": "",
    "OIDC_CLIENT_ID": "",
    "OIDC_CLIENT_SECRET": "",
    "OIDC_PROVIDER_NAME": "your company account",
    "OIDC_ALLOWED_DOMAINS": "",
    "OIDC_DEFAULT_ROLE": "interviewer",
    "SSO_ONLY": False,
    "SSO_BREAK_GLASS": "",
    # Webhooks go to https:// endpoints on public addresses only, unless these allow a
    # development receiver (http://, or a private or loopback address).
    "WEBHOOK_ALLOW_HTTP": False,
    "WEBHOOK_ALLOW_PRIVATE": False,
    "WEBHOOK_TIMEOUT": 10,
    # Deliveries sent or given up are kept this long for the admin pages, then deleted.
    "WEBHOOK_KEEP_DAYS": 30,
    # An API create's Idempotency-Key is remembered this long (a retry within it gets the
    # first answer again), then forgotten.
    "API_IDEMPOTENCY_HOURS": 24,
    # Calls per API token (Flask-Limiter's notation).
    "API_RATE_LIMIT": "600 per minute",
    # argon2id; OWASP's second recommended setting, about 0.14 s per hash here.
    "ARGON2_TIME_COST": 2,
    "ARGON2_MEMORY_COST": 19 * 1024,
    "ARGON2_PARALLELISM": 1,
    # A scorecard tab may stay open all day: tie CSRF tokens to the session instead.
    "WTF_CSRF_TIME_LIMIT": None,
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
}


def database_uri(url: str, instance_path: str) -> str:
    """The SQLAlchemy URL for a configured database URL (psycopg 3 for PostgreSQL)."""
    if not url:
        return f"sqlite:///{Path(instance_path) / 'hiring.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def instance_secret_key(instance_path: str) -> str:
    """Read the instance's secret key, creating it once with owner-only access."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def labels(value: str | list[str]) -> list[str]:
    """A setting listing labels, comma-separated or as a list; blanks dropped."""
    items = value.split(",") if isinstance(value, str) else value
    return [item.strip()[:60] for item in items if item and item.strip()]


def load(app: Flask, overrides: dict | None) -> None:
    """Fill app.config from defaults, the environment and overrides, then derive the rest."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("HIRING")
    app.config.update(overrides or {})

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.setdefault(
        "SQLALCHEMY_DATABASE_URI", database_uri(app.config["DATABASE_URL"], app.instance_path)
    )
    if not app.config["RATELIMIT_STORAGE_URI"]:
        app.config["RATELIMIT_STORAGE_URI"] = ratelimits.uri_for(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    app.config["SESSION_COOKIE_SECURE"] = bool(app.config["HTTPS"])
    if app.config["TIME_ZONE"] not in installed_zones() and app.config["TIME_ZONE"] != "UTC":
        raise ValueError(f"HIRING_TIME_ZONE is not a time zone: {app.config['TIME_ZONE']!r}")
    if not labels(app.config["DECISION_LABELS"]):
        raise ValueError("HIRING_DECISION_LABELS must name at least one outcome")
    if app.config["PAPER_SIZE"] not in ("A4", "Letter"):
        raise ValueError("HIRING_PAPER_SIZE must be A4 or Letter")
    nice = app.config["WORKER_NICE"]
    if not (isinstance(nice, int) and 0 <= nice <= 19):
        raise ValueError("HIRING_WORKER_NICE must be a niceness from 0 to 19")

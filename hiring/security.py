"""Who may open which view, and the headers every response carries."""

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from hiring.auth.models import Role

EVERYONE = frozenset(Role)
MANAGERS = frozenset({Role.ADMIN, Role.MANAGER})
ADMINS = frozenset({Role.ADMIN})

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def allow(roles: frozenset[Role]) -> Callable:
    """Let signed-in users with one of `roles` open the view."""

    def decorate(view: Callable) -> Callable:
        view.allowed_roles = roles
        return view

    return decorate


def public(view: Callable) -> Callable:
    """Let anyone open the view, signed in or not."""
    view.allowed_roles = None
    return view


def wants_json() -> bool:
    """Whether the client asked for JSON first (a browser, or curl's */*, gets HTML)."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.is_json or best == "application/json"


def session_expired() -> str | None:
    """Why the signed-in user's session is over (idle or too old), or None; it keeps the
    time of the last request otherwise."""
    now, config = time.time(), current_app.config
    started, seen = session.get("signed_in_at"), session.get("seen_at")
    if started is None or now - started > config["SESSION_MAX_HOURS"] * 3600:
        return f"Your session ended after {config['SESSION_MAX_HOURS']} hours."
    if seen is not None and now - seen > config["SESSION_IDLE_MINUTES"] * 60:
        return f"Your session ended after {config['SESSION_IDLE_MINUTES']} minutes unused."
    if seen is None or now - seen > 30:
        session["seen_at"] = now
    return None


def check_access() -> None:
    """Before each request: a live session, sign-in and role for the matched view, 404 for
    no view."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    ended = current_user.is_authenticated and session_expired()
    if ended:
        logout_user()
        session.clear()
        flash(f"{ended} Sign in again to go on.", "info")
    view = current_app.view_functions[request.endpoint]
    roles = view.allowed_roles
    if roles is None:
        return None
    if not current_user.is_authenticated:
        if wants_json():
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if current_user.role not in roles:
        abort(403)
    return None


def assert_every_view_guarded(app: Flask) -> None:
    """Fail at start-up when a view was registered without a role requirement."""
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, "allowed_roles")
    ]
    if missing:
        raise RuntimeError(f"views without a role requirement: {', '.join(sorted(missing))}")


def safe_next(target: str | None) -> str | None:
    """Return `target` when it is a path on this site, else None."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None
    return target


def set_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_app.config["HTTPS"]:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response

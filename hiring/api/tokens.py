"""Making, finding and revoking API tokens."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from hiring.api.models import ApiToken
from hiring.audit.operations import record
from hiring.auth.models import Role, User
from hiring.domain import DomainError, Kind
from hiring.extensions import db, utcnow

# What a token may read, and what each scope opens.
SCOPES = {
    "openings:read": "Openings, their scorecards of attributes, interview plans and teams",
    "candidates:read": "Candidates and their applications",
    "scorecards:read": "Submitted scorecards, with their ratings, notes and recommendation",
    "decisions:read": "Decisions on applications, with their rationale",
    "users:read": "Users' names, e-mail addresses and roles",
    "candidates:write": "Add and change candidates, apply them to openings, move applications",
    "interviews:write": "Schedule and cancel interviews (the panel is invited and told)",
}
# A personal token stays within its user's role.
ROLE_SCOPES = {
    Role.ADMIN: frozenset(SCOPES),
    Role.MANAGER: frozenset(SCOPES),
    Role.INTERVIEWER: frozenset({"scorecards:read"}),
}
PREFIX = "hk_"
# How long a token lives at most, and by default.
LIFETIMES = {30: "30 days", 90: "90 days", 365: "a year"}
# The last use is written at most this often: a busy integration is not a write per call.
USE_RECORDED_EVERY = timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    name: str,
    scopes: list[str],
    days: int,
    by: User,
    user: User | None = None,
) -> tuple[ApiToken, str]:
    """A new token and its secret (shown once). With `user`, a personal token acting as
    them, within their role's scopes; without, a service token (admins only)."""
    name = (name or "").strip()
    if not name:
        raise DomainError(Kind.INVALID, "Name the token: what will use it?")
    if days not in LIFETIMES:
        raise DomainError(Kind.INVALID, "Choose how long the token lives.")
    allowed = ROLE_SCOPES[user.role] if user is not None else frozenset(SCOPES)
    if user is None and by.role is not Role.ADMIN:
        raise DomainError(Kind.FORBIDDEN, "Only admins make service tokens.")
    chosen = sorted(set(scopes))
    if not chosen:
        raise DomainError(Kind.INVALID, "Choose at least one scope.")
    if not set(chosen) <= allowed:
        raise DomainError(Kind.INVALID, "A personal token stays within its user's role.")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name[:100],
        user_id=user.id if user else None,
        created_by_id=by.id,
        scopes=chosen,
        digest=digest(secret),
        prefix=secret[:10],
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    record("api_token.create", "api_token", token.id, name=token.name, scopes=chosen)
    return token, secret


def find(secret: str, now: datetime) -> ApiToken | None:
    """The usable token with this secret, if any; its last use noted."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.digest == digest(secret)))
    if token is None or not token.usable(now):
        return None
    if token.last_used_at is None or token.last_used_at < now - USE_RECORDED_EVERY:
        token.last_used_at = now
    return token


def revoke(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record("api_token.revoke", "api_token", token.id, name=token.name)


def listed(user: User | None) -> list[ApiToken]:
    """A user's personal tokens, or (None) the service tokens; newest first."""
    owner = ApiToken.user_id.is_(None) if user is None else ApiToken.user_id == user.id
    return db.session.scalars(
        select(ApiToken).where(owner).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()

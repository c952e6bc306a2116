import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import true
from sqlalchemy.orm import Mapped, mapped_column

from hiring.extensions import CleanString, UTCDateTime, db, enum_column, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    INTERVIEWER = "interviewer"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(CleanString(254), unique=True)
    name: Mapped[str] = mapped_column(CleanString(120))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    password_hash: Mapped[str] = mapped_column(CleanString(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of every session's and remember-me cookie's user id: replacing it signs the
    # user out everywhere at once (sign-out, deactivation, password or role change).
    session_token: Mapped[str] = mapped_column(
        CleanString(64), default=lambda: secrets.token_hex(32)
    )
    # IANA zone name; None: the organisation's (HIRING_TIME_ZONE).
    time_zone: Mapped[str | None] = mapped_column(CleanString(64))
    # Reminders are the non-essential e-mails; invitations and changes always go.
    email_reminders: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Managers' weekly digest (decisions waiting, overdue scorecards, quiet openings).
    email_digest: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Sign the user out of every session and device."""
        self.session_token = secrets.token_hex(32)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_manager(self) -> bool:
        """Managers and admins may manage the bank, kits, interviews and exports."""
        return self.role in (Role.ADMIN, Role.MANAGER)

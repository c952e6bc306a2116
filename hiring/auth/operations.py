from sqlalchemy import func, select

from hiring.audit.operations import record
from hiring.auth.models import Role, User
from hiring.auth.passwords import hash_password, password_problem, verify_password
from hiring.domain import DomainError, Kind
from hiring.extensions import db


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(email: str, name: str, role: Role, password: str) -> User:
    """Add a user with an argon2id hash of `password`."""
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        role=role,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    record("user.create", "user", user.id, role=role.value)
    return user


def change_role(user: User, role: Role) -> None:
    """Give `user` another role; their sessions end, so no page keeps the old one."""
    record("user.role", "user", user.id, old=user.role.value, new=role.value)
    user.role = role
    user.end_sessions()


def set_active(user: User, active: bool) -> None:
    """Deactivate or reactivate a user; a deactivated user's sessions end at once, and
    reactivating does not bring them back."""
    user.active = active
    user.end_sessions()
    record("user.activate" if active else "user.deactivate", "user", user.id)


def sign_out_everywhere(user: User) -> None:
    """End every session and remember-me cookie of the user."""
    user.end_sessions()
    record("user.logout", "user", user.id)


def change_password(user: User, current: str, new: str) -> None:
    """Change the user's own password; every session of theirs ends (the caller signs the
    current one in again)."""
    if not verify_password(user.password_hash, current):
        raise DomainError(
            Kind.INVALID, "Not changed.", errors={"current": "That is not your password."}
        )
    if problem := password_problem(new):
        raise DomainError(Kind.INVALID, "Not changed.", errors={"new": problem})
    user.password_hash = hash_password(new)
    user.end_sessions()
    record("user.password", "user", user.id)


def update_settings(
    user: User, time_zone: str | None, email_reminders: bool, email_digest: bool = True
) -> None:
    """One's own time zone (None: the organisation's), and whether reminders and the
    weekly digest are e-mailed."""
    changed = []
    if email_digest != user.email_digest:
        user.email_digest, changed = email_digest, [*changed, "email_digest"]
    if time_zone != user.time_zone:
        user.time_zone, changed = time_zone, [*changed, "time_zone"]
    if email_reminders != user.email_reminders:
        user.email_reminders, changed = email_reminders, [*changed, "email_reminders"]
    if changed:
        record("user.settings", "user", user.id, fields=changed)

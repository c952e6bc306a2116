from sqlalchemy import func, select

from hiring.audit.operations import record
from hiring.auth.models import Role, User
from hiring.auth.passwords import hash_password
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
    """Give `user` another role."""
    record("user.role", "user", user.id, old=user.role.value, new=role.value)
    user.role = role


def set_active(user: User, active: bool) -> None:
    """Deactivate or reactivate a user; a deactivated user's session ends at once."""
    user.active = active
    record("user.activate" if active else "user.deactivate", "user", user.id)

"""argon2id password hashing, with parameters from the configuration; the password policy."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
# The 30,000 most common passwords of public breaches, as zxcvbn ships them.
COMMON = frozenset(FREQUENCY_LISTS["passwords"])


def _hasher() -> PasswordHasher:
    hasher = current_app.extensions.get("password_hasher")
    if hasher is None:
        cfg = current_app.config
        hasher = PasswordHasher(
            time_cost=cfg["ARGON2_TIME_COST"],
            memory_cost=cfg["ARGON2_MEMORY_COST"],
            parallelism=cfg["ARGON2_PARALLELISM"],
        )
        current_app.extensions["password_hasher"] = hasher
    return hasher


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches `password_hash`; always one full verification."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_hash() -> str:
    """A hash to verify against when the e-mail is unknown, so that every failed sign-in
    costs one verification; made once per app."""
    dummy = current_app.extensions.get("dummy_password_hash")
    if dummy is None:
        dummy = current_app.extensions["dummy_password_hash"] = hash_password("not a password")
    return dummy


def password_problem(password: str) -> str | None:
    """Why `password` may not be used, or None."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if password.lower() in COMMON or password.lower().rstrip("0123456789!") in COMMON:
        return "That password is one of the most common ones; choose another."
    return None

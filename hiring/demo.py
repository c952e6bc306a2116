"""Demo accounts and content, loaded by `flask --app hiring demo`; safe to run again."""

from pathlib import Path

from hiring.auth.models import Role
from hiring.auth.operations import create_user, find_user
from hiring.auth.passwords import hash_password, verify_password
from hiring.questions.operations import import_batch

STARTER_BANK = Path(__file__).parent / "questions" / "starter_bank.json"

DEMO_USERS = [
    (Role.ADMIN, "admin@example.com", "Ada Admin", "demo-admin-pass"),
    (Role.MANAGER, "manager@example.com", "Morgan Manager", "demo-manager-pass"),
    (Role.INTERVIEWER, "interviewer@example.com", "Ira Interviewer", "demo-interviewer-pass"),
    (Role.INTERVIEWER, "sam@example.com", "Sam Second", "demo-interviewer-pass"),
]


def load() -> list[tuple[str, str, str]]:
    """Create or refresh the demo accounts and content; return (role, e-mail, password)."""
    logins = []
    for role, email, name, password in DEMO_USERS:
        user = find_user(email)
        if user is None:
            create_user(email, name, role, password)
        else:
            user.role, user.active = role, True
            if not verify_password(user.password_hash, password):
                user.password_hash = hash_password(password)
        logins.append((role.value, email, password))
    load_starter_bank()
    return logins


def load_starter_bank() -> None:
    """Import our starter question bank (updates in place when run again)."""
    report = import_batch([(STARTER_BANK.name, STARTER_BANK.read_bytes())])
    if report.errors:
        raise RuntimeError(f"the starter bank does not parse: {report.errors}")

"""Demo accounts and content, loaded by `flask --app hiring demo`; safe to run again."""

from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from hiring.auth.models import Role
from hiring.auth.operations import create_user, find_user
from hiring.auth.passwords import hash_password, verify_password
from hiring.extensions import db, utcnow
from hiring.interviews import operations as scoring
from hiring.interviews.models import Candidate
from hiring.interviews.operations import save_candidate, schedule
from hiring.kits import operations as kits
from hiring.kits.models import Kit
from hiring.questions.operations import find_question, import_batch

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
    load_demo_kits()
    load_demo_interviews()
    return logins


def load_starter_bank() -> None:
    """Import our starter question bank (updates in place when run again)."""
    report = import_batch([(STARTER_BANK.name, STARTER_BANK.read_bytes())])
    if report.errors:
        raise RuntimeError(f"the starter bank does not parse: {report.errors}")


DEMO_KITS = [
    {
        "title": "Customer support specialist · first interview",
        "role": "Customer support specialist",
        "purpose": "Find out how the candidate diagnoses problems, writes to customers and "
        "keeps calm when the queue is long.",
        "briefing": "Welcome the candidate and explain the format: four questions, then their "
        "questions.\n\nAsk every question as written, in this order. Use the probes when an "
        "answer stays general.\n\n- Take notes on what the candidate says, not on your "
        "impression.\n- Rate each competency only after the interview.\n- Do not discuss "
        "the candidate with other panelists before you submit.",
        "items": [
            (
                "A customer writes in angry because they were charged twice. How do you respond?",
                "What would you check before promising a refund?\nHow would you know it was "
                "resolved?",
            ),
            (
                "A customer says the app 'doesn't work'. How do you find out what is wrong?",
                "What would you put in an escalation to engineering?",
            ),
            (
                "Here is a customer's confusing question about a feature. Talk me through how you "
                "would write your reply.",
                "",
            ),
            (
                "It is Monday morning, the queue has tripled overnight, and two colleagues are off "
                "sick. What do you do?",
                "What would you tell your lead, and when?",
            ),
        ],
    },
    {
        "title": "Registered nurse · clinical interview",
        "role": "Registered nurse, surgical ward",
        "purpose": "Assess clinical judgement, safety and escalation on a busy surgical ward.",
        "briefing": "Two panelists: one senior nurse and one practice educator.\n\n"
        "- Follow the order of the kit.\n- Probe for what the candidate did, not what they "
        "would do in general.",
        "items": [
            (
                "You notice that a post-operative patient's observations are changing: heart rate "
                "up, blood pressure down, and they seem more confused. What do you do?",
                "What if the doctor does not come?",
            ),
            ("Tell me how you make sure a medication round is safe.", ""),
            (
                "Tell me about a time you saw a colleague do something unsafe. What did you do?",
                "What did you say, word for word?",
            ),
        ],
    },
]


def load_demo_kits() -> None:
    """Create the demo kits, built from the starter bank and published, once."""
    for spec in DEMO_KITS:
        if db.session.scalar(select(Kit).where(Kit.title == spec["title"])) is not None:
            continue
        kit = kits.create_kit(
            spec["title"],
            spec["role"],
            purpose=spec["purpose"],
            duration=45,
            briefing=spec["briefing"],
        )
        version = kit.versions[0]
        for prompt, probes in spec["items"]:
            item = kits.add_question(version, version.sections[1], find_question(prompt))
            kits.update_item(item, minutes=8, probes=probes)
        kits.publish(version)
    db.session.flush()


DEMO_CANDIDATES = [
    # name, role, source, hours from now, scorecards: (interviewer e-mail, ratings, submit)
    (
        "Priya Raman",
        "Customer support specialist",
        "Referral",
        -50,
        [("interviewer@example.com", 3, "yes"), ("sam@example.com", 4, "strong_yes")],
    ),
    (
        "Tomás Alvarez",
        "Customer support specialist",
        "Job board",
        -30,
        [("interviewer@example.com", 2, None), ("sam@example.com", 2, "no")],
    ),
    (
        "Grace Okafor",
        "Customer support specialist",
        "Agency",
        2,
        [("interviewer@example.com", None, None), ("manager@example.com", None, None)],
    ),
]


def load_demo_interviews() -> None:
    """Candidates with interviews on the support kit: submitted, overdue and upcoming."""
    kit = db.session.scalar(select(Kit).where(Kit.title == DEMO_KITS[0]["title"]))
    version = kit.versions[0]
    for name, role, source, hours, panel in DEMO_CANDIDATES:
        if db.session.scalar(select(Candidate).where(Candidate.name == name)) is not None:
            continue
        candidate = save_candidate(
            Candidate(), name=name, email="", role=role, source=source, notes=""
        )
        users = [find_user(email) for email, _, _ in panel]
        interview = schedule(
            candidate, version, utcnow() + timedelta(hours=hours), users, "Room 2 / video"
        )
        for scorecard, (_, rating, recommendation) in zip(interview.scorecards, panel, strict=True):
            if rating is None:
                continue
            tier = ["below_basic", "basic", "solid", "exceptional"][rating - 1]
            changes = {f"item:{item.id}:notes": DEMO_NOTE for item in version.items}
            changes |= {f"item:{item.id}:tier": tier for item in version.items}
            for kc in version.competencies:
                changes[f"rating:{kc.id}:value"] = rating
                changes[f"rating:{kc.id}:evidence"] = DEMO_EVIDENCE
            changes["summary"] = "Clear, structured answers with concrete examples."
            if recommendation:
                changes["recommendation"] = recommendation
            scoring.save(
                scorecard, scorecard.version, changes, current_app.config["NOTE_MAX_CHARS"]
            )
            if recommendation:
                scoring.submit(scorecard)
    db.session.flush()


DEMO_NOTE = (
    "Started by restating the problem. Checked the account before promising anything. "
    "Gave a concrete example from their last job (billing queue, about 40 tickets a day)."
)
DEMO_EVIDENCE = "Verified before acting; explained next steps and timing to the customer."

"""Helpers for tests of interviews and scorecards: a published kit and a scheduled panel."""

from dataclasses import dataclass
from datetime import timedelta

from hiring.auth.models import User
from hiring.extensions import db, utcnow
from hiring.interviews.models import Candidate
from hiring.interviews.operations import schedule
from hiring.kits import operations as kit_ops
from hiring.kits.models import KitVersion
from hiring.questions.models import Question


@dataclass
class Panel:
    candidate_id: int
    interview_id: int
    scorecards: dict[int, int]  # interviewer id -> scorecard id
    items: list[int]
    competencies: list[int]
    scale: list[int]
    kit_version_id: int


def publish_kit(title: str, question_ids: list[int]) -> KitVersion:
    """Inside an app context: a kit asking these questions, rating the competencies they
    suggest, published."""
    kit = kit_ops.create_kit(title, "Role")
    version = kit.versions[0]
    for question_id in question_ids:
        kit_ops.add_question(version, version.sections[1], db.session.get(Question, question_id))
    kit_ops.rate_suggested(version)
    kit_ops.publish(version)
    return version


def make_panel(
    app,
    make_question,
    interviewers: list[User],
    *,
    questions: int = 2,
    hours_ago: float = 1,
    candidate: str = "Casey Candidate",
    kit_title: str = "Panel kit",
) -> Panel:
    """Publish a kit with `questions` questions and schedule an interview with a panel."""
    ids = [
        make_question(f"{kit_title} question {n}?", competencies=[f"Skill {n % 2}"])
        for n in range(questions)
    ]
    with app.app_context():
        version = publish_kit(kit_title, ids)
        person = Candidate(name=candidate, role="Support")
        db.session.add(person)
        interview = schedule(
            person,
            version,
            utcnow() - timedelta(hours=hours_ago),
            [db.session.get(User, u.id) for u in interviewers],
        )
        db.session.commit()
        return Panel(
            candidate_id=person.id,
            interview_id=interview.id,
            scorecards={s.interviewer_id: s.id for s in interview.scorecards},
            items=[item.id for item in version.items],
            competencies=[kc.id for kc in version.competencies],
            scale=[p.value for p in version.scale],
            kit_version_id=version.id,
        )


def complete(panel: Panel, value: int = 3, recommendation: str = "yes") -> dict:
    """Changes that make a scorecard ready to submit."""
    changes = {f"item:{i}:notes": f"Notes on {i}" for i in panel.items}
    for kc in panel.competencies:
        changes[f"rating:{kc}:value"] = value
        changes[f"rating:{kc}:evidence"] = "Said X, did Y."
    changes["recommendation"] = recommendation
    changes["summary"] = "Solid candidate."
    return changes


def submit_as(client, login, user: User, panel: Panel, value: int = 3) -> None:
    """Sign in as `user`, fill their scorecard on `panel` and submit it, through the app."""
    login(user)
    scorecard_id = panel.scorecards[user.id]
    changes = complete(panel, value=value)
    saved = client.post(f"/scorecards/{scorecard_id}/save", json={"base": 0, "changes": changes})
    assert saved.status_code == 200
    assert client.post(f"/scorecards/{scorecard_id}/submit").status_code == 302

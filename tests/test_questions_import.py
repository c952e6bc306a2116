"""Importing question pages and bank documents: idempotent, all or nothing."""

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hiring.extensions import db
from hiring.questions.models import AnswerTier, Competency, PrepTip, Question, Tag, Tier
from tests.test_questions_parsing import PAGE, SEEDS


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Question, AnswerTier, PrepTip, Competency, Tag)
        }


@pytest.fixture
def seed_dir(tmp_path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    for page in SEEDS.glob("*.txt"):
        shutil.copy(page, folder / page.name)
    assert any(folder.iterdir())
    return folder


def test_import_a_folder_with_role_family_and_tags(app, runner, seed_dir):
    result = runner.invoke(
        args=[
            "import-questions",
            str(seed_dir),
            "--role-family",
            "Mental health therapist",
            "--tag",
            "therapy",
            "--tag",
            "Clinical",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Imported 1 question: 1 new, 0 updated, 0 unchanged; 7 new competencies." in (
        result.output
    )
    with app.app_context():
        question = db.session.scalars(select(Question)).one()
        assert question.level == "intermediate"
        assert question.role_family == "Mental health therapist"
        assert [t.name for t in question.tags] == ["clinical", "therapy"]
        assert len(question.tiers) == 3 and len(question.prep_tips) == 5
        assert len(question.competencies) == 7


def test_reimport_updates_without_duplicates(app, runner, seed_dir):
    assert runner.invoke(args=["import-questions", str(seed_dir)]).exit_code == 0
    before = counts(app)
    again = runner.invoke(args=["import-questions", str(seed_dir)])
    assert again.exit_code == 0
    # Nothing on the page changed: the report says so.
    assert "0 new, 0 updated, 1 unchanged; 0 new competencies" in again.output
    assert counts(app) == before


def test_reimport_with_changed_text_updates_the_question(app, runner, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(PAGE)
    runner.invoke(args=["import-questions", str(page)])
    page.write_text(
        PAGE.replace("I make a plan and follow it.", "I plan, then adapt.").replace(
            "• Bring numbers.\n", ""
        )
    )
    assert runner.invoke(args=["import-questions", str(page)]).exit_code == 0
    with app.app_context():
        question = db.session.scalars(select(Question)).one()
        assert question.tier(Tier.BASIC).answer == "I plan, then adapt."
        assert [t.text for t in question.prep_tips] == ["Know your last release."]


def test_competencies_match_the_catalogue_ignoring_case_and_spaces(app, runner, tmp_path):
    (tmp_path / "a.txt").write_text(PAGE)
    other = PAGE.replace("How do you keep a release on schedule?", "How do you plan a sprint?")
    (tmp_path / "b.txt").write_text(other.replace("• Planning", "•   PLANNING  "))
    result = runner.invoke(args=["import-questions", str(tmp_path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        names = db.session.scalars(select(Competency.name).order_by(Competency.key)).all()
    assert names == ["Communication", "Planning"]


def test_a_bad_file_refuses_the_whole_batch(app, runner, tmp_path):
    (tmp_path / "good.txt").write_text(PAGE)
    (tmp_path / "notes.txt").write_text("Shopping list\nmilk\n")
    (tmp_path / "empty.txt").write_text("")
    result = runner.invoke(args=["import-questions", str(tmp_path)])
    assert result.exit_code != 0
    assert "notes.txt: no level line" in result.output
    assert "empty.txt: the file is empty" in result.output
    assert "nothing was imported" in result.output
    assert counts(app)["Question"] == 0 and counts(app)["Competency"] == 0


def test_skip_invalid_imports_the_rest_and_still_fails(app, runner, tmp_path):
    (tmp_path / "good.txt").write_text(PAGE)
    (tmp_path / "notes.txt").write_text("Shopping list\nmilk\n")
    result = runner.invoke(args=["import-questions", str(tmp_path), "--skip-invalid"])
    assert result.exit_code != 0
    assert "notes.txt: no level line" in result.output
    assert "Imported 1 question:" in result.output
    assert counts(app)["Question"] == 1


def test_json_round_trip_is_byte_identical(app, runner, tmp_path, seed_dir):
    from hiring.demo import load_starter_bank

    with app.app_context():
        load_starter_bank()
        db.session.commit()
    runner.invoke(args=["import-questions", str(seed_dir), "--tag", "<b>bold</b>"])
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert runner.invoke(args=["export-questions", "--out", str(first)]).exit_code == 0

    # Empty the bank, import the export, export again.
    with app.app_context():
        for question in db.session.scalars(select(Question)):
            db.session.delete(question)
        for model in (Competency, Tag):
            for row in db.session.scalars(select(model)):
                db.session.delete(row)
        db.session.commit()
    assert counts(app)["Question"] == 0
    result = runner.invoke(args=["import-questions", str(first)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["export-questions", "--out", str(second)]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()

    document = json.loads(first.read_text())
    assert document["format"] == "hiring-question-bank" and document["version"] == 1
    seed = next(q for q in document["questions"] if q["prompt"].startswith("How do you empower"))
    assert seed["tiers"]["basic"]["rationale"] is None
    assert set(seed["tiers"]) == {"basic", "solid", "exceptional"}
    assert len(seed["prep_tips"]) == 5 and len(seed["competencies"]) == 7


def test_missing_tier_is_absent_from_the_export(app, runner, tmp_path):
    page = tmp_path / "p.txt"
    page.write_text(
        PAGE.replace(
            "Here is a more solid answer:\nI break the work down and track risks weekly.\n"
            "Why is this a more solid answer?\nIt shows a method.\n",
            "",
        )
    )
    runner.invoke(args=["import-questions", str(page)])
    out = tmp_path / "bank.json"
    runner.invoke(args=["export-questions", "--out", str(out)])
    tiers = json.loads(out.read_text())["questions"][0]["tiers"]
    assert set(tiers) == {"basic", "exceptional"}


def test_starter_bank_is_rich_enough(app):
    from hiring.demo import STARTER_BANK

    document = json.loads(STARTER_BANK.read_text())
    questions = document["questions"]
    assert len(questions) >= 24
    assert len({q["role_family"] for q in questions}) >= 4
    for q in questions:
        assert set(q["tiers"]) == {"basic", "solid", "exceptional"}, q["prompt"]
        assert all(t["rationale"] for t in q["tiers"].values()), q["prompt"]
        assert len(q["prep_tips"]) >= 3 and len(q["competencies"]) >= 3, q["prompt"]
    anchored = {c["name"] for c in document["competencies"] if len(c["anchors"]) == 4}
    assert {name for q in questions for name in q["competencies"]} <= anchored

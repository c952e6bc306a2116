"""One competency catalogue: near-duplicate names are found on import, on creation and on
the competencies page, and nothing is merged without a decision."""

import io
import json

import pytest
from sqlalchemy import func, select

from hiring.extensions import db
from hiring.questions import operations as bank
from hiring.questions.matching import duplicate_pairs, similar
from hiring.questions.models import Competency, Question
from hiring.questions.parsing import CompetencyData
from tests.test_questions_parsing import PAGE


@pytest.mark.parametrize(
    ("new", "existing"),
    [
        ("Patient safety awareness", "Patient safety"),
        ("Clear written and verbal communication", "Clear written communication"),
        ("Ownership and follow-through", "Ownership and reliability"),
        ("Comunication", "Communication"),  # a typo
    ],
)
def test_these_match(new, existing):
    assert similar(new, existing) is not None
    assert similar(existing, new) is not None


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Patient safety", "Data safety"),
        ("Empathy", "Clinical judgement"),
        ("Written communication", "Written communication"),  # the same name is no lookalike
    ],
)
def test_these_do_not(one, other):
    assert similar(one, other) is None


def test_pairs_in_a_catalogue():
    pairs = duplicate_pairs(["Patient safety", "Data safety", "Patient safety awareness"])
    assert [(a, b) for a, b, _ in pairs] == [("Patient safety", "Patient safety awareness")]


def page_evaluating(*names: str) -> bytes:
    lines = PAGE.split("What are interviewers evaluating with this question?")[0]
    evaluating = "What are interviewers evaluating with this question?\n" + "\n".join(
        f"• {n}" for n in names
    )
    return (lines + evaluating + "\n").encode()


@pytest.fixture
def catalogue(app):
    with app.app_context():
        bank.create_competency(CompetencyData("Patient safety", "", {1: "unsafe", 4: "safe"}))
        bank.create_competency(CompetencyData("Data safety"))
        db.session.commit()


def competency_names(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Competency.name)))


class TestImportInTheBrowser:
    def test_the_preview_shows_the_questions_and_proposes_only_close_names(
        self, app, client, login, users
    ):
        """The repro: the preview showed no question, and its default mapped a therapy
        competency onto a customer-support one because both start with "Empathy"."""
        with app.app_context():
            bank.create_competency(CompetencyData("Empathy with customers"))
            bank.create_competency(CompetencyData("Patient safety"))
            db.session.commit()
        login(users["manager"])
        page = page_evaluating("Empathy with clients in therapy", "Patient safety awareness")
        body = client.post(
            "/questions/import", data={"files": [(io.BytesIO(page), "page.txt")]}
        ).get_data(as_text=True)
        assert "What will be imported" in body and "1 question, as read from the files" in body
        prompt = PAGE.split("\n")[0].strip()
        assert prompt[:40] in body
        assert "Evaluates: Empathy with clients in therapy, Patient safety awareness" in body
        empathy, safety = body.split("<fieldset")[1:3]
        # Sharing a first word is asked about, with "create" chosen; a near-identical
        # name is offered as the answer.
        assert (
            'value="" checked' in empathy
            and 'value="Empathy with customers" checked' not in empathy
        )
        assert 'value="Patient safety" checked' in safety

    def test_a_lookalike_is_shown_first_and_nothing_is_written_until_chosen(
        self, app, client, login, users, catalogue
    ):
        login(users["manager"])
        page = page_evaluating("Patient safety awareness", "Data safety")
        first = client.post(
            "/questions/import",
            data={"files": [(io.BytesIO(page), "page.txt")], "tags": "ward"},
        )
        body = first.get_data(as_text=True)
        assert first.status_code == 200
        assert "These competencies look like ones you have" in body
        assert "“Patient safety awareness”" in body and "Use the existing “Patient safety”" in body
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Question)) == 0
        batch = body.split('name="batch" value="')[1].split('"')[0]
        done = client.post(
            "/questions/import",
            data={"batch": batch, "match-0": "Patient safety", "tags": "ward"},
            follow_redirects=True,
        )
        assert "1 new, 0 updated, 0 unchanged; 0 new competencies" in done.get_data(as_text=True)
        assert competency_names(app) == ["Data safety", "Patient safety"]
        with app.app_context():
            question = db.session.scalars(select(Question)).one()
            assert sorted(c.name for c in question.competencies) == [
                "Data safety",
                "Patient safety",
            ]
            assert [t.name for t in question.tags] == ["ward"]
        # The batch is used up.
        again = client.post("/questions/import", data={"batch": batch, "match-0": ""})
        assert "That upload has expired" in again.get_data(as_text=True)

    def test_create_new_is_a_choice_too(self, app, client, login, users, catalogue):
        login(users["manager"])
        first = client.post(
            "/questions/import",
            data={"files": [(io.BytesIO(page_evaluating("Patient safety awareness")), "p.txt")]},
        )
        batch = first.get_data(as_text=True).split('name="batch" value="')[1].split('"')[0]
        client.post("/questions/import", data={"batch": batch, "match-0": ""})
        assert "Patient safety awareness" in competency_names(app)

    def test_another_users_batch_is_refused(self, app, client, login, users, catalogue):
        login(users["manager"])
        first = client.post(
            "/questions/import",
            data={"files": [(io.BytesIO(page_evaluating("Patient safety awareness")), "p.txt")]},
        )
        batch = first.get_data(as_text=True).split('name="batch" value="')[1].split('"')[0]
        login(users["admin"])
        refused = client.post("/questions/import", data={"batch": batch, "match-0": ""})
        assert "That upload has expired" in refused.get_data(as_text=True)
        for forged in ("../../secret_key", "x" * 30 + "/.."):
            r = client.post("/questions/import", data={"batch": forged})
            assert r.status_code < 500


class TestImportOnTheCommandLine:
    def test_existing_uses_the_match(self, app, runner, tmp_path, catalogue):
        path = tmp_path / "p.txt"
        path.write_bytes(page_evaluating("Patient safety awareness"))
        result = runner.invoke(
            args=["import-questions", str(path), "--match-competencies", "existing"]
        )
        assert result.exit_code == 0, result.output
        assert "“Patient safety awareness” → existing “Patient safety”" in result.output
        assert competency_names(app) == ["Data safety", "Patient safety"]

    def test_new_creates_it_and_says_what_it_looks_like(self, app, runner, tmp_path, catalogue):
        path = tmp_path / "p.txt"
        path.write_bytes(page_evaluating("Patient safety awareness"))
        result = runner.invoke(args=["import-questions", str(path)])  # not a terminal: new
        assert result.exit_code == 0, result.output
        assert "created “Patient safety awareness”, which looks like “Patient safety”" in (
            result.output
        )
        assert "Patient safety awareness" in competency_names(app)

    def test_ask_takes_the_answer(self, app, runner, tmp_path, catalogue):
        path = tmp_path / "p.txt"
        path.write_bytes(page_evaluating("Patient safety awareness"))
        result = runner.invoke(
            args=["import-questions", str(path), "--match-competencies", "ask"], input="e\n"
        )
        assert result.exit_code == 0, result.output
        assert "looks like “Patient safety”" in result.output
        assert competency_names(app) == ["Data safety", "Patient safety"]

    def test_a_bank_document_competency_mapped_to_existing_keeps_the_existing_anchors(
        self, app, runner, tmp_path, catalogue
    ):
        document = {
            "format": "hiring-question-bank",
            "version": 1,
            "competencies": [
                {"name": "Patient safety awareness", "description": "", "anchors": {"1": "x"}}
            ],
            "questions": [],
        }
        path = tmp_path / "bank.json"
        path.write_text(json.dumps(document))
        runner.invoke(args=["import-questions", str(path), "--match-competencies", "existing"])
        with app.app_context():
            kept = db.session.scalar(select(Competency).where(Competency.name == "Patient safety"))
            assert {a.point: a.text for a in kept.anchors} == {1: "unsafe", 4: "safe"}
        assert competency_names(app) == ["Data safety", "Patient safety"]


def test_creating_a_lookalike_asks_first(app, client, login, users, catalogue):
    login(users["manager"])
    r = client.post("/questions/competencies/new", data={"name": "Patient safety awareness"})
    assert r.status_code == 422
    assert "This looks like “Patient safety”" in r.get_data(as_text=True)
    assert "create it anyway" in r.get_data(as_text=True)
    r = client.post(
        "/questions/competencies/new",
        data={"name": "Patient safety awareness", "create_anyway": "y"},
    )
    assert r.status_code == 302 and "Patient safety awareness" in competency_names(app)


def test_the_competencies_page_offers_to_merge_possible_duplicates(
    app, client, login, users, catalogue
):
    with app.app_context():
        bank.create_competency(CompetencyData("Patient safety awareness", "", {2: "aware"}))
        db.session.commit()
        ids = dict(db.session.execute(select(Competency.name, Competency.id)).all())
    login(users["manager"])
    page = client.get("/questions/competencies").get_data(as_text=True)
    assert "Possible duplicates" in page
    assert "Merge “Patient safety awareness” into “Patient safety”" in page
    assert (
        "Data safety</strong> <span"
        not in page.split("Possible duplicates")[1].split("</section>")[0]
    )
    client.post(
        "/questions/competencies/merge",
        data={"source": ids["Patient safety awareness"], "target": ids["Patient safety"]},
    )
    with app.app_context():
        merged = db.session.get(Competency, ids["Patient safety"])
        assert {a.point: a.text for a in merged.anchors} == {1: "unsafe", 2: "aware", 4: "safe"}
    assert "Patient safety awareness" not in competency_names(app)


class TestTheQuestionFormAsksToo:
    """The repro: editing a question made lookalike competencies without asking; and
    competencies no question uses stayed listed with no way to tidy them."""

    def test_a_lookalike_name_is_asked_about_then_created_when_meant(
        self, app, client, login, users, catalogue
    ):
        from tests.test_questions_views import question_form

        login(users["manager"])
        data = question_form(competencies="Patient safety awareness\nData safety")
        refused = client.post("/questions/new", data=data)
        body = refused.get_data(as_text=True)
        assert refused.status_code == 422
        assert "“Patient safety awareness” looks like “Patient safety”" in body
        assert "create them anyway" in body
        assert competency_names(app) == ["Data safety", "Patient safety"]
        # The existing name, written instead, is used; or the new one when meant.
        used = client.post("/questions/new", data=question_form(competencies="patient SAFETY"))
        assert used.status_code == 302
        meant = client.post(
            "/questions/new",
            data=question_form(
                prompt="Another prompt?", competencies="Patient safety awareness", create_anyway="y"
            ),
        )
        assert meant.status_code == 302
        assert "Patient safety awareness" in competency_names(app)

    def test_an_unused_competency_is_removed_a_used_one_stays(
        self, app, client, login, users, catalogue, make_question
    ):
        make_question("Uses data safety?", competencies=["Data safety"])
        login(users["manager"])
        with app.app_context():
            ids = dict(db.session.execute(select(Competency.name, Competency.id)).all())
        page = client.get("/questions/competencies").get_data(as_text=True)
        assert page.count(">Remove</button>") == 1  # Patient safety: no question
        done = client.post(
            f"/questions/competencies/{ids['Patient safety']}/delete", follow_redirects=True
        )
        assert "“Patient safety” is out of the catalogue." in done.get_data(as_text=True)
        kept = client.post(
            f"/questions/competencies/{ids['Data safety']}/delete", follow_redirects=True
        )
        assert "is evaluated by 1 question: merge it instead" in kept.get_data(as_text=True)
        assert competency_names(app) == ["Data safety"]
        assert client.post("/questions/competencies/999999/delete").status_code == 404

    def test_one_a_kit_rates_stays(self, app, client, login, users, make_question):
        from tests.scoring import make_panel

        panel = make_panel(app, make_question, [users["interviewer"]])
        with app.app_context():
            from hiring.kits.models import KitCompetency

            competency_id = db.session.get(KitCompetency, panel.competencies[0]).competency_id
            db.session.execute(
                bank.question_competencies.delete().where(
                    bank.question_competencies.c.competency_id == competency_id
                )
            )
            db.session.commit()
        login(users["manager"])
        kept = client.post(f"/questions/competencies/{competency_id}/delete", follow_redirects=True)
        assert "is rated by a kit or an opening" in kept.get_data(as_text=True)
        with app.app_context():
            assert db.session.get(Competency, competency_id) is not None

"""Bank and kit fixes: anchors beyond point 4 survive an edit, a draft guide's PDF follows
the bank, honest import reports, lists in briefings, the guide PDF's content."""

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from hiring.extensions import db
from hiring.kits import operations as kit_ops
from hiring.kits.models import Kit
from hiring.questions import operations as bank
from hiring.questions.models import Competency, CompetencyAnchor, Question
from hiring.questions.parsing import CompetencyData, parse_page
from hiring.text import paragraphs
from tests.test_questions_parsing import PAGE


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


class TestCompetencyAnchors:
    def test_editing_keeps_anchors_for_points_5_to_7(self, app, client, login, users):
        with app.app_context():
            competency = bank.create_competency(
                CompetencyData("Judgement", "", {p: f"anchor {p}" for p in range(1, 8)})
            )
            db.session.commit()
            cid = competency.id
        login(users["manager"])
        form = client.get(f"/questions/competencies/{cid}/edit").get_data(as_text=True)
        assert 'name="anchor_7"' in form and "anchor 7" in form  # all seven are shown
        data = {"name": "Judgement", "description": "Weighs options."}
        data |= {f"anchor_{p}": f"anchor {p}" for p in range(1, 8)}
        data["anchor_2"] = "edited 2"
        assert client.post(f"/questions/competencies/{cid}/edit", data=data).status_code == 302
        with app.app_context():
            anchors = {
                a.point: a.text
                for a in db.session.scalars(
                    select(CompetencyAnchor).where(CompetencyAnchor.competency_id == cid)
                )
            }
        assert anchors == {p: ("edited 2" if p == 2 else f"anchor {p}") for p in range(1, 8)}

    def test_a_save_never_deletes_a_point_it_did_not_show(self, app):
        with app.app_context():
            competency = bank.create_competency(
                CompetencyData("Care", "", {p: f"a{p}" for p in range(1, 8)})
            )
            # A form showing four points (say, an older page) saves only those four.
            bank.save_competency(
                competency, CompetencyData("Care", "x", {1: "b1", 2: "", 3: "a3", 4: "a4"})
            )
            db.session.flush()
            assert {a.point: a.text for a in competency.anchors} == {
                1: "b1",
                3: "a3",
                4: "a4",
                5: "a5",
                6: "a6",
                7: "a7",
            }
            db.session.rollback()

    def test_the_form_shows_the_largest_scale_a_kit_rates_it_on(
        self, app, client, login, users, make_question
    ):
        qid = make_question("Scaled?", competencies=["Scaled skill"])
        with app.app_context():
            kit = kit_ops.create_kit("Scaled kit", "Role")
            version = kit.versions[0]
            kit_ops.add_question(version, version.sections[1], db.session.get(Question, qid))
            kit_ops.rate_suggested(version)
            kit_ops.set_scale(version, [f"P{n}" for n in range(1, 7)])
            db.session.commit()
            cid = db.session.scalar(select(Competency.id).where(Competency.name == "Scaled skill"))
        login(users["manager"])
        form = client.get(f"/questions/competencies/{cid}/edit").get_data(as_text=True)
        assert 'name="anchor_6"' in form and 'name="anchor_7"' not in form


def test_a_draft_guide_pdf_follows_an_edited_question(app, client, login, users, make_question):
    qid = make_question("The prompt before?", competencies=["Clarity"])
    with app.app_context():
        kit = kit_ops.create_kit("Draft kit", "Role")
        version = kit.versions[0]
        kit_ops.add_question(version, version.sections[1], db.session.get(Question, qid))
        kit_ops.rate_suggested(version)
        db.session.commit()
        kit_id = kit.id
    login(users["manager"])
    assert "The prompt before?" in pdf_text(client.get(f"/kits/{kit_id}/v/1/guide.pdf").data)
    with app.app_context():
        question = db.session.get(Question, qid)
        question.prompt = "The prompt after?"
        db.session.commit()
    assert "The prompt after?" in client.get(f"/kits/{kit_id}/v/1/guide").get_data(as_text=True)
    text = pdf_text(client.get(f"/kits/{kit_id}/v/1/guide.pdf").data)
    assert "The prompt after?" in text and "The prompt before?" not in text


def test_the_guide_pdf_shows_competencies_per_question_and_the_recommendation(
    app, client, login, users, make_question
):
    qid = make_question("Which skills?", competencies=["Clarity", "Rigour"])
    with app.app_context():
        kit = kit_ops.create_kit(
            "Skills kit", "Role", briefing="Welcome them.\n- Be on time\n- Take notes"
        )
        version = kit.versions[0]
        kit_ops.add_question(version, version.sections[1], db.session.get(Question, qid))
        kit_ops.rate_suggested(version)
        db.session.commit()
        kit_id = kit.id
    login(users["manager"])
    text = " ".join(pdf_text(client.get(f"/kits/{kit_id}/v/1/guide.pdf").data).split())
    assert "Assesses: Clarity, Rigour" in text
    assert "Overall recommendation (choose one): Strong no · No · Yes · Strong yes" in text
    page = client.get(f"/kits/{kit_id}/v/1/guide").get_data(as_text=True)
    assert "<p>Welcome them.</p><ul><li>Be on time</li><li>Take notes</li></ul>" in page
    assert "<br>- Be on time" not in page and "- Be on time" not in text


def test_briefing_lines_are_a_list_right_after_a_line_of_text():
    html = str(paragraphs("Two panelists.\n- Follow the order.\n- Probe for what they did."))
    assert html == (
        "<p>Two panelists.</p><ul><li>Follow the order.</li><li>Probe for what they did.</li></ul>"
    )
    assert str(paragraphs("- <b>bold</b>")) == "<ul><li>&lt;b&gt;bold&lt;/b&gt;</li></ul>"


class TestImportReports:
    def test_an_unchanged_page_is_reported_unchanged(self, app):
        with app.app_context():
            first = bank.import_batch([("p.txt", PAGE.encode())])
            again = bank.import_batch([("p.txt", PAGE.encode())])
            changed = bank.import_batch(
                [("p.txt", PAGE.replace("Bring numbers.", "Bring data.").encode())]
            )
            db.session.rollback()
        assert (first.created, first.updated, first.unchanged) == (1, 0, 0)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
        assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 0)
        assert "0 new, 0 updated, 1 unchanged" in again.summary()

    def test_the_first_level_line_wins_and_a_second_is_reported(self, app):
        page = PAGE.replace("ENTRY LEVEL\n", "ENTRY LEVEL\nSENIOR LEVEL\n")
        question = parse_page(page, "two-levels.txt")
        assert question.level == "entry"
        assert question.warnings == [
            "two-levels.txt: a second level line (“SENIOR LEVEL”) was ignored; the first "
            "(“entry”) is kept"
        ]
        with app.app_context():
            report = bank.import_batch([("two-levels.txt", page.encode())])
            db.session.rollback()
        assert report.warnings == question.warnings

    def test_a_batch_that_fails_while_writing_writes_nothing(self, app, monkeypatch):
        second = PAGE.replace("keep a release on schedule", "ship a hotfix")
        calls = []
        real = bank.upsert_question

        def fails_on_the_second(data, **kwargs):
            calls.append(data.prompt)
            if len(calls) == 2:
                raise ValueError("the database refused the second question")
            return real(data, **kwargs)

        monkeypatch.setattr(bank, "upsert_question", fails_on_the_second)
        with app.app_context():
            report = bank.import_batch([("a.txt", PAGE.encode()), ("b.txt", second.encode())])
            # The caller did not roll back: the batch undid itself.
            assert db.session.scalar(select(func.count()).select_from(Question)) == 0
            assert db.session.scalar(select(func.count()).select_from(Competency)) == 0
            db.session.commit()
            assert db.session.scalar(select(func.count()).select_from(Question)) == 0
        assert report.errors == ["nothing was imported: the database refused the second question"]
        assert report.imported == 0


@pytest.mark.parametrize("bad", [b"\xff\xfe not utf-8", b""])
def test_a_bad_file_writes_nothing_either(app, bad):
    with app.app_context():
        report = bank.import_batch([("a.txt", PAGE.encode()), ("bad.txt", bad)])
        assert report.errors and db.session.scalar(select(func.count()).select_from(Question)) == 0
        assert db.session.scalar(select(func.count()).select_from(Kit)) == 0


class TestScaleRemap:
    def test_remap_by_meaning(self):
        four = {"1": "below", "2": "basic", "3": "solid", "4": "exceptional"}
        assert kit_ops.remap_anchors(four, 4, 5) == (
            {"1": "below", "2": "basic", "4": "solid", "5": "exceptional"},
            {},
        )
        five = {"1": "a", "2": "b", "3": "c", "4": "d", "5": "e"}
        assert kit_ops.remap_anchors(five, 5, 3) == (
            {"1": "a", "2": "c", "3": "e"},
            {2: "b", 4: "d"},
        )

    def test_changing_the_points_is_reviewed_before_saving(
        self, app, client, login, users, make_question
    ):
        from hiring.kits.models import KitVersion

        qid = make_question("Scaled?", competencies=["Judgement"])
        with app.app_context():
            kit = kit_ops.create_kit("Remap kit", "Role")
            version = kit.versions[0]
            kit_ops.add_question(version, version.sections[1], db.session.get(Question, qid))
            (kc,) = kit_ops.rate_suggested(version)
            kit_ops.set_anchors(kc, {1: "below", 2: "basic", 3: "solid", 4: "exceptional"})
            db.session.commit()
            kit_id, kc_id, lock = kit.id, kc.id, version.lock
        login(users["manager"])
        labels = {f"label_{n}": f"L{n}" for n in range(1, 6)}
        review = client.post(f"/kits/{kit_id}/v/1/scale", data={"lock": lock, "points": 5} | labels)
        page = review.get_data(as_text=True)
        assert "The scale goes from 4 to 5 points: review the anchors" in page
        assert f'name="anchor_{kc_id}_5" rows="2" maxlength="2000">exceptional</textarea>' in page
        assert f'name="anchor_{kc_id}_3" rows="2" maxlength="2000"></textarea>' in page
        with app.app_context():
            assert len(db.session.get(KitVersion, version.id).scale) == 4  # nothing saved yet
        anchors = {
            f"anchor_{kc_id}_{p}": t
            for p, t in [
                (1, "below"),
                (2, "basic"),
                (3, "between"),
                (4, "solid"),
                (5, "exceptional"),
            ]
        }
        done = client.post(
            f"/kits/{kit_id}/v/1/scale",
            data={"lock": lock, "points": 5, "reviewed": "1"} | labels | anchors,
            follow_redirects=True,
        )
        assert "Rating scale saved: 4 to 5 points, anchors as reviewed." in done.get_data(
            as_text=True
        )
        with app.app_context():
            v = db.session.get(KitVersion, version.id)
            assert [p.label for p in v.scale] == ["L1", "L2", "L3", "L4", "L5"]
            assert v.competencies[0].anchors == {
                "1": "below",
                "2": "basic",
                "3": "between",
                "4": "solid",
                "5": "exceptional",
            }


class TestRecommendationScale:
    @pytest.fixture
    def kit(self, app, make_question):
        qid = make_question("Recommend?", competencies=["Judgement"])
        with app.app_context():
            kit = kit_ops.create_kit("Rec kit", "Role")
            version = kit.versions[0]
            kit_ops.add_question(version, version.sections[1], db.session.get(Question, qid))
            kit_ops.rate_suggested(version)
            db.session.commit()
            return kit.id, version.id

    def test_a_three_point_scale_in_the_teams_words(
        self, app, client, login, users, kit, make_question
    ):
        from hiring.auth.models import User
        from hiring.extensions import utcnow
        from hiring.interviews.models import Candidate, Recommendation, Scorecard
        from hiring.interviews.operations import schedule
        from hiring.kits.models import KitVersion

        kit_id, version_id = kit
        login(users["manager"])
        with app.app_context():
            lock = db.session.get(KitVersion, version_id).lock
        r = client.post(
            f"/kits/{kit_id}/v/1/recommendation",
            data={
                "lock": lock,
                "points": 3,
                "label_1": "Decline",
                "label_2": "Second look",
                "label_3": "Offer",
            },
            follow_redirects=True,
        )
        assert "Recommendation scale saved." in r.get_data(as_text=True)
        guide = client.get(f"/kits/{kit_id}/v/1/guide").get_data(as_text=True)
        assert "Overall recommendation: Decline · Second look · Offer." in guide
        text = " ".join(pdf_text(client.get(f"/kits/{kit_id}/v/1/guide.pdf").data).split())
        assert "Decline · Second look · Offer" in text
        with app.app_context():
            version = db.session.get(KitVersion, version_id)
            kit_ops.publish(version)
            person = Candidate(name="Rec Candidate")
            db.session.add(person)
            interview = schedule(
                person,
                version,
                utcnow(),
                [db.session.get(User, users["interviewer"].id)],
            )
            db.session.commit()
            sid = interview.scorecards[0].id
            kc_id = version.competencies[0].id
            # A new draft keeps the scale.
            draft = kit_ops.draft_of(version.kit)
            assert (draft.recommendation_points, draft.recommendation_labels) == (
                3,
                ["Decline", "Second look", "Offer"],
            )
            db.session.rollback()
        login(users["interviewer"])
        page = client.get(f"/scorecards/{sid}").get_data(as_text=True)
        assert "> Second look</label>" in page and "Strong yes" not in page
        refused = client.post(
            f"/scorecards/{sid}/save", json={"base": 0, "changes": {"recommendation": "strong_yes"}}
        )
        assert refused.get_json()["errors"] == {
            "recommendation": "Choose Decline, Second look or Offer."
        }
        saved = client.post(
            f"/scorecards/{sid}/save",
            json={
                "base": 0,
                "changes": {
                    "recommendation": "neutral",
                    f"rating:{kc_id}:value": 3,
                    f"rating:{kc_id}:evidence": "Said so.",
                },
            },
        )
        assert saved.get_json()["errors"] == {}
        assert client.post(f"/scorecards/{sid}/submit").status_code == 302
        with app.app_context():
            assert db.session.get(Scorecard, sid).recommendation is Recommendation.NEUTRAL
        page = client.get(f"/scorecards/{sid}").get_data(as_text=True)
        assert "<strong>Second look</strong>" in page
        login(users["manager"])
        with app.app_context():
            candidate_id = db.session.get(Scorecard, sid).interview.candidate_id
        debrief = client.get(f"/candidates/{candidate_id}/debrief").get_data(as_text=True)
        # The tally speaks the kit's words too.
        assert ">Second look</span>" in debrief and "1 × Second look" in debrief
        assert "1 × Neutral" not in debrief

    @pytest.mark.parametrize(
        ("points", "labels", "message"),
        [
            (1, ["Only"], "Number must be between 2 and 5."),
            (3, ["Yes", "", "No"], "Every point of the recommendation scale needs a label."),
            (2, ["Same", "same"], "Each point of the recommendation scale needs its own label."),
        ],
    )
    def test_bad_scales_are_refused(self, app, client, login, users, kit, points, labels, message):
        from hiring.kits.models import KitVersion

        kit_id, version_id = kit
        login(users["manager"])
        with app.app_context():
            lock = db.session.get(KitVersion, version_id).lock
        data = {"lock": lock, "points": points} | {
            f"label_{n}": label for n, label in enumerate(labels, start=1)
        }
        r = client.post(f"/kits/{kit_id}/v/1/recommendation", data=data, follow_redirects=True)
        assert message in r.get_data(as_text=True)
        with app.app_context():
            assert db.session.get(KitVersion, version_id).recommendation_points == 4

"""The question bank in the browser's HTTP: list, search, detail, edit, import, competencies."""

import io

import pytest
from sqlalchemy import func, select

from hiring.extensions import db
from hiring.kits.models import Kit, KitItem, KitSection, KitVersion
from hiring.questions.models import Competency, Question, Tier
from hiring.questions.parsing import TierData
from tests.test_questions_parsing import PAGE

MARKUP = '<script>alert("x")</script><b>bold</b>'


def question_form(**overrides) -> dict:
    data = {
        "prompt": "How do you prioritise a backlog?",
        "level": "Intermediate",
        "role_family": "Product manager",
        "tags": "planning, Roadmap",
        "basic_answer": "By urgency.",
        "basic_rationale": "",
        "solid_answer": "By value and effort.",
        "solid_rationale": "Weighs cost and benefit.",
        "exceptional_answer": "By outcomes, with evidence and stakeholders.",
        "exceptional_rationale": "Connects to strategy.",
        "prep_tips": "Bring an example\n\nKnow a framework\n",
        "competencies": "Prioritisation\nStakeholder management",
    }
    return data | overrides


def use_in_kit(app, question_id: int) -> None:
    with app.app_context():
        kit = Kit(title="Kit", role="Role")
        version = KitVersion(kit=kit, number=1)
        section = KitSection(kit_version=version, position=0, title="Main")
        db.session.add_all([kit, version, section])
        db.session.flush()
        db.session.add(
            KitItem(section=section, kit_version_id=version.id, position=0, question_id=question_id)
        )
        db.session.commit()


class TestList:
    def test_search_is_case_insensitive_over_all_text(self, client, login, users, make_question):
        make_question("Tell me about Ünïcode handling?", prep_tips=["Mention NORMALISATION"])
        make_question("Another prompt?", tiers={Tier.BASIC: TierData("x", "Rationale ZEBRA")})
        make_question("Unrelated?")
        login(users["interviewer"])
        for term, expected in [
            ("üNÏCODE", "Tell me about"),
            ("normalisation", "Tell me about"),
            ("zebra", "Another prompt"),
            ("answer 3", "Unrelated"),
        ]:
            page = client.get("/questions/", query_string={"q": term}).get_data(as_text=True)
            assert expected in page, term
            assert "<span>1 question</span>" in page, term

    def test_search_escapes_like_wildcards(self, client, login, users, make_question):
        make_question("Plain question?")
        login(users["manager"])
        page = client.get("/questions/", query_string={"q": "%"}).get_data(as_text=True)
        assert "<span>0 questions</span>" in page

    def test_filters(self, client, login, users, make_question, app):
        make_question(
            "Nurse question?",
            role_family="Nursing",
            level="entry",
            tags=["night"],
            competencies=["Clinical judgement"],
        )
        make_question("Engineer question?")
        login(users["manager"])
        with app.app_context():
            competency_id = db.session.scalar(
                select(Competency.id).where(Competency.key == "clinical judgement")
            )
        for args in (
            {"family": "Nursing"},
            {"level": "entry"},
            {"tag": "night"},
            {"competency": competency_id},
        ):
            page = client.get("/questions/", query_string=args).get_data(as_text=True)
            assert "Nurse question?" in page and "Engineer question?" not in page, args

    def test_archived_questions_are_hidden_unless_asked(self, client, login, users, make_question):
        question_id = make_question("Old question?")
        login(users["manager"])
        client.post(f"/questions/{question_id}/archive")
        assert "Old question?" not in client.get("/questions/").get_data(as_text=True)
        page = client.get("/questions/?archived=1").get_data(as_text=True)
        assert "Old question?" in page and "Archived" in page

    def test_pagination(self, client, login, users, make_question):
        for n in range(30):
            make_question(f"Paged question {n:02d}?")
        login(users["manager"])
        first = client.get("/questions/").get_data(as_text=True)
        second = client.get("/questions/?page=2").get_data(as_text=True)
        assert "Page 1 of 2" in first and "30 in all" in first
        assert "Paged question 29?" in second and "Paged question 29?" not in first

    @pytest.mark.parametrize("size", [10, 300])
    def test_list_runs_a_bounded_number_of_queries(
        self, app, client, login, users, size, count_queries
    ):
        from hiring.questions.operations import upsert_question
        from hiring.questions.parsing import QuestionData

        with app.app_context():
            for n in range(size):
                upsert_question(
                    QuestionData(
                        prompt=f"Bulk question {n}?",
                        role_family=f"Family {n % 7}",
                        tags=[f"tag{n % 5}"],
                        tiers={Tier.BASIC: TierData("a")},
                        competencies=[f"Competency {n % 11}", f"Competency {n % 13}"],
                    )
                )
            db.session.commit()
        login(users["manager"])
        with count_queries() as counter:
            response = client.get("/questions/?per_page=100")
            search = client.get("/questions/?q=bulk&family=Family+1")
        assert response.status_code == search.status_code == 200
        # 9 per page, and one more for the search snippets.
        assert counter.count <= 2 * 9 + 1, counter.statements


class TestDetailAndEdit:
    def test_detail_shows_everything(self, client, login, users, make_question):
        question_id = make_question(
            "Detailed question?",
            tags=["alpha"],
            competencies=["Curiosity"],
            prep_tips=["Read the brief"],
        )
        login(users["interviewer"])
        page = client.get(f"/questions/{question_id}").get_data(as_text=True)
        for text in (
            "Detailed question?",
            "Intermediate",
            "Software engineer",
            "#alpha",
            "Basic answer",
            "Solid answer",
            "Solid because",
            "Exceptional answer",
            "Best because",
            "Read the brief",
            "Curiosity",
        ):
            assert text in page, text
        assert "Edit</a>" not in page  # interviewers read only

    def test_unknown_question_is_404(self, client, login, users):
        login(users["interviewer"])
        assert client.get("/questions/9999").status_code == 404

    def test_create(self, app, client, login, users):
        login(users["manager"])
        r = client.post("/questions/new", data=question_form())
        assert r.status_code == 302
        with app.app_context():
            q = db.session.scalars(select(Question)).one()
            assert q.level == "intermediate" and q.role_family == "Product manager"
            assert [t.name for t in q.tags] == ["planning", "roadmap"]
            assert [t.text for t in q.prep_tips] == ["Bring an example", "Know a framework"]
            assert q.tier(Tier.BASIC).rationale is None
            assert sorted(c.name for c in q.competencies) == [
                "Prioritisation",
                "Stakeholder management",
            ]

    @pytest.mark.parametrize(
        "overrides, message",
        [
            ({"prompt": ""}, "This field is required."),
            ({"prompt": "x" * 1001}, "Field cannot be longer than 1000 characters."),
            (
                {
                    "basic_answer": "",
                    "solid_answer": "",
                    "exceptional_answer": "",
                    "basic_rationale": "",
                    "solid_rationale": "",
                    "exceptional_rationale": "",
                },
                "Write at least one sample answer.",
            ),
            ({"solid_answer": ""}, "A rationale needs the answer it explains."),
            ({"basic_answer": "x" * 20_001}, "cannot be longer than 20000"),
        ],
    )
    def test_create_validation(self, app, client, login, users, overrides, message):
        login(users["manager"])
        r = client.post("/questions/new", data=question_form(**overrides))
        assert r.status_code == 422
        assert message in r.get_data(as_text=True)
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Question)) == 0

    def test_duplicate_prompt_is_refused(self, client, login, users, make_question):
        make_question("How do you prioritise a backlog?")
        login(users["manager"])
        r = client.post(
            "/questions/new", data=question_form(prompt="how do you  PRIORITISE a backlog?")
        )
        assert r.status_code == 422
        assert "already has a question with this prompt" in r.get_data(as_text=True)

    def test_edit_keeps_no_duplicates(self, app, client, login, users, make_question):
        question_id = make_question()
        login(users["manager"])
        form = client.get(f"/questions/{question_id}/edit").get_data(as_text=True)
        assert "Basic answer" in form
        r = client.post(
            f"/questions/{question_id}/edit",
            data=question_form(prompt="Renamed?", solid_answer="", solid_rationale=""),
        )
        assert r.status_code == 302
        with app.app_context():
            q = db.session.get(Question, question_id)
            assert q.prompt == "Renamed?"
            assert [t.tier for t in q.ordered_tiers] == [Tier.BASIC, Tier.EXCEPTIONAL]

    def test_delete_unused_question(self, app, client, login, users, make_question):
        question_id = make_question()
        login(users["manager"])
        assert client.post(f"/questions/{question_id}/delete").status_code == 302
        with app.app_context():
            assert db.session.get(Question, question_id) is None

    def test_question_used_by_a_kit_can_only_be_archived(
        self, app, client, login, users, make_question
    ):
        question_id = make_question()
        use_in_kit(app, question_id)
        login(users["manager"])
        r = client.post(f"/questions/{question_id}/delete", follow_redirects=True)
        assert "cannot be deleted. Archive it instead" in r.get_data(as_text=True)
        client.post(f"/questions/{question_id}/archive")
        with app.app_context():
            assert db.session.get(Question, question_id).is_archived

    @pytest.mark.parametrize(
        "url", ["/questions/new", "/questions/import", "/questions/competencies/new"]
    )
    def test_interviewers_cannot_change_the_bank(self, app, client, login, users, url):
        login(users["interviewer"])
        assert client.post(url, data=question_form()).status_code == 403
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Question)) == 0


class TestEscaping:
    def test_markup_is_stored_as_written_and_shown_escaped(
        self, app, client, login, users, make_question
    ):
        question_id = make_question(
            f"Prompt {MARKUP}?",
            role_family=f"Family {MARKUP}",
            tags=[MARKUP],
            tiers={Tier.BASIC: TierData(f"Answer {MARKUP}", f"Why {MARKUP}")},
            prep_tips=[f"Tip {MARKUP}"],
            competencies=[f"Skill {MARKUP}"],
        )
        with app.app_context():
            assert db.session.get(Question, question_id).prompt == f"Prompt {MARKUP}?"
        login(users["manager"])
        for url in (
            "/questions/",
            f"/questions/{question_id}",
            f"/questions/{question_id}/edit",
            "/questions/competencies",
            "/questions/?q=script",
        ):
            page = client.get(url).get_data(as_text=True)
            assert "<script>alert" not in page and "<b>bold</b>" not in page, url
            assert "&lt;script&gt;" in page or "&lt;b&gt;" in page, url


class TestUpload:
    def upload(self, client, *files, **fields):
        data = {"files": [(io.BytesIO(content), name) for name, content in files]} | fields
        return client.post("/questions/import", data=data, content_type="multipart/form-data")

    def test_upload_several_pages(self, app, client, login, users):
        login(users["manager"])
        other = PAGE.replace("How do you keep a release on schedule?", "How do you plan?")
        r = self.upload(
            client,
            ("a.txt", PAGE.encode()),
            ("b.txt", other.encode()),
            role_family="Engineering",
            tags="imported",
        )
        assert r.status_code == 302
        page = client.get("/questions/?tag=imported").get_data(as_text=True)
        assert "How do you plan?" in page and "Engineering" in page

    def test_a_bad_file_refuses_the_upload(self, app, client, login, users):
        login(users["manager"])
        r = self.upload(client, ("a.txt", PAGE.encode()), ("cat.txt", b"meow\n"))
        assert r.status_code == 422
        body = r.get_data(as_text=True)
        assert "Nothing was imported" in body and "cat.txt: no level line" in body
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Question)) == 0

    @pytest.mark.parametrize(
        "config_overrides", [{"UPLOAD_MAX_FILES": 2, "UPLOAD_MAX_FILE_BYTES": 4000}]
    )
    def test_upload_limits(self, app, client, login, users, config_overrides):
        login(users["manager"])
        r = self.upload(client, *[(f"{n}.txt", PAGE.encode()) for n in range(3)])
        assert "At most 2 files can be imported at once; you chose 3." in r.get_data(as_text=True)
        r = self.upload(client, ("big.txt", PAGE.encode() + b"x" * 5000))
        assert "big.txt: larger than 3 KB, the limit per file." in r.get_data(as_text=True)
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Question)) == 0

    def test_no_file_chosen(self, client, login, users):
        login(users["manager"])
        r = client.post("/questions/import", data={})
        assert "Choose one or more files to import." in r.get_data(as_text=True)

    def test_export_download(self, client, login, users, make_question):
        make_question("Exported?")
        login(users["manager"])
        r = client.get("/questions/export.json")
        assert r.headers["Content-Disposition"] == "attachment; filename=question-bank.json"
        assert r.get_json()["questions"][0]["prompt"] == "Exported?"


class TestCompetencies:
    def test_edit_description_and_anchors(self, app, client, login, users, world):
        login(users["manager"])
        cid = world.ids["competency_id"]
        r = client.post(
            f"/questions/competencies/{cid}/edit",
            data={
                "name": "Problem solving",
                "description": "Explains clearly.",
                "anchor_1": "Rambles",
                "anchor_2": "Clear enough",
                "anchor_3": "Clear and adapted",
                "anchor_4": "Makes the complex simple",
            },
        )
        assert r.status_code == 302
        page = client.get("/questions/competencies").get_data(as_text=True)
        assert "Explains clearly." in page and "Makes the complex simple" in page

    def test_rename_onto_an_existing_name_is_refused(self, app, client, login, users, world):
        login(users["manager"])
        with app.app_context():
            first, second = db.session.scalars(select(Competency).order_by(Competency.id)).all()
            ids, other_name = (first.id, second.id), second.name
        r = client.post(
            f"/questions/competencies/{ids[0]}/edit",
            data={"name": other_name.upper(), "description": ""},
        )
        assert r.status_code == 422
        assert "is already in the catalogue; merge instead" in r.get_data(as_text=True)

    def test_merge_moves_every_link(self, app, client, login, users, make_question):
        q1 = make_question("One?", competencies=["Teamwork", "Empathy"])
        q2 = make_question("Two?", competencies=["Team work"])
        login(users["manager"])
        with app.app_context():
            ids = {c.name: c.id for c in db.session.scalars(select(Competency))}
        r = client.post(
            "/questions/competencies/merge",
            data={"source": ids["Team work"], "target": ids["Teamwork"]},
        )
        assert r.status_code == 302
        with app.app_context():
            assert db.session.get(Competency, ids["Team work"]) is None
            for qid in (q1, q2):
                names = [c.name for c in db.session.get(Question, qid).competencies]
                assert "Teamwork" in names and "Team work" not in names

    def test_merge_into_itself_is_refused(self, app, client, login, users, world):
        login(users["manager"])
        cid = world.ids["competency_id"]
        r = client.post(
            "/questions/competencies/merge",
            data={"source": cid, "target": cid},
            follow_redirects=True,
        )
        assert "Choose two different competencies." in r.get_data(as_text=True)

    def test_merge_of_unknown_ids_is_refused(self, client, login, users, world):
        login(users["manager"])
        r = client.post(
            "/questions/competencies/merge",
            data={"source": 9998, "target": 9999},
            follow_redirects=True,
        )
        assert "Not a valid choice" in r.get_data(as_text=True)

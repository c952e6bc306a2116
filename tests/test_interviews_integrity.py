"""Scoring integrity over HTTP: independence per interview, stepping back, ratings changed
after seeing the panel, a submit that cannot race a save, text any database can hold."""

import io
import json
import threading
import unicodedata

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from hiring.auth.models import Role, User
from hiring.extensions import db, utcnow
from hiring.interviews.models import Candidate, ItemNote, Rating, Scorecard, ScorecardState
from hiring.interviews.operations import schedule
from hiring.kits.models import KitVersion
from hiring.questions.models import Competency, Question
from hiring.scorecards import operations as ops
from tests.conftest import session_of
from tests.scoring import complete, make_panel


def pdf_text(data: bytes) -> str:
    """The PDF's text, ligatures undone and white space folded (flags wrap in cells)."""
    pages = PdfReader(io.BytesIO(data)).pages
    text = unicodedata.normalize("NFKC", " ".join(p.extract_text() or "" for p in pages))
    return " ".join(text.split())


def save(client, sid, changes, base=None):
    if base is None:
        base = client.get(f"/scorecards/{sid}.json").get_json()["version"]
    return client.post(f"/scorecards/{sid}/save", json={"base": base, "changes": changes})


def submit(client, login, user, panel, sid, **kw):
    login(user)
    save(client, sid, complete(panel, **kw))
    r = client.post(f"/scorecards/{sid}/submit")
    assert r.status_code == 302, r.get_data(as_text=True)[:300]


def second_round(app, panel, panelists) -> dict[int, int]:
    """Schedule another interview of the same candidate; interviewer id -> scorecard id."""
    with app.app_context():
        interview = schedule(
            db.session.get(Candidate, panel.candidate_id),
            db.session.get(KitVersion, panel.kit_version_id),
            utcnow(),
            [db.session.get(User, u.id) for u in panelists],
        )
        db.session.commit()
        return {s.interviewer_id: s.id for s in interview.scorecards}


@pytest.fixture
def people(users, make_user):
    return users | {
        "bea": make_user(Role.INTERVIEWER, name="Bea Round"),
        "sam": make_user(Role.INTERVIEWER, name="Sam Second"),
        "chair": make_user(Role.MANAGER, name="Chair Manager"),
    }


@pytest.fixture
def rounds(app, make_question, people):
    """Round 1: Bea and the chair; Bea submits. Round 2: Bea, Sam and the chair; Sam
    submits a strong no that nobody else on round 2 may see yet."""
    one = make_panel(app, make_question, [people["bea"], people["chair"]])
    two = second_round(app, one, [people["bea"], people["sam"], people["chair"]])
    return one, two


def reads(client, sid) -> tuple[int, int, int]:
    return tuple(
        client.get(f"/scorecards/{sid}{suffix}").status_code for suffix in ("", ".json", ".pdf")
    )


class TestIndependencePerInterview:
    def test_submitting_round_one_opens_nothing_of_round_two(
        self, app, client, login, people, rounds
    ):
        one, two = rounds
        submit(client, login, people["bea"], one, one.scorecards[people["bea"].id])
        sam = two[people["sam"].id]
        submit(client, login, people["sam"], one, sam, value=1, recommendation="strong_no")

        login(people["bea"])
        assert reads(client, sam) == (403, 403, 403)
        page = client.get(f"/candidates/{one.candidate_id}").get_data(as_text=True)
        assert "Strong no" not in page and "Sam Second: <strong>" not in page
        assert "1 interview is hidden from you" in page
        assert "hidden until you submit your scorecard for this interview" in page
        packet = client.get(f"/candidates/{one.candidate_id}/packet.pdf")
        assert packet.status_code == 200
        text = pdf_text(packet.data)
        assert "Sam Second" not in text and "1 Strong no" not in text
        assert "1 interview is not in this packet" in text

        # Her own round-2 scorecard opens round 2.
        submit(client, login, people["bea"], one, two[people["bea"].id])
        assert reads(client, sam) == (200, 200, 200)
        page = client.get(f"/candidates/{one.candidate_id}").get_data(as_text=True)
        assert "Sam Second: <strong>1</strong>/4" in page and "hidden from you" not in page
        text = pdf_text(client.get(f"/candidates/{one.candidate_id}/packet.pdf").data)
        assert "Sam Second" in text and "not in this packet" not in text

    def test_a_manager_on_the_panel_waits_like_everyone(self, app, client, login, people, rounds):
        one, two = rounds
        sam = two[people["sam"].id]
        submit(client, login, people["sam"], one, sam, recommendation="strong_no")
        login(people["chair"])
        assert reads(client, sam) == (403, 403, 403)
        page = client.get(f"/candidates/{one.candidate_id}").get_data(as_text=True)
        assert "2 interviews are hidden from you" in page and "Strong no" not in page

        submit(client, login, people["chair"], one, two[people["chair"].id])
        assert reads(client, sam) == (200, 200, 200)
        # Round 1 stays closed to the chair until they score it too.
        bea_one = one.scorecards[people["bea"].id]
        submit(client, login, people["bea"], one, bea_one)
        login(people["chair"])
        assert reads(client, bea_one) == (403, 403, 403)

    def test_a_manager_off_the_panel_sees_every_interview(self, app, client, login, people, rounds):
        one, two = rounds
        sam = two[people["sam"].id]
        submit(client, login, people["sam"], one, sam, recommendation="strong_no")
        login(people["bea"])
        save(client, two[people["bea"].id], {"summary": "Bea's draft thoughts"})
        login(people["manager"])
        assert reads(client, sam) == (200, 200, 200)
        assert reads(client, two[people["bea"].id]) == (200, 200, 200)
        page = client.get(f"/candidates/{one.candidate_id}").get_data(as_text=True)
        assert "Strong no" in page and "hidden from you" not in page

    def test_an_interviewer_off_the_panel_with_a_round_pending_sees_no_other_round(
        self, app, client, login, people, rounds, make_user
    ):
        one, two = rounds
        submit(client, login, people["sam"], one, two[people["sam"].id])
        # Bea submitted round 1, but round 2 is still hers to score: round 1's colleague
        # and round 2 stay closed; once she has scored everything, all is open.
        submit(client, login, people["chair"], one, one.scorecards[people["chair"].id])
        submit(client, login, people["bea"], one, one.scorecards[people["bea"].id])
        assert reads(client, one.scorecards[people["chair"].id]) == (200, 200, 200)
        assert reads(client, two[people["sam"].id]) == (403, 403, 403)
        third = make_user(Role.INTERVIEWER, name="Third Round")
        three = second_round(app, one, [third, people["bea"]])
        submit(client, login, third, one, three[third.id])
        login(people["bea"])
        assert reads(client, three[third.id]) == (403, 403, 403)

    def test_stepping_back_opens_the_panel_and_closes_the_scorecard(
        self, app, client, login, people, rounds
    ):
        one, two = rounds
        sam, bea = two[people["sam"].id], two[people["bea"].id]
        submit(client, login, people["sam"], one, sam, recommendation="strong_no")
        login(people["bea"])
        assert save(client, bea, {"summary": "Started"}).status_code == 200
        page = client.get(f"/scorecards/{bea}").get_data(as_text=True)
        assert "Step back from scoring this interview" in page
        r = client.post(f"/scorecards/{bea}/withdraw")
        assert r.status_code == 302 and r.location.endswith(f"/candidates/{one.candidate_id}")
        assert reads(client, sam) == (200, 200, 200)
        page = client.get(f"/scorecards/{bea}").get_data(as_text=True)
        assert "Withdrawn: saw the panel before scoring" in page and "data-submit-form" not in page

        r = save(client, bea, {"summary": "After reading the panel"})
        assert r.status_code == 409 and "stepped back" in r.get_json()["error"]
        r = client.post(f"/scorecards/{bea}/submit", follow_redirects=True)
        assert "You stepped back from scoring this interview" in r.get_data(as_text=True)
        with app.app_context():
            scorecard = db.session.get(Scorecard, bea)
            assert scorecard.state is ScorecardState.WITHDRAWN
            assert scorecard.summary == "Started" and scorecard.submitted_at is None
        # Withdrawn work is not counted, and the candidate page says so.
        login(people["manager"])
        page = client.get(f"/candidates/{one.candidate_id}").get_data(as_text=True)
        assert "Withdrawn: saw the panel before scoring" in page

    def test_a_submitted_scorecard_can_not_step_back(self, app, client, login, people, rounds):
        one, _ = rounds
        bea = one.scorecards[people["bea"].id]
        submit(client, login, people["bea"], one, bea)
        client.post(f"/scorecards/{bea}/amend", data={"reason": "Typo"})
        r = client.post(f"/scorecards/{bea}/withdraw", follow_redirects=True)
        assert "you already see the panel" in r.get_data(as_text=True)
        with app.app_context():
            assert db.session.get(Scorecard, bea).withdrawn_at is None

    def test_nobody_steps_back_for_someone_else(self, client, login, people, rounds):
        one, two = rounds
        login(people["manager"])
        assert client.post(f"/scorecards/{two[people['bea'].id]}/withdraw").status_code == 403


class TestChangedAfterSeeingThePanel:
    def test_markers_on_page_history_debrief_and_packet(self, app, client, login, people, rounds):
        one, two = rounds
        sam, bea = two[people["sam"].id], two[people["bea"].id]
        submit(client, login, people["sam"], one, sam, value=1, recommendation="strong_no")
        submit(client, login, people["bea"], one, bea, value=3, recommendation="yes")
        kc = one.competencies[0]

        client.post(f"/scorecards/{bea}/amend", data={"reason": "Reconsidered"})
        save(client, bea, {f"rating:{kc}:value": 1, "recommendation": "no"})
        assert client.post(f"/scorecards/{bea}/submit").status_code == 302

        with app.app_context():
            rating = db.session.scalar(
                select(Rating).where(Rating.scorecard_id == bea, Rating.kit_competency_id == kc)
            )
            assert (rating.value, rating.first_value, rating.changed_after_panel) == (1, 3, True)
            card = db.session.get(Scorecard, bea)
            assert card.first_recommendation.value == "yes" and card.recommendation.value == "no"

        page = client.get(f"/scorecards/{bea}").get_data(as_text=True)
        assert page.count("Changed after seeing the panel; first submitted: 3") == 1
        assert "Changed after seeing the panel; first submitted: Yes" in page
        assert "Changed after seeing the panel: Skill 0: rating, Recommendation" in page

        login(people["manager"])
        page = client.get(f"/candidates/{one.candidate_id}").get_data(as_text=True)
        assert "Bea Round: <strong>1</strong>/4" in page
        assert "(changed after seeing the panel; first submitted 3)" in page
        assert "(changed after seeing the panel; first submitted Yes)" in page
        text = pdf_text(client.get(f"/candidates/{one.candidate_id}/packet.pdf").data).lower()
        assert "bea round: 1/4 changed after seeing the panel; first submitted 3" in text
        assert "includes a rating changed after seeing the panel" in text
        assert "recommendation no changed after seeing the panel; first submitted: yes" in text
        assert "first submitted: 3" in text

    def test_an_amendment_before_anyone_else_submitted_is_not_marked(
        self, app, client, login, people, rounds
    ):
        one, two = rounds
        bea = two[people["bea"].id]
        submit(client, login, people["bea"], one, bea, value=3)
        client.post(f"/scorecards/{bea}/amend", data={"reason": "Mixed up two answers"})
        # An amendment's dialog promises nothing it will not do: the panel is seen already.
        amending = client.get(f"/scorecards/{bea}").get_data(as_text=True)
        assert "This locks your notes" in amending and "see the panel's scorecards" not in amending
        save(client, bea, {f"rating:{one.competencies[0]}:value": 2})
        assert client.post(f"/scorecards/{bea}/submit").status_code == 302
        page = client.get(f"/scorecards/{bea}").get_data(as_text=True)
        assert "Changed after seeing the panel" not in page
        with app.app_context():
            assert (
                db.session.scalar(
                    select(Rating.first_value).where(
                        Rating.scorecard_id == bea, Rating.kit_competency_id == one.competencies[0]
                    )
                )
                == 3
            )

    def test_a_value_changed_back_to_its_first_loses_the_marker(
        self, app, client, login, people, rounds
    ):
        one, two = rounds
        sam, bea = two[people["sam"].id], two[people["bea"].id]
        submit(client, login, people["sam"], one, sam, value=1)
        submit(client, login, people["bea"], one, bea, value=3)
        kc = one.competencies[0]
        for value in (1, 3):
            client.post(f"/scorecards/{bea}/amend", data={"reason": "Again"})
            save(client, bea, {f"rating:{kc}:value": value})
            assert client.post(f"/scorecards/{bea}/submit").status_code == 302
        assert "Changed after seeing the panel;" not in client.get(f"/scorecards/{bea}").get_data(
            as_text=True
        )


class TestSubmitRace:
    def test_a_save_between_loading_and_submitting_refuses_the_submit(
        self, app, client, login, users, make_question
    ):
        panel = make_panel(app, make_question, [users["interviewer"]])
        sid = panel.scorecards[users["interviewer"].id]
        login(users["interviewer"])
        save(client, sid, complete(panel))
        seen = client.get(f"/scorecards/{sid}.json").get_json()["version"]
        save(client, sid, {"summary": "Typed in another tab"})
        r = client.post(f"/scorecards/{sid}/submit", data={"version": seen})
        # Refused, back on the scorecard page: a reload posts nothing again.
        assert r.status_code == 302 and r.location.endswith(f"/scorecards/{sid}")
        page = client.get(r.location).get_data(as_text=True)
        assert "saved from another tab or device since this page last saved" in page
        assert "Typed in another tab" in page
        with app.app_context():
            assert db.session.get(Scorecard, sid).submitted_at is None

    def test_the_database_refuses_a_submitted_scorecard_without_a_recommendation(
        self, app, users, make_question
    ):
        from sqlalchemy.exc import IntegrityError

        panel = make_panel(app, make_question, [users["interviewer"]])
        with app.app_context():
            scorecard = db.session.get(Scorecard, panel.scorecards[users["interviewer"].id])
            scorecard.submitted_at = utcnow()
            with pytest.raises(IntegrityError):
                db.session.flush()
            db.session.rollback()

    def test_concurrent_blanking_saves_and_submits_never_leave_an_invalid_submission(
        self, app, users, make_question
    ):
        """Rounds of (a save that blanks a rating or the recommendation) against (submit),
        started together: each round ends submitted and valid, or as a draft."""
        panel = make_panel(app, make_question, [users["interviewer"]])
        sid = panel.scorecards[users["interviewer"].id]
        kc = panel.competencies[0]
        outcomes = {"submitted": 0, "draft": 0}

        def client_for():
            c = app.test_client()
            with c.session_transaction() as sess:
                sess.update(session_of(users["interviewer"]))
            return c

        saver, submitter = client_for(), client_for()
        for n in range(30):
            version = saver.get(f"/scorecards/{sid}.json").get_json()["version"]
            assert (
                saver.post(
                    f"/scorecards/{sid}/save", json={"base": version, "changes": complete(panel)}
                ).status_code
                == 200
            )
            blank = {f"rating:{kc}:value": None} if n % 2 else {"recommendation": ""}
            body = {"base": version + 1, "changes": blank}
            results = race(
                lambda body=body: saver.post(f"/scorecards/{sid}/save", json=body).status_code,
                lambda: submitter.post(f"/scorecards/{sid}/submit").status_code,
            )
            assert set(results) <= {200, 302, 409, 422}, results
            with app.app_context():
                scorecard = db.session.get(Scorecard, sid)
                if scorecard.submitted_at is not None:
                    assert ops.problems(scorecard) == {}, (n, results)
                    outcomes["submitted"] += 1
                    ops.amend(scorecard, "next round", users["interviewer"].id)
                    db.session.commit()
                else:
                    outcomes["draft"] += 1
        assert sum(outcomes.values()) == 30


def race(*calls) -> list:
    """Run the calls in threads released at the same moment; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(n, call):
        barrier.wait()
        results[n] = call()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


NUL, SURROGATE = "\x00", "\ud800"


class TestTextAnyDatabaseCanHold:
    def test_autosave_cleans_and_says_what_it_stored(self, app, client, login, users, panel_one):
        login(users["interviewer"])
        sid, item = panel_one.scorecards[users["interviewer"].id], panel_one.items[0]
        key = f"item:{item}:notes"
        body = json.dumps(
            {"base": 0, "changes": {key: f"before{NUL}after", "summary": f"x{SURROGATE}y"}}
        )
        r = client.post(f"/scorecards/{sid}/save", data=body, content_type="application/json")
        assert r.status_code == 200, r.get_data(as_text=True)
        assert r.get_json()["stored"] == {key: "beforeafter", "summary": "x\ufffdy"}
        with app.app_context():
            assert db.session.get(ItemNote, (sid, item)).notes == "beforeafter"
            assert db.session.get(Scorecard, sid).summary == "x\ufffdy"

    @pytest.mark.parametrize(
        "url, data, model, column, expected",
        [
            (
                "/candidates/new",
                {"name": f"Ann{NUL}a", "notes": f"a{NUL}b"},
                Candidate,
                "name",
                "Anna",
            ),
            (
                "/questions/competencies/new",
                {"name": f"Cal{NUL}m", "description": "d"},
                Competency,
                "name",
                "Calm",
            ),
            ("/kits/new", {"title": f"Ki{NUL}t", "role": "R", "duration": 30}, None, None, None),
        ],
    )
    def test_forms_store_text_without_nul(
        self, app, client, login, users, url, data, model, column, expected
    ):
        login(users["manager"])
        r = client.post(url, data=data)
        assert r.status_code in (200, 302), r.get_data(as_text=True)[:300]
        if model is not None:
            with app.app_context():
                assert expected in db.session.scalars(select(getattr(model, column))).all()

    def test_search_with_nul_is_no_error(self, client, login, users):
        login(users["manager"])
        assert client.get("/questions/?q=a%00b").status_code == 200
        assert client.get("/candidates/?q=a%00b").status_code == 200

    def test_imports_clean_pages_and_bank_documents(self, app, runner, tmp_path):
        page = tmp_path / "page.txt"
        page.write_text(PAGE.replace("schedule?", f"schedule{NUL}?"), encoding="utf-8")
        bank = tmp_path / "bank.json"
        bank.write_text(
            json.dumps(
                {
                    "format": "hiring-question-bank",
                    "version": 1,
                    "competencies": [{"name": f"Cand{SURROGATE}our", "anchors": {}}],
                    "questions": [],
                }
            ),
            encoding="utf-8",
        )
        result = runner.invoke(args=["import-questions", str(page), str(bank)])
        assert result.exit_code == 0, result.output
        with app.app_context():
            prompts = db.session.scalars(select(Question.prompt)).all()
            assert "How do you keep a release on schedule?" in prompts
            assert "Cand\ufffdour" in db.session.scalars(select(Competency.name)).all()


@pytest.fixture
def panel_one(app, make_question, users):
    return make_panel(app, make_question, [users["interviewer"]])


PAGE = """How do you keep a release on schedule?
INTERMEDIATE LEVEL
How do you keep a release on schedule?
Sample answer to the question:
I track the plan weekly.
Here is a more solid answer:
I track the plan weekly and cut scope early.
Why is this a more solid answer?
It acts before the date slips.
How to prepare for this question:
- Think of a release you shipped
What are interviewers evaluating with this question?
- Planning
"""

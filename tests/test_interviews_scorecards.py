"""The live scorecard over HTTP: saving, conflicts, bad input, submit, amend, independence."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from hiring.audit.models import AuditEvent
from hiring.auth.models import Role
from hiring.documents.models import StoredDocument
from hiring.extensions import db
from hiring.interviews.models import (
    Candidate,
    Interview,
    ItemNote,
    Rating,
    Scorecard,
    ScorecardState,
)
from tests.scoring import complete, make_panel


@pytest.fixture
def panel(app, make_question, users, make_user):
    colleague = make_user(Role.INTERVIEWER, name="Colleague")
    users["colleague"] = colleague
    return make_panel(app, make_question, [users["interviewer"], colleague])


def mine(panel, users, who="interviewer"):
    return panel.scorecards[users[who].id]


def save(client, scorecard_id, base, changes):
    return client.post(f"/scorecards/{scorecard_id}/save", json={"base": base, "changes": changes})


def stored(app, scorecard_id) -> Scorecard:
    with app.app_context():
        scorecard = db.session.get(Scorecard, scorecard_id)
        scorecard.item_notes, scorecard.ratings, scorecard.revisions  # noqa: B018
        db.session.expunge_all()
        return scorecard


def what(statement: str) -> str:
    """What a SQL statement does, to which table: "SELECT users", "UPDATE scorecards"."""
    found = re.match(
        r"(SELECT)\s.*?\sFROM\s(\w+)|(UPDATE)\s(\w+)|(INSERT)\sINTO\s(\w+)", statement, re.S
    )
    return " ".join(word for word in found.groups() if word)


class TestSave:
    def test_saves_every_kind_of_field(self, app, client, login, users, panel):
        login(users["interviewer"])
        sid = mine(panel, users)
        item, kc = panel.items[0], panel.competencies[0]
        r = save(
            client,
            sid,
            0,
            {
                f"item:{item}:notes": "Asked about <script>the account</script>",
                f"item:{item}:tier": "solid",
                f"rating:{kc}:value": 4,
                f"rating:{kc}:evidence": "Gave two concrete examples.",
                "recommendation": "strong_yes",
                "summary": "Strong.",
            },
        )
        assert r.status_code == 200, r.get_json()
        assert r.get_json()["version"] == 1
        s = stored(app, sid)
        assert s.state is ScorecardState.DRAFT
        note = s.item_notes[0]
        assert note.notes == "Asked about <script>the account</script>"
        assert note.tier.value == "solid"
        assert (s.ratings[0].value, s.ratings[0].evidence) == (4, "Gave two concrete examples.")
        assert s.recommendation.value == "strong_yes" and s.summary == "Strong."
        page = client.get(f"/scorecards/{sid}").get_data(as_text=True)
        assert "Asked about &lt;script&gt;the account&lt;/script&gt;" in page

    def test_not_assessed_clears_the_rating(self, app, client, login, users, panel):
        login(users["interviewer"])
        sid, kc = mine(panel, users), panel.competencies[0]
        save(client, sid, 0, {f"rating:{kc}:value": 2})
        save(client, sid, 1, {f"rating:{kc}:not_assessed": True})
        rating = stored(app, sid).ratings[0]
        assert (rating.value, rating.not_assessed) == (None, True)

    def test_a_rating_and_not_assessed_undo_each_other(self, app, client, login, users, panel):
        login(users["interviewer"])
        sid, kc = mine(panel, users), panel.competencies[0]
        save(client, sid, 0, {f"rating:{kc}:not_assessed": True, f"rating:{kc}:evidence": "Hm"})
        save(client, sid, 1, {f"rating:{kc}:value": 3})
        rating = stored(app, sid).ratings[0]
        assert (rating.value, rating.not_assessed, rating.evidence) == (3, False, "Hm")
        save(client, sid, 2, {f"rating:{kc}:value": ""})
        rating = stored(app, sid).ratings[0]
        assert (rating.value, rating.not_assessed, rating.evidence) == (None, False, "Hm")

    def test_an_autosave_writes_without_reading_the_scorecard(
        self, app, client, login, users, panel, count_queries
    ):
        """The hot path: who is signed in, then one UPDATE that claims the next version
        (and checks whose scorecard it is and that it is open), then one upsert a row."""
        login(users["interviewer"])
        sid, item, kc = mine(panel, users), panel.items[0], panel.competencies[0]
        assert save(client, sid, 0, {f"item:{item}:notes": "First"}).status_code == 200
        with count_queries() as counter:
            r = save(client, sid, 1, {f"item:{item}:notes": "Second", f"rating:{kc}:value": 2})
        assert r.status_code == 200 and r.get_json()["version"] == 2
        assert [what(s) for s in counter.statements] == [
            "SELECT users",
            "UPDATE scorecards",
            "INSERT item_notes",
            "INSERT ratings",
        ]
        s = stored(app, sid)
        assert [n.notes for n in s.item_notes] == ["Second"]
        assert [(r.value, r.not_assessed) for r in s.ratings] == [(2, False)]
        with app.app_context():
            if db.engine.dialect.name == "sqlite":
                # Each statement finds its rows by key, whatever the size of the tables
                # (PostgreSQL's plans depend on its statistics; SQLite's do not).
                with db.engine.connect() as conn:
                    for statement, parameters in zip(
                        counter.statements, counter.parameters, strict=True
                    ):
                        plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                        assert not [step for *_, step in plan if step.startswith("SCAN")]

    def test_version_conflict_returns_the_stored_text(self, app, client, login, users, panel):
        login(users["interviewer"])
        sid, key = mine(panel, users), f"item:{panel.items[0]}:notes"
        assert save(client, sid, 0, {key: "Typed in the first tab"}).status_code == 200
        r = save(client, sid, 0, {key: "Typed in the second tab"})
        assert r.status_code == 409
        body = r.get_json()
        assert body["version"] == 1
        assert body["stored"][key] == "Typed in the first tab"
        assert "changed elsewhere" in body["error"]
        assert stored(app, sid).item_notes[0].notes == "Typed in the first tab"

    def test_another_interviewers_scorecard_is_refused(self, app, client, login, users, panel):
        login(users["interviewer"])
        theirs = mine(panel, users, "colleague")
        r = save(client, theirs, 0, {"summary": "Not mine"})
        assert r.status_code == 403
        assert client.post(f"/scorecards/{theirs}/save", json=None).status_code == 403
        assert stored(app, theirs).summary == "" and stored(app, theirs).version == 0
        login(users["manager"])  # managers read every scorecard but fill in none of them
        assert save(client, theirs, 0, {"summary": "Manager"}).status_code == 403
        assert client.post(f"/scorecards/{theirs}/submit").status_code == 403

    def test_unknown_scorecard_is_404(self, client, login, users, panel):
        login(users["interviewer"])
        assert save(client, 999_999, 0, {"summary": "x"}).status_code == 404

    @pytest.mark.parametrize(
        "change, message",
        [
            (
                lambda p: {f"rating:{p.competencies[0]}:value": 5},
                "A rating is a point of this scale",
            ),
            (
                lambda p: {f"rating:{p.competencies[0]}:value": 0},
                "A rating is a point of this scale",
            ),
            (lambda p: {f"rating:{p.competencies[0]}:value": True}, "A rating is a point"),
            (lambda p: {f"rating:{p.competencies[0]}:value": "3"}, "A rating is a point"),
            (lambda p: {"rating:999999:value": 2}, "not rated in this scorecard's kit version"),
            (lambda p: {"item:999999:notes": "x"}, "not part of this scorecard's kit version"),
            (lambda p: {f"item:{p.items[0]}:tier": "amazing"}, "Choose below basic"),
            (lambda p: {"recommendation": "maybe"}, "Choose Strong no, No, Yes or Strong yes."),
            (lambda p: {f"item:{p.items[0]}:notes": 42}, "Text expected."),
            (lambda p: {"interviewer_id": 1}, "This is not a field of the scorecard."),
        ],
    )
    def test_bad_values_are_refused_field_by_field(
        self, app, client, login, users, panel, change, message
    ):
        login(users["interviewer"])
        sid = mine(panel, users)
        r = save(client, sid, 0, change(panel))
        assert r.status_code == 422
        assert any(message in m for m in r.get_json()["errors"].values()), r.get_json()
        s = stored(app, sid)
        assert s.version == 0 and s.summary == "" and not s.ratings and not s.item_notes

        # One bad field never fails the batch: the rest is saved, the bad one named.
        r = save(client, sid, 0, change(panel) | {"summary": "Saved beside the bad value"})
        assert r.status_code == 200
        body = r.get_json()
        assert body["version"] == 1
        assert any(message in m for m in body["errors"].values()), body
        s = stored(app, sid)
        assert s.summary == "Saved beside the bad value" and not s.ratings and not s.item_notes

    def test_ids_from_another_kit_version_are_refused(
        self, app, client, login, users, panel, make_question
    ):
        other = make_panel(
            app,
            make_question,
            [users["interviewer"]],
            kit_title="Other kit",
            candidate="Other candidate",
        )
        login(users["interviewer"])
        r = save(
            client,
            mine(panel, users),
            0,
            {f"item:{other.items[0]}:notes": "x", f"rating:{other.competencies[0]}:value": 2},
        )
        assert r.status_code == 422 and len(r.get_json()["errors"]) == 2

    @pytest.mark.parametrize(
        "body",
        [
            None,
            {"changes": {}},
            {"base": "0", "changes": {}},
            {"base": True, "changes": {}},
            {"base": 0, "changes": []},
        ],
    )
    def test_malformed_bodies(self, client, login, users, panel, body):
        login(users["interviewer"])
        r = client.post(f"/scorecards/{mine(panel, users)}/save", json=body)
        assert r.status_code == 400
        assert r.get_json()["error"] == "The save could not be read."

    def test_long_notes_save_and_absurd_ones_are_refused(self, app, client, login, users, panel):
        login(users["interviewer"])
        sid, key = mine(panel, users), f"item:{panel.items[0]}:notes"
        long_note = " ".join(["interview"] * 12_000)  # 12,000 words, about 120,000 characters
        assert save(client, sid, 0, {key: long_note}).status_code == 200
        absurd = "x" * (5 * 1024 * 1024)  # 5 MB
        r = save(client, sid, 1, {key: absurd})
        assert r.status_code == 422
        assert "the limit is 200,000" in r.get_json()["errors"][key]
        assert stored(app, sid).item_notes[0].notes == long_note

    def test_request_over_the_size_limit_is_a_clear_413(self, client, login, users, panel):
        login(users["interviewer"])
        r = save(client, mine(panel, users), 0, {"summary": "x" * (17 * 1024 * 1024)})
        assert r.status_code == 413
        assert r.get_json()["error"] == "That upload is too large."


class TestSubmit:
    def test_submit_lists_what_is_missing(self, app, client, login, users, panel):
        login(users["interviewer"])
        sid = mine(panel, users)
        kc1, kc2 = panel.competencies
        save(
            client,
            sid,
            0,
            {
                f"rating:{kc1}:value": panel.scale[-1],
                f"rating:{kc2}:value": 1,
                f"rating:{kc2}:evidence": "Said X.",
            },
        )
        r = client.post(f"/scorecards/{sid}/submit")
        assert r.status_code == 302 and r.location.endswith(f"/scorecards/{sid}?check=1")
        page = client.get(r.location).get_data(as_text=True)
        assert "A rating at either end of the scale needs evidence" in page
        assert f'id="err-rating-{kc1}-evidence"' in page
        assert "Choose an overall recommendation." in page
        assert stored(app, sid).submitted_at is None

    def test_unrated_competency_is_missing(self, app, client, login, users, panel):
        login(users["interviewer"])
        sid = mine(panel, users)
        save(client, sid, 0, {"recommendation": "no"})
        page = client.post(f"/scorecards/{sid}/submit", follow_redirects=True).get_data(
            as_text=True
        )
        # Once at each field and once in the error summary at the top.
        assert page.count("Rate this competency, or mark it not assessed.") == 4
        assert page.count('<a href="#rate-') == 2

    def test_not_assessed_counts_as_complete(self, app, client, login, users, panel):
        login(users["interviewer"])
        sid = mine(panel, users)
        changes = {f"rating:{kc}:not_assessed": True for kc in panel.competencies}
        save(client, sid, 0, changes | {"recommendation": "no"})
        assert client.post(f"/scorecards/{sid}/submit").status_code == 302
        assert stored(app, sid).state is ScorecardState.SUBMITTED

    def test_submitted_scorecard_is_read_only(self, app, client, login, users, panel):
        login(users["interviewer"])
        sid = mine(panel, users)
        save(client, sid, 0, complete(panel))
        r = client.post(f"/scorecards/{sid}/submit", follow_redirects=True)
        page = r.get_data(as_text=True)
        assert "Submitted. You can now see the panel" in page
        assert "<textarea" in page  # only the amendment reason
        assert 'name="summary"' not in page and "Amend this scorecard" in page
        version = stored(app, sid).version
        r = save(client, sid, version, {"summary": "Changed after submit"})
        assert r.status_code == 409 and "submitted; it is read-only" in r.get_json()["error"]
        assert stored(app, sid).summary == "Solid candidate."

    def test_amendment_needs_a_reason_and_keeps_history(self, app, client, login, users, panel):
        login(users["interviewer"])
        sid = mine(panel, users)
        save(client, sid, 0, complete(panel, recommendation="no"))
        client.post(f"/scorecards/{sid}/submit")
        r = client.post(f"/scorecards/{sid}/amend", data={"reason": ""}, follow_redirects=True)
        assert "Give the reason for the amendment." in r.get_data(as_text=True)
        assert stored(app, sid).state is ScorecardState.SUBMITTED

        client.post(f"/scorecards/{sid}/amend", data={"reason": "Mixed up two candidates"})
        s = stored(app, sid)
        assert s.state is ScorecardState.DRAFT and len(s.revisions) == 1
        save(client, sid, s.version, {"recommendation": "yes"})
        client.post(f"/scorecards/{sid}/submit")
        s = stored(app, sid)
        assert s.state is ScorecardState.SUBMITTED and s.recommendation.value == "yes"
        assert s.revisions[0].content["recommendation"] == "no"
        page = client.get(f"/scorecards/{sid}").get_data(as_text=True)
        assert "Mixed up two candidates" in page and "History" in page
        assert "<dt>Recommendation</dt>" in page and "<dt>Q1 notes</dt>" in page

    def test_draft_can_not_be_amended(self, client, login, users, panel):
        login(users["interviewer"])
        r = client.post(
            f"/scorecards/{mine(panel, users)}/amend", data={"reason": "x"}, follow_redirects=True
        )
        assert "Only a submitted scorecard can be amended." in r.get_data(as_text=True)


class TestIndependence:
    """Who sees a colleague's scorecard, before and after submitting their own."""

    def submit(self, client, login, user, panel, sid, recommendation="yes"):
        login(user)
        save(client, sid, 0, complete(panel, recommendation=recommendation))
        assert client.post(f"/scorecards/{sid}/submit").status_code == 302

    def views(self, client, panel, colleague_sid):
        page = client.get(f"/scorecards/{colleague_sid}")
        data = client.get(f"/scorecards/{colleague_sid}.json")
        candidate = client.get(f"/candidates/{panel.candidate_id}")
        return page.status_code, data.status_code, candidate.get_data(as_text=True)

    def test_hidden_until_own_submission(self, app, client, login, users, panel):
        mine_id, theirs = mine(panel, users), mine(panel, users, "colleague")
        self.submit(client, login, users["colleague"], panel, theirs, "strong_no")

        login(users["interviewer"])
        page, data, candidate = self.views(client, panel, theirs)
        assert (page, data) == (403, 403)
        assert "Strong no" not in candidate and "Hidden until you submit" in candidate
        # How many are in is progress, told to everyone; what they say is not.
        assert "1 of 2 scorecards submitted" in candidate
        assert "Debrief" not in candidate and "Colleague: <strong>" not in candidate

        self.submit(client, login, users["interviewer"], panel, mine_id)
        page, data, candidate = self.views(client, panel, theirs)
        assert (page, data) == (200, 200)
        assert "Strong no" in candidate and "2 of 2 scorecards submitted" in candidate
        assert "Debrief: submitted ratings side by side" in candidate
        assert "Colleague: <strong>3</strong>/4" in candidate
        assert (
            client.get(f"/scorecards/{theirs}.json").get_json()["fields"]["recommendation"]
            == "strong_no"
        )

    def test_colleague_drafts_stay_hidden_even_after_submitting(
        self, app, client, login, users, panel
    ):
        theirs = mine(panel, users, "colleague")
        login(users["colleague"])
        save(client, theirs, 0, {"summary": "Half-written thoughts"})
        self.submit(client, login, users["interviewer"], panel, mine(panel, users))
        page, data, candidate = self.views(client, panel, theirs)
        assert (page, data) == (403, 403)
        assert "Half-written thoughts" not in candidate

    @pytest.mark.parametrize("who", ["manager", "admin"])
    def test_managers_see_everything(self, client, login, users, panel, who):
        theirs = mine(panel, users, "colleague")
        login(users["colleague"])
        save(client, theirs, 0, {"summary": "Draft notes"})
        login(users[who])
        page, data, candidate = self.views(client, panel, theirs)
        assert (page, data) == (200, 200)
        assert "Draft notes" in client.get(f"/scorecards/{theirs}").get_data(as_text=True)

    def test_outsiders_see_nothing(self, client, login, users, panel, make_user):
        login(make_user(Role.INTERVIEWER))
        page, data, _ = self.views(client, panel, mine(panel, users))
        assert (page, data) == (403, 403)
        assert client.get(f"/candidates/{panel.candidate_id}").status_code == 403


class TestCandidatesAndInterviews:
    def test_create_edit_search_and_status(self, app, client, login, users, panel):
        login(users["manager"])
        r = client.post(
            "/candidates/new",
            data={"name": "Dana <b>Doe</b>", "email": "DANA@example.com", "role": "Nurse"},
        )
        assert r.status_code == 302
        page = client.get("/candidates/?q=dana").get_data(as_text=True)
        assert "Dana &lt;b&gt;Doe&lt;/b&gt;" in page and "dana@example.com" in page
        assert "Casey Candidate" not in page
        listing = client.get("/candidates/").get_data(as_text=True)
        assert "0 of 2 submitted" in listing and "1 done" in listing

    def test_candidate_validation(self, client, login, users):
        login(users["manager"])
        r = client.post("/candidates/new", data={"name": "", "email": "not-an-email"})
        assert r.status_code == 422
        assert "Invalid email address." in r.get_data(as_text=True)

    def test_schedule_an_interview(self, app, client, login, users, panel, make_user):
        login(users["manager"])
        form = client.get(f"/interviews/new?candidate={panel.candidate_id}").get_data(as_text=True)
        assert "Panel kit · version 1" in form
        r = client.post(
            "/interviews/new",
            data={
                "candidate_id": panel.candidate_id,
                "kit_version_id": panel.kit_version_id,
                "scheduled_at": "2026-12-01T09:30",
                "past_ok": "y",
                "location": "Room 4",
                "panel": [users["interviewer"].id, users["manager"].id],
            },
        )
        assert r.status_code == 302
        with app.app_context():
            interview = db.session.scalars(select(Interview).order_by(Interview.id.desc())).first()
            assert interview.scheduled_at.isoformat() == "2026-12-01T09:30:00+00:00"
            assert sorted(s.interviewer_id for s in interview.scorecards) == sorted(
                [users["interviewer"].id, users["manager"].id]
            )

    def test_schedule_refuses_drafts_and_empty_panels(self, app, client, login, users, panel):
        login(users["manager"])
        client.post("/kits/new", data={"title": "Draft kit", "role": "R", "duration": 30})
        with app.app_context():
            from hiring.kits.models import KitVersion

            draft = db.session.scalar(
                select(KitVersion.id).where(KitVersion.published_at.is_(None))
            )
        before = self.count(app)
        r = client.post(
            "/interviews/new",
            data={
                "candidate_id": panel.candidate_id,
                "kit_version_id": draft,
                "scheduled_at": "2026-12-01T09:30",
                "past_ok": "y",
                "panel": [users["interviewer"].id],
            },
        )
        assert r.status_code == 422 and "Not a valid choice" in r.get_data(as_text=True)
        r = client.post(
            "/interviews/new",
            data={
                "candidate_id": panel.candidate_id,
                "kit_version_id": panel.kit_version_id,
                "scheduled_at": "2026-12-01T09:30",
                "past_ok": "y",
            },
        )
        assert "Choose at least one interviewer." in r.get_data(as_text=True)
        assert self.count(app) == before

    def count(self, app):
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(Interview))

    def test_admin_deletes_a_candidate_and_everything_about_them(
        self, app, client, login, users, panel
    ):
        login(users["interviewer"])
        save(client, mine(panel, users), 0, complete(panel))
        assert client.post(f"/scorecards/{mine(panel, users)}/submit").status_code == 302
        login(users["manager"])
        assert client.get(f"/candidates/{panel.candidate_id}/packet.pdf").status_code == 200
        assert client.get(f"/scorecards/{mine(panel, users)}.pdf").status_code == 200
        with app.app_context():
            about = db.session.scalar(
                select(func.count())
                .select_from(StoredDocument)
                .where(StoredDocument.candidate_id == panel.candidate_id)
            )
            assert about == 2  # the packet and the scorecard
        assert client.post(f"/candidates/{panel.candidate_id}/delete").status_code == 403
        login(users["admin"])
        assert client.post(f"/candidates/{panel.candidate_id}/delete").status_code == 302
        with app.app_context():
            for model in (Candidate, Interview, Scorecard, ItemNote, Rating, StoredDocument):
                assert db.session.scalar(select(func.count()).select_from(model)) == 0, model
            event = db.session.scalar(
                select(AuditEvent).where(AuditEvent.action == "candidate.delete")
            )
            assert event.subject_id == panel.candidate_id
            assert "Casey" not in str(event.details)


class TestDashboard:
    def test_today_upcoming_and_overdue(self, app, client, login, users, make_question):
        make_panel(
            app,
            make_question,
            [users["interviewer"]],
            hours_ago=30,
            candidate="Late Larry",
            kit_title="K1",
        )
        make_panel(
            app,
            make_question,
            [users["interviewer"]],
            hours_ago=-72,
            candidate="Future Fiona",
            kit_title="K2",
        )
        login(users["interviewer"])
        page = client.get("/").get_data(as_text=True)
        overdue = page.split('id="overdue-h"')[1].split("</section>")[0]
        upcoming = page.split('id="up-h"')[1].split("</section>")[0]
        assert "Late Larry" in overdue and "Future Fiona" in upcoming
        login(users["manager"])
        team = client.get("/").get_data(as_text=True).split('id="team-h"')[1]
        assert "Late Larry" in team and users["interviewer"].name in team

    def test_last_nights_interview_is_on_the_dashboard_before_a_word_is_written(
        self, app, client, login, users, make_question
    ):
        """Past midnight, yesterday evening's interview is no longer today's, and not yet
        overdue: its scorecard, not started, is still one to write."""
        with time_machine.travel(datetime(2026, 6, 10, 0, 30, tzinfo=UTC), tick=False):
            make_panel(
                app, make_question, [users["interviewer"]], hours_ago=2, candidate="Evening Eve"
            )
            login(users["interviewer"])
            page = client.get("/").get_data(as_text=True)
            assert 'id="drafts-h">Scorecards to finish' in page
            assert "Evening Eve" in page.split('id="drafts-h"')[1].split("</section>")[0]
            listed = client.get("/scorecards/mine/drafts").get_data(as_text=True)
            assert "Scorecards to finish" in listed and "Evening Eve" in listed

    @pytest.mark.parametrize("config_overrides", [{"OVERDUE_HOURS": 48}])
    def test_overdue_hours_are_configurable(
        self, app, client, login, users, make_question, config_overrides
    ):
        make_panel(app, make_question, [users["interviewer"]], hours_ago=30, candidate="Late Larry")
        login(users["interviewer"])
        page = client.get("/").get_data(as_text=True)
        assert "Late Larry" not in page.split('id="overdue-h"')[1].split("</section>")[0]


@pytest.mark.parametrize("questions", [2, 30])
def test_live_page_runs_a_bounded_number_of_queries(
    app, client, login, users, make_question, count_queries, questions
):
    panel = make_panel(app, make_question, [users["interviewer"]], questions=questions)
    login(users["interviewer"])
    sid = panel.scorecards[users["interviewer"].id]
    save(client, sid, 0, complete(panel))
    with count_queries() as counter:
        assert client.get(f"/scorecards/{sid}").status_code == 200
    assert counter.count <= 12, counter.statements


def test_an_autosave_reads_only_what_it_writes(
    app, client, login, users, make_question, count_queries
):
    """The published kit version's shape is read by the first save and kept: later saves
    read the user, the scorecard and the rows they change, and write."""
    panel = make_panel(app, make_question, [users["interviewer"]], questions=3)
    login(users["interviewer"])
    sid = panel.scorecards[users["interviewer"].id]
    note = f"item:{panel.items[0]}:notes"
    assert save(client, sid, 0, {note: "First words."}).status_code == 200
    with count_queries() as counter:
        r = save(client, sid, 1, {note: "First words, then more."})
    assert r.status_code == 200 and r.get_json()["version"] == 2
    assert counter.count <= 5, counter.statements
    assert not any("kit_items" in s for s in counter.statements), counter.statements
    # The kept shape still refuses what is not part of the kit version.
    rating = f"rating:{panel.competencies[0]}:value"
    r = save(client, sid, 2, {"item:999999:notes": "x", rating: 99})
    assert r.status_code == 422
    assert set(r.get_json()["errors"]) == {"item:999999:notes", rating}
    assert stored(app, sid).item_notes[0].notes == "First words, then more."


def test_a_draft_kit_versions_shape_is_read_each_time(app, make_question, users, count_queries):
    from hiring.kits import operations as kit_ops
    from hiring.kits.models import KitVersion
    from hiring.scorecards import operations as ops

    panel = make_panel(app, make_question, [users["interviewer"]])
    with app.app_context():
        kit = db.session.get(KitVersion, panel.kit_version_id).kit
        draft = kit_ops.draft_of(kit)
        db.session.commit()
        published, draft_id = panel.kit_version_id, draft.id
        ops.shape_of(published)
        ops.shape_of(draft_id)
        with count_queries() as counter:
            assert ops.shape_of(published).items == frozenset(panel.items)
        assert counter.count == 0
        draft_items = frozenset(item.id for item in db.session.get(KitVersion, draft_id).items)
        with count_queries() as counter:
            assert ops.shape_of(draft_id).items == draft_items
        assert counter.count == 1

"""The debrief page: the panel's evidence side by side, flags, pending scorecards, the
decision and its history, exports, and who may read them."""

import csv
import io
import json

import pytest
from sqlalchemy import select

from hiring.audit.models import AuditEvent
from hiring.auth.models import Role
from hiring.debrief.aggregate import aggregate, by_question, progress
from hiring.debrief.models import Decision
from hiring.extensions import db
from hiring.interviews.models import Candidate
from hiring.interviews.queries import candidate_with_scorecards, submitted_with_content
from tests.scoring import complete, make_panel
from tests.test_interviews_integrity import pdf_text, save, second_round


@pytest.fixture
def people(make_user):
    return [make_user(Role.INTERVIEWER, name=n) for n in ("Ann", "Ben", "Cleo")]


@pytest.fixture
def panel(app, make_question, people):
    return make_panel(app, make_question, people)


def score(client, login, user, panel, ratings, recommendation="yes", *, submit=True, **extra):
    """Rate each competency (None: not assessed), with notes per question, and submit."""
    login(user)
    sid = panel.scorecards[user.id]
    changes = complete(panel, recommendation=recommendation)
    for n, item in enumerate(panel.items):
        changes[f"item:{item}:notes"] = f"{user.name} heard answer {n}."
        changes[f"item:{item}:tier"] = "solid"
    for kc, value in zip(panel.competencies, ratings, strict=True):
        if value is None:
            changes |= {f"rating:{kc}:value": None, f"rating:{kc}:not_assessed": True}
        else:
            changes[f"rating:{kc}:value"] = value
            changes[f"rating:{kc}:evidence"] = f"{user.name}'s evidence for {value}."
    changes |= extra
    assert save(client, sid, changes, base=0).status_code == 200
    if submit:
        assert client.post(f"/scorecards/{sid}/submit").status_code == 302


def test_aggregates_median_split_and_answers_side_by_side(app, client, login, people, panel):
    ann, ben, cleo = people
    score(client, login, ann, panel, [1, 3])
    score(client, login, ben, panel, [4, 3])
    score(client, login, cleo, panel, [None, 4])
    with app.app_context():
        readable = submitted_with_content(panel.candidate_id)
        first, second = aggregate(readable)
        questions = by_question(readable)
    # 1 and 4 on a 4-point scale: both ends. Cleo's "not assessed" is no number.
    assert first.values == [1, 4] and first.median == 2.5 and first.split and first.disagreement
    assert first.not_assessed_by == ["Cleo"] and first.mean == 2.5
    assert [e.evidence for e in first.ratings] == ["Ann's evidence for 1.", "Ben's evidence for 4."]
    # 3, 3 and 4: a median of 3, no flag.
    assert second.median == 3 and not second.split and not second.disagreement
    assert [(a.who, a.notes) for a in questions[0].answers] == [
        ("Ann", "Ann heard answer 0."),
        ("Ben", "Ben heard answer 0."),
        ("Cleo", "Cleo heard answer 0."),
    ]


def test_split_needs_both_ends():
    from hiring.debrief.aggregate import CompetencyRow, Entry

    row = CompetencyRow("X", 5, [Entry("a", 2), Entry("b", 5)])
    assert row.disagreement and not row.split
    row.ratings.append(Entry("c", 1))
    assert row.split and row.median == 2


def test_the_page_shows_every_rater_pending_and_markers(app, client, login, users, people, panel):
    ann, ben, cleo = people
    score(client, login, ann, panel, [1, 3], "no", summary="Thin on diagnosis.\nMore later.")
    score(client, login, ben, panel, [4, 3], "strong_yes", summary="Hire.")
    score(client, login, cleo, panel, [2, 2], submit=False)  # a draft: pending
    # Ann, having seen the panel, changes a rating: the first value stays beside it.
    login(ann)
    sid = panel.scorecards[ann.id]
    assert client.post(f"/scorecards/{sid}/amend", data={"reason": "Re-read notes"}).status_code
    save(
        client,
        sid,
        {
            f"rating:{panel.competencies[0]}:value": 2,
            f"rating:{panel.competencies[0]}:evidence": "On reflection.",
        },
    )
    assert client.post(f"/scorecards/{sid}/submit").status_code == 302

    login(users["manager"])
    page = client.get(f"/candidates/{panel.candidate_id}/debrief").get_data(as_text=True)
    assert "2 of 3 scorecards submitted; pending: Cleo" in page
    assert "Still pending" in page and "draft" in page
    assert "Raters disagree" in page  # 2 and 4 now
    assert "changed after seeing the panel; first submitted 1" in page
    assert "Thin on diagnosis." in page and "Hire." in page and "Strong yes" in page
    assert page.count('class="chart dot-strip"') == 2 and "<desc id=" in page
    assert "Ben heard answer 1." in page and "resembled solid" in page
    assert "Cleo heard" not in page  # a draft is nobody's evidence yet
    assert "No decision recorded yet." in page and 'name="rationale"' in page


def test_long_texts_fold(client, login, users, people, panel):
    ann = people[0]
    score(client, login, ann, panel, [3, 3], summary="word " * 200)
    login(users["manager"])
    page = client.get(f"/candidates/{panel.candidate_id}/debrief").get_data(as_text=True)
    assert '<details class="fold">' in page and "Show all" in page


def test_a_candidate_with_no_submitted_scorecard(client, login, users, panel):
    login(users["manager"])
    response = client.get(f"/candidates/{panel.candidate_id}/debrief")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "No scorecard on Casey Candidate is submitted yet" in text
    assert "Waiting for Ann, Ben, Cleo" in text
    assert (
        json.loads(client.get(f"/candidates/{panel.candidate_id}/debrief.json").data)[
            "competencies"
        ]
        == []
    )


class TestWhoMayRead:
    def test_a_panelist_who_has_not_submitted_gets_403_with_the_reason(
        self, client, login, people, panel
    ):
        ann, ben, _ = people
        score(client, login, ann, panel, [3, 3])
        login(ben)
        for suffix in ("", ".csv", ".json"):
            response = client.get(f"/candidates/{panel.candidate_id}/debrief{suffix}")
            assert response.status_code == 403
        assert "hidden until you submit your scorecard" in response.get_data(as_text=True)

    def test_a_panelist_who_submitted_reads_it(self, client, login, people, panel):
        ann, ben, _ = people
        score(client, login, ann, panel, [3, 3])
        score(client, login, ben, panel, [2, 2])
        page = client.get(f"/candidates/{panel.candidate_id}/debrief").get_data(as_text=True)
        assert "evidence for 3." in page and "Record decision" not in page

    def test_an_interviewer_off_the_panel_gets_403(self, client, login, users, people, panel):
        score(client, login, people[0], panel, [3, 3])
        login(users["interviewer"])
        assert client.get(f"/candidates/{panel.candidate_id}/debrief").status_code == 403
        assert client.get(f"/candidates/{panel.candidate_id}/debrief.json").status_code == 403

    def test_a_later_round_stays_hidden_from_a_panelist_pending_on_it(
        self, app, client, login, people, panel
    ):
        ann, ben, _ = people
        score(client, login, ann, panel, [3, 3])
        score(client, login, ben, panel, [2, 2])
        later = second_round(app, panel, [ann, ben])
        login(ben)
        save(client, later[ben.id], complete(panel, value=4), base=0)
        client.post(f"/scorecards/{later[ben.id]}/submit")
        login(ann)  # submitted round 1, not round 2: round 1 only
        page = client.get(f"/candidates/{panel.candidate_id}/debrief").get_data(as_text=True)
        assert "1 interview is left out" in page
        data = json.loads(client.get(f"/candidates/{panel.candidate_id}/debrief.json").data)
        assert data["hidden_interviews"] == 1
        values = [r["value"] for c in data["competencies"] for r in c["ratings"]]
        assert sorted(values) == [2, 2, 3, 3]  # Ben's 4s of round 2 are not there

    def test_only_managers_record_decisions(self, client, login, people, panel):
        login(people[0])
        response = client.post(
            f"/candidates/{panel.candidate_id}/decision",
            data={"outcome": "Hire", "rationale": "Because."},
        )
        assert response.status_code == 403


def test_decision_history_and_audit(app, client, login, users, people, panel):
    score(client, login, people[0], panel, [3, 3])
    login(users["manager"])
    url = f"/candidates/{panel.candidate_id}/decision"
    assert (
        client.post(url, data={"outcome": "Hold", "rationale": "Wait for round 2."}).status_code
        == 302
    )
    assert (
        client.post(
            url, data={"outcome": "Advance", "rationale": "Round 2 settled it."}
        ).status_code
        == 302
    )
    page = client.get(f"/candidates/{panel.candidate_id}/debrief").get_data(as_text=True)
    assert "Round 2 settled it." in page and "Earlier decisions (1)" in page
    assert page.index("Advance</span> recorded by") < page.index("Wait for round 2.")
    with app.app_context():
        rows = db.session.scalars(select(Decision).order_by(Decision.id)).all()
        assert [(d.outcome, d.decided_by_id) for d in rows] == [
            ("Hold", users["manager"].id),
            ("Advance", users["manager"].id),
        ]
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "decision.record").order_by(AuditEvent.id)
        ).all()
        assert [e.details for e in events] == [
            {"outcome": "Hold", "previous": None},
            {"outcome": "Advance", "previous": "Hold"},
        ]
        assert all("Round 2" not in json.dumps(e.details) for e in events)
    data = json.loads(client.get(f"/candidates/{panel.candidate_id}/debrief.json").data)
    assert [d["outcome"] for d in data["decisions"]] == ["Hold", "Advance"]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"outcome": "Hire", "rationale": "  "}, "Say why"),
        ({"outcome": "Hire"}, "Say why"),
        ({"outcome": "Sack", "rationale": "Forged outcome."}, "Not a valid choice"),
        ({"rationale": "No outcome."}, "Choose a decision"),
    ],
)
def test_a_bad_decision_is_refused_with_a_message(app, client, login, users, panel, form, message):
    login(users["manager"])
    response = client.post(
        f"/candidates/{panel.candidate_id}/decision", data=form, follow_redirects=True
    )
    assert response.status_code == 200
    assert "The decision is not recorded" in response.get_data(as_text=True)
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Decision)) is None


def test_the_teams_own_labels(app, client, login, users, panel):
    app.config["DECISION_LABELS"] = "Offer, Second look, Decline"
    login(users["manager"])
    page = client.get(f"/candidates/{panel.candidate_id}/debrief").get_data(as_text=True)
    assert "Second look" in page and "Advance" not in page
    assert (
        client.post(
            f"/candidates/{panel.candidate_id}/decision",
            data={"outcome": "Second look", "rationale": "Ask about escalations."},
        ).status_code
        == 302
    )


def test_csv_and_json_exports(client, login, users, people, panel):
    score(
        client,
        login,
        people[0],
        panel,
        [1, 3],
        **{f"rating:{panel.competencies[0]}:evidence": '=HYPERLINK("http://x")'},
    )
    score(client, login, people[1], panel, [None, 4])
    login(users["manager"])
    response = client.get(f"/candidates/{panel.candidate_id}/debrief.csv")
    assert (
        response.headers["Content-Disposition"].startswith(
            'attachment; filename="debrief-Casey-Candidate-'
        )
        and "filename*=UTF-8''debrief-Casey-Candidate-" in response.headers["Content-Disposition"]
    )
    assert (
        response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert {(r["interviewer"], r["rating"], r["not_assessed"]) for r in rows} == {
        ("Ann", "1", ""),
        ("Ann", "3", ""),
        ("Ben", "4", ""),
        ("Ben", "", "yes"),
    }
    # A spreadsheet must not run the evidence as a formula.
    assert '\'=HYPERLINK("http://x")' in [r["evidence"] for r in rows]
    data = json.loads(client.get(f"/candidates/{panel.candidate_id}/debrief.json").data)
    assert data["competencies"][0]["not_assessed_by"] == ["Ben"]
    assert data["competencies"][0]["split"] is False  # one rating: no split
    assert (
        data["progress"]
        == "2 of 3 scorecards submitted; pending: Cleo (Panel kit, "
        + data["progress"].split("(Panel kit, ")[1]
    )


def test_the_packet_cover_holds_decision_pending_summaries_and_markers(
    app, client, login, users, people, panel
):
    ann, ben, _ = people
    score(client, login, ann, panel, [1, 3], "no", summary="Thin on diagnosis.\nSecond line.")
    score(client, login, ben, panel, [4, 3], "strong_yes", summary="Clear hire.")
    login(ann)
    sid = panel.scorecards[ann.id]
    client.post(f"/scorecards/{sid}/amend", data={"reason": "Second look"})
    save(client, sid, {"recommendation": "yes"})
    client.post(f"/scorecards/{sid}/submit")

    login(users["manager"])
    url = f"/candidates/{panel.candidate_id}/packet.pdf"
    cover = pdf_text(client.get(url).data).split("SCORECARD ·")[0]
    assert "2 of 3 scorecards submitted; pending: Cleo" in cover
    assert "No decision recorded yet" in cover
    assert "Thin on diagnosis." in cover and "Second line" not in cover and "Clear hire." in cover
    assert "1/4" in cover and "4/4" in cover
    assert "first submitted no" in cover.lower()
    client.post(
        f"/candidates/{panel.candidate_id}/decision",
        data={"outcome": "Advance", "rationale": "Strong diagnosis evidence."},
    )
    cover = pdf_text(client.get(url).data).split("SCORECARD ·")[0]
    assert "Advance" in cover and "Strong diagnosis evidence." in cover
    assert "No decision recorded yet" not in cover


def test_progress_counts_withdrawn_apart(app, client, login, people, panel):
    ann, ben, cleo = people
    score(client, login, ann, panel, [3, 3])
    login(ben)
    client.post(f"/scorecards/{panel.scorecards[ben.id]}/withdraw")
    with app.app_context():
        state = progress(db.session.scalar(candidate_with_scorecards(panel.candidate_id)))
        assert (state.submitted, state.expected) == (1, 2)
        assert [s.interviewer.name for s in state.pending] == ["Cleo"]
        assert [s.interviewer.name for s in state.withdrawn] == ["Ben"]
        assert db.session.get(Candidate, panel.candidate_id) is not None

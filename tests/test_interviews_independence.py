"""Independence, where it leaked: the candidate list's recommendations, decisions shown to
a panelist with a round still to score, stepping back that opened other rounds, counts
that disagreed; and the rules' edges that mutants slipped past."""

import io
import json
import re
import unicodedata
from datetime import timedelta

import pytest
from pypdf import PdfReader

from hiring.auth.models import Role, User
from hiring.debrief.calibration import raters
from hiring.debrief.models import Decision
from hiring.extensions import db, utcnow
from hiring.interviews import operations as ops
from hiring.interviews.models import Candidate, Interview, Scorecard
from hiring.interviews.queries import access_to
from hiring.kits.models import KitVersion
from hiring.text import clean
from tests.scoring import complete, make_panel, submit_as
from tests.test_debrief_calibration import fact


def another_round(app, panel, people, hours_ago=1) -> dict[int, int]:
    """Another interview of the panel's candidate with the same kit: person id -> scorecard."""
    with app.app_context():
        interview = ops.schedule(
            db.session.get(Candidate, panel.candidate_id),
            db.session.get(KitVersion, panel.kit_version_id),
            utcnow() - timedelta(hours=hours_ago),
            [db.session.get(User, u.id) for u in people],
        )
        db.session.commit()
        return {s.interviewer_id: s.id for s in interview.scorecards}


def submit(client, login, user, panel, sid, recommendation="yes", value=3):
    login(user)
    changes = complete(panel, value=value, recommendation=recommendation)
    assert (
        client.post(f"/scorecards/{sid}/save", json={"base": 0, "changes": changes}).status_code
        == 200
    )
    assert client.post(f"/scorecards/{sid}/submit").status_code == 302


def decide(app, panel, manager, outcome="Hold", rationale="Diagnosis concern needs a look"):
    with app.app_context():
        db.session.add(
            Decision(
                candidate_id=panel.candidate_id,
                outcome=outcome,
                rationale=rationale,
                decided_by_id=manager.id,
                decided_at=utcnow(),
            )
        )
        db.session.commit()


@pytest.fixture
def ann(make_user):
    return make_user(Role.INTERVIEWER, name="Ann Rater")


def test_the_candidate_list_hides_a_round_the_reader_has_yet_to_score(
    app, client, login, users, make_question, ann
):
    manager = users["manager"]
    panel = make_panel(app, make_question, [ann, manager])
    submit(client, login, ann, panel, panel.scorecards[ann.id], "strong_no")
    login(manager)
    listing = client.get("/candidates/").get_data(as_text=True)
    assert "Strong no" not in listing
    assert "1 of 2 submitted" in listing
    submit(client, login, manager, panel, panel.scorecards[manager.id], "yes")
    listing = client.get("/candidates/").get_data(as_text=True)
    assert "1 × Strong no" in listing and "1 × Yes" in listing


def test_a_decision_is_hidden_wherever_the_reader_has_a_round_to_score(
    app, client, login, users, make_question, ann, make_user
):
    manager = users["manager"]
    interviewer = users["interviewer"]
    panel = make_panel(app, make_question, [ann, interviewer])
    for who in (ann, interviewer):
        submit(client, login, who, panel, panel.scorecards[who.id])
    decide(app, panel, manager)
    second = another_round(app, panel, [interviewer, manager], hours_ago=0.5)

    # An interviewer with round two to score: not on the debrief, in its JSON or packet.
    login(interviewer)
    page = client.get(f"/candidates/{panel.candidate_id}/debrief").get_data(as_text=True)
    assert "Diagnosis concern" not in page and ">Hold<" not in page
    assert "The decision is hidden until you submit" in page
    data = client.get(f"/candidates/{panel.candidate_id}/debrief.json").get_json()
    assert data["decisions"] == [] and data["decisions_hidden"] is True
    packet = client.get(f"/candidates/{panel.candidate_id}/packet.pdf")
    text = unicodedata.normalize(
        "NFKC", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(packet.data)).pages)
    )
    assert "Diagnosis concern" not in text and "Hidden until you submit" in text

    # A manager on round two's panel neither reads nor records one, nor sees it compared.
    login(manager)
    page = client.get(f"/candidates/{panel.candidate_id}/debrief").get_data(as_text=True)
    assert "Diagnosis concern" not in page and "Record the change" not in page
    r = client.post(
        f"/candidates/{panel.candidate_id}/decision",
        data={"outcome": "Hire", "rationale": "Strong."},
        follow_redirects=True,
    )
    assert "your own scorecard on Casey Candidate is still pending" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Decision).count() == 1
        kit_id = db.session.get(KitVersion, panel.kit_version_id).kit_id
    compared = client.get(f"/kits/{kit_id}/compare.json").get_json()
    assert [c["decision"] for c in compared["candidates"]] == ["Hidden until you submit"]

    # Once both have scored round two, the decision is theirs to read.
    submit(client, login, interviewer, panel, second[interviewer.id])
    data = client.get(f"/candidates/{panel.candidate_id}/debrief.json").get_json()
    assert [d["rationale"] for d in data["decisions"]] == ["Diagnosis concern needs a look"]
    submit(client, login, manager, panel, second[manager.id])
    assert "Diagnosis concern" in client.get(f"/candidates/{panel.candidate_id}/debrief").get_data(
        as_text=True
    )


def test_stepping_back_opens_that_rounds_panel_only(
    app, client, login, users, make_question, ann, make_user
):
    ben = make_user(Role.INTERVIEWER, name="Ben Rater")
    me = users["interviewer"]
    panel = make_panel(app, make_question, [ann, me])
    rounds = [another_round(app, panel, [ben]) for _ in range(2)]
    submit(client, login, ann, panel, panel.scorecards[ann.id])
    for scorecards in rounds:
        submit(client, login, ben, panel, scorecards[ben.id])
    login(me)
    assert client.post(f"/scorecards/{panel.scorecards[me.id]}/withdraw").status_code == 302
    assert client.get(f"/scorecards/{panel.scorecards[ann.id]}.json").status_code == 200
    for scorecards in rounds:
        assert client.get(f"/scorecards/{scorecards[ben.id]}.json").status_code == 403
        assert client.get(f"/scorecards/{scorecards[ben.id]}").status_code == 403


def test_every_page_counts_a_stepped_back_panelist_alike(
    app, client, login, users, make_question, ann, make_user
):
    ben = make_user(Role.INTERVIEWER, name="Ben Rater")
    manager = users["manager"]
    panel = make_panel(app, make_question, [ann, ben, manager])
    for who in (ann, ben):
        submit(client, login, who, panel, panel.scorecards[who.id])
    login(manager)
    assert client.post(f"/scorecards/{panel.scorecards[manager.id]}/withdraw").status_code == 302
    pages = {
        "list": client.get("/candidates/").get_data(as_text=True),
        "candidate": client.get(f"/candidates/{panel.candidate_id}").get_data(as_text=True),
        "debrief": client.get(f"/candidates/{panel.candidate_id}/debrief").get_data(as_text=True),
    }
    packet = client.get(f"/candidates/{panel.candidate_id}/packet.pdf")
    pages["packet"] = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(packet.data)).pages
    ).replace("\n", " ")
    for name, text in pages.items():
        assert re.search(r"\b2 of 2 (scorecards )?submitted", text), name
        assert not re.search(r"\b2 of 3 (scorecards )?submitted", text), name


def test_an_off_panel_interviewer_with_one_round_in_and_one_pending_reads_neither_others(
    app, client, login, users, make_question, ann
):
    """Kills `pending = all(...)`: one pending round is enough to keep the rest hidden."""
    me = users["interviewer"]
    panel = make_panel(app, make_question, [ann])
    mine_done = another_round(app, panel, [me])
    another_round(app, panel, [me])  # still to score
    submit(client, login, ann, panel, panel.scorecards[ann.id])
    submit(client, login, me, panel, mine_done[me.id])
    assert client.get(f"/scorecards/{panel.scorecards[ann.id]}.json").status_code == 403


def test_a_draft_kept_after_being_taken_off_a_panel_counts_for_nothing(
    app, client, login, users, make_question, ann
):
    """Taken off round one with a draft kept, then scoring round two: round one is open,
    as to any interviewer who has scored the candidate, and the draft is not expected."""
    me = users["interviewer"]
    panel = make_panel(app, make_question, [ann, me])
    second = another_round(app, panel, [me])
    login(me)
    draft = {"base": 0, "changes": {"summary": "A start"}}
    assert client.post(f"/scorecards/{panel.scorecards[me.id]}/save", json=draft).status_code == 200
    with app.app_context():
        ops.remove_panelist(
            db.session.get(Interview, panel.interview_id),
            db.session.get(User, me.id),
            confirmed=True,
        )
        db.session.commit()
    submit(client, login, ann, panel, panel.scorecards[ann.id])
    submit(client, login, me, panel, second[me.id])
    assert client.get(f"/scorecards/{panel.scorecards[ann.id]}.json").status_code == 200
    page = client.get(f"/candidates/{panel.candidate_id}").get_data(as_text=True)
    assert "2 of 2 scorecards submitted" in page
    with app.app_context():
        access = access_to(db.session.get(User, me.id), panel.candidate_id)
        assert not access.pending


def test_calibration_reads_first_submitted_ratings_not_amended_ones(
    app, client, login, users, make_question, make_user
):
    ann = make_user(Role.INTERVIEWER, name="Ann")
    ben = make_user(Role.INTERVIEWER, name="Ben")
    panel = make_panel(app, make_question, [ann, ben])
    submit_as(client, login, ann, panel, value=4)
    submit_as(client, login, ben, panel, value=2)
    # Ann reads Ben's 2s and amends her 4s down to 2: the calibration keeps her first 4s.
    login(ann)
    sid = panel.scorecards[ann.id]
    assert (
        client.post(f"/scorecards/{sid}/amend", data={"reason": "Second look"}).status_code == 302
    )
    version = client.get(f"/scorecards/{sid}.json").get_json()["version"]
    changes = {f"rating:{kc}:value": 2 for kc in panel.competencies}
    saved = client.post(f"/scorecards/{sid}/save", json={"base": version, "changes": changes})
    assert saved.status_code == 200
    assert client.post(f"/scorecards/{sid}/submit").status_code == 302
    login(users["manager"])
    data = json.loads(client.get("/calibration.json").data)
    differences = {p["interviewer"]: p["mean_difference"] for p in data["interviewers"]}
    assert differences == {"Ann": 2.0, "Ben": -2.0}


@pytest.mark.parametrize(("shared", "hint"), [(9, True), (10, False)])
def test_a_leaning_is_too_early_to_tell_below_ten_shared_ratings(shared, hint):
    """One rule with alpha's: under ENOUGH (10) things compared, no verdict."""
    facts = []
    for n in range(shared):
        facts += [fact("Ann", n, 1, 4), fact("Ben", n, 1, 2)]
    (ann, _) = sorted(raters(facts, {}, 48), key=lambda r: r.name)
    assert ann.shared == shared
    assert ann.few_shared is hint


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("\udc00", "\ufffd"),  # a lone low surrogate
        ("caf\u00e9 \udc80 na\u00efve", "caf\u00e9 \ufffd na\u00efve"),
        ("\u00e9\x00\u00fc", "\u00e9\u00fc"),  # NUL inside non-ASCII text
        ("\u65e5\x00\u672c\ud800", "\u65e5\u672c\ufffd"),
    ],
)
def test_lone_low_surrogates_and_nul_in_non_ascii_text_are_made_storable(raw, stored):
    assert clean(raw) == stored


@pytest.mark.parametrize(
    "config_overrides",
    [{"RATELIMIT_ENABLED": True, "ACCOUNT_LOGIN_LIMIT": "3 per 15 minutes"}],
)
def test_the_per_account_limit_counts_every_spelling_of_an_email(app, users, config_overrides):
    client = app.test_client()
    email = users["manager"].email
    spellings = [email.upper(), email.capitalize(), f"  {email.swapcase()} "]
    for spelling in spellings:
        r = client.post("/login", data={"email": spelling, "password": "a wrong guess"})
        assert r.status_code == 401
    r = client.post("/login", data={"email": email, "password": "correct horse battery"})
    assert r.status_code == 429


def test_stepped_back_scorecards_never_reach_the_panels_count_in_sql_either(
    app, client, login, users, make_question, ann
):
    """`expected` as SQL and as Python agree on a withdrawn and a removed scorecard."""
    me = users["interviewer"]
    panel = make_panel(app, make_question, [ann, me, users["manager"]])
    login(me)
    assert client.post(f"/scorecards/{panel.scorecards[me.id]}/withdraw").status_code == 302
    with app.app_context():
        by_sql = db.session.scalars(
            db.select(Scorecard.id).where(Scorecard.expected).order_by(Scorecard.id)
        ).all()
        by_python = [
            s.id
            for s in db.session.scalars(db.select(Scorecard).order_by(Scorecard.id))
            if s.expected
        ]
        assert by_sql == by_python and panel.scorecards[me.id] not in by_sql

"""Interviewer calibration on a hand-computed example, and its pages and exports."""

import csv
import io
import json
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from hiring.auth.models import Role
from hiring.debrief.calibration import Fact, raters, reliability
from hiring.debrief.reliability import rescale
from tests.scoring import make_panel, submit_as

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def fact(who, interview, competency, value, *, kit=1, scale=4, hours=2):
    return Fact(
        who,
        interview,
        kit,
        competency,
        f"Skill {competency}",
        scale,
        value,
        T0,
        T0 + timedelta(hours=hours),
    )


def test_leaning_distribution_not_assessed_and_hours_by_hand():
    # Interview 1: A=4, B=2, C=3 on skill 1; A=3, B=3 on skill 2 (C not assessed).
    # Interview 2: A=4, B=3 on skill 1; A alone on skill 2 (B not assessed).
    facts = [
        fact("A", 1, 1, 4, hours=1),
        fact("B", 1, 1, 2, hours=30),
        fact("C", 1, 1, 3, hours=5),
        fact("A", 1, 2, 3, hours=1),
        fact("B", 1, 2, 3, hours=30),
        fact("C", 1, 2, None, hours=5),
        fact("A", 2, 1, 4, hours=3),
        fact("B", 2, 1, 3, hours=50),
        fact("A", 2, 2, 2, hours=3),
        fact("B", 2, 2, None, hours=50),
    ]
    a, b, c = raters(facts, {"A": "Ann", "B": "Ben", "C": "Cleo"}, overdue_hours=24)
    # Ann: 4 - mean(2, 3) = 1.5; 3 - 3 = 0; 4 - 3 = 1; skill 2 of interview 2 unshared.
    assert a.name == "Ann" and a.shared == 3 and a.leaning == pytest.approx(2.5 / 3)
    # Ben: 2 - 3.5 = -1.5; 3 - 3 = 0; 3 - 4 = -1.
    assert b.shared == 3 and b.leaning == pytest.approx(-2.5 / 3)
    # Cleo: 3 - mean(4, 2) = 0.
    assert c.shared == 1 and c.leaning == 0
    assert dict(a.distribution) == {4: 2, 3: 1, 2: 1}
    assert b.not_assessed_share == 0.25 and c.not_assessed_share == 0.5
    assert a.median_hours == 2 and b.median_hours == 40
    # Three shared ratings are too early to call anyone lenient.
    assert a.few_shared and a.label == "—" and not any("Lenient" in f for f in a.flags)
    assert any("Slow to submit" in f for f in b.flags)
    # One "not assessed" is no pattern, whatever the share.
    assert not any("not assessed" in f for f in b.flags + c.flags)


def test_a_raters_distribution_is_on_their_largest_scale_whatever_the_order():
    """Ratings on a 4-point kit and on a 5-point one: all placed on 5 points, ends on
    ends, whether the 4-point ones came first or last."""
    four = [fact("A", n, 1, 4, scale=4) for n in (1, 2)]
    five = [fact("A", n, 1, 5, scale=5, kit=2) for n in (3, 4)]
    for facts in (four + five, five + four):
        (rater,) = raters(facts, {"A": "Ann"}, 24)
        assert rater.scale == 5 and dict(rater.distribution) == {5: 4}
        assert rater.figures().as_dict()["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 4}


def test_figures_match_their_definitions_on_many_random_panels():
    """raters() counts with arrays; here each figure is worked out one rating at a time,
    as defined, over panels of every size with several scales and "not assessed"."""
    rng = random.Random(5)
    facts = []
    for interview in range(1, 400):
        scale = rng.choice((3, 4, 5))
        panel = rng.sample(range(1, 13), rng.randint(1, 5))
        for competency in rng.sample(range(1, 9), rng.randint(1, 4)):
            for who in panel:
                value = None if rng.random() < 0.1 else rng.randint(1, scale)
                facts.append(fact(who, interview, competency, value, scale=scale, hours=who))
    people = {r.id: r for r in raters(facts, {}, 24)}
    for who, person in people.items():
        mine = [f for f in facts if f.interviewer_id == who]
        given = [f for f in mine if f.value is not None]
        differences = []
        for f in given:
            others = [
                o.value
                for o in facts
                if (o.interview_id, o.competency_id) == (f.interview_id, f.competency_id)
                and o.interviewer_id != who
                and o.value is not None
            ]
            if others:
                differences.append(f.value - sum(others) / len(others))
        assert person.differences == differences
        assert (person.ratings, person.not_assessed) == (len(given), len(mine) - len(given))
        assert person.scale == max(f.scale for f in given)
        placed = Counter(round(rescale(f.value, f.scale, person.scale)) for f in given)
        assert person.distribution == placed
        assert person.median_hours == who and person.name == f"User {who}"


def test_lenient_and_severe_are_flagged_in_plain_words():
    facts = []
    for interview in range(1, 11):
        facts += [
            fact("L", interview, 1, 4),
            fact("S", interview, 1, 2),
            fact("M", interview, 1, 3),
        ]
    people = {r.id: r for r in raters(facts, {"L": "Lee", "S": "Sol", "M": "Mo"}, 24)}
    assert people["L"].leaning == pytest.approx(1.5) and people["L"].label == "Lenient"
    assert people["L"].flags[0].startswith("Lenient: rates 1.5 points above co-panelists")
    assert people["S"].label == "Severe" and "10 shared ratings" in people["S"].flags[0]
    assert people["M"].label == "In line"
    assert any("Little range" in f for f in people["M"].flags)  # 3 every time


def test_a_rater_who_marks_everything_not_assessed():
    facts = [fact("N", i, 1, None) for i in range(1, 5)] + [fact("A", i, 1, 3) for i in range(1, 5)]
    _, nobody = raters(facts, {"N": "Nia", "A": "Abe"}, 24)
    assert nobody.ratings == 0 and nobody.not_assessed_share == 1.0
    assert nobody.leaning is None and "Marks 100% of competencies not assessed." in nobody.flags


def test_reliability_per_kit_and_competency():
    facts = [
        fact("A", 1, 1, 1),
        fact("B", 1, 1, 1),
        fact("A", 2, 1, 3),
        fact("B", 2, 1, 3),
        fact("A", 3, 1, 1),
        fact("B", 3, 1, 3),
        fact("A", 1, 2, 2),
        fact("B", 1, 2, 2),  # every rating of skill 2 equal
        fact("A", 9, 1, 4, kit=2),
    ]
    kit = reliability(facts, 1, "Kit")
    assert kit.interviews == 3 and kit.overall.units == 4
    per = dict(kit.competencies)
    assert per["Skill 1"].interval == pytest.approx(4 / 9)
    assert (
        per["Skill 2"].ordinal is None
        and "every rating compared is the same" in per["Skill 2"].problem
    )
    lonely = reliability(facts, 2, "Other")
    assert "no interview here has two raters" in lonely.overall.problem


@pytest.fixture
def scored(app, client, login, users, make_question, make_user):
    """Two interviews with the same kit: Ann rates 4, Ben 2 on both; Cleo has one alone."""
    ann, ben = make_user(Role.INTERVIEWER, name="Ann"), make_user(Role.INTERVIEWER, name="Ben")
    panels = [
        make_panel(app, make_question, [ann, ben], candidate=f"Cand {n}", kit_title=f"Kit {n}")
        for n in range(2)
    ]
    for panel in panels:
        for who, value in ((ann, 4), (ben, 2)):
            submit_as(client, login, who, panel, value)
    return panels


def test_calibration_page_and_exports(client, login, users, scored):
    login(users["manager"])
    page = client.get("/calibration").get_data(as_text=True)
    # Each rating against the other's: 4 - 2 and 2 - 4, on 2 interviews x 2 competencies.
    assert "Ann" in page and "Ben" in page and "+2.00" in page and "-2.00" in page
    assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
    assert "4 shared ratings: too early to tell" in page
    # Two interviews of two competencies: four units, too early for a verdict.
    assert "Agreement between raters: Kit 0" in page and "Too early to tell" in page
    assert "Calibrate" not in page and "95% interval" in page

    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/calibration.csv").get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    assert {r["interviewer"]: r["mean_difference"] for r in rows} == {"Ann": "2.00", "Ben": "-2.00"}
    data = json.loads(client.get("/calibration.json").data)
    assert data["interviewers"][0]["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 4}
    assert data["reliability"][0]["overall"]["alpha_ordinal"] is not None

    response = client.get("/calibration.pdf")
    assert response.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Interviewer calibration" in text and "Ann" in text and "+2.00" in text


def test_calibration_leaves_out_the_readers_unscored_interviews(
    app, client, login, users, make_question, make_user
):
    """A manager on a panel sees no figure built on colleagues' ratings of it until they
    submit their own."""
    ann = make_user(Role.INTERVIEWER, name="Ann")
    panel = make_panel(app, make_question, [ann, users["manager"]])
    submit_as(client, login, ann, panel)
    login(users["manager"])
    assert "Ann" not in client.get("/calibration").get_data(as_text=True)
    assert json.loads(client.get("/calibration.json").data)["interviewers"] == []


def test_a_manager_taken_off_a_panel_reads_it_in_calibration_as_everywhere(
    app, client, login, users, make_question, make_user
):
    """Taken off a panel with a draft kept, the manager is off it: the draft hides nothing,
    in calibration as on the candidate's pages."""
    ann, ben = make_user(Role.INTERVIEWER, name="Ann"), make_user(Role.INTERVIEWER, name="Ben")
    panel = make_panel(app, make_question, [ann, ben, users["manager"]])
    login(users["manager"])
    mine = panel.scorecards[users["manager"].id]
    client.post(f"/scorecards/{mine}/save", json={"base": 0, "changes": {"summary": "Started."}})
    for who in (ann, ben):
        submit_as(client, login, who, panel)
    login(users["manager"])
    # On the panel with a draft: colleagues' ratings stay hidden everywhere.
    assert "Ann" not in client.get("/calibration").get_data(as_text=True)
    assert client.get(f"/candidates/{panel.candidate_id}/debrief").status_code == 403
    client.post(
        f"/interviews/{panel.interview_id}/panel/{users['manager'].id}/remove",
        data={"confirm": "1"},
    )
    # Taken off: the debrief opens, and calibration counts the panel too.
    assert client.get(f"/candidates/{panel.candidate_id}/debrief").status_code == 200
    people = json.loads(client.get("/calibration.json").data)["interviewers"]
    assert {p["interviewer"] for p in people} == {"Ann", "Ben"}
    assert "Ann" in client.get("/calibration").get_data(as_text=True)


@pytest.mark.parametrize(
    "url", ["/calibration", "/calibration.csv", "/calibration.json", "/calibration.pdf"]
)
def test_calibration_is_for_managers(client, login, users, url):
    login(users["interviewer"])
    assert client.get(url).status_code == 403


def test_empty_calibration_says_so(client, login, users):
    login(users["manager"])
    assert "nothing to calibrate" in client.get("/calibration").get_data(as_text=True)

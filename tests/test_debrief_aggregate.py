"""The debrief's aggregates against a panel computed by hand."""

import pytest

from hiring.auth.models import Role
from hiring.debrief.aggregate import DISAGREEMENT, aggregate, tally
from hiring.interviews.models import Recommendation
from hiring.interviews.queries import submitted_with_content
from tests.scoring import complete, make_panel


@pytest.fixture
def panel(app, make_question, make_user):
    people = [make_user(Role.INTERVIEWER, name=name) for name in ("Ann", "Ben", "Cleo", "Dev")]
    return people, make_panel(app, make_question, people)


def score(client, login, user, panel, ratings: dict, recommendation: str, submit=True):
    """Rate each competency (None: not assessed) and submit."""
    login(user)
    sid = panel.scorecards[user.id]
    changes = complete(panel, recommendation=recommendation)
    for kc, value in zip(panel.competencies, ratings, strict=True):
        if value is None:
            changes[f"rating:{kc}:value"] = None
            changes[f"rating:{kc}:not_assessed"] = True
        else:
            changes[f"rating:{kc}:value"] = value
    assert (
        client.post(f"/scorecards/{sid}/save", json={"base": 0, "changes": changes}).status_code
        == 200
    )
    if submit:
        assert client.post(f"/scorecards/{sid}/submit").status_code == 302


def test_mean_range_disagreement_and_not_assessed_by_hand(app, client, login, users, panel):
    (ann, ben, cleo, dev), p = panel
    score(client, login, ann, p, [1, 3], "no")
    score(client, login, ben, p, [3, 4], "strong_yes")
    score(client, login, cleo, p, [None, 4], "yes")
    score(client, login, dev, p, [4, 1], "strong_no", submit=False)  # a draft counts nowhere

    with app.app_context():
        scorecards = submitted_with_content(p.candidate_id)
        first, second = aggregate(scorecards)
        counts = dict(tally(scorecards))

    # Skill 0: 1 and 3; Cleo did not assess it. Mean (1 + 3) / 2, not (1 + 3 + 0) / 3.
    assert [(e.who, e.value) for e in first.ratings] == [("Ann", 1), ("Ben", 3)]
    assert first.mean == 2.0 and (first.low, first.high) == (1, 3)
    assert first.not_assessed == 1
    assert first.disagreement  # two points apart: 2 >= DISAGREEMENT
    # Skill 1: 3, 4 and 4: one point apart is no disagreement.
    assert first.scale_max == second.scale_max == 4
    assert second.mean == pytest.approx(11 / 3) and (second.low, second.high) == (3, 4)
    assert second.not_assessed == 0 and not second.disagreement
    assert DISAGREEMENT == 2
    assert counts == {
        Recommendation.STRONG_YES: 1,
        Recommendation.YES: 1,
        Recommendation.NO: 1,
        Recommendation.STRONG_NO: 0,
    }

    login(users["manager"])
    page = client.get(f"/candidates/{p.candidate_id}").get_data(as_text=True)
    rows = page.split('id="debrief-h"')[1].split("</table>")[0].split("<tr>")[2:]
    assert "Raters disagree" in rows[0] and "Raters disagree" not in rows[1]
    assert "<td>2.0</td>" in rows[0] and "1 not assessed" in rows[0]
    assert (
        "<td>3.7</td>" in rows[1]
        and "Dev" not in page.split('id="debrief-h"')[1].split("</section>")[0]
    )


def test_a_competency_nobody_assessed_has_no_mean(app, client, login, panel):
    (ann, ben, _, _), p = panel
    score(client, login, ann, p, [None, 2], "no")
    score(client, login, ben, p, [None, 2], "no")
    with app.app_context():
        first, second = aggregate(submitted_with_content(p.candidate_id))
    assert first.values == [] and first.mean is None and first.not_assessed == 2
    assert not first.disagreement
    assert second.mean == 2.0 and not second.disagreement

"""Pages that stay fast with data: the dashboard, the candidates list and the interview
form run the same number of SQL statements at 10 and at 200 rows, and their lists are
bounded in SQL."""

import re
from datetime import timedelta

import pytest

from hiring.auth.models import User
from hiring.extensions import db, utcnow
from hiring.interviews.models import Candidate
from hiring.interviews.operations import schedule
from hiring.interviews.queries import PICKER_LIMIT
from hiring.kits.models import KitVersion
from hiring.scorecards.queries import BOARD_LIMIT, LIST_LIMIT, MY_COUNT_CAP
from tests.conftest import queries_of_page
from tests.scoring import make_panel


def add_interviews(app, panel, people, n: int, hours_ago: float = 48, prefix="Scale") -> None:
    """`n` more candidates, each interviewed `hours_ago` by `people` (overdue)."""
    with app.app_context():
        version = db.session.get(KitVersion, panel.kit_version_id)
        users = [db.session.get(User, u.id) for u in people]
        for k in range(n):
            person = Candidate(name=f"{prefix} {k:04d}", role="Support")
            db.session.add(person)
            schedule(person, version, utcnow() - timedelta(hours=hours_ago + k), users)
        db.session.commit()


@pytest.mark.parametrize("who", ["interviewer", "manager"])
def test_the_dashboard_is_bounded(app, client, login, users, make_question, count_queries, who):
    people = [users["interviewer"], users["manager"]]
    panel = make_panel(app, make_question, people, hours_ago=2)
    add_interviews(app, panel, people, 10)
    login(users[who])
    small = queries_of_page(client, count_queries, "/")
    add_interviews(app, panel, people, 190)
    large = queries_of_page(client, count_queries, "/")
    assert large == small
    page = client.get("/").get_data(as_text=True)
    overdue = page.split('id="overdue-h"')[1].split("</section>")[0]
    assert overdue.count('class="list-title"') == BOARD_LIMIT
    assert f"The {BOARD_LIMIT} oldest of {MY_COUNT_CAP}+." in overdue
    assert 'href="/scorecards/mine/overdue"' in overdue
    if who == "manager":
        team = page.split('id="team-h"')[1].split("</section>")[0]
        assert team.count('class="list-title"') == LIST_LIMIT and "Page 1 of 20" in team
        second = client.get("/?overdue_page=2").get_data(as_text=True)
        assert "Page 2 of 20" in second
        assert client.get("/?overdue_page=999").status_code == 200


def test_each_of_ones_lists_pages_through_all_of_it(
    app, client, login, users, make_question, count_queries
):
    people = [users["interviewer"], users["manager"]]
    panel = make_panel(app, make_question, people, hours_ago=2)
    add_interviews(app, panel, people, 10)
    add_interviews(app, panel, [users["manager"]], 5, prefix="Only the manager's")
    login(users["interviewer"])
    small = queries_of_page(client, count_queries, "/scorecards/mine/overdue")
    add_interviews(app, panel, people, 35, prefix="Later")
    assert queries_of_page(client, count_queries, "/scorecards/mine/overdue?page=2") == small
    board = client.get("/").get_data(as_text=True)
    assert "The 10 oldest of 45." in board.split('id="overdue-h"')[1].split("</section>")[0]
    names, url = [], "/scorecards/mine/overdue"
    while url:
        page = client.get(url).get_data(as_text=True)
        names += re.findall(r'class="list-title"[^>]*>([^<]+)<', page)
        url = (re.search(r'href="([^"]+)" rel="next"', page) or [None, None])[1]
        url = url and url.replace("&amp;", "&")
    # Every overdue scorecard of the interviewer's, once, the oldest first; none of others'.
    assert len(names) == len(set(names)) == 45
    assert names[0].startswith("Later 0034") and not any("manager" in n for n in names)
    assert client.get("/scorecards/mine/overdue?page=99").status_code == 200
    assert client.get("/scorecards/mine/everything").status_code == 404
    submitted = client.get("/scorecards/mine/submitted").get_data(as_text=True)
    assert "Nothing here now." in submitted


def test_the_candidates_list_and_interview_form_are_bounded(
    app, client, login, users, make_question, count_queries
):
    panel = make_panel(app, make_question, [users["interviewer"]])
    add_interviews(app, panel, [users["interviewer"]], 10)
    login(users["manager"])
    urls = ["/candidates/", "/interviews/new", "/candidates/options.json?q=scale"]
    small = [queries_of_page(client, count_queries, url) for url in urls]
    add_interviews(app, panel, [users["interviewer"]], 190, prefix="More")
    assert [queries_of_page(client, count_queries, url) for url in urls] == small
    form = client.get("/interviews/new").get_data(as_text=True)
    options = form.split('id="candidate_id"')[1].split("</select>")[0]
    # The candidates, after the empty "Choose a candidate".
    assert options.count("<option") == PICKER_LIMIT + 1
    found = client.get("/candidates/options.json?q=Scale 0007").get_json()["candidates"]
    assert [c["label"] for c in found] == ["Scale 0007 · Support"]
    # Without script, the search is a GET on the form page.
    filtered = client.get("/interviews/new?find=More+0150").get_data(as_text=True)
    assert filtered.split('id="candidate_id"')[1].split("</select>")[0].count("<option") == 2


def test_a_chosen_candidate_stays_in_the_picker(app, client, login, users, make_question):
    panel = make_panel(app, make_question, [users["interviewer"]], candidate="Chosen One")
    add_interviews(app, panel, [users["interviewer"]], 60)
    login(users["manager"])
    form = client.get(f"/interviews/new?candidate={panel.candidate_id}").get_data(as_text=True)
    assert f'<option selected value="{panel.candidate_id}">Chosen One' in form


def test_the_candidate_list_counts_what_the_candidate_page_counts(
    app, client, login, users, make_question
):
    """The list counts in SQL (statuses), the candidate page in Python (status): the same
    figures for submitted, drafts, removed panelists, cancelled and future interviews."""
    from hiring.interviews import operations as ops
    from hiring.interviews.queries import access_to, status, statuses
    from hiring.scorecards import operations as scorecard_ops
    from tests.scoring import complete

    people = [users["interviewer"], users["manager"]]
    panel = make_panel(app, make_question, people)
    add_interviews(app, panel, people, 2, hours_ago=-48, prefix="Future")
    with app.app_context():
        version = db.session.get(KitVersion, panel.kit_version_id)
        candidate = db.session.get(Candidate, panel.candidate_id)
        team = [db.session.get(User, u.id) for u in people]
        later = schedule(candidate, version, utcnow() + timedelta(days=2), team)
        gone = schedule(candidate, version, utcnow() - timedelta(days=3), team)
        ops.cancel(gone, "Moved")
        for scorecard in db.session.get(type(later), panel.interview_id).scorecards:
            scorecard_ops.save(
                scorecard.id,
                scorecard.interviewer_id,
                0,
                complete(panel, recommendation="no"),
                10_000,
            )
            scorecard_ops.submit(scorecard)
        scorecard_ops.save(
            later.scorecards[0].id,
            later.scorecards[0].interviewer_id,
            0,
            {"recommendation": "yes"},
            10_000,
        )  # a draft
        db.session.commit()
        ids = list(db.session.scalars(db.select(Candidate.id)))
        # As the manager on the panel reads them: the tally leaves out the draft's round.
        reader = db.session.get(User, users["manager"].id)
        by_sql = statuses(ids, reader)
        for cid in ids:
            by_python = status(db.session.get(Candidate, cid), access_to(reader, cid))
            assert by_sql[cid] == {k: v for k, v in by_python.items() if k != "readable"}, cid
        assert by_sql[panel.candidate_id]["cancelled"] == 1
        assert by_sql[panel.candidate_id]["submitted"] == 2


def test_the_team_overdue_count_stops_at_a_cap(
    app, client, login, users, make_question, monkeypatch
):
    from hiring.scorecards import queries

    monkeypatch.setattr(queries, "COUNT_CAP", 30)
    panel = make_panel(app, make_question, [users["interviewer"]], hours_ago=48)
    add_interviews(app, panel, [users["interviewer"]], 40)
    login(users["manager"])
    team = client.get("/").get_data(as_text=True).split('id="team-h"')[1]
    assert "Page 1 of 2 · 30+ overdue, the oldest first" in team
    # Past the capped count, the pages go on as far as the rows do: 41 rows, 3 pages.
    second = client.get("/?overdue_page=2").get_data(as_text=True).split('id="team-h"')[1]
    assert "Page 2 of 3" in second and 'rel="next"' in second
    third = client.get("/?overdue_page=3").get_data(as_text=True).split('id="team-h"')[1]
    assert "Page 3 of 3" in third and 'rel="next"' not in third.split("</section>")[0]
    assert third.split("</section>")[0].count('class="list-title"') == 1

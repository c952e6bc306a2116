"""Figures read over every rating are kept: a submission queues their refresh, pages read
them without reading the ratings, say when they were computed and when newer ones are on
their way; a reader with panels still to score gets figures of their own."""

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from hiring import changes
from hiring.auth.models import Role, User
from hiring.debrief import figures
from hiring.debrief.models import StoredFigures
from hiring.extensions import db, utcnow
from hiring.interviews.models import Candidate
from hiring.interviews.operations import schedule
from hiring.kits.models import KitVersion
from hiring.tasks import QueueWorker
from tests.scoring import make_panel, submit_as
from tests.test_tasks import queued, run_queued

QUEUED = {"TASKS_IMMEDIATE": False}


@pytest.fixture
def people(make_user):
    return make_user(Role.INTERVIEWER, name="Ann"), make_user(Role.INTERVIEWER, name="Ben")


def kit_of(app, panel) -> int:
    from hiring.kits.models import KitVersion

    with app.app_context():
        return db.session.get(KitVersion, panel.kit_version_id).kit_id


def test_a_submission_refreshes_the_kept_figures_and_pages_read_only_them(
    app, client, login, users, make_question, people, count_queries
):
    ann, ben = people
    panel = make_panel(app, make_question, [ann, ben])
    submit_as(client, login, ann, panel, 4)
    submit_as(client, login, ben, panel, 2)
    with app.app_context():
        kept = db.session.get(StoredFigures, "calibration:all")
        assert kept.generation == changes.generation("figures") == 2
        names = {p["name"] for p in kept.data["people"]}
        assert names == {"Ann", "Ben"}
    login(users["manager"])
    kit = kit_of(app, panel)
    for url in ("/calibration", f"/kits/{kit}/compare"):
        with count_queries() as counter:
            page = client.get(url).get_data(as_text=True)
        assert "Figures computed" in page and "newer ones" not in page
        assert not [s for s in counter.statements if "FROM ratings" in s], url
    data = json.loads(client.get("/calibration.json").data)
    assert {p["interviewer"]: p["mean_difference"] for p in data["interviewers"]} == {
        "Ann": 2.0,
        "Ben": -2.0,
    }
    compared = client.get(f"/kits/{kit}/compare.json").get_json()
    assert compared["candidates"][0]["overall"] == 3.0


@pytest.mark.parametrize("config_overrides", [QUEUED])
def test_figures_behind_a_change_say_so_until_the_worker_refreshes_them(
    app, client, login, users, make_question, people, config_overrides
):
    ann, ben = people
    first = make_panel(app, make_question, [ann, ben], candidate="First", kit_title="K1")
    for who, value in ((ann, 4), (ben, 2)):
        submit_as(client, login, who, first, value)
    run_queued(app)
    with app.app_context():
        db.session.add(QueueWorker(name="test worker"))
        db.session.commit()
    second = make_panel(app, make_question, [ann, ben], candidate="Second", kit_title="K1")
    submit_as(client, login, ann, second, 1)
    assert queued(app) >= 1
    login(users["manager"])
    page = client.get("/calibration").get_data(as_text=True)
    assert "newer ones, with the latest scorecards, are on their way" in page
    run_queued(app)
    page = client.get("/calibration").get_data(as_text=True)
    assert "Figures computed" in page and "on their way" not in page


@pytest.mark.parametrize("config_overrides", [QUEUED])
def test_without_a_worker_a_page_behind_computes_its_own(
    app, client, login, users, make_question, people, config_overrides
):
    ann, ben = people
    panel = make_panel(app, make_question, [ann, ben])
    submit_as(client, login, ann, panel, 4)
    submit_as(client, login, ben, panel, 2)
    login(users["manager"])
    data = json.loads(client.get("/calibration.json").data)
    assert len(data["interviewers"]) == 2  # no worker ran the refresh: computed here


def test_a_reader_with_a_panel_to_score_gets_figures_of_their_own(
    app, client, login, users, make_question, people
):
    ann, ben = people
    panel = make_panel(app, make_question, [ann, ben, users["manager"]])
    submit_as(client, login, ann, panel, 4)
    submit_as(client, login, ben, panel, 2)
    login(users["manager"])
    page = client.get("/calibration").get_data(as_text=True)
    assert "Figures computed just now, for you" in page
    assert "Ann" not in page and "Ben" not in page


def test_a_refresh_with_nothing_new_does_nothing(app, client, login, make_question, people):
    ann, ben = people
    panel = make_panel(app, make_question, [ann, ben])
    submit_as(client, login, ann, panel, 4)
    with app.app_context():
        before = db.session.get(StoredFigures, "calibration:all").computed_at
        figures.refresh()
        db.session.expire_all()
        assert db.session.get(StoredFigures, "calibration:all").computed_at == before


@pytest.mark.parametrize("config_overrides", [{"CALIBRATION_PER_PAGE": 1}])
def test_the_calibration_pages_interviewers_those_who_stand_out_first(
    app, client, login, users, make_question, people, config_overrides
):
    ann, ben = people
    for n in range(9):  # 9 x 2 shared ratings 3 points apart: both stand out, by name
        panel = make_panel(app, make_question, [ann, ben], candidate=f"C{n}", kit_title="K")
        submit_as(client, login, ann, panel, 4)
        submit_as(client, login, ben, panel, 1)
    login(users["manager"])
    first = client.get("/calibration").get_data(as_text=True)
    assert "Lenient" in first and ">Ben<" not in first and "1 of 2" in first
    second = client.get("/calibration?page=2").get_data(as_text=True)
    assert ">Ben<" in second
    assert len(json.loads(client.get("/calibration.json").data)["interviewers"]) == 2


def test_kept_figures_are_decoded_once_per_refresh_and_never_changed_by_a_page(
    app, client, login, users, make_question, people, count_queries
):
    """The kept comparison is read from the database once per refresh and shared by the
    visits after: a filtered visit leaves the next unfiltered one whole, and a new refresh
    is read again."""
    ann, ben = people
    first = make_panel(app, make_question, [ann, ben], candidate="First", kit_title="K1")
    submit_as(client, login, ann, first, 4)
    submit_as(client, login, ben, first, 2)
    login(users["manager"])
    url = f"/kits/{kit_of(app, first)}/compare.json"

    def visit(query: str = "") -> tuple[list[str], int]:
        with count_queries() as counter:
            answer = client.get(url + query).get_json()
        reads = [s for s in counter.statements if "figures.data" in s]
        return [c["candidate"] for c in answer["candidates"]], len(reads)

    assert visit() == (["First"], 1)
    assert visit("?decision=Hire") == ([], 0)
    assert visit() == (["First"], 0)

    # Another candidate on the same kit: the refresh after their scorecard is read anew.
    with app.app_context():
        version = db.session.get(KitVersion, first.kit_version_id)
        person = Candidate(name="Second")
        db.session.add(person)
        interview = schedule(
            person, version, utcnow() - timedelta(hours=1), [db.session.get(User, ann.id)]
        )
        db.session.commit()
        second = replace(first, scorecards={ann.id: interview.scorecards[0].id})
    submit_as(client, login, ann, second, 3)
    login(users["manager"])
    names, reads = visit()
    assert sorted(names) == ["First", "Second"] and reads == 1

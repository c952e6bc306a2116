"""The interview timer kept on the server: start, pause, resume, reset, for its owner."""

from datetime import timedelta

import time_machine

from hiring.extensions import utcnow
from tests.scoring import make_panel


def test_start_pause_resume_reset(app, client, login, users, make_question):
    panel = make_panel(app, make_question, [users["interviewer"]])
    sid = panel.scorecards[users["interviewer"].id]
    login(users["interviewer"])
    url = f"/scorecards/{sid}/timer"
    # With whether the scorecard is open: another tab learns of a submit from it.
    assert client.get(url).get_json() == {
        "elapsed": 0,
        "running": False,
        "open": True,
        "version": 0,
    }
    now = utcnow()
    with time_machine.travel(now, tick=False) as clock:
        assert client.post(url, json={"action": "start"}).get_json()["running"] is True
        clock.shift(timedelta(seconds=90))
        login(users["interviewer"])
        assert client.get(url).get_json() | {"version": 0} == {
            "elapsed": 90,
            "running": True,
            "open": True,
            "version": 0,
        }
        client.post(url, json={"action": "start"})  # again: nothing changes
        assert client.post(url, json={"action": "pause"}).get_json() == {
            "elapsed": 90,
            "running": False,
            "open": True,
            "version": 0,
        }
        clock.shift(timedelta(minutes=10))  # paused: the time does not count
        client.post(url, json={"action": "start"})
        clock.shift(timedelta(seconds=30))
        assert client.get(url).get_json() == {
            "elapsed": 120,
            "running": True,
            "open": True,
            "version": 0,
        }
        assert client.post(url, json={"action": "reset"}).get_json() == {
            "elapsed": 0,
            "running": False,
            "open": True,
            "version": 0,
        }
    login(users["interviewer"])
    page = client.get(f"/scorecards/{sid}").get_data(as_text=True)
    assert 'data-elapsed-seconds="0"' in page and "Start timer" in page


def test_bad_actions_and_other_people(app, client, login, users, make_question):
    panel = make_panel(app, make_question, [users["interviewer"]])
    sid = panel.scorecards[users["interviewer"].id]
    login(users["interviewer"])
    for body in ({"action": "explode"}, {"action": 3}, [], None):
        response = client.post(
            f"/scorecards/{sid}/timer", json=body, headers={"Accept": "application/json"}
        )
        assert (
            response.status_code == 422 and "Start, pause or reset" in response.get_json()["error"]
        )
    login(users["manager"])
    assert client.post(f"/scorecards/{sid}/timer", json={"action": "start"}).status_code == 403

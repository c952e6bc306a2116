"""An export whose render is still running, in a browser: the waiting page follows the
job and the download starts by itself when it is ready, with no script error or CSP
violation (tests/test_accessibility.py checks the page with axe)."""

import pytest
from playwright.sync_api import expect

from hiring import jobs
from tests.browser import sign_in
from tests.scoring import complete, make_panel
from tests.test_jobs import release, started

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("config_overrides", [{"PDF_WAIT_SECONDS": 0}])
def test_the_waiting_page_downloads_when_ready(
    live_server, page, console_errors, app, client, login, users, make_question, config_overrides
):
    panel = make_panel(app, make_question, [users["interviewer"]])
    login(users["interviewer"])
    sid = panel.scorecards[users["interviewer"].id]
    client.post(f"/scorecards/{sid}/save", json={"base": 0, "changes": complete(panel)})
    client.post(f"/scorecards/{sid}/submit")
    # The one job thread is busy with another document: this one has to wait its turn.
    started.clear(), release.clear()
    with app.app_context():
        jobs.submit("tests.test_jobs:blocking", "busy", key="busy")
    assert started.wait(10)
    try:
        sign_in(page, live_server, users["manager"].email)
        page.goto(f"{live_server}/candidates/{panel.candidate_id}")
        page.get_by_role("link", name="Download candidate packet (PDF)").click()
        expect(
            page.get_by_role("heading", name="Preparing the candidate packet on Casey Candidate")
        ).to_be_visible()
        expect(page.get_by_text("Waiting for a free renderer…")).to_be_visible()
        with page.expect_download(timeout=30_000) as download:
            release.set()
        assert download.value.suggested_filename.startswith("Casey-Candidate-candidate-packet")
        assert download.value.suggested_filename.endswith(".pdf")
        expect(page.get_by_text("Ready: the download has started.")).to_be_visible()
        expect(page.get_by_role("link", name="Download again")).to_be_visible()
    finally:
        release.set()
    assert console_errors == []

"""Renders that cannot tie up the server: one budget per request, oversized documents
refused before layout, failures remembered, one render at a time per user, no text cut."""

import io
import threading
import time
import unicodedata

import pytest
from flask import g
from pypdf import PdfReader

from hiring import pdf
from hiring.auth.models import Role
from tests.scoring import complete, make_panel

URL = "https://example.com/" + "a-very-long-path-segment-" * 12  # 320 characters, no space


@pytest.fixture
def panel(app, make_question, users, make_user):
    users["colleague"] = make_user(Role.INTERVIEWER, name="Colleague")
    return make_panel(app, make_question, [users["interviewer"], users["colleague"]])


def draft(client, login, user, panel, **changes):
    login(user)
    sid = panel.scorecards[user.id]
    body = complete(panel) | changes
    assert (
        client.post(f"/scorecards/{sid}/save", json={"base": 0, "changes": body}).status_code == 200
    )
    return sid


def test_one_budget_for_every_part_of_a_request(app):
    with app.test_request_context():
        pdf.render_pdf("pdf/overlay.html", pages=1, header="x", draft=False)
        g.pdf_deadline = time.monotonic() - 0.001  # the parts before used it all up
        with pytest.raises(pdf.PdfError, match="took too long"):
            pdf.render_pdf("pdf/overlay.html", pages=1, header="x", draft=False)
        with pdf.budget():  # the next export on the command line starts afresh
            pdf.render_pdf("pdf/overlay.html", pages=1, header="x", draft=False)


@pytest.mark.parametrize("config_overrides", [{"PDF_MAX_PAGES": 5}])
def test_an_oversized_draft_is_refused_before_layout_and_then_at_once(
    app, client, login, users, panel, config_overrides, monkeypatch
):
    long_note = "word " * 40_000  # 200,000 characters
    sid = draft(
        client,
        login,
        users["interviewer"],
        panel,
        **{
            f"item:{panel.items[0]}:notes": long_note,
            f"item:{panel.items[1]}:notes": long_note,
        },
    )
    r = client.get(f"/scorecards/{sid}.pdf")
    assert r.status_code == 422
    assert "would have about 66 pages, more than the limit of 5" in r.get_data(as_text=True)

    def no_layout(*args, **kwargs):
        raise AssertionError("laid out again")

    monkeypatch.setattr(pdf, "HTML", no_layout)
    monkeypatch.setattr(pdf, "render_template", no_layout)
    again = client.get(f"/scorecards/{sid}.pdf")
    assert again.status_code == 422 and "about 66 pages" in again.get_data(as_text=True)
    monkeypatch.undo()
    # A change makes a new document, which is tried again.
    client.post(
        f"/scorecards/{sid}/save",
        json={"base": 1, "changes": {f"item:{panel.items[1]}:notes": "short"}},
    )
    r = client.get(f"/scorecards/{sid}.pdf")
    assert r.status_code == 422 and "about 33 pages" in r.get_data(as_text=True)


def holding(app, owner: str):
    """Hold `owner`'s render lock (and a host slot) from another thread, as a concurrent
    request would; returns the release function."""
    rendering, done = threading.Event(), threading.Event()

    def another_render():
        with app.app_context(), pdf.one_at_a_time(owner):
            rendering.set()
            done.wait(10)

    holder = threading.Thread(target=another_render)
    holder.start()
    assert rendering.wait(10)

    def release():
        done.set()
        holder.join(10)

    return release


def ready_after_progress(client, url: str) -> list[dict]:
    """Follow a document's progress as its waiting page does, until it is ready."""
    seen = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        state = client.get(url, query_string={"progress": "1"}).get_json()
        seen.append(state)
        if state["state"] in ("ready", "failed"):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"never ready: {seen[-3:]}")


@pytest.mark.parametrize("config_overrides", [{"PDF_CONCURRENCY": 2}])
def test_one_wait_at_a_time_per_user(app, client, login, users, panel, config_overrides):
    """A user's second export does not hold a worker waiting: it shows the job's progress
    at once, and the job renders it all the same."""
    sid = draft(client, login, users["interviewer"], panel)
    release = holding(app, f"user-{users['interviewer'].id}")
    try:
        r = client.get(f"/scorecards/{sid}.pdf")
        assert r.status_code == 202
        page = r.get_data(as_text=True)
        assert "Preparing Interviewer" in page and "js/preparing.js" in page
        assert ready_after_progress(client, f"/scorecards/{sid}.pdf")[-1] == {"state": "ready"}
        login(users["manager"])
        assert client.get(f"/scorecards/{sid}.pdf").status_code == 200
    finally:
        release()
    login(users["interviewer"])
    assert client.get(f"/scorecards/{sid}.pdf").status_code == 200


@pytest.mark.parametrize("config_overrides", [{"PDF_CONCURRENCY": 1}])
def test_waits_on_a_host_are_bounded_so_a_worker_stays_free(
    app, client, login, users, panel, config_overrides
):
    sid = draft(client, login, users["interviewer"], panel)
    release = holding(app, f"user-{users['colleague'].id}")
    try:
        r = client.get(f"/scorecards/{sid}.pdf")
        assert r.status_code == 202
        assert client.get("/healthz").status_code == 200
    finally:
        release()
    assert client.get(f"/scorecards/{sid}.pdf").status_code == 200


def test_long_words_and_urls_wrap_and_nothing_is_cut(app, client, login, users, panel):
    sid = draft(
        client,
        login,
        users["interviewer"],
        panel,
        **{
            f"item:{panel.items[0]}:notes": f"See {URL} for the repro.",
            f"rating:{panel.competencies[0]}:evidence": "x" * 400,
            "summary": URL,
        },
    )
    r = client.get(f"/scorecards/{sid}.pdf")
    assert r.status_code == 200
    text = "".join(
        unicodedata.normalize("NFKC", page.extract_text() or "")
        for page in PdfReader(io.BytesIO(r.data)).pages
    )
    flat = "".join(text.split())
    assert flat.count(URL) == 2 and "x" * 400 in flat


def test_a_failure_is_never_read_half_written(app):
    """A request polling for a job reads the failure its render left: always the whole
    message, never the empty file of a write in progress (the page then said nothing)."""
    message = "This document would have about 9 pages, more than the limit of 1. " * 20
    seen, done = set(), threading.Event()

    def fail_again():
        with app.app_context():
            while not done.is_set():
                with pytest.raises(pdf.PdfError), pdf.failures_remembered("k", "u"):
                    raise pdf.PdfError(message)
                pdf.discard("u")

    with app.app_context():
        writer = threading.Thread(target=fail_again)
        writer.start()
        try:
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                seen.add(pdf.failure("k", "u"))
        finally:
            done.set()
            writer.join()
    assert seen <= {None, message} and message in seen

"""Candidate packets: the export a manager waits for, against a warm headless Chromium
printing the same packet HTML.

A panel of 20 submits one by one; each submission queues the renders it made stale (as
the submit page does), and the manager exports the packet 2 s after the last submission,
then right after an amendment and after a decision. For comparison, the export of a
packet nothing was prepared for (every part laid out on request).

Run: .venv/bin/python -m bench.bench_pdf [--quick]
"""

import sys
import time
from pathlib import Path

from bench.common import (
    Chromium,
    main_for,
    make_interviewers,
    median_seconds,
    question_maker,
    result,
    scratch_app,
    signed_in_client,
)
from hiring import jobs
from hiring.auth.models import Role, User
from hiring.debrief import documents
from hiring.debrief.aggregate import aggregate, tally
from hiring.debrief.operations import decide
from hiring.extensions import db
from hiring.interviews import operations as scoring
from hiring.interviews.models import Candidate, Scorecard
from hiring.interviews.queries import submitted_with_content as scorecards_of

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.scoring import complete, make_panel  # noqa: E402

# The whole packet as one HTML document, with the running header and page numbers.
WHOLE = """{% extends "pdf/_base.html" %}
{% from "pdf/_cover.html" import cover_body %}
{% from "pdf/_scorecard.html" import scorecard_body %}
{% block content %}
<style>@page { @top-left { content: "{{ header }}"; font-family: Inter; font-size: 8pt; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-family: Inter;
  font-size: 8pt; } }</style>
{{ cover_body(candidate, scorecards, rows, tally, interviews) }}
{% for s in scorecards %}
<div style="break-before: page">{{ scorecard_body(s, values[s.id]) }}</div>
{% endfor %}
{% endblock %}"""

NOTE = (
    "The candidate described the situation, the steps they took and the result, with "
    "numbers. They checked facts before acting and explained the trade-offs. "
) * 3
SIZE = 20
AFTER = 2.0  # seconds between the change and the export


def panel_of(app, size: int, prepare: bool, tag: str = ""):
    """A candidate whose `size` interviewers submit one after another; with `prepare`,
    each submission queues its renders as the submit page does."""
    tag = tag or f"{size} {prepare}"
    users = make_interviewers(app, f"p{tag.replace(' ', '-')}-", size, "bench password!")
    make_question = question_maker(app, [f"Competency {n}" for n in range(6)])
    panel = make_panel(
        app,
        make_question,
        users,
        questions=4,
        candidate=f"Candidate {tag}",
        kit_title=f"Kit {tag}",
    )
    for n, user in enumerate(users):
        with app.test_request_context():
            scorecard = db.session.get(Scorecard, panel.scorecards[user.id])
            changes = complete(panel, value=1 + user.id % 4) | {
                f"item:{i}:notes": NOTE for i in panel.items
            }
            scoring.save(scorecard.id, scorecard.interviewer_id, 0, changes, 200_000)
            scoring.submit(scorecard)
            db.session.commit()
            if prepare:
                documents.prepare_candidate(panel.candidate_id, scorecard.id)
        if prepare and n < len(users) - 1:
            jobs.idle(120)  # the panel submits over hours: each one's renders are done
    return panel


def export(client, candidate_id: int) -> float:
    """Seconds for the manager's export, following the waiting page if one is shown."""
    url = f"/candidates/{candidate_id}/packet.pdf"
    start = time.perf_counter()
    response = client.get(url)
    while response.status_code == 202:
        time.sleep(0.05)
        if client.get(url, query_string={"progress": "1"}).get_json()["state"] == "ready":
            response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return time.perf_counter() - start


def packet_html(app, candidate_id: int) -> str:
    with app.test_request_context():
        candidate = db.session.get(Candidate, candidate_id)
        scorecards = scorecards_of(candidate_id)
        return app.jinja_env.from_string(WHOLE).render(
            paper=app.config["PAPER_SIZE"],
            header=f"{candidate.name} · {candidate.role}",
            candidate=candidate,
            scorecards=scorecards,
            rows=aggregate(scorecards),
            tally=tally(scorecards),
            interviews=[scorecards[0].interview],
            values={s.id: scoring.content(s) for s in scorecards},
            url_for=lambda endpoint, filename: f"/static/{filename}",
        )


def benchmarks(quick: bool) -> list[dict]:
    app = scratch_app("pdf", PREPARE_DOCUMENTS=True, PDF_WAIT_SECONDS=60)
    manager = signed_in_client(app, Role.MANAGER)
    panel = panel_of(app, SIZE, prepare=True)
    time.sleep(AFTER)
    after_submission = export(manager, panel.candidate_id)

    with app.test_request_context():
        first = db.session.get(Scorecard, panel.scorecards[min(panel.scorecards)])
        scoring.amend(first, "bench", first.interviewer_id)
        scoring.save(
            first.id, first.interviewer_id, first.version, {"summary": "Amended."}, 200_000
        )
        scoring.submit(first)
        db.session.commit()
        documents.prepare_candidate(panel.candidate_id, first.id)
    time.sleep(AFTER)
    after_amendment = export(manager, panel.candidate_id)

    with app.test_request_context():
        candidate = db.session.get(Candidate, panel.candidate_id)
        boss = db.session.scalar(db.select(User).where(User.role == Role.MANAGER))
        decide(candidate, "Advance", "The panel agrees.", boss, ["Advance", "Hold"])
        db.session.commit()
        documents.prepare_candidate(panel.candidate_id)
    time.sleep(AFTER)
    after_decision = export(manager, panel.candidate_id)
    jobs.idle(120)

    # Nothing prepared: every part is laid out when the manager asks.
    app.config["PREPARE_DOCUMENTS"] = False
    cold_panel = panel_of(app, SIZE, prepare=False)
    cold = export(manager, cold_panel.candidate_id)

    chromium = Chromium(app.static_folder)
    try:
        html = packet_html(app, panel.candidate_id)
        chromium.pdf(html)  # warm: browser, fonts, layout code
        baseline = median_seconds(lambda: chromium.pdf(html), 3 if quick else 7)
    finally:
        chromium.close()
    name = f"warm headless Chromium, same packet HTML ({SIZE} scorecards)"
    return [
        result(
            f"packet export {AFTER:g} s after the last submission",
            after_submission,
            "s",
            name,
            baseline,
        ),
        result(
            f"packet export {AFTER:g} s after an amendment", after_amendment, "s", name, baseline
        ),
        result(f"packet export {AFTER:g} s after a decision", after_decision, "s", name, baseline),
        result("packet export, nothing prepared (cold)", cold, "s", name, baseline),
    ]


if __name__ == "__main__":
    main_for(benchmarks)

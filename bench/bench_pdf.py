"""Candidate packets: how soon one is ready after a change, and what a manager waits for,
against a warm headless Chromium printing the same packet HTML.

One task worker runs (`flask --app hiring worker`, as `./scripts/serve` starts it). A
panel of 20 submits one by one; each submission queues the renders it made stale. Timed:
from the last submission's commit until the packet is stored (the goal: within 2 s), then
the manager's export 2 s after it; the same after an amendment and after a decision; an
export nothing was prepared for (laid out when asked); the packet's size, beside the same
HTML printed by Chromium.

Run: .venv/bin/python -m bench.bench_pdf [--quick]
"""

import re
import subprocess
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
    settled,
    signed_in_client,
    task_worker,
)
from hiring.auth.models import Role, User
from hiring.debrief.operations import decide
from hiring.documents import operations as store
from hiring.documents.kinds import Spec, build
from hiring.documents.models import State
from hiring.extensions import db
from hiring.interviews.models import Candidate, Scorecard
from hiring.scorecards import operations as scoring

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.scoring import complete, make_panel  # noqa: E402

NOTE = (
    "The candidate described the situation, the steps they took and the result, with "
    "numbers. They checked facts before acting and explained the trade-offs. "
) * 3
SIZE = 20
AFTER = 2.0  # seconds between the change and the export


def worker_env(app) -> dict:
    return {
        "HIRING_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "HIRING_INSTANCE_PATH": app.instance_path,
        "HIRING_SECRET_KEY": "bench",
    }


def panel_of(app, size: int, tag: str = "", wait=None, leave: int = 0):
    """A candidate whose `size` interviewers submit one after another; with `wait`, the
    renders each submission queues are done before the next (the panel submits over
    hours). The last `leave` interviewers do not submit."""
    tag = tag or str(size)
    users = make_interviewers(app, f"p{tag.replace(' ', '-')}-", size, "bench password!")
    make_question = question_maker(app, [f"Competency {n}" for n in range(6)])
    panel = make_panel(
        app, make_question, users, questions=4, candidate=f"Candidate {tag}", kit_title=f"Kit {tag}"
    )
    for user in users[: size - leave]:
        with app.test_request_context():
            scorecard = db.session.get(Scorecard, panel.scorecards[user.id])
            changes = complete(panel, value=1 + user.id % 4) | {
                f"item:{i}:notes": NOTE for i in panel.items
            }
            scoring.save(scorecard.id, scorecard.interviewer_id, 0, changes, 200_000)
            scoring.submit(scorecard)
            db.session.commit()
        if wait:
            wait()
    return panel


def until_ready(app, candidate_id: int, since: float) -> float:
    """Seconds from `since` until the packet, as the data stands, is stored."""
    while True:
        with app.test_request_context():
            row = store.find(build(Spec("packet", candidate_id, "UTC")).key)
            if row is not None and row.state is State.READY:
                return time.perf_counter() - since
            db.session.rollback()
        time.sleep(0.02)


def export(client, candidate_id: int) -> tuple[float, int]:
    """Seconds for the manager's export, following the waiting page if one is shown, and
    the PDF's size."""
    url = f"/candidates/{candidate_id}/packet.pdf"
    start = time.perf_counter()
    response = client.get(url)
    while response.status_code == 202:
        time.sleep(0.05)
        if client.get(url, query_string={"progress": "1"}).get_json()["state"] == "ready":
            response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return time.perf_counter() - start, len(response.data)


def packet_html(app, candidate_id: int) -> str:
    """The packet's own HTML, exactly as it is laid out."""
    with app.test_request_context():
        document = build(Spec("packet", candidate_id, "UTC"))
        return app.jinja_env.get_template(document.template).render(
            paper=app.config["PAPER_SIZE"],
            **document.context(),
            url_for=lambda endpoint, filename: f"/static/{filename}",
            config=app.config,
        )


def submit_last(app, panel) -> float:
    """The last interviewer submits; returns when the commit began."""
    with app.test_request_context():
        pending = db.session.scalars(
            db.select(Scorecard).where(
                Scorecard.id.in_(panel.scorecards.values()), Scorecard.submitted_at.is_(None)
            )
        ).first()
        scoring.save(pending.id, pending.interviewer_id, 0, complete(panel), 200_000)
        scoring.submit(pending)
        began = time.perf_counter()
        db.session.commit()
    return began


def under_load(app, log: Path, hogs: int) -> tuple[float, float]:
    """With `hogs` busy loops at normal priority on the host (load about hogs + 1): seconds
    from the last submission until its packet is stored, and the CPU seconds its layout
    took, as the worker logged them."""
    app.config["PREPARE_DOCUMENTS"] = False
    panel = panel_of(app, SIZE // 4, tag=f"load {hogs}", leave=1)
    settled(app)
    app.config["PREPARE_DOCUMENTS"] = True
    loops = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(hogs)]
    try:
        began = submit_last(app, panel)
        wall = until_ready(app, panel.candidate_id, began)
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()
    settled(app)
    lines = [line for line in log.read_text().splitlines() if "laid out packet" in line]
    cpu = float(re.search(r"([\d.]+) s of CPU", lines[-1])[1])
    return wall, cpu


def benchmarks(quick: bool) -> list[dict]:
    app = scratch_app("pdf", PREPARE_DOCUMENTS=True)
    manager = signed_in_client(app, Role.MANAGER)
    log = Path(app.instance_path) / "worker.log"
    with task_worker(worker_env(app), log=log):
        settled(app)
        panel = panel_of(app, SIZE, wait=lambda: settled(app))
        # The last submission is in: time until its packet is stored.
        last = time.perf_counter()
        with app.test_request_context():
            first = db.session.get(Scorecard, panel.scorecards[min(panel.scorecards)])
            scoring.amend(first, "bench", first.interviewer_id)
            scoring.save(
                first.id, first.interviewer_id, first.version, {"summary": "Amended."}, 200_000
            )
            last = time.perf_counter()
            scoring.submit(first)
            db.session.commit()
        ready_after_amendment = until_ready(app, panel.candidate_id, last)
        time.sleep(AFTER)
        after_amendment, size = export(manager, panel.candidate_id)
        ready_download = median_seconds(
            lambda: export(manager, panel.candidate_id), 5 if quick else 15
        )

        with app.test_request_context():
            candidate = db.session.get(Candidate, panel.candidate_id)
            boss = db.session.scalar(db.select(User).where(User.role == Role.MANAGER))
            decide(candidate, "Advance", "The panel agrees.", boss, ["Advance", "Hold"])
            last = time.perf_counter()
            db.session.commit()
        ready_after_decision = until_ready(app, panel.candidate_id, last)
        time.sleep(AFTER)
        after_decision, _ = export(manager, panel.candidate_id)
        settled(app)

        # Nothing prepared: laid out when the manager asks.
        app.config["PREPARE_DOCUMENTS"] = False
        cold_panel = panel_of(app, SIZE, tag="cold")
        settled(app)
        cold, _ = export(manager, cold_panel.candidate_id)

        # A busy host: other work at normal priority keeps every core busy.
        loaded = {hogs: under_load(app, log, hogs) for hogs in (2, 4)}

    chromium = Chromium(app.static_folder)
    try:
        html = packet_html(app, panel.candidate_id)
        chromium.pdf(html)  # warm: browser, fonts, layout code
        baseline = median_seconds(lambda: chromium.pdf(html), 3 if quick else 7)
        chromium_size = len(chromium.pdf(html))
    finally:
        chromium.close()
    name = f"warm headless Chromium, same packet HTML ({SIZE} scorecards)"
    return [
        result("packet ready after an amendment", ready_after_amendment, "s", name, baseline),
        result("packet ready after a decision", ready_after_decision, "s", name, baseline),
        result(
            f"packet export {AFTER:g} s after an amendment", after_amendment, "s", name, baseline
        ),
        result("a ready packet's download (median)", ready_download, "s", name, baseline),
        result(f"packet export {AFTER:g} s after a decision", after_decision, "s", name, baseline),
        result("packet export, nothing prepared (cold)", cold, "s", name, baseline),
        *(
            result(
                f"packet ready beside {hogs} busy processes (load about {hogs + 1})",
                wall,
                "s",
                "the CPU time of its layout",
                cpu,
            )
            for hogs, (wall, cpu) in loaded.items()
        ),
        result(
            "packet size",
            size / 1024,
            "KB",
            "Chromium's PDF of the same HTML",
            chromium_size / 1024,
        ),
    ]


if __name__ == "__main__":
    main_for(benchmarks)

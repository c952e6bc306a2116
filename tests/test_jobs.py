"""Background jobs: documents rendered before anyone asks, on the in-process pool and on
RQ workers; exports that wait for a running job instead of rendering twice; progress for
the browser; the render limits inside jobs; e-mail through the queue."""

import contextlib
import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from flask import current_app, g
from pypdf import PdfReader
from redis import Redis
from sqlalchemy import func, select

from hiring import jobs, pdf
from hiring.auth.models import Role
from hiring.debrief import documents
from hiring.extensions import db
from hiring.interviews import queries as interview_queries
from hiring.interviews.models import Candidate
from hiring.mail import OutgoingMail
from tests.scoring import complete, make_panel

REDIS_URL = os.environ.get("HIRING_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def panel(app, make_question, users, make_user):
    users["colleague"] = make_user(Role.INTERVIEWER, name="Colleague")
    return make_panel(app, make_question, [users["interviewer"], users["colleague"]])


def submit(client, login, user, panel, value=3):
    login(user)
    sid = panel.scorecards[user.id]
    body = complete(panel, value)
    assert client.post(f"/scorecards/{sid}/save", json={"base": 0, "changes": body}).status_code
    assert client.post(f"/scorecards/{sid}/submit").status_code == 302
    return sid


def packet_ready(app, candidate_id: int) -> bool:
    with app.test_request_context():
        candidate = db.session.get(Candidate, candidate_id)
        scorecards = interview_queries.submitted_with_content(candidate_id)
        return documents.packet_document(candidate, scorecards, False).ready() is not None


def no_layout(monkeypatch):
    """From here on, any render fails the test: what is exported must be ready."""

    def refuse(*args, **kwargs):
        raise AssertionError("a document was laid out on request")

    monkeypatch.setattr(pdf, "HTML", refuse)


def counted_layouts(monkeypatch) -> list[str]:
    """From here on, the start of each document laid out, in this process or a helper."""
    layouts = []
    in_process, in_helper = pdf.HTML, pdf._in_helper

    def here(*args, **kwargs):
        layouts.append(kwargs.get("string", "")[:80])
        return in_process(*args, **kwargs)

    def there(order):
        layouts.append(order.html[:80])
        return in_helper(order)

    monkeypatch.setattr(pdf, "HTML", here)
    monkeypatch.setattr(pdf, "_in_helper", there)
    return layouts


# Jobs on the in-process pool ------------------------------------------------------------

started, release = threading.Event(), threading.Event()
runs: list[str] = []


def blocking(name: str) -> None:
    started.set()
    release.wait(10)
    runs.append(name)


def recording(name: str) -> None:
    runs.append(name)


def test_a_key_waiting_to_start_is_joined_and_a_started_one_queued_again(app):
    started.clear(), release.clear(), runs.clear()
    with app.app_context():
        jobs.submit(f"{__name__}:blocking", "first", key="k1")
        assert started.wait(10)
        assert jobs.status("k1").state == "started"
        # k1 has started: it may have read the data before this change, so a new job.
        jobs.submit(f"{__name__}:recording", "second", key="k1")
        jobs.submit(f"{__name__}:recording", "third", key="k1")  # joins the second
        assert jobs.status("k1").state == "queued"
        release.set()
        assert jobs.wait("k1", 10).state == "finished"
    assert runs == ["first", "second"]


def scheduling(path: str) -> None:
    """Write down the scheduling policy and niceness the job runs with."""
    Path(path).write_text(f"{os.sched_getscheduler(0)} {os.getpriority(os.PRIO_PROCESS, 0)}")


def test_pool_jobs_run_only_on_cpu_time_the_web_workers_leave(app, tmp_path):
    # Linux: policy and niceness are the calling thread's, not the whole process's.
    with app.app_context():
        jobs.submit(f"{__name__}:scheduling", str(tmp_path / "policy"), key="policy")
        assert jobs.wait("policy", 10).state == "finished"
    assert (tmp_path / "policy").read_text().split()[0] == str(os.SCHED_IDLE)
    assert os.sched_getscheduler(0) == os.SCHED_OTHER  # the web thread keeps its own
    # ... and takes the interpreter lock back from a render sooner than the default 5 ms.
    assert sys.getswitchinterval() == jobs.POOL_SWITCH_INTERVAL < 0.005


@pytest.mark.parametrize("config_overrides", [{"PREPARE_DOCUMENTS": True}])
def test_pool_jobs_lay_out_in_a_helper_process_not_in_the_web_process(
    app, client, login, users, panel, config_overrides, monkeypatch
):
    # A pool thread laying out here would hold this process's interpreter lock, and would
    # keep it while the operating system, at the job priority, runs others first: a
    # save would wait for the render.
    no_layout(monkeypatch)
    submit(client, login, users["interviewer"], panel)
    assert jobs.idle(60)
    assert packet_ready(app, panel.candidate_id)
    with app.app_context():
        helper = pdf._helper()
    assert helper.submit(os.getpid).result(30) != os.getpid()
    assert helper.submit(os.sched_getscheduler, 0).result(30) == os.SCHED_IDLE


def lay_out(_: str = "") -> None:
    """Lay out a one-page document."""
    with current_app.test_request_context():
        pdf.render_pdf("pdf/overlay.html", pages=1, header="Busy", draft=True)


@contextlib.contextmanager
def one_core_busy(niced: bool):
    """One core kept busy: by work at normal priority (an app server, the database), or
    niced at idle priority, as jobs run."""
    prefix = ["chrt", "--idle", "0", "nice", "-n", "19"] if niced else []
    burner = subprocess.Popen([*prefix, sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)
        yield
    finally:
        burner.kill()
        burner.wait()


def waits_logged(caplog) -> list[float]:
    return [r.args[0] for r in caplog.records if r.msg.startswith("a job waited")]


# Busy: half a core's worth of the host or more.
GIVE_WAY = {"JOB_GIVE_WAY_SECONDS": 1, "JOB_GIVE_WAY_ABOVE": 0.5 / os.cpu_count()}


@pytest.mark.parametrize("config_overrides", [GIVE_WAY])
def test_a_job_gives_way_to_other_work_before_a_layout_but_not_to_jobs(app, caplog):
    caplog.set_level("INFO", logger="hiring.jobs")
    with app.app_context():
        jobs.submit(f"{__name__}:lay_out", key="warm")  # starts the helper: not measured
        assert jobs.wait("warm", 60).state == "finished"
        assert waits_logged(caplog) == []
        with one_core_busy(niced=True):  # another job: no reason to wait
            jobs.submit(f"{__name__}:lay_out", key="beside a job")
            assert jobs.wait("beside a job", 60).state == "finished"
        assert waits_logged(caplog) == []
        with one_core_busy(niced=False):
            jobs.submit(f"{__name__}:lay_out", key="beside an app server")
            assert jobs.wait("beside an app server", 60).state == "finished"
    # It waited as long as it may, then laid out all the same (the core stayed busy).
    [waited] = waits_logged(caplog)
    assert waited >= 1


@pytest.mark.parametrize("config_overrides", [GIVE_WAY])
def test_a_render_someone_asked_for_in_a_request_does_not_wait(app, caplog):
    caplog.set_level("INFO", logger="hiring.jobs")
    with app.app_context(), one_core_busy(niced=False):
        assert jobs.give_way() == 0  # without so much as a look at the host
        lay_out()
    assert waits_logged(caplog) == []


def test_give_way_settings_are_checked(app):
    from hiring import create_app

    for bad in (
        {"JOB_GIVE_WAY_ABOVE": 0},
        {"JOB_GIVE_WAY_ABOVE": 1.5},
        {"JOB_GIVE_WAY_SECONDS": -1},
        {"JOB_GIVE_WAY_SECONDS": "soon"},
    ):
        with pytest.raises(ValueError, match="HIRING_JOB_GIVE_WAY"):
            create_app(dict(app.config) | bad)


def budget_after_a_layout(path: str) -> None:
    """Write down the CPU seconds a layout used in the helper and the budget left."""
    with current_app.test_request_context():
        pdf.render_pdf("pdf/overlay.html", pages=3, header="Budget", draft=True)
        Path(path).write_text(f"{g.pdf_helper_cpu} {pdf._remaining()}")


@pytest.mark.parametrize("config_overrides", [{"PDF_TIME_LIMIT": 20}])
def test_a_layout_in_the_helper_counts_against_the_jobs_render_budget(app, tmp_path):
    with app.app_context():
        jobs.submit(f"{__name__}:budget_after_a_layout", str(tmp_path / "spent"), key="spent")
        assert jobs.wait("spent", 60).state == "finished"
    helper_cpu, left = map(float, (tmp_path / "spent").read_text().split())
    assert helper_cpu > 0 and left <= 20 - helper_cpu


class Crashing(pdf.Layout):
    """A layout that takes its helper process down with it."""

    def run(self):
        os._exit(3)


class Stuck(pdf.Layout):
    """A layout stuck where its deadline cannot reach it."""

    def run(self):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(60)


@pytest.mark.parametrize("broken", [Crashing, Stuck])
def test_a_helper_that_dies_or_is_stuck_fails_its_document_and_the_next_gets_a_new_one(
    app, broken, caplog
):
    with app.app_context():
        order = broken("<p>Lost</p>", app.static_folder, None, 5, seconds=0.2, wall=None, grace=1)
        started = time.monotonic()
        with pytest.raises(pdf.PdfError, match="could not be laid out"):
            pdf._in_helper(order)
        assert time.monotonic() - started < 30
        made, _ = pdf._in_helper(pdf.Layout("<p>Next</p>", app.static_folder, None, 5, 5, None))
    assert "Next" in PdfReader(io.BytesIO(made)).pages[0].extract_text()
    assert "layout helper process ended" in caplog.text


def test_a_helper_ends_with_the_process_it_helps(tmp_path):
    # An app server's worker killed outright (its time-out) leaves no helper behind.
    script = (
        "import os, sys\n"
        "from hiring import create_app, pdf\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    print(pdf._helper().submit(os.getpid).result(60), flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    env = os.environ | {
        "HIRING_DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "HIRING_INSTANCE_PATH": str(tmp_path),
        "HIRING_SECRET_KEY": "test",
    }
    env.pop("HIRING_REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    helper = int(done.stdout.split()[0])
    deadline = time.monotonic() + 10
    while Path(f"/proc/{helper}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{helper}").exists()


@pytest.mark.parametrize("config_overrides", [{"PREPARE_DOCUMENTS": True}])
def test_submitting_renders_the_packet_before_anyone_asks(
    app, client, login, users, panel, config_overrides, monkeypatch
):
    submit(client, login, users["interviewer"], panel)
    submit(client, login, users["colleague"], panel, value=4)
    assert jobs.idle(60)
    assert packet_ready(app, panel.candidate_id)
    no_layout(monkeypatch)
    login(users["manager"])
    r = client.get(f"/candidates/{panel.candidate_id}/packet.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    assert "Casey Candidate" in text and "Colleague" in text
    # The interviewer's own scorecard is ready too.
    login(users["colleague"])
    sid = panel.scorecards[users["colleague"].id]
    assert client.get(f"/scorecards/{sid}.pdf").status_code == 200


@pytest.mark.parametrize("config_overrides", [{"PREPARE_DOCUMENTS": True}])
def test_a_ready_packet_is_sent_without_reading_the_scorecards_content(
    app, client, login, users, panel, config_overrides, monkeypatch, count_queries
):
    submit(client, login, users["interviewer"], panel)
    submit(client, login, users["colleague"], panel, value=4)
    login(users["manager"])
    url = f"/candidates/{panel.candidate_id}/packet.pdf"
    client.get(f"{url}?guide=1")  # the packet with the guide is made when first asked for
    assert jobs.idle(60)
    no_layout(monkeypatch)
    assert client.get(url).mimetype == "application/pdf"
    with count_queries() as counter:
        r = client.get(url)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    read = " ".join(counter.statements).lower()
    for table in ("item_notes", "ratings", "scorecard_revisions", "kit_items", "scale_points"):
        assert f" {table}." not in read, table
    assert counter.count <= 10, counter.statements
    # The guide's fingerprint reads the kit's content; that packet is sent ready too.
    r = client.get(f"{url}?guide=1")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    assert "interview kit guide" in text.lower()


@pytest.mark.parametrize("config_overrides", [{"PREPARE_DOCUMENTS": True}])
def test_a_decision_and_an_amendment_render_the_packet_again(
    app, client, login, users, panel, config_overrides
):
    submit(client, login, users["interviewer"], panel)
    assert jobs.idle(60) and packet_ready(app, panel.candidate_id)
    login(users["manager"])
    url = f"/candidates/{panel.candidate_id}/decision"
    client.post(url, data={"outcome": "Hold", "rationale": "Wait for the colleague."})
    assert jobs.idle(60) and packet_ready(app, panel.candidate_id)
    r = client.get(f"/candidates/{panel.candidate_id}/packet.pdf")
    assert "Hold" in PdfReader(io.BytesIO(r.data)).pages[0].extract_text()
    login(users["interviewer"])
    sid = panel.scorecards[users["interviewer"].id]
    client.post(f"/scorecards/{sid}/amend", data={"reason": "Typo in the evidence."})
    client.post(f"/scorecards/{sid}/save", json={"base": 2, "changes": {"summary": "Better."}})
    assert client.post(f"/scorecards/{sid}/submit").status_code == 302
    assert jobs.idle(60) and packet_ready(app, panel.candidate_id)


@pytest.mark.parametrize("config_overrides", [{"PREPARE_DOCUMENTS": True}])
def test_publishing_renders_the_guide(app, client, login, users, make_question, monkeypatch):
    from tests.test_kits import add, post

    login(users["manager"])
    r = client.post(
        "/kits/new",
        data={"title": "Guide kit", "role": "Support", "purpose": "p", "duration": 30},
    )
    kit_id = int(r.headers["Location"].split("/")[2])
    add(client, app, kit_id, make_question("What went wrong last time?"))
    r = post(client, app, kit_id, "/publish", anyway="1")
    assert "is published" in r.get_data(as_text=True)
    assert jobs.idle(60)
    no_layout(monkeypatch)
    r = client.get(f"/kits/{kit_id}/v/1/guide.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"


@pytest.mark.parametrize("config_overrides", [{"PDF_WAIT_SECONDS": 0}])
def test_an_export_not_ready_shows_its_progress_then_downloads(
    app, client, login, users, panel, config_overrides
):
    submit(client, login, users["interviewer"], panel)
    login(users["manager"])
    url = f"/candidates/{panel.candidate_id}/packet.pdf"
    r = client.get(url)
    assert r.status_code == 202 and r.headers["Cache-Control"] == "no-store"
    page = r.get_data(as_text=True)
    assert "Preparing the candidate packet on Casey Candidate" in page
    assert "<progress data-preparing-bar" in page and "<script>" not in page
    states = []
    while not states or states[-1]["state"] not in ("ready", "failed"):
        states.append(client.get(url, query_string={"progress": "1"}).get_json())
        time.sleep(0.02)
    assert states[-1] == {"state": "ready"}
    assert all(s["state"] in ("queued", "started", "ready") for s in states)
    r = client.get(url)
    assert r.status_code == 200 and r.mimetype == "application/pdf"


def test_two_asking_at_once_share_one_render(app, client, login, users, panel, monkeypatch):
    submit(client, login, users["interviewer"], panel)
    layouts = counted_layouts(monkeypatch)
    with app.test_request_context():
        candidate = db.session.get(Candidate, panel.candidate_id)
        document = documents.packet_document(
            candidate, interview_queries.submitted_with_content(candidate.id), False
        )
        first = documents.obtain(document, 0)  # queues the job, does not wait
        assert isinstance(first, jobs.Status) and first.pending
        second = documents.obtain(document, 60)  # joins it
    assert isinstance(second, bytes)
    # One layout of the cover, one of the scorecard, one of the page stamp: no second set.
    assert len(layouts) == 3


@pytest.mark.parametrize("config_overrides", [{"PDF_TIME_LIMIT": 0.05}])
def test_the_time_limit_holds_in_a_job_thread(app, client, login, users, panel):
    login(users["interviewer"])
    sid = panel.scorecards[users["interviewer"].id]
    notes = {f"item:{i}:notes": "A long and careful note. " * 4000 for i in panel.items}
    client.post(f"/scorecards/{sid}/save", json={"base": 0, "changes": notes})
    r = client.get(f"/scorecards/{sid}.pdf")
    assert r.status_code == 422
    assert "took too long to render" in r.get_data(as_text=True)
    with app.app_context():
        assert jobs.status(f"scorecard:{sid}:UTC").state == "finished"


def test_a_render_deadline_stops_a_thread_that_is_not_the_main_one():
    outcome = []

    def busy():
        try:
            with pdf._Deadline(0.05):
                while True:
                    pass
        except pdf.RenderTimeout as error:
            outcome.append(str(error))

    thread = threading.Thread(target=busy)
    thread.start()
    thread.join(10)
    assert outcome == [pdf.TOO_LONG]


def spin(seconds: float) -> None:
    """Use the CPU for `seconds` of wall time."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def within(seconds: float, wall: float | None, work) -> str:
    """What `work` came to under a render deadline made in this thread: "done", or the
    render's message."""
    try:
        with pdf._Deadline(seconds, wall):
            work()
    except pdf.RenderTimeout as error:
        return str(error)
    return "done"


@pytest.mark.parametrize("in_thread", [True, False], ids=["pool thread", "main thread"])
def test_in_a_job_the_budget_is_cpu_time_and_waiting_for_the_cpu_is_not_counted(in_thread):
    # A job at idle priority waits while web workers keep the CPU: sleeping stands for
    # that wait. The same budget stops work that uses the CPU, and the job's wall limit
    # stops a wait without end.
    cases = [
        (0.05, 5, lambda: time.sleep(0.3), "done"),
        (0.05, 5, lambda: spin(5), pdf.TOO_LONG),
        (5, 0.1, lambda: [time.sleep(0.05) for _ in range(40)], pdf.TOO_LONG),
        # In a request someone waits: there the budget is wall time.
        (0.05, None, lambda: [time.sleep(0.05) for _ in range(10)], pdf.TOO_LONG),
    ]
    for seconds, wall, work, expected in cases:
        if in_thread:
            outcome = []
            thread = threading.Thread(
                target=lambda out, *args: out.append(within(*args)),
                args=(outcome, seconds, wall, work),
            )
            thread.start()
            thread.join(10)
            assert outcome == [expected], (seconds, wall)
        else:
            assert within(seconds, wall, work) == expected, (seconds, wall)


def budget_left_after_a_wait() -> float:
    pdf._remaining()  # the budget starts
    time.sleep(0.3)
    return pdf._remaining()


@pytest.mark.parametrize("config_overrides", [{"PDF_TIME_LIMIT": 1}])
def test_a_job_counts_its_render_budget_in_cpu_time_a_request_in_wall_time(app):
    with app.app_context():
        in_job = jobs.run(f"{__name__}:budget_left_after_a_wait", "budget", ())
    with app.test_request_context():
        in_request = budget_left_after_a_wait()
    assert in_job > 0.9 and in_request < 0.75


def test_a_failing_job_says_so_and_is_logged(app, client, login, users, panel, monkeypatch):
    submit(client, login, users["interviewer"], panel)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pdf, "assemble", broken)
    monkeypatch.setattr(documents, "assemble", broken)
    login(users["manager"])
    r = client.get(f"/candidates/{panel.candidate_id}/packet.pdf")
    assert r.status_code == 422
    assert "error on our side" in r.get_data(as_text=True)


# Jobs on RQ ------------------------------------------------------------------------------


@pytest.fixture
def redis_url():
    connection = Redis.from_url(REDIS_URL)
    connection.ping()  # Redis runs wherever the suite does: unreachable fails, never skips
    connection.flushdb()
    yield REDIS_URL
    connection.flushdb()


def run_worker(app, *args: str) -> subprocess.CompletedProcess:
    """`flask --app hiring worker --burst` on the test database and cache."""
    env = os.environ | {
        "HIRING_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "HIRING_REDIS_URL": app.config["REDIS_URL"],
        "HIRING_PDF_CACHE_DIR": app.config["PDF_CACHE_DIR"],
        "HIRING_MAIL_OUTBOX_DIR": app.config["MAIL_OUTBOX_DIR"],
        "HIRING_INSTANCE_PATH": app.instance_path,
        "HIRING_SECRET_KEY": "test-secret",
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "hiring", "worker", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def rq_config(redis_url):
    return {"REDIS_URL": redis_url, "PREPARE_DOCUMENTS": True}


def test_rq_workers_render_what_a_submission_made_stale(
    app, client, login, users, panel, rq_config, monkeypatch
):
    app.config.update(rq_config)
    submit(client, login, users["interviewer"], panel)
    queued = Redis.from_url(rq_config["REDIS_URL"]).llen("rq:queue:hiring")
    assert queued == 2  # the packet and the scorecard, nothing rendered in the request
    assert not packet_ready(app, panel.candidate_id)
    worker = run_worker(app, "--burst")
    assert worker.returncode == 0, worker.stderr
    assert packet_ready(app, panel.candidate_id)
    no_layout(monkeypatch)
    login(users["manager"])
    r = client.get(f"/candidates/{panel.candidate_id}/packet.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"


def test_rq_workers_run_at_idle_priority_or_the_niceness_asked_for(
    app, rq_config, tmp_path, monkeypatch
):
    app.config.update(rq_config)
    # The worker imports the job by this name, from the project's root.
    with app.app_context():
        jobs.submit("tests.test_jobs:scheduling", str(tmp_path / "idle"), key="idle")
    worker = run_worker(app, "--burst")
    assert worker.returncode == 0, worker.stderr
    assert (tmp_path / "idle").read_text() == f"{os.SCHED_IDLE} 19"
    monkeypatch.setenv("HIRING_JOB_PRIORITY", "19")
    with app.app_context():
        jobs.submit("tests.test_jobs:scheduling", str(tmp_path / "nice"), key="nice")
    worker = run_worker(app, "--burst")
    assert worker.returncode == 0, worker.stderr
    assert (tmp_path / "nice").read_text() == f"{os.SCHED_OTHER} 19"


def test_with_no_worker_running_the_request_renders_one_at_a_time_per_user(
    app, client, login, users, panel, rq_config
):
    from tests.test_debrief_render_limits import holding

    app.config.update(rq_config | {"PDF_CONCURRENCY": 2})
    sid = submit(client, login, users["interviewer"], panel)
    release = holding(app, f"user-{users['interviewer'].id}")
    try:
        r = client.get(f"/scorecards/{sid}.pdf")
        assert r.status_code == 429
        assert "Another of your documents is rendering" in r.get_data(as_text=True)
        login(users["manager"])
        assert client.get(f"/scorecards/{sid}.pdf").status_code == 200
    finally:
        release()


def test_export_packets_fans_out_over_rq_workers(
    app, runner, client, login, users, make_question, rq_config, tmp_path
):
    from rq import Worker
    from rq.registry import FinishedJobRegistry

    app.config.update(rq_config | {"PREPARE_DOCUMENTS": False})
    panels = [
        make_panel(app, make_question, [users["interviewer"]], candidate=name, kit_title=name)
        for name in ("Ada", "Grace", "Edsger")
    ]
    for panel in panels:
        submit(client, login, users["interviewer"], panel)
    connection = Redis.from_url(rq_config["REDIS_URL"])
    env = os.environ | {
        "HIRING_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "HIRING_REDIS_URL": rq_config["REDIS_URL"],
        "HIRING_PDF_CACHE_DIR": app.config["PDF_CACHE_DIR"],
        "HIRING_INSTANCE_PATH": app.instance_path,
        "HIRING_SECRET_KEY": "test-secret",
    }
    command = [sys.executable, "-m", "flask", "--app", "hiring", "worker"]
    workers = [subprocess.Popen(command, cwd=ROOT, env=env) for _ in range(2)]
    try:
        deadline = time.monotonic() + 60
        while Worker.count(connection=connection, queue=None) < 2:
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.1)
        out = tmp_path / "packets"
        result = runner.invoke(args=["export-packets", "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in out.iterdir()) == [
            f"packet-{p.candidate_id}.pdf" for p in sorted(panels, key=lambda p: p.candidate_id)
        ]
        for panel, name in zip(panels, ("Ada", "Grace", "Edsger"), strict=True):
            reader = PdfReader(out / f"packet-{panel.candidate_id}.pdf")
            assert name in reader.pages[0].extract_text()
        finished = FinishedJobRegistry("hiring", connection=connection).get_job_ids()
        assert len(finished) == 3  # rendered by the workers, one job per packet
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)


def test_export_packets_with_no_worker_renders_itself(
    app, runner, client, login, users, panel, rq_config, tmp_path
):
    app.config.update(rq_config | {"PREPARE_DOCUMENTS": False})
    submit(client, login, users["interviewer"], panel)
    out = tmp_path / "packets"
    result = runner.invoke(args=["export-packets", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / f"packet-{panel.candidate_id}.pdf").exists()


def test_healthz_says_how_many_job_workers_are_alive(app, client, rq_config):
    from rq import Worker

    app.config.update(rq_config)
    answer = client.get("/healthz")
    # No worker is a warning for whoever watches, not a reason to take the server out.
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok", "database": "ok", "jobs": "ok", "job_workers": 0}
    with app.app_context():
        worker = Worker([jobs._Rq.queue()], connection=Redis.from_url(rq_config["REDIS_URL"]))
    worker.register_birth()
    try:
        assert client.get("/healthz").get_json()["job_workers"] == 1
    finally:
        worker.register_death()
    assert client.get("/healthz").get_json()["job_workers"] == 0


def test_the_worker_command_needs_redis(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "HIRING_REDIS_URL is not set" in result.output


def test_mail_goes_through_the_queue(app, client, login, users, panel, redis_url):
    app.config.update({"REDIS_URL": redis_url})
    login(users["manager"])
    r = client.post(f"/interviews/{panel.interview_id}/cancel", data={"reason": "Moved."})
    assert r.status_code == 302
    outbox = Path(app.config["MAIL_OUTBOX_DIR"])
    assert not outbox.exists() or not list(outbox.iterdir())
    assert Redis.from_url(redis_url).llen("rq:queue:hiring") == 1
    worker = run_worker(app, "--burst")
    assert worker.returncode == 0, worker.stderr
    assert list(outbox.glob("*.eml"))


def test_with_redis_down_nothing_is_lost_and_documents_render_on_request(
    app, client, login, users, panel
):
    app.config.update(REDIS_URL="redis://127.0.0.1:1/0", PREPARE_DOCUMENTS=True)
    sid = submit(client, login, users["interviewer"], panel)  # saved, renders not queued
    login(users["manager"])
    r = client.post(f"/interviews/{panel.interview_id}/cancel", data={"reason": "Moved."})
    assert r.status_code == 302  # its e-mail waits in the outbox table for this worker
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) >= 1
    r = client.get(f"/scorecards/{sid}.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["jobs"] == "unreachable"


def break_assembly(monkeypatch) -> list:
    """Make every packet assembly fail; returns the list each attempt appends to."""
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(documents, "assemble", broken)
    return calls


@pytest.mark.parametrize("config_overrides", [{"PDF_WAIT_SECONDS": 0}])
def test_a_failed_job_is_reported_to_the_waiting_page_not_queued_again(
    app, client, login, users, panel, monkeypatch, config_overrides
):
    submit(client, login, users["interviewer"], panel)
    calls = break_assembly(monkeypatch)
    login(users["manager"])
    url = f"/candidates/{panel.candidate_id}/packet.pdf"
    assert client.get(url).status_code == 202
    assert jobs.idle(30)
    for _ in range(3):
        state = client.get(url, query_string={"progress": "1"}).get_json()
        assert state["state"] == "failed" and "error on our side" in state["error"]
    assert jobs.idle(30) and len(calls) == 1
    # Asking again (the page's "Try again") gives it one more attempt.
    assert client.get(url).status_code == 202
    assert jobs.idle(30) and len(calls) == 2


@pytest.mark.parametrize("config_overrides", [{"PDF_WAIT_SECONDS": 0}])
def test_progress_is_no_way_around_access(
    app, client, login, users, make_user, panel, config_overrides
):
    submit(client, login, users["interviewer"], panel)
    outsider = make_user(Role.INTERVIEWER, name="Outsider")
    login(outsider)
    for url in (
        f"/candidates/{panel.candidate_id}/packet.pdf?progress=1",
        f"/scorecards/{panel.scorecards[users['interviewer'].id]}.pdf?progress=1",
    ):
        r = client.get(url, headers={"Accept": "application/json"})
        assert r.status_code in (403, 404) and "state" not in (r.get_json() or {})
    assert jobs.idle(30)
    with app.app_context():
        assert jobs.status(f"packet:{panel.candidate_id}:UTC:all:0").state == "none"


def test_export_packets_reports_a_failed_render_instead_of_retrying_it(
    app, runner, client, login, users, panel, monkeypatch, tmp_path
):
    submit(client, login, users["interviewer"], panel)
    calls = break_assembly(monkeypatch)
    result = runner.invoke(args=["export-packets", "--out", str(tmp_path / "out")])
    assert result.exit_code != 0 and "error on our side" in result.output
    assert jobs.idle(30) and len(calls) == 1

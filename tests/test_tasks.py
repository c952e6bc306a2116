"""The one task queue: tasks queued after the commit only, run by `flask --app hiring
worker` from the SQLite queue (and on Redis in the load test), which says it is alive,
logs a line per task and stops quietly."""

import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from hiring import changes, tasks
from hiring.extensions import db
from hiring.tasks import QueueWorker

REDIS_URL = os.environ.get("HIRING_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parent.parent

QUEUED = {"TASKS_IMMEDIATE": False}


def queued(app) -> int:
    return app.extensions["tasks"][0].pending_count()


def run_queued(app) -> int:
    """What a worker does: run every queued task, in order; returns how many ran."""
    huey = app.extensions["tasks"][0]
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


@pytest.mark.parametrize("config_overrides", [QUEUED])
def test_work_is_queued_after_the_commit_and_never_after_a_rollback(app, config_overrides):
    with app.app_context():
        changes.bump("figures")
        db.session.rollback()
        assert queued(app) == 0
        changes.bump("figures")
        assert queued(app) == 0  # not before the commit
        db.session.commit()
        assert queued(app) == 1
        assert changes.generation("figures") == 1
        assert run_queued(app) == 1


def test_every_task_is_declared_with_a_priority_and_the_housekeeping_has_a_schedule(app):
    huey, bound = app.extensions["tasks"]
    assert {
        "hiring.mail.deliver",
        "hiring.mail.retry",
        "hiring.scorecards.tasks.remind",
        "hiring.documents.tasks.render",
        "hiring.documents.tasks.prune",
        "hiring.debrief.figures.refresh",
        "hiring.webhooks.deliver",
        "hiring.webhooks.retry",
        "hiring.webhooks.forget",
        "hiring.api.writes.forget_keys",
    } <= set(bound)
    due = {
        minute: {t.name for t in huey.read_periodic(datetime(2026, 12, 7, 10, minute))}
        for minute in (0, 5, 7, 35)
    }
    each_minute = {"hiring.mail.retry", "hiring.webhooks.retry"}
    assert due[0] == each_minute | {"hiring.documents.tasks.prune"}
    assert due[5] == each_minute | {"hiring.scorecards.tasks.remind"}
    assert due[7] == each_minute
    assert due[35] == each_minute | {"hiring.webhooks.forget", "hiring.api.writes.forget_keys"}


def test_the_worker_runs_the_queue_says_it_is_alive_and_stops_quietly(app, database_uri, tmp_path):
    env = os.environ | {
        "HIRING_DATABASE_URL": database_uri,
        "HIRING_QUEUE_PATH": app.config["QUEUE_PATH"],
        "HIRING_INSTANCE_PATH": str(tmp_path),
        "HIRING_SECRET_KEY": "test",
        "HIRING_MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    env.pop("HIRING_REDIS_URL", None)
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "hiring", "worker"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "started" not in log.read_text() and time.monotonic() < deadline:
            assert worker.poll() is None, log.read_text()
            time.sleep(0.1)
        with app.app_context():
            while not tasks.live_workers() and time.monotonic() < deadline:
                db.session.rollback()
                time.sleep(0.1)
            assert tasks.live_workers() == 1
        app.config["TASKS_IMMEDIATE"] = False
        app.extensions["tasks"][0].immediate = False
        with app.app_context():
            from hiring import mail

            mail.queue("test", "Ann", "ann@example.com", "Hello", "Hi.", "<p>Hi.</p>")
            db.session.commit()
        outbox = tmp_path / "outbox"
        while not (outbox.exists() and any(outbox.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert outbox.exists() and any(outbox.iterdir()), log.read_text()
    finally:
        worker.send_signal(signal.SIGINT)
        assert worker.wait(30) == 0
    text = log.read_text()
    assert "done deliver() in" in text
    assert "Traceback" not in text
    with app.app_context():
        assert db.session.query(QueueWorker).count() == 0  # gone, and says so

"""The one task queue: huey, with the same code from one machine to many.

Without `HIRING_REDIS_URL` (the embedded default) the queue is a SQLite file in the
instance folder and `flask --app hiring worker` runs its tasks: nothing else to install.
With it, the queue lives in Redis and any number of workers on any number of hosts take
from it. Higher priorities go first: mail, then documents, then figures.

A task is a plain function declared with `@task` (or `@periodic`) in its feature; it
takes plain values (ids, names) and runs in an application context of its own. Code that
changes data does not queue tasks itself: it records what it changed (`hiring.changes`),
and after the commit the features that care queue their tasks.

With `HIRING_TASKS_IMMEDIATE` (the tests) a queued task runs at once, in the caller.
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app
from huey import PriorityRedisHuey, SqliteHuey, crontab
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from hiring.extensions import UTCDateTime, db, utcnow

log = logging.getLogger("hiring.tasks")

# Priorities: the higher goes first. Documents are what a manager waits for; figures are
# read on the calibration and comparison pages.
MAIL = 30
FIGURES = 10
DOCUMENTS = 20
HOUSEKEEPING = 0

# A worker shows it is alive this often; one silent for LIVE_SECONDS counts as gone.
HEARTBEAT_SECONDS = 10
LIVE_SECONDS = 35


@dataclass
class _Declared:
    function: Callable
    priority: int
    retries: int
    retry_delay: int
    cron: dict | None = None


_declared: dict[str, _Declared] = {}


def _name(function: Callable) -> str:
    return f"{function.__module__}.{function.__name__}"


def task(priority: int, retries: int = 0, retry_delay: int = 0):
    """Declare a task; `enqueue(function, *args)` queues it."""

    def declare(function: Callable) -> Callable:
        _declared[_name(function)] = _Declared(function, priority, retries, retry_delay)
        return function

    return declare


def periodic(priority: int = HOUSEKEEPING, **cron):
    """Declare a task the workers run on a schedule (crontab fields, in UTC)."""

    def declare(function: Callable) -> Callable:
        _declared[_name(function)] = _Declared(function, priority, 0, 0, cron)
        return function

    return declare


class QueueWorker(db.Model):
    """A running worker, as it last said it was alive."""

    __tablename__ = "queue_workers"

    name: Mapped[str] = mapped_column(db.String(200), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<QueueWorker {self.name}>"


def init_app(app: Flask) -> None:
    """Bind every declared task to this app's queue."""
    redis_url = app.config["REDIS_URL"]
    if redis_url:
        huey = PriorityRedisHuey("hiring", url=redis_url, results=False)
    else:
        path = app.config["QUEUE_PATH"] or str(Path(app.instance_path, "queue.db"))
        huey = SqliteHuey("hiring", filename=path, results=False)
    huey.immediate = bool(app.config["TASKS_IMMEDIATE"])
    bound = {}
    for name, declared in _declared.items():
        run = _in_app_context(app, declared.function)
        if declared.cron is not None:
            bound[name] = huey.periodic_task(
                crontab(**declared.cron), name=name, priority=declared.priority
            )(run)
        else:
            bound[name] = huey.task(
                name=name,
                priority=declared.priority,
                retries=declared.retries,
                retry_delay=declared.retry_delay,
            )(run)
    app.extensions["tasks"] = (huey, bound)


def _in_app_context(app: Flask, function: Callable) -> Callable:
    def run(*args):
        with app.app_context():
            try:
                return function(*args)
            except Exception as error:
                # Huey logs a task's error and goes on; run at once (the tests), it is
                # also kept, so that a failing task fails the test that queued it.
                if app.config["TASKS_IMMEDIATE"]:
                    app.extensions.setdefault("task_errors", []).append(error)
                raise

    run.__name__ = function.__name__
    return run


def queue():
    """This app's huey instance."""
    return current_app.extensions["tasks"][0]


def enqueue(function: Callable, *args) -> None:
    """Queue `function(*args)` (a declared task)."""
    current_app.extensions["tasks"][1][_name(function)](*args)


def runnable() -> bool:
    """Whether a task queued now will run: at once (immediate), or some worker is alive."""
    return queue().immediate or live_workers() > 0


def live_workers() -> int:
    """How many workers said lately that they are alive."""
    since = utcnow() - timedelta(seconds=LIVE_SECONDS)
    return db.session.scalar(
        select(func.count()).select_from(QueueWorker).where(QueueWorker.seen_at >= since)
    )


def work(app: Flask, workers: int = 1) -> None:
    """Run the queue's tasks (periodic ones too) in this process until stopped: what
    `flask --app hiring worker` does. At a lower CPU priority than the web workers, so
    that requests go first on a shared host."""
    os.nice(int(app.config["WORKER_NICE"]))
    huey = app.extensions["tasks"][0]
    _log_one_line_per_task(huey)
    stop = threading.Event()

    # Each worker (a thread, or a process with --workers N) says it is alive from its own
    # start: a thread started before the workers fork would leave its locks held in them.
    @huey.on_startup()
    def alive() -> None:
        beat = threading.Thread(target=_heartbeat, args=(app, _worker_name(), stop), daemon=True)
        beat.start()

    @huey.on_shutdown()
    def gone() -> None:
        with app.app_context():
            db.session.execute(delete(QueueWorker).where(QueueWorker.name == _worker_name()))
            db.session.commit()

    with app.app_context():
        db.engine.dispose()  # process workers open connections of their own
    where = "Redis" if app.config["REDIS_URL"] else f"SQLite ({huey.storage.filename})"
    log.info("task worker %s started: %d at once, queue on %s", os.getpid(), workers, where)
    # A SQLite queue is polled: at most half a second between looks when idle, so a
    # document asked for is started within moments. Redis blocks until a task comes.
    consumer = huey.create_consumer(
        workers=workers,
        worker_type="process" if workers > 1 else "thread",
        max_delay=0.5,
        check_worker_health=True,
    )
    try:
        consumer.run()
    finally:
        stop.set()


def _worker_name() -> str:
    """This worker's name: its host, process and thread."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _log_one_line_per_task(huey) -> None:
    """One line per task: what it was, how long it took, and whether it failed."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("huey").setLevel(logging.WARNING)
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    started: dict[str, float] = {}

    @huey.pre_execute()
    def begin(task) -> None:
        started[task.id] = time.monotonic()

    @huey.post_execute()
    def end(task, value, error) -> None:
        took = time.monotonic() - started.pop(task.id, time.monotonic())
        args = ", ".join(map(repr, task.args))
        outcome = f"failed: {type(error).__name__}: {error}" if error else "done"
        log.info("%s %s(%s) in %.2f s", outcome, task.name.rpartition(".")[2], args, took)


def _heartbeat(app: Flask, name: str, stop: threading.Event) -> None:
    """Say this worker is alive now and then; forget workers gone for a day."""
    while True:
        with app.app_context():
            try:
                row = db.session.get(QueueWorker, name) or QueueWorker(name=name)
                row.seen_at = utcnow()
                db.session.add(row)
                gone = utcnow() - timedelta(days=1)
                db.session.execute(delete(QueueWorker).where(QueueWorker.seen_at < gone))
                db.session.commit()
            except Exception:  # noqa: BLE001 (the database may be restarting; try again)
                db.session.rollback()
                log.warning("could not record that this worker is alive", exc_info=True)
        if stop.wait(HEARTBEAT_SECONDS):
            return

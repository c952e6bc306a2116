"""Background jobs: documents rendered before anyone asks for them, mail sent outside
requests.

With `HIRING_REDIS_URL` set, jobs go to RQ on Redis and run in `flask --app hiring
worker` processes, on as many hosts as needed. Without it, the same job functions run in
a small pool of threads inside the app's own process: the embedded default, which needs
nothing else running. There, documents are laid out in a helper process per pool thread
(see `hiring.pdf`), so that a render never holds the lock the process's requests need.

A job is named by a key that says what it makes ("packet:7:UTC:all:0"). Submitting a key
whose job is still waiting to start joins that job, since it reads the newest data when
it starts. Once a job has started, a new submission queues another: the running one may
have read the data before the change that asked for it.

A job function takes plain values (ids, names), runs in an application context of its
own, and returns None, or a message for the user when what it makes cannot be made.
"""

import contextlib
import importlib
import logging
import os
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from hashlib import sha256

from flask import current_app, g
from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger("hiring.jobs")

QUEUE = "hiring"
# The in-process pool's threads are named with this prefix.
THREAD_PREFIX = "job"
# How long a finished job's state and a waiting marker are kept, in seconds.
KEEP = 3600
# Seconds a thread holds the interpreter lock before it hands it to another that waits,
# in a process with a pool.
POOL_SWITCH_INTERVAL = 0.0005
FAILED = "This could not be done because of an error on our side; it was logged. Try again later."


@dataclass(frozen=True)
class Status:
    """Where a job stands. `state` is none, queued, started, finished or failed."""

    state: str = "none"
    done: int = 0
    total: int = 0
    label: str = ""
    # Why what the job makes cannot be made, for the user.
    error: str = ""

    @property
    def pending(self) -> bool:
        return self.state in ("queued", "started")

    def as_json(self) -> dict:
        return {
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "label": self.label,
            "error": self.error,
        }


def submit(target: str, *args, key: str) -> None:
    """Run `target` ("module:function") with `args` in the background, once per key
    while a job for the key waits to start."""
    if redis_url():
        _Rq.submit(target, args, key)
    else:
        _pool_submit(current_app._get_current_object(), target, args, key)


def status(key: str) -> Status:
    """The state of the newest job for `key`."""
    return _Rq.status(key) if redis_url() else _pool_status(key)


def wait(key: str, timeout: float) -> Status:
    """Wait up to `timeout` seconds for the newest job for `key` to end."""
    deadline = time.monotonic() + timeout
    while True:
        current = status(key)
        left = deadline - time.monotonic()
        if not current.pending or left <= 0:
            return current
        if not redis_url():
            entry = _latest.get(key)
            if entry is not None:
                entry.ended.wait(left)
                continue
        time.sleep(min(0.05, left))


def runnable() -> bool:
    """Whether a job submitted now can run: the pool always can; RQ needs a live worker."""
    if not redis_url():
        return True
    try:
        return _Rq.workers() > 0
    except RedisError:
        return False


def worker_count() -> int:
    """How many RQ workers are alive (none without Redis, where the pool runs jobs)."""
    return _Rq.workers() if redis_url() else 0


def report(done: int, total: int, label: str) -> None:
    """From inside a job: how far it has come, shown to whoever waits for it."""
    if redis_url():
        from rq import get_current_job

        job = get_current_job()
        if job is not None:
            job.meta.update(done=done, total=total, label=label)
            job.save_meta()
        return
    entry = getattr(_local, "entry", None)
    if entry is not None:
        entry.status = replace(entry.status, done=done, total=total, label=label)


def run(target: str, key: str, args: tuple) -> str | None:
    """A job as a worker runs it: in an application context of its own."""
    module, _, name = target.partition(":")
    function = getattr(importlib.import_module(module), name)
    with current_app._get_current_object().app_context():
        g.in_job = True
        return function(*args)


def in_job() -> bool:
    """Whether the code runs in a job (at the job priority), not in a request."""
    return g.get("in_job", False)


def in_pool() -> bool:
    """Whether the code runs in a thread of the in-process pool."""
    return threading.current_thread().name.startswith(THREAD_PREFIX)


def redis_url() -> str:
    return current_app.config["REDIS_URL"]


# One client, with its connection pool, per Redis URL and timeout in this process:
# progress is polled and jobs submitted on every request that asks (redis-py opens its
# connections afresh after a fork).
_clients: dict[tuple[str, float], Redis] = {}


def client(url: str, timeout: float = 10) -> Redis:
    """A Redis client for `url` whose replies may take up to `timeout` seconds."""
    found = _clients.get((url, timeout))
    if found is None:
        found = _clients[url, timeout] = Redis.from_url(
            url, socket_connect_timeout=min(2, timeout), socket_timeout=timeout
        )
    return found


def redis() -> Redis:
    return client(redis_url())


def work(burst: bool = False) -> None:
    """Run jobs from the queue in this process until stopped (or, with `burst`, until
    the queue is empty): what `flask --app hiring worker` does, one per core."""
    from rq import SimpleWorker
    from rq.timeouts import TimerDeathPenalty

    class Worker(SimpleWorker):
        # Jobs run in this process, so that what a render warms up stays warm. The job
        # time limit runs on a timer thread: a render's own time budget has the alarm.
        death_penalty_class = TimerDeathPenalty

    lower_priority(current_app.config["JOB_PRIORITY"])
    # Blocking reads wait for jobs: no socket timeout on this connection.
    connection = Redis.from_url(redis_url(), socket_connect_timeout=2)
    Worker([QUEUE], connection=connection).work(burst=burst, logging_level="WARNING")


# RQ on Redis ---------------------------------------------------------------------------

# Deletes the waiting marker only while it still names this job (a compare-and-delete).
_CLAIM = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class _Rq:
    @staticmethod
    def _names(key: str) -> tuple[str, str, str]:
        digest = sha256(key.encode()).hexdigest()[:32]
        return digest, f"hiring:job:waiting:{digest}", f"hiring:job:latest:{digest}"

    @staticmethod
    def queue():
        from rq import Queue

        return Queue(QUEUE, connection=redis())

    @classmethod
    def submit(cls, target: str, args: tuple, key: str) -> None:
        digest, waiting, latest = cls._names(key)
        connection = redis()
        job_id = f"{digest}-{uuid.uuid4().hex[:12]}"
        if not connection.set(waiting, job_id, nx=True, ex=KEEP):
            return  # a job for this key waits to start: it will read the newest data
        connection.set(latest, job_id, ex=KEEP)
        cls.queue().enqueue_call(
            "hiring.jobs._rq_run",
            args=(target, key, tuple(args)),
            job_id=job_id,
            timeout=int(current_app.config["JOB_TIME_LIMIT"]),
            result_ttl=KEEP,
            failure_ttl=KEEP,
            description=key[:200],
        )

    @classmethod
    def status(cls, key: str) -> Status:
        from rq.exceptions import NoSuchJobError
        from rq.job import Job

        _, _, latest = cls._names(key)
        connection = redis()
        job_id = connection.get(latest)
        if job_id is None:
            return Status()
        try:
            job = Job.fetch(job_id.decode(), connection=connection)
        except NoSuchJobError:
            return Status()
        state = job.get_status(refresh=False)
        meta = job.meta or {}
        progress = {k: meta[k] for k in ("done", "total", "label") if k in meta}
        if state in ("queued", "deferred", "scheduled"):
            return Status("queued", **progress)
        if state == "started":
            return Status("started", **progress)
        if state == "finished":
            return Status("finished", **progress, error=job.return_value() or "")
        return Status("failed", **progress, error=FAILED)

    @classmethod
    def workers(cls) -> int:
        from rq import Worker

        return Worker.count(queue=cls.queue())


def _rq_run(target: str, key: str, args: tuple) -> str | None:
    """The function RQ runs: claims the key (later submissions queue anew), then runs."""
    from rq import get_current_job

    job = get_current_job()
    _, waiting, _ = _Rq._names(key)
    redis().eval(_CLAIM, 1, waiting, job.id if job else "")
    return run(target, key, args)


# The in-process pool --------------------------------------------------------------------


@dataclass(eq=False)
class _Entry:
    """A pool job: its status, replaced whole as it moves (readers see one or the other)."""

    status: Status = Status("queued")
    ended_at: float = 0.0
    ended: threading.Event = field(default_factory=threading.Event)


_lock = threading.Lock()
_local = threading.local()
_waiting: dict[str, _Entry] = {}
_latest: dict[str, _Entry] = {}
_pool: dict[int, ThreadPoolExecutor] = {}


def _executor(app) -> ThreadPoolExecutor:
    """The pool of this process: made on first use, after any fork (threads do not
    survive one)."""
    pid = os.getpid()
    if pid not in _pool:
        _pool.clear()
        _waiting.clear()
        _latest.clear()
        # While a pool thread renders, a request in this process waits for the
        # interpreter lock up to this long each time it needs it (5 ms by default).
        sys.setswitchinterval(POOL_SWITCH_INTERVAL)
        _pool[pid] = ThreadPoolExecutor(
            max_workers=max(1, int(app.config["JOB_THREADS"])), thread_name_prefix=THREAD_PREFIX
        )
    return _pool[pid]


def _pool_submit(app, target: str, args: tuple, key: str) -> None:
    with _lock:
        executor = _executor(app)
        if key in _waiting:
            return
        entry = _waiting[key] = _latest[key] = _Entry()
        now = time.monotonic()
        for old in [k for k, e in _latest.items() if e.ended_at and now - e.ended_at > KEEP]:
            del _latest[old]
    executor.submit(_pool_run, app, entry, target, key, tuple(args))


def lower_priority(priority: str | int) -> None:
    """Let the operating system run this thread (and the threads it starts) after the web
    workers: a render uses the cores they leave, and an autosave never waits behind one.
    "idle" (Linux's SCHED_IDLE, at nice 19) runs it only on CPU time nothing else wants;
    a number is a niceness, which still takes a share of a busy core."""
    thread = threading.get_native_id()
    if priority == "idle" and hasattr(os, "SCHED_IDLE"):
        with contextlib.suppress(OSError):  # refused (some containers): nice 19 instead
            os.sched_setscheduler(thread, os.SCHED_IDLE, os.sched_param(0))
    # A niceness above 0 also files the job's CPU time under "nice" in the host's
    # counters (for an idle thread it changes nothing else): `give_way` tells jobs from
    # the work they give way to by it.
    niceness = 19 if priority == "idle" else priority
    if niceness:
        try:
            os.setpriority(os.PRIO_PROCESS, thread, niceness)
        except OSError:
            log.warning("could not lower the job priority")


# The host's CPU counters as last read in this process: (when, non-job time, all time).
_counters: tuple[float, int, int] | None = None
# The shortest and the longest stretch of time over which `give_way` measures the host.
SAMPLE_SECONDS = (0.1, 1.0)


def _host_counters() -> tuple[int, int] | None:
    """The host's CPU time spent on work that does not run niced, and all of it, in
    ticks summed over the cores; None where Linux's /proc/stat cannot be read."""
    try:
        with open("/proc/stat", "rb") as stat:
            fields = [int(n) for n in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    if len(fields) < 8:
        return None
    user, _nice, system, _idle, _iowait, irq, softirq, _steal = fields
    return user + system + irq + softirq, sum(fields)


def give_way() -> float:
    """In a job, before a layout: while the host's cores are busy with work that is not a
    job (app servers, the database), wait for them, up to JOB_GIVE_WAY_SECONDS; the
    seconds waited. Jobs run at idle priority, so the operating system already gives
    them only CPU time nothing else wants, but a core kept busy by a job still slows the
    others (the caches, the memory, the virtual machine's host): on a 2-core machine an
    idle-priority busy loop took a third of PostgreSQL's save rate. A host whose app
    servers leave it spare CPU lets jobs go on at once, as does one that runs only job
    workers. Jobs are told apart by their niceness (see `lower_priority`), so a job
    never waits for another."""
    global _counters
    config = current_app.config
    limit = float(config["JOB_GIVE_WAY_SECONDS"])
    if limit <= 0 or not in_job() or config["JOB_PRIORITY"] == 0:
        return 0.0
    shortest, longest = SAMPLE_SECONDS
    started = time.monotonic()
    last = _counters
    if last is None or started - last[0] > longest:  # too old to say how busy it is now
        read = _host_counters()
        if read is None:
            return 0.0
        last = (started, *read)
    waited_since: float | None = None
    while True:
        # Measure over a moment at least. A job thread at idle priority on a busy host may
        # wake long after it asked: the whole time counts.
        time.sleep(max(0.0, shortest - (time.monotonic() - last[0])))
        now, read = time.monotonic(), _host_counters()
        if read is None:
            return 0.0
        busy, total = read[0] - last[1], read[1] - last[2]
        last = _counters = (now, *read)
        if total > 0 and busy / total >= config["JOB_GIVE_WAY_ABOVE"]:
            if waited_since is None:
                waited_since = now
            if now - waited_since < limit:
                continue
        if waited_since is not None:
            log.info("a job waited %.1f s for the busy host before a layout", now - waited_since)
        return now - started


def _pool_run(app, entry: _Entry, target: str, key: str, args: tuple) -> None:
    if not getattr(_local, "lowered", False):
        lower_priority(app.config["JOB_PRIORITY"])
        _local.lowered = True
    with _lock:
        if _waiting.get(key) is entry:
            del _waiting[key]
        entry.status = replace(entry.status, state="started")
    _local.entry = entry
    try:
        with app.app_context():
            error = run(target, key, args) or ""
        entry.status = replace(entry.status, state="finished", error=error)
    except Exception:  # noqa: BLE001 (a pool thread has no one to raise to: log it)
        log.exception("job %s failed", key)
        entry.status = replace(entry.status, state="failed", error=FAILED)
    finally:
        _local.entry = None
        entry.ended_at = time.monotonic()
        entry.ended.set()


def _pool_status(key: str) -> Status:
    entry = _latest.get(key)
    return entry.status if entry is not None else Status()


def forget() -> None:
    """Forget the in-process pool's ended jobs, so that a new start (a test) begins from
    nothing: ids are reused when tables are emptied."""
    with _lock:
        for key in [k for k, e in _latest.items() if e.ended.is_set()]:
            del _latest[key]


def idle(timeout: float = 30) -> bool:
    """Wait until this process's pool has nothing queued or running (tests, commands)."""
    deadline = time.monotonic() + timeout
    for entry in list(_latest.values()):
        if not entry.ended.wait(max(0.0, deadline - time.monotonic())):
            return False
    return True

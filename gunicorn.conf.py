"""Gunicorn settings for the app servers:

    .venv/bin/gunicorn -c gunicorn.conf.py 'hiring:create_app()'

Sync workers: in our measurements threads made the autosave latency tail far worse.
Settings read from the environment: HIRING_BIND (127.0.0.1:8000), HIRING_WORKERS (two per
core), HIRING_WORKER_TIMEOUT (60 s), HIRING_MAX_REQUESTS (50,000; 0 never replaces a
worker), and HIRING_TASK_WORKER (false): true starts a task worker beside the web workers,
forked from the server once the app is loaded, so that it shares the loaded code with
them (about 100 MB less than a `flask --app hiring worker` process of its own); the demo
server (./scripts/serve) runs so. Documents are laid out by task workers, not here: a web
worker never loads WeasyPrint while one runs.
"""

import gc
import json
import multiprocessing
import os
import signal

bind = os.environ.get("HIRING_BIND", "127.0.0.1:8000")
worker_class = "sync"
workers = int(os.environ.get("HIRING_WORKERS", 2 * multiprocessing.cpu_count()))
timeout = int(os.environ.get("HIRING_WORKER_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Load the app once, then fork: workers start fast and share the imported code.
preload_app = True
# A worker is replaced now and then, so that no slow leak (fonts, caches) can grow. Not
# often: autosaves are many and small, and a worker that leaves is one fewer until its
# successor starts. At 2,000 requests, under 8 busy interviewers each worker left every
# second or two, and the p99 of every endpoint was a worker's exit (100-480 ms).
max_requests = int(os.environ.get("HIRING_MAX_REQUESTS", 50_000))
max_requests_jitter = max_requests // 10
accesslog = None  # the app logs one line per request itself
# Gunicorn's control socket sits at one path per user: several app servers on one host
# (the load test, a blue/green switch) would share it. Nothing here uses it.
control_socket_disable = True


def pre_fork(server, worker):
    """Move what the app server has loaded out of the collector's sight before forking:
    a worker's collections then leave the shared pages alone (no copy-on-write), and a
    worker that is replaced exits in a tenth of the time (0.1 s instead of 0.4-0.5 s)."""
    gc.freeze()


def post_fork(server, worker):
    """Each worker opens its own database connections."""
    app = server.app.wsgi()
    from hiring.extensions import db

    with app.app_context():
        db.engine.dispose(close=False)


_task_worker: list[int] = []


def when_ready(server):
    """With HIRING_TASK_WORKER, fork the task worker from the loaded server."""
    if not json.loads(os.environ.get("HIRING_TASK_WORKER", "false")):
        return
    gc.freeze()
    pid = os.fork()
    if pid:
        _task_worker.append(pid)
        return
    # The child: the server's signal handlers and listening sockets are not its own.
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD, signal.SIGQUIT):
        signal.signal(number, signal.SIG_DFL)
    for listener in server.LISTENERS:
        listener.close()
    app = server.app.wsgi()
    from hiring import pdf, tasks
    from hiring.extensions import db

    with app.app_context():
        db.engine.dispose(close=False)
    code = 0
    try:
        pdf.warm()
        tasks.work(app)
    except Exception:  # noqa: BLE001 (logged; the server goes on without it)
        server.log.exception("the task worker stopped")
        code = 1
    os._exit(code)


def on_exit(server):
    """Stop the task worker with the server, after the task in hand."""
    for pid in _task_worker:
        try:
            os.kill(pid, signal.SIGINT)
            os.waitpid(pid, 0)
        except (ChildProcessError, ProcessLookupError):
            pass

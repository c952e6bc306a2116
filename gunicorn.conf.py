"""Gunicorn settings for the app servers:

    .venv/bin/gunicorn -c gunicorn.conf.py 'hiring:create_app()'

Sync workers: in our measurements threads made the autosave latency tail far worse.
Settings read from the environment: HIRING_BIND (127.0.0.1:8000), HIRING_WORKERS (two per
core), HIRING_WORKER_TIMEOUT (60 s), HIRING_MAX_REQUESTS (50,000; 0 never replaces a
worker). Documents are laid out by the task workers (`flask --app hiring worker`), not
here: a web worker never loads WeasyPrint while one runs.
"""

import gc
import multiprocessing
import os

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

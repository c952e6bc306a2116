"""Gunicorn settings for the app servers:

    .venv/bin/gunicorn -c gunicorn.conf.py 'hiring:create_app()'

Sync workers: in our measurements threads made the autosave latency tail far worse.
Settings read from the environment: HIRING_BIND (127.0.0.1:8000), HIRING_WORKERS (two per
core), HIRING_WORKER_TIMEOUT (60 s: above HIRING_PDF_TIME_LIMIT, which stops a render
with a message first), HIRING_MAX_REQUESTS (50,000; 0 never replaces a worker).
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


def post_worker_init(worker):
    """Warm WeasyPrint (fonts, layout code) once per worker, and start the worker's layout
    helper when jobs run in its own pool, so that the first PDF a user asks for is not the
    slow one. Here rather than in post_fork: the worker's own signal handlers are in
    place, so a shutdown during the warm-up is not missed."""
    try:
        from hiring import pdf

        pdf.warm()
        with worker.wsgi.app_context():
            pdf.start_helpers()
    except Exception as error:  # noqa: BLE001 (warming is an optimisation; serve anyway)
        worker.log.warning("WeasyPrint warm-up failed: %s", error)

"""Serving it: /healthz checks what the app needs, and the repository's gunicorn settings
start working app servers."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.mailbox import free_port

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    # With how many task workers are alive: none in the tests, which run tasks at once.
    assert response.get_json() == {"status": "ok", "database": "ok", "task_workers": 0}


def test_healthz_checks_redis_when_limits_live_there(app, client):
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:6379"
    assert client.get("/healthz").get_json()["redis"] == "ok"
    app.config["RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:{free_port()}"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "failing",
        "database": "ok",
        "redis": "unreachable",
        "task_workers": 0,
    }


@pytest.mark.browser  # a real server process, like the browser tests' live server
def test_the_gunicorn_settings_serve_the_app(tmp_path, database_uri):
    # Workers are replaced (as they are, more rarely, in production) while it serves.
    server, port = gunicorn(tmp_path, database_uri, HIRING_MAX_REQUESTS="20")
    try:
        answer = wait_for_health(server, port)
        assert b'"database":"ok"' in answer.replace(b" ", b"")
        for _ in range(60):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as r:
                assert r.status == 200
    finally:
        # A worker forked a moment ago has not yet set its signal handlers, and would miss
        # the stop (the master then kills it after graceful_timeout): let it boot.
        time.sleep(1)
        server.send_signal(signal.SIGTERM)  # graceful: requests in flight finish
        try:
            _, errors = server.communicate(timeout=45)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()
            raise
    assert b"Traceback" not in errors, errors.decode()[-2000:]
    assert b"Autorestarting worker" in errors


def gunicorn(tmp_path, database_uri: str, **settings) -> tuple[subprocess.Popen, int]:
    """The repository's gunicorn settings serving the app on a free port, two workers."""
    port = free_port()
    env = os.environ | {
        "HIRING_BIND": f"127.0.0.1:{port}",
        "HIRING_WORKERS": "2",
        "HIRING_DATABASE_URL": database_uri,
        "HIRING_INSTANCE_PATH": str(tmp_path),
        "HIRING_SECRET_KEY": "serving-test",
        **settings,
    }
    env.pop("HIRING_REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "hiring:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return server, port


def wait_for_health(server: subprocess.Popen, port: int) -> bytes:
    """/healthz's first answer, however long a busy machine takes to start the server (it
    may not die meanwhile)."""
    while server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as r:
                return r.read()
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn exited with {server.returncode}")


@pytest.mark.browser  # a real server process
def test_the_demo_server_forks_a_task_worker_that_stops_with_it(tmp_path, database_uri):
    server, port = gunicorn(tmp_path, database_uri, HIRING_TASK_WORKER="true")
    try:
        wait_for_health(server, port)
        answer = b""
        while b'"task_workers":1' not in answer.replace(b" ", b""):
            assert server.poll() is None
            time.sleep(0.2)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as r:
                answer = r.read()
        family = children_of(server.pid)
        assert len(family) == 3  # two web workers and the task worker
    finally:
        time.sleep(1)
        server.send_signal(signal.SIGINT)  # as Ctrl+C on ./scripts/serve
        _, errors = server.communicate(timeout=60)
    assert b"Traceback" not in errors, errors.decode()[-2000:]
    assert not [pid for pid in family if Path(f"/proc/{pid}").exists()]


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found

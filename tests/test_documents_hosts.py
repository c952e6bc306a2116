"""Two app hosts (two instance folders, two gunicorns on two ports) on the suite's database
and one Redis queue, with one task worker: twenty managers export the same packet at once,
through both hosts, and follow it as the browser does. Exactly one render, every download
the same bytes, none empty or partial."""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from redis import Redis

from tests.mailbox import free_port
from tests.scoring import complete, make_panel
from tests.test_app_serving import wait_for_health
from tests.test_tasks import REDIS_URL

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.browser  # real server processes, as the browser tests start


def start(stack: ExitStack, command: list[str], env: dict, log: Path) -> subprocess.Popen:
    out = stack.enter_context(log.open("w"))
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

    def stop() -> None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    stack.callback(stop)
    return process


def signed_in_opener(base: str, email: str):
    """A client signed in through the login form, CSRF token and all."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(f"{base}/login", timeout=60).read().decode()
    token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page)[1]
    data = urllib.parse.urlencode(
        {"csrf_token": token, "email": email, "password": "correct horse battery"}
    ).encode()
    opener.open(f"{base}/login", data=data, timeout=60)
    return opener


def test_twenty_exports_through_two_hosts_make_one_render(
    app, database_uri, tmp_path, make_question, users, client, login
):
    panel = make_panel(app, make_question, [users["interviewer"]])
    login(users["interviewer"])
    sid = panel.scorecards[users["interviewer"].id]
    client.post(f"/scorecards/{sid}/save", json={"base": 0, "changes": complete(panel)})
    assert client.post(f"/scorecards/{sid}/submit").status_code == 302
    Redis.from_url(REDIS_URL).flushdb()
    common = os.environ | {
        "HIRING_DATABASE_URL": database_uri,
        "HIRING_SECRET_KEY": "two-hosts",
        "HIRING_REDIS_URL": REDIS_URL,
        "HIRING_RATELIMIT_ENABLED": "false",
        "HIRING_PREPARE_DOCUMENTS": "false",
        "HIRING_WORKERS": "2",
    }
    with ExitStack() as stack:
        worker_log = tmp_path / "worker.log"
        worker = start(
            stack,
            [sys.executable, "-m", "flask", "--app", "hiring", "worker"],
            common | {"HIRING_INSTANCE_PATH": str(tmp_path / "worker")},
            worker_log,
        )
        hosts = []
        for n in range(2):
            port = free_port()
            env = common | {
                "HIRING_INSTANCE_PATH": str(tmp_path / f"host{n}"),
                "HIRING_BIND": f"127.0.0.1:{port}",
            }
            server = start(
                stack,
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "hiring:create_app()"],
                env,
                tmp_path / f"host{n}.log",
            )
            wait_for_health(server, port)
            hosts.append(f"http://127.0.0.1:{port}")
        # The worker is alive (a host would lay out itself otherwise).
        while '"task_workers":1' not in urllib.request.urlopen(
            f"{hosts[0]}/healthz", timeout=30
        ).read().decode().replace(" ", ""):
            assert worker.poll() is None, worker_log.read_text()
            time.sleep(0.2)

        url = f"/candidates/{panel.candidate_id}/packet.pdf"
        downloads: list[bytes] = []
        problems: list[str] = []
        go = threading.Barrier(20, timeout=120)

        def export(n: int) -> None:
            base = hosts[n % 2]
            try:
                opener = signed_in_opener(base, users["manager"].email)
                go.wait()
                while True:  # as the waiting page does: poll, then download
                    with opener.open(f"{base}{url}?progress=1", timeout=60) as r:
                        state = json.load(r)["state"]
                    if state == "ready":
                        break
                    if state == "failed":
                        problems.append(f"export {n} failed")
                        return
                    time.sleep(0.2)
                with opener.open(f"{base}{url}", timeout=60) as r:
                    downloads.append(r.read())
            except Exception as error:  # noqa: BLE001 (reported below)
                problems.append(f"export {n}: {error!r}")

        threads = [threading.Thread(target=export, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        assert problems == []
    assert len(downloads) == 20
    assert len(set(downloads)) == 1
    (pdf,) = set(downloads)
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF") and len(pdf) > 5000
    log = worker_log.read_text()
    assert log.count("laid out packet") == 1, log
    assert "Traceback" not in log

"""Memory of the demo server: `./scripts/serve`'s processes (gunicorn with two web
workers, and the task worker it forks where there is one) after 20 exports of the demo's
documents, as proportional set size (PSS: shared pages split between the processes that
share them), summed over every process the server started.

With --against PATH, the same is measured for the checkout at PATH (a git worktree of an
earlier commit, say), run with this virtual environment, in the same run.

Run: .venv/bin/python -m bench.bench_memory [--quick] [--against PATH]
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from bench.common import ROOT, free_port, result

EXPORTS = 20


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def pss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += int(re.search(r"^Pss:\s+(\d+) kB", text, re.M)[1])
    return total / 1024


def opener_for(base: str, email: str, password: str):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(f"{base}/login", timeout=60).read().decode()
    token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page)[1]
    data = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password})
    opener.open(f"{base}/login", data=data.encode(), timeout=60)
    return opener


def fetch(opener, url: str) -> bytes:
    """A document, following the waiting page until it is ready."""
    while True:
        with opener.open(url, timeout=120) as response:
            body = response.read()
            if response.status == 200 and body.startswith(b"%PDF"):
                return body
        with opener.open(f"{url}{'&' if '?' in url else '?'}progress=1", timeout=60) as r:
            state = json.load(r).get("state")
        if state == "failed":
            raise RuntimeError(f"{url} failed")
        time.sleep(0.2)


def measure(checkout: Path) -> float:
    """PSS in MB of the demo server of `checkout` after EXPORTS exports."""
    folder = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    port = free_port()
    env = os.environ | {
        "HIRING_INSTANCE_PATH": str(folder),
        "HIRING_SECRET_KEY": "bench-memory",
        "HIRING_BIND": f"127.0.0.1:{port}",
        "HIRING_WORKERS": "2",
        "HIRING_RATELIMIT_ENABLED": "false",
        "FLASK_APP": "hiring",
    }
    env.pop("HIRING_DATABASE_URL", None)
    env.pop("HIRING_REDIS_URL", None)
    python = [sys.executable, "-m"]
    for step in (["flask", "db", "upgrade"], ["flask", "demo"]):
        subprocess.run(python + step, cwd=checkout, env=env, check=True, capture_output=True)
    if (checkout / "hiring" / "tasks.py").exists():  # a checkout with a task worker
        env["HIRING_TASK_WORKER"] = "true"  # forked by gunicorn, as ./scripts/serve runs it
    server = subprocess.Popen(
        python + ["gunicorn", "-c", "gunicorn.conf.py", "hiring:create_app()"],
        cwd=checkout,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=30)
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(3)  # the workers warm up
        opener = opener_for(base, "manager@example.com", "demo-manager-pass")
        urls = [
            f"{base}/candidates/{c}/packet.pdf{suffix}"
            for suffix in ("", "?guide=1")
            for c in range(1, 7)
        ] + [f"{base}/scorecards/{s}.pdf" for s in range(1, 9)]
        for url in urls[:EXPORTS]:
            fetch(opener, url)
        time.sleep(2)
        return pss_mb(descendants(server.pid))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(60)


def benchmarks(quick: bool, against: Path | None = None) -> list[dict]:
    here = measure(ROOT)
    if against is None:
        return [result("demo server PSS after 20 exports", here, "MB", "none", 0.0)]
    before = measure(against)
    return [
        result(
            "demo server PSS after 20 exports",
            here,
            "MB",
            f"the same for {against.name}",
            before,
        )
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--against", type=Path)
    parser.add_argument("--results", type=Path)
    options = parser.parse_args()
    figures = benchmarks(options.quick, options.against)
    for figure in figures:
        print(json.dumps(figure))
    if options.results:
        options.results.write_text(json.dumps(figures, indent=2))

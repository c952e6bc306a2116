"""Shared set-up for benchmarks: an app on a scratch database and a signed-in client."""

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from hiring import create_app
from hiring.auth.models import Role
from hiring.auth.operations import create_user
from hiring.extensions import db
from hiring.questions.models import Tier
from hiring.questions.operations import upsert_question
from hiring.questions.parsing import QuestionData, TierData


def scratch_app(name: str, **config):
    """An app on a fresh SQLite file, or on HIRING_BENCH_DATABASE_URL when set."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    uri = os.environ.get("HIRING_BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": uri,
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(folder),
            "WTF_CSRF_ENABLED": False,
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 8,
        }
        | config
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def signed_in_client(app, role: Role = Role.MANAGER):
    with app.app_context():
        user = create_user(f"{role.value}@bench.example", "Bench", role, "bench password!")
        db.session.commit()
        session_id = user.get_id()
    client = app.test_client()
    now = time.time()
    with client.session_transaction() as sess:
        sess.update({"_user_id": session_id, "signed_in_at": now, "seen_at": now})
    return client


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered) * 1000, p95 * 1000


def make_interviewers(app, prefix: str, count: int, password: str) -> list:
    """`count` interviewers, detached from the session so they can be passed around."""
    with app.app_context():
        users = [
            create_user(
                f"{prefix}{n}@bench.example", f"Interviewer {prefix}{n}", Role.INTERVIEWER, password
            )
            for n in range(count)
        ]
        db.session.commit()
        for user in users:
            db.session.refresh(user)
            db.session.expunge(user)
    return users


def question_maker(app, competencies: list[str]):
    """A make_question(prompt, **fields) for tests.scoring.make_panel on a bench app."""
    counter = iter(range(1_000_000))

    def make_question(prompt: str, **fields) -> int:
        with app.app_context():
            question, _ = upsert_question(
                QuestionData(
                    prompt=f"{prompt} ({next(counter)})",
                    tiers={Tier.BASIC: TierData("a")},
                    competencies=competencies,
                )
            )
            db.session.commit()
            return question.id

    return make_question


ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict, workers: int = 2):
    """The app under gunicorn (sync workers) on a free local port, once it answers; yields
    its base URL and stops it afterwards."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "hiring:create_app()",
        ],
        cwd=ROOT,
        env=os.environ | env,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base_url}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)


def result(name: str, value: float, unit: str, baseline: str, baseline_value: float) -> dict:
    """One figure, and the baseline measured in the same run that it is read against."""
    return {
        "name": name,
        "value": round(value, 6),
        "unit": unit,
        "baseline": baseline,
        "baseline_value": round(baseline_value, 6),
        "ratio": round(value / baseline_value, 4) if baseline_value else None,
    }


def show(results: list[dict]) -> None:
    for r in results:
        print(
            f"  {r['name']}: {r['value']:.4g} {r['unit']}   baseline {r['baseline']}: "
            f"{r['baseline_value']:.4g} {r['unit']}   ratio {r['ratio']}"
        )


def main_for(benchmarks) -> None:
    """The command line of one benchmark module: `--quick`, and `--results FILE` (JSON)
    for `python -m bench`."""
    import argparse
    import json

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller data, shorter runs")
    parser.add_argument("--results", type=Path, help="write the figures to this JSON file")
    args = parser.parse_args()
    results = benchmarks(args.quick)
    show(results)
    if args.results:
        args.results.write_text(json.dumps(results, indent=1))


CHROMIUM = "/usr/bin/chromium"


class Chromium:
    """A warm headless Chromium (Debian's, driven by Playwright) that prints HTML to PDF,
    serving the app's static files the way WeasyPrint's fetcher does."""

    def __init__(self, static_folder: str):
        from playwright.sync_api import sync_playwright

        self.static = Path(static_folder)
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        self.page = self.browser.new_page()
        self.html = ""
        self.page.route("https://pdf.invalid/**", self._serve)

    def _serve(self, route):
        path = route.request.url.removeprefix("https://pdf.invalid")
        if path == "/document":
            return route.fulfill(body=self.html, content_type="text/html")
        file = (self.static / path.removeprefix("/static/")).resolve()
        if path.startswith("/static/") and file.is_relative_to(self.static) and file.is_file():
            return route.fulfill(path=str(file))
        return route.abort()

    def pdf(self, html: str) -> bytes:
        self.html = html
        self.page.goto("https://pdf.invalid/document", wait_until="load")
        return self.page.pdf(format="A4", print_background=True)

    def close(self) -> None:
        self.browser.close()
        self.playwright.stop()


def median_seconds(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)

"""Shared set-up for benchmarks: an app on a scratch database and a signed-in client."""

import contextlib
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from hiring import create_app
from hiring.auth.models import Role
from hiring.auth.operations import create_user
from hiring.config import database_uri
from hiring.extensions import db
from hiring.interviews.models import Scorecard
from hiring.questions.models import Tier
from hiring.questions.operations import upsert_question
from hiring.questions.parsing import QuestionData, TierData
from hiring.scorecards import operations as scoring

PASSWORD = "bench password!"


def app_on(uri: str, folder: Path, **config):
    """An app on the database at `uri`, its schema made afresh."""
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


def scratch_app(name: str, **config):
    """An app on a fresh SQLite file, or on HIRING_BENCH_DATABASE_URL when set."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    uri = os.environ.get("HIRING_BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.db'}"
    return app_on(uri, folder, **config)


@contextlib.contextmanager
def pg_scratch(url: str, name: str):
    """A PostgreSQL database `name` made afresh on the server at `url`, dropped after;
    yields its SQLAlchemy URL."""
    base = make_url(database_uri(url, ""))
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def submitted_candidates(app, make_question, panelists: list, count: int) -> list[int]:
    """`count` candidates, each with a kit of their own and a panel of `panelists` who
    have all submitted; returns their ids."""
    sys.path.insert(0, str(ROOT))
    from tests.scoring import complete, make_panel

    ids = []
    for n in range(count):
        panel = make_panel(
            app, make_question, panelists, questions=4, candidate=f"Exported {n}", kit_title=f"K{n}"
        )
        with app.app_context():
            for scorecard_id in panel.scorecards.values():
                scorecard = db.session.get(Scorecard, scorecard_id)
                scoring.save(scorecard.id, scorecard.interviewer_id, 0, complete(panel), 200_000)
                scoring.submit(scorecard)
            db.session.commit()
        ids.append(panel.candidate_id)
    return ids


def browser_session(base_url: str, email: str, password: str = PASSWORD):
    """Sign in through the login form like a browser; returns the opener (which keeps
    the cookies), the Cookie header and the page the sign-in led to."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base_url}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    form = {"csrf_token": token, "email": email, "password": password}
    landing = opener.open(f"{base_url}/login", urllib.parse.urlencode(form).encode())
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return opener, cookie, landing.read().decode()


def csrf_of(page: str) -> str:
    """The CSRF token a page gives its scripts (the live scorecard's autosave sends it)."""
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page)[1]


def export_following(url: str, cookie: str, give_up_at: float) -> tuple[int, str, bytes]:
    """GET a document as the browser does: through its waiting page, polling its progress
    until it is ready (then the PDF), has failed, or `give_up_at` (monotonic) has passed.
    Returns the last answer's status, content type and body."""

    def get(target: str) -> tuple[int, str, bytes]:
        request = urllib.request.Request(
            target, headers={"Cookie": cookie, "Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.headers["Content-Type"], response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers["Content-Type"], error.read()

    progress = url + ("&" if "?" in url else "?") + "progress=1"
    answer = get(url)
    while answer[0] == 202 and time.monotonic() < give_up_at:
        time.sleep(0.1)
        polled = get(progress)
        state = json.loads(polled[2])["state"]
        if state == "ready":
            answer = get(url)
        elif state == "failed":
            return polled
    return answer


def saving_world(
    uri: str, folder: Path, *, savers: int, competencies: list[str], panelists: int, exported: int
) -> list[int]:
    """A scratch schema with `savers` interviewers (i0@, i1@, ...) on one shared panel, a
    manager (manager@), and `exported` candidates each with `panelists` submitted
    scorecards, whose packets are exported meanwhile. Returns those candidates' ids."""
    sys.path.insert(0, str(ROOT))
    from tests.scoring import make_panel

    # Made as if long ago: nothing is prepared ahead, every export is laid out when asked.
    app = app_on(uri, folder, PREPARE_DOCUMENTS=False)
    users = make_interviewers(app, "i", savers, PASSWORD)
    make_question = question_maker(app, competencies)
    make_panel(app, make_question, users, questions=4)
    people = make_interviewers(app, "e", panelists, PASSWORD)
    ids = submitted_candidates(app, make_question, people, exported)
    with app.app_context():
        create_user("manager@bench.example", "Manager", Role.MANAGER, PASSWORD)
        db.session.commit()
        db.engine.dispose()
    return ids


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


@contextlib.contextmanager
def task_worker(env: dict, workers: int = 1, log: Path | None = None):
    """`flask --app hiring worker` with the app's environment (`HIRING_*`), once it says it
    is alive in the database; stopped (SIGINT, as Ctrl+C) afterwards. Its log goes to
    `log` when given."""
    from hiring import tasks

    out = log.open("w") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "hiring", "worker", "--workers", str(workers)],
        cwd=ROOT,
        env=os.environ | env,
        stdout=out,
        stderr=subprocess.STDOUT if log else None,
    )
    try:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": database_uri(env["HIRING_DATABASE_URL"], ""),
                "INSTANCE_PATH": env["HIRING_INSTANCE_PATH"],
                "SECRET_KEY": "bench",
            }
        )
        with app.app_context():
            while tasks.live_workers() < 1:
                if process.poll() is not None:
                    raise RuntimeError("the task worker stopped")
                db.session.rollback()
                time.sleep(0.1)
        yield process
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
        if log:
            out.close()


def settled(app, timeout: float = 300) -> None:
    """Wait until the queue is empty and no document is being rendered, twice in a row a
    moment apart (a task just taken may not have claimed its document yet)."""
    from hiring.documents.models import State, StoredDocument

    huey = tasks_of(app)
    deadline = time.monotonic() + timeout
    quiet = 0
    with app.app_context():
        while quiet < 2:
            if time.monotonic() > deadline:
                raise TimeoutError("the task worker did not finish")
            busy = db.session.scalar(
                db.select(db.func.count())
                .select_from(StoredDocument)
                .where(StoredDocument.state.in_([State.QUEUED, State.RENDERING]))
            )
            quiet = quiet + 1 if not busy and huey.pending_count() == 0 else 0
            db.session.rollback()
            time.sleep(0.3)


def tasks_of(app):
    return app.extensions["tasks"][0]


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

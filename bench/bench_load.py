"""Several app servers, one database: a load test that checks no update is lost.

Two app servers on different ports (each gunicorn with 2 sync workers) against one
PostgreSQL and one Redis, with one task worker; simulated interviewers autosave at once,
two tabs on each scorecard so that their saves conflict, while a manager exports packets.
Then the same on SQLite with one server and one task worker. Everything runs on
127.0.0.1, bounded in requests and time, and stops by itself.

At the end, for every scorecard: the accepted saves' versions run 1, 2, 3 ... without a
gap and end at the stored version, and each field holds what the newest accepted save of
it sent, exactly. Every refused save got a 409; nothing answered 5xx or anything else.

Run: .venv/bin/python -m bench.bench_load [--quick]
PostgreSQL: HIRING_BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres;
a scratch database is created and dropped); Redis: HIRING_BENCH_REDIS_URL (default
redis://127.0.0.1:6379/13, flushed).
"""

import contextlib
import http.client
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, select

from bench.common import (
    ROOT,
    browser_session,
    csrf_of,
    export_following,
    gunicorn,
    main_for,
    pg_scratch,
    result,
    saving_world,
)
from hiring.interviews.models import ItemNote, Scorecard

PG_URL = os.environ.get("HIRING_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("HIRING_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


@dataclass
class Plan:
    """What one run does: its bounds and its shape."""

    seconds: float = 10
    max_requests: int = 20_000
    interviewers: int = 6  # two tabs each: 12 clients
    exported: int = 4  # candidates whose packets are exported meanwhile


@dataclass
class Outcome:
    accepted: list[tuple[int, int, dict]] = field(default_factory=list)  # scorecard, version
    refused: int = 0
    unexpected: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    exports: int = 0
    export_seconds: list[float] = field(default_factory=list)
    elapsed: float = 0.0


def prepare(uri: str, folder: Path, plan: Plan) -> list[int]:
    """The plan's interviewers on one panel, a manager, and candidates with 3 submitted
    scorecards whose packets are exported. Returns those candidates' ids."""
    return saving_world(
        uri,
        folder,
        savers=plan.interviewers,
        competencies=["Skill", "Care"],
        panelists=3,
        exported=plan.exported,
    )


class Tab(threading.Thread):
    """One open scorecard tab: saves a random note field on top of the version it knows;
    on a 409 it takes the stored version, as the page does, and carries on."""

    def __init__(self, base_url, cookie, token, scorecard, fields, name, stop, budget, outcome):
        super().__init__(daemon=True)
        self.host = urllib.parse.urlsplit(base_url).netloc
        self.cookie, self.token, self.scorecard = cookie, token, scorecard
        self.fields, self.tag, self.stop_at, self.budget = fields, name, stop, budget
        self.outcome, self.lock = outcome, threading.Lock()
        self.rng = random.Random(name)

    def run(self):
        connection = http.client.HTTPConnection(self.host, timeout=30)
        base, n = 0, 0
        while time.monotonic() < self.stop_at and self.budget.take():
            n += 1
            change = {self.rng.choice(self.fields): f"{self.tag} save {n} " + "note " * 20}
            body = json.dumps({"base": base, "changes": change})
            start = time.perf_counter()
            try:
                connection.request(
                    "POST",
                    f"/scorecards/{self.scorecard}/save",
                    body,
                    {
                        "Content-Type": "application/json",
                        "Accept": "application/json",
                        "Cookie": self.cookie,
                        "X-CSRFToken": self.token,
                    },
                )
                response = connection.getresponse()
                reply = response.read()
            except (OSError, http.client.HTTPException) as error:
                self.outcome.record_unexpected(f"{self.tag}: {error!r}")
                connection = http.client.HTTPConnection(self.host, timeout=30)
                continue
            elapsed = time.perf_counter() - start
            if response.status == 200:
                base = json.loads(reply)["version"]
                self.outcome.record_accepted(self.scorecard, base, change, elapsed)
            elif response.status == 409:
                base = json.loads(reply)["version"]
                self.outcome.record_refused(elapsed)
            else:
                self.outcome.record_unexpected(f"{self.tag}: {response.status} {reply[:200]!r}")
        connection.close()


class Budget:
    """At most `n` requests in all, shared by every tab."""

    def __init__(self, n: int):
        self.left, self.lock = n, threading.Lock()

    def take(self) -> bool:
        with self.lock:
            self.left -= 1
            return self.left >= 0


class Shared(Outcome):
    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()

    def record_accepted(self, scorecard, version, change, elapsed):
        with self.lock:
            self.accepted.append((scorecard, version, change))
            self.latencies.append(elapsed)

    def record_refused(self, elapsed):
        with self.lock:
            self.refused += 1
            self.latencies.append(elapsed)

    def record_unexpected(self, what):
        with self.lock:
            self.unexpected.append(what)


class Exporter(threading.Thread):
    """A manager exporting packets one after another (with and without the kit guide, so
    that some need rendering), following the waiting page as the browser does."""

    def __init__(self, base_url, cookie, candidates, stop_at, outcome):
        super().__init__(daemon=True)
        self.base_url, self.cookie, self.candidates = base_url, cookie, candidates
        self.stop_at, self.outcome = stop_at, outcome

    def run(self):
        n = 0
        while time.monotonic() < self.stop_at:
            candidate = self.candidates[n % len(self.candidates)]
            guide = "?guide=1" if (n // len(self.candidates)) % 2 else "?guide=0"
            url = f"{self.base_url}/candidates/{candidate}/packet.pdf{guide}"
            n += 1
            start = time.perf_counter()
            status, kind, body = export_following(url, self.cookie, self.stop_at + 60)
            if status != 200 or kind != "application/pdf":
                self.outcome.record_unexpected(f"export {url}: {status} {body[:200]!r}")
                continue
            self.outcome.export_seconds.append(time.perf_counter() - start)
            self.outcome.exports += 1


def drive(urls: list[str], plan: Plan, exported: list[int]) -> Outcome:
    """Sign everyone in (each interviewer on one server, their two tabs alike), then run
    the tabs and the exporter until the time or the request budget runs out."""
    outcome = Shared()
    tabs = []
    stop_at = time.monotonic() + 3600  # set for real once everyone is signed in
    budget = Budget(plan.max_requests)
    for n in range(plan.interviewers):
        base_url = urls[n % len(urls)]
        opener, cookie, landing = browser_session(base_url, f"i{n}@bench.example")
        scorecard = re.search(r'href="/scorecards/(\d+)"', landing)[1]
        live = opener.open(f"{base_url}/scorecards/{scorecard}").read().decode()
        token = csrf_of(live)
        fields = sorted(set(re.findall(r'name="(item:\d+:notes)"', live)))
        for tab in ("a", "b"):
            # The second tab saves through the other server: a browser behind a balancer.
            tab_url = urls[(n + (tab == "b")) % len(urls)]
            tabs.append(
                Tab(
                    tab_url,
                    cookie,
                    token,
                    int(scorecard),
                    fields,
                    f"i{n}{tab}",
                    0,
                    budget,
                    outcome,
                )
            )
    manager = browser_session(urls[-1], "manager@bench.example")[1]
    stop_at = time.monotonic() + plan.seconds
    for tab in tabs:
        tab.stop_at = stop_at
    exporter = Exporter(urls[-1], manager, exported, stop_at, outcome)
    start = time.perf_counter()
    for thread in (*tabs, exporter):
        thread.start()
    for thread in (*tabs, exporter):
        thread.join(timeout=plan.seconds + 120)
    outcome.elapsed = time.perf_counter() - start
    return outcome


def check(uri: str, outcome: Outcome) -> list[str]:
    """What the database holds against what was accepted; the problems found."""
    problems = list(outcome.unexpected)
    engine = create_engine(uri)
    try:
        with engine.connect() as conn:
            versions = dict(conn.execute(select(Scorecard.id, Scorecard.version)).all())
            notes = {
                (row.scorecard_id, f"item:{row.kit_item_id}:notes"): row.notes
                for row in conn.execute(
                    select(ItemNote.scorecard_id, ItemNote.kit_item_id, ItemNote.notes)
                )
            }
    finally:
        engine.dispose()
    by_card: dict[int, list[tuple[int, dict]]] = {}
    for scorecard, version, change in outcome.accepted:
        by_card.setdefault(scorecard, []).append((version, change))
    for scorecard, saves in by_card.items():
        saves.sort(key=lambda s: s[0])
        seen = [v for v, _ in saves]
        if seen != list(range(1, len(seen) + 1)) or versions[scorecard] != len(seen):
            problems.append(
                f"scorecard {scorecard}: versions {seen[:5]}... end at "
                f"{versions[scorecard]}, {len(seen)} accepted"
            )
        newest: dict[str, str] = {}
        for _, change in saves:
            newest.update(change)
        for key, value in newest.items():
            if notes.get((scorecard, key)) != value:
                problems.append(
                    f"scorecard {scorecard} {key}: stored value is not the last accepted"
                )
    return problems


def run(kind: str, plan: Plan, pg_url: str = PG_URL, redis_url: str = REDIS_URL) -> dict:
    """One load test: "postgresql" (two servers, the queue on Redis) or "sqlite" (one
    server, the queue in a SQLite file), each with one task worker. Returns its figures
    and the problems found."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-load-{kind}-"))
    with contextlib.ExitStack() as stack:
        if kind == "postgresql":
            uri = stack.enter_context(pg_scratch(pg_url, "hiring_load"))
            from redis import Redis

            Redis.from_url(redis_url).flushdb()
            servers = 2
        else:
            uri = f"sqlite:///{folder / 'load.db'}"
            servers = 1
        exported = prepare(uri, folder, plan)
        env = {
            "HIRING_DATABASE_URL": uri,
            "HIRING_SECRET_KEY": "bench-load-secret",
            "HIRING_INSTANCE_PATH": str(folder),
            "HIRING_RATELIMIT_ENABLED": "false",
            "HIRING_MAIL_OUTBOX_DIR": str(folder / "outbox"),
        }
        if kind == "postgresql":
            env["HIRING_REDIS_URL"] = redis_url
        # One task worker: on the SQLite queue in the instance folder, or on Redis.
        log = stack.enter_context((folder / "worker.log").open("w"))
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "hiring", "worker"],
            cwd=ROOT,
            env=os.environ | env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        stack.callback(worker.wait, 30)
        stack.callback(worker.send_signal, signal.SIGINT)
        urls = [stack.enter_context(gunicorn(env, workers=2)) for _ in range(servers)]
        outcome = drive(urls, plan, exported)
        # Every request has had its answer: what is stored now is final.
        problems = check(uri, outcome)
    return summary(kind, servers, outcome, problems)


def summary(kind, servers, outcome, problems) -> dict:
    saves = len(outcome.accepted) + outcome.refused
    ordered = sorted(outcome.latencies) or [0.0]
    return {
        "database": kind,
        "servers": servers,
        "saves": saves,
        "accepted": len(outcome.accepted),
        "refused_409": outcome.refused,
        "saves_per_s": saves / outcome.elapsed if outcome.elapsed else 0.0,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000,
        "exports": outcome.exports,
        "problems": problems,
    }


def benchmarks(quick: bool) -> list[dict]:
    plan = Plan(seconds=5 if quick else 15, max_requests=20_000 if quick else 60_000)
    runs = [run("sqlite", plan), run("postgresql", plan)]
    for r in runs:
        print(
            f"  {r['database']}, {r['servers']} server(s): {r['saves']} saves "
            f"({r['accepted']} accepted, {r['refused_409']} refused with 409), "
            f"{r['saves_per_s']:.0f}/s, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, "
            f"{r['exports']} packets exported meanwhile; problems: {r['problems'] or 'none'}"
        )
    sqlite, postgresql = runs
    if sqlite["problems"] or postgresql["problems"]:
        raise SystemExit("the load test found lost or unexpected updates (above)")
    return [
        result(
            "saves/s, 2 app servers on PostgreSQL + Redis + 1 task worker, while exporting",
            postgresql["saves_per_s"],
            "saves/s",
            "1 app server on SQLite + 1 task worker",
            sqlite["saves_per_s"],
        ),
        result(
            "save p99, 2 app servers on PostgreSQL, while exporting",
            postgresql["p99_ms"],
            "ms",
            "1 app server on SQLite",
            sqlite["p99_ms"],
        ),
    ]


if __name__ == "__main__":
    main_for(benchmarks)

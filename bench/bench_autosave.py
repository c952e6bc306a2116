"""Autosave under load: the save endpoint under gunicorn (2 sync workers) with 8 concurrent
clients on 127.0.0.1, on SQLite and on PostgreSQL, against a trivial endpoint of the same app.

Run: .venv/bin/python -m bench.bench_autosave [--seconds 10]
Needs wrk (apt-get install wrk). PostgreSQL: HIRING_BENCH_PG_URL, default
postgresql://postgres@127.0.0.1:5432/postgres (a scratch database is created and dropped).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.common import ROOT, gunicorn, make_interviewers, question_maker
from hiring import create_app
from hiring.auth.models import Role
from hiring.auth.operations import create_user
from hiring.extensions import db
from hiring.interviews import operations as scoring
from hiring.interviews.models import Scorecard

CLIENTS = 8
PASSWORD = "bench password!"

# Each wrk thread drives one connection on its own scorecard and follows its version.
LUA = r"""
local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("n", counter)
  table.insert(threads, thread)
end
function init(args)
  local spec = {}
  for line in io.lines(args[1]) do table.insert(spec, line) end
  local fields = {}
  for f in string.gmatch(spec[n], "[^\t]+") do table.insert(fields, f) end
  path, cookie, token, field = fields[1], fields[2], fields[3], fields[4]
  base = 0
  words = 0
end
function request()
  words = words + 1
  local body = '{"base": ' .. base .. ', "changes": {"' .. field .. '": "note ' .. words .. '"}}'
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json", ["Accept"] = "application/json",
    ["Cookie"] = cookie, ["X-CSRFToken"] = token}, body)
end
function response(status, headers, body)
  local v = string.match(body, '"version":%s*(%d+)')
  if v then base = tonumber(v) end
end
"""


def prepare(uri: str, folder: Path) -> int:
    """Schema, users and one scorecard per client, through the app's own operations; and a
    candidate with 5 submitted scorecards whose packet is exported meanwhile. Returns the
    exported candidate's id."""
    sys.path.insert(0, str(ROOT))
    from tests.scoring import complete, make_panel

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "bench", "INSTANCE_PATH": str(folder)}
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    users = make_interviewers(app, "i", CLIENTS, PASSWORD)
    make_question = question_maker(app, ["Skill"])
    make_panel(app, make_question, users, questions=4)
    panelists = make_interviewers(app, "e", 5, PASSWORD)
    exported = make_panel(
        app, make_question, panelists, questions=4, candidate="Exported", kit_title="Exported kit"
    )
    with app.app_context():
        create_user("manager@bench.example", "Manager", Role.MANAGER, PASSWORD)
        for scorecard_id in exported.scorecards.values():
            scorecard = db.session.get(Scorecard, scorecard_id)
            scoring.save(scorecard, 0, complete(exported), 200_000)
            scoring.submit(scorecard)
        db.session.commit()
        db.engine.dispose()
    return exported.candidate_id


def browser(base_url: str, email: str):
    """Sign in like a browser; return the opener (with its cookies), the cookie jar and the
    page the login led to."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base_url}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    data = urllib.parse.urlencode(
        {"csrf_token": token, "email": email, "password": PASSWORD}
    ).encode()
    landing = opener.open(f"{base_url}/login", data=data).read().decode()
    return opener, jar, landing


def cookie_header(jar: CookieJar) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in jar)


class Exporter(threading.Thread):
    """Export one candidate packet after another, uncached, until stopped."""

    def __init__(self, url: str, cookie: str):
        super().__init__(daemon=True)
        self.url, self.cookie = url, cookie
        self.done, self.seconds = 0, []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            start = time.perf_counter()
            request = urllib.request.Request(self.url, headers={"Cookie": self.cookie})
            with urllib.request.urlopen(request, timeout=60) as response:
                assert response.headers["Content-Type"] == "application/pdf"
                response.read()
            self.seconds.append(time.perf_counter() - start)
            self.done += 1


def sign_in(base_url: str, email: str) -> tuple[str, str, str, str]:
    """Sign in like a browser; return the save path, cookie, CSRF token and a notes field."""
    opener, jar, dashboard = browser(base_url, email)
    scorecard = re.search(r'href="/scorecards/(\d+)"', dashboard)[1]
    live = opener.open(f"{base_url}/scorecards/{scorecard}").read().decode()
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', live)[1]
    field = re.search(r'name="(item:\d+:notes)"', live)[1]
    cookie = cookie_header(jar)
    return f"/scorecards/{scorecard}/save", cookie, token, field


def wrk(url: str, seconds: int, script: Path | None = None, spec: Path | None = None) -> dict:
    args = ["wrk", "-t", str(CLIENTS), "-c", str(CLIENTS), "-d", f"{seconds}s", "--latency"]
    if script:
        args += ["-s", str(script), url, "--", str(spec)]
    else:
        args.append(url)
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def ms(label):
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {"rps": rps, "p50": ms("50"), "p99": ms("99"), "errors": int(non2xx[1]) if non2xx else 0}


def run(name: str, uri: str, seconds: int) -> tuple[dict, dict, dict, Exporter]:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-autosave-{name}-"))
    exported = prepare(uri, folder)
    env = {
        "HIRING_DATABASE_URL": uri,
        "HIRING_SECRET_KEY": "bench-secret",
        "HIRING_RATELIMIT_ENABLED": "false",
        # Keep no rendering: every export of the packet lays it out again.
        "HIRING_PDF_CACHE_DIR": str(folder / "pdf"),
        "HIRING_PDF_CACHE_FILES": "0",
    }
    with gunicorn(env) as base_url:
        spec = folder / "clients.tsv"
        spec.write_text(
            "\n".join("\t".join(sign_in(base_url, f"i{n}@bench.example")) for n in range(CLIENTS))
            + "\n"
        )
        script = folder / "save.lua"
        script.write_text(LUA)
        trivial = wrk(f"{base_url}/healthz", seconds)
        save = wrk(base_url, seconds, script, spec)
        exporter = Exporter(
            f"{base_url}/candidates/{exported}/packet.pdf",
            cookie_header(browser(base_url, "manager@bench.example")[1]),
        )
        exporter.start()
        time.sleep(0.5)
        busy = wrk(base_url, seconds, script, spec)
        exporter.stop.set()
        exporter.join(timeout=60)
    return save, trivial, busy, exporter


def pg_scratch(url: str):
    base = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS hiring_bench WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE hiring_bench"))
    return admin, base.set(database="hiring_bench").render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    results = []
    folder = Path(tempfile.mkdtemp(prefix="bench-sqlite-"))
    results.append(("SQLite", *run("sqlite", f"sqlite:///{folder / 'bench.db'}", args.seconds)))
    pg_url = os.environ.get("HIRING_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    admin, uri = pg_scratch(pg_url)
    try:
        results.append(("PostgreSQL", *run("pg", uri, args.seconds)))
    finally:
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS hiring_bench WITH (FORCE)"))
        admin.dispose()

    print(f"autosave under gunicorn (2 sync workers), {CLIENTS} clients, {args.seconds} s each")
    header = ("database", "endpoint", "req/s", "p50 ms", "p99 ms", "non-2xx")
    print("  {:<11} {:<9} {:>8} {:>8} {:>8} {:>8}".format(*header))
    for name, save, trivial, busy, exporter in results:
        for label, r in (("save", save), ("healthz", trivial), ("save+pdf", busy)):
            print(
                f"  {name:<11} {label:<9} {r['rps']:>8.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} "
                f"{r['errors']:>8}"
            )
        print(
            f"  {name:<11} save / healthz: {save['rps'] / trivial['rps']:.2f} of the "
            f"throughput, p99 x{save['p99'] / trivial['p99']:.1f}"
        )
        print(
            f"  {name:<11} save+pdf: saves while packets (5 scorecards, uncached) were "
            f"exported one after another: {exporter.done} exports, median "
            f"{statistics.median(exporter.seconds or [0]):.2f} s each"
        )
    print(
        json.dumps(
            {
                name: {"save": s, "healthz": t, "save_during_export": b}
                for name, s, t, b, _ in results
            }
        )
    )


if __name__ == "__main__":
    main()

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
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.common import make_interviewers, question_maker
from hiring import create_app
from hiring.extensions import db

CLIENTS = 8
PASSWORD = "bench password!"
ROOT = Path(__file__).resolve().parents[1]

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(uri: str, folder: Path) -> None:
    """Schema, users and one scorecard per client, through the app's own operations."""
    sys.path.insert(0, str(ROOT))
    from tests.scoring import make_panel

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "bench", "INSTANCE_PATH": str(folder)}
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    users = make_interviewers(app, "i", CLIENTS, PASSWORD)
    make_question = question_maker(app, ["Skill"])
    make_panel(app, make_question, users, questions=4)
    with app.app_context():
        db.engine.dispose()


def sign_in(base_url: str, email: str) -> tuple[str, str, str, str]:
    """Sign in like a browser; return the save path, cookie, CSRF token and a notes field."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base_url}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    data = urllib.parse.urlencode(
        {"csrf_token": token, "email": email, "password": PASSWORD}
    ).encode()
    dashboard = opener.open(f"{base_url}/login", data=data).read().decode()
    scorecard = re.search(r'href="/scorecards/(\d+)"', dashboard)[1]
    live = opener.open(f"{base_url}/scorecards/{scorecard}").read().decode()
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', live)[1]
    field = re.search(r'name="(item:\d+:notes)"', live)[1]
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
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


def run(name: str, uri: str, seconds: int) -> tuple[dict, dict]:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-autosave-{name}-"))
    prepare(uri, folder)
    port = free_port()
    env = os.environ | {
        "HIRING_DATABASE_URL": uri,
        "HIRING_SECRET_KEY": "bench-secret",
        "HIRING_RATELIMIT_ENABLED": "false",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "hiring:create_app()",
        ],
        cwd=ROOT,
        env=env,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base_url}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        spec = folder / "clients.tsv"
        spec.write_text(
            "\n".join("\t".join(sign_in(base_url, f"i{n}@bench.example")) for n in range(CLIENTS))
            + "\n"
        )
        script = folder / "save.lua"
        script.write_text(LUA)
        trivial = wrk(f"{base_url}/healthz", seconds)
        save = wrk(base_url, seconds, script, spec)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return save, trivial


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
    for name, save, trivial in results:
        for label, r in (("save", save), ("healthz", trivial)):
            print(
                f"  {name:<11} {label:<9} {r['rps']:>8.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} "
                f"{r['errors']:>8}"
            )
        print(
            f"  {name:<11} save / healthz: {save['rps'] / trivial['rps']:.2f} of the "
            f"throughput, p99 x{save['p99'] / trivial['p99']:.1f}"
        )
    print(json.dumps({name: {"save": s, "healthz": t} for name, s, t in results}))


if __name__ == "__main__":
    main()

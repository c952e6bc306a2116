"""Autosave under load: the save endpoint under gunicorn (2 sync workers) with 8 concurrent
clients on 127.0.0.1, on SQLite and on PostgreSQL, against a trivial endpoint of the same app.

Then saves while a manager exports packets, laid out by one task worker on the same host
(as ./scripts/serve runs it): the queue on Redis beside PostgreSQL, in a SQLite file
beside SQLite.

Run: .venv/bin/python -m bench.bench_autosave [--quick]
Needs wrk (apt-get install wrk). PostgreSQL: HIRING_BENCH_PG_URL, default
postgresql://postgres@127.0.0.1:5432/postgres (a scratch database is created and dropped).
"""

import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.common import (
    browser_session,
    csrf_of,
    export_following,
    gunicorn,
    main_for,
    pg_scratch,
    result,
    saving_world,
    task_worker,
)

CLIENTS = 8

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
  conflicts = 0
  others = 0
end
function request()
  words = words + 1
  local body = '{"base": ' .. base .. ', "changes": {"' .. field .. '": "note ' .. words .. '"}}'
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json", ["Accept"] = "application/json",
    ["Cookie"] = cookie, ["X-CSRFToken"] = token}, body)
end
function response(status, headers, body)
  if status == 409 then conflicts = conflicts + 1 elseif status ~= 200 then others = others + 1 end
  local v = string.match(body, '"version":%s*(%d+)')
  if v then base = tonumber(v) end
end
function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do c = c + t:get("conflicts"); o = o + t:get("others") end
  io.write(string.format("conflicts %d others %d\n", c, o))
end
"""


class Exporter(threading.Thread):
    """A manager exporting one candidate's packet after another, following the waiting
    page as the browser does, until stopped; once through the list (each packet laid out
    when asked for), or over and over with `repeat`."""

    def __init__(self, base_url: str, candidates: list[int], cookie: str, repeat: bool = False):
        super().__init__(daemon=True)
        self.base_url, self.candidates, self.cookie = base_url, candidates, cookie
        self.repeat = repeat
        self.done, self.seconds, self.failed, self.exported = 0, [], 0, []
        self.stop = threading.Event()

    def run(self):
        while True:
            for candidate in self.candidates:
                if self.stop.is_set():
                    return
                self.export(candidate)
            if not self.repeat or not self.candidates:
                return

    def export(self, candidate: int) -> None:
        url = f"{self.base_url}/candidates/{candidate}/packet.pdf"
        start = time.perf_counter()
        status, kind, _ = export_following(url, self.cookie, time.monotonic() + 120)
        if status != 200 or kind != "application/pdf":
            self.failed += 1
            return
        self.seconds.append(time.perf_counter() - start)
        self.done += 1
        self.exported.append(candidate)


def sign_in(base_url: str, email: str) -> tuple[str, str, str, str]:
    """Sign in like a browser; return the save path, cookie, CSRF token and a notes field."""
    opener, cookie, dashboard = browser_session(base_url, email)
    scorecard = re.search(r'href="/scorecards/(\d+)"', dashboard)[1]
    live = opener.open(f"{base_url}/scorecards/{scorecard}").read().decode()
    token = csrf_of(live)
    field = re.search(r'name="(item:\d+:notes)"', live)[1]
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

    statuses = re.search(r"conflicts (\d+) others (\d+)", out)
    return {
        "rps": rps,
        "p50": ms("50"),
        "p99": ms("99"),
        "errors": int(non2xx[1]) if non2xx else 0,
        # A connection starts from version 0: its first save after an earlier phase is a
        # 409, which carries the stored version it goes on from.
        "conflicts": int(statuses[1]) if statuses else 0,
        "others": int(statuses[2]) if statuses else 0,
    }


def run(name: str, uri: str, seconds: int, redis_url: str = "") -> dict:
    """Saves alone, /healthz alone, then saves while a manager exports packets, laid out
    by one task worker on the same host (the queue on Redis with `redis_url`, else in a
    SQLite file)."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-autosave-{name}-"))
    # One scorecard per client; candidates with 5 submitted scorecards, each packet laid
    # out when first asked for.
    exported = saving_world(
        uri, folder, savers=CLIENTS, competencies=["Skill"], panelists=5, exported=40
    )
    env = {
        "HIRING_DATABASE_URL": uri,
        "HIRING_SECRET_KEY": "bench-secret",
        "HIRING_RATELIMIT_ENABLED": "false",
        "HIRING_INSTANCE_PATH": str(folder),
    }
    with contextlib.ExitStack() as stack:
        if redis_url:
            from redis import Redis

            Redis.from_url(redis_url).flushdb()
            env["HIRING_REDIS_URL"] = redis_url
        # One task worker beside the app server, as ./scripts/serve runs them.
        stack.enter_context(task_worker(env))
        base_url = stack.enter_context(gunicorn(env))
        spec = folder / "clients.tsv"
        spec.write_text(
            "\n".join("\t".join(sign_in(base_url, f"i{n}@bench.example")) for n in range(CLIENTS))
            + "\n"
        )
        script = folder / "save.lua"
        script.write_text(LUA)
        trivial = wrk(f"{base_url}/healthz", seconds)
        save = wrk(base_url, seconds, script, spec)
        # The machine's own ceiling: saves beside a busy loop at idle priority, which any
        # other process preempts at once. What a render costs beyond this is the app's.
        hog = subprocess.Popen(["chrt", "--idle", "0", sys.executable, "-c", "while True: pass"])
        try:
            ceiling = wrk(base_url, seconds, script, spec)
        finally:
            hog.kill()
            hog.wait()
        exporter = Exporter(
            base_url, exported, browser_session(base_url, "manager@bench.example")[1]
        )
        exporter.start()
        time.sleep(0.5)
        busy = wrk(base_url, seconds, script, spec)
        exporter.stop.set()
        exporter.join(timeout=60)
        # The usual case: packets prepared when their scorecards came in, exported again.
        ready = exporter.exported
        again = Exporter(base_url, ready, exporter.cookie, repeat=True)
        again.start()
        prepared = wrk(base_url, seconds, script, spec)
        again.stop.set()
        again.join(timeout=60)
    return {
        "save": save,
        "healthz": trivial,
        "busy": busy,
        "prepared": prepared,
        "prepared_exports": again.done,
        "ceiling": ceiling,
        "exporter": exporter,
    }


def benchmarks(quick: bool) -> list[dict]:
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    seconds = 3 if quick else 10
    folder = Path(tempfile.mkdtemp(prefix="bench-sqlite-"))
    legs = [("SQLite", run("sqlite", f"sqlite:///{folder / 'bench.db'}", seconds))]
    with pg_scratch(PG_URL, "hiring_bench") as uri:
        legs.append(("PostgreSQL", run("pg", uri, seconds, redis_url=REDIS_URL)))
    results = []
    for name, leg in legs:
        save, trivial, busy, exporter = leg["save"], leg["healthz"], leg["busy"], leg["exporter"]
        where = "task worker, queue on Redis" if name == "PostgreSQL" else "task worker"
        print(
            f"  {name}: save {save['rps']:.0f}/s p99 {save['p99']:.1f} ms; healthz "
            f"{trivial['rps']:.0f}/s; while exporting ({where}): {busy['rps']:.0f}/s p99 "
            f"{busy['p99']:.1f} ms, non-2xx {busy['errors']} ({busy['conflicts']} of them 409s, "
            f"{busy['others']} other); beside an idle-priority busy loop "
            f"{leg['ceiling']['rps']:.0f}/s; "
            f"{exporter.done} packets, median "
            f"{statistics.median(exporter.seconds or [0]):.2f} s each, {exporter.failed} failed"
        )
        results += [
            result(
                f"autosave throughput, {name}", save["rps"], "req/s", "/healthz", trivial["rps"]
            ),
            result(f"autosave p99, {name}", save["p99"], "ms", "/healthz p99", trivial["p99"]),
            result(
                f"autosave throughput while packets export ({where}), {name}",
                busy["rps"],
                "req/s",
                "autosave alone",
                save["rps"],
            ),
            result(
                f"autosave throughput while prepared packets export ({leg['prepared_exports']} "
                f"exports), {name}",
                leg["prepared"]["rps"],
                "req/s",
                "autosave alone",
                save["rps"],
            ),
            result(
                f"autosave throughput beside an idle-priority busy loop (the machine), {name}",
                leg["ceiling"]["rps"],
                "req/s",
                "autosave alone",
                save["rps"],
            ),
            result(
                f"autosave p99 while packets export ({where}), {name}",
                busy["p99"],
                "ms",
                "autosave alone",
                save["p99"],
            ),
        ]
        unexplained = sum(leg[k]["others"] for k in ("save", "busy", "prepared", "ceiling"))
        if unexplained:
            print(f"  {name}: {unexplained} saves answered other than 200 or 409")
    return results


PG_URL = os.environ.get("HIRING_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("HIRING_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")


if __name__ == "__main__":
    main_for(benchmarks)

"""Do renders starve health checks and autosaves? gunicorn with 2 sync workers; one or two
users export uncached PDFs back to back while a prober (a process of its own) saves and
checks /healthz every 20 ms. Compared: no renders; one user rendering; two users with
renders bounded to one at a time on the host (HIRING_PDF_CONCURRENCY 1, the default); two
users with two at a time (every worker may render).

Run: .venv/bin/python -m bench.bench_render_isolation [--seconds 8]
"""

import argparse
import json
import multiprocessing
import re
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.bench_autosave import browser, cookie_header, prepare
from bench.common import gunicorn


class Prober(multiprocessing.Process):
    """Alternate an autosave and a health check every 20 ms, in a process of its own (the
    renderers' client threads must not delay it); report latencies and failures."""

    def __init__(self, base_url: str, email: str):
        super().__init__(daemon=True)
        self.base_url, self.email = base_url, email
        self.stop = multiprocessing.Event()
        self.results = multiprocessing.Queue()

    def sign_in(self):
        base_url, email = self.base_url, self.email
        opener, jar, dashboard = browser(base_url, email)
        scorecard = re.search(r'href="/scorecards/(\d+)"', dashboard)[1]
        live = opener.open(f"{base_url}/scorecards/{scorecard}").read().decode()
        self.token = re.search(r'<meta name="csrf-token" content="([^"]+)"', live)[1]
        self.field = re.search(r'name="(item:\d+:notes)"', live)[1]
        self.cookie = cookie_header(jar)
        self.save_url = f"{base_url}/scorecards/{scorecard}/save"
        self.version = 0
        self.samples = {"save": [], "healthz": []}
        self.failures = 0

    def timed(self, kind: str, request) -> None:
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read()
            if kind == "save":
                self.version = json.loads(body)["version"]
            self.samples[kind].append((time.perf_counter() - start) * 1000)
        except (urllib.error.URLError, TimeoutError):
            self.failures += 1

    def run(self):
        self.sign_in()
        n = 0
        while not self.stop.is_set():
            n += 1
            body = json.dumps({"base": self.version, "changes": {self.field: f"note {n}"}})
            self.timed(
                "save",
                urllib.request.Request(
                    self.save_url,
                    data=body.encode(),
                    headers={
                        "Content-Type": "application/json",
                        "Accept": "application/json",
                        "Cookie": self.cookie,
                        "X-CSRFToken": self.token,
                    },
                ),
            )
            self.timed("healthz", f"{self.base_url}/healthz")
            time.sleep(0.02)
        self.results.put((self.samples, self.failures))


class Renderer(threading.Thread):
    """Ask for one uncached PDF after another; count the served and the refused (429)."""

    def __init__(self, url: str, cookie: str):
        super().__init__(daemon=True)
        self.url, self.cookie = url, cookie
        self.served = self.refused = 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            request = urllib.request.Request(self.url, headers={"Cookie": self.cookie})
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                self.served += 1
            except urllib.error.HTTPError as error:
                # Read and close the refusal as a browser does: a response left open holds
                # a sync worker until the client lets go of it.
                error.read()
                error.close()
                self.refused += error.code == 429
                time.sleep(0.5)


def phase(seconds: int, concurrency: int | None, users: int = 2) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="bench-isolation-"))
    uri = f"sqlite:///{folder / 'bench.db'}"
    candidate_id = prepare(uri, folder)
    env = {
        "HIRING_DATABASE_URL": uri,
        "HIRING_SECRET_KEY": "bench-secret",
        "HIRING_RATELIMIT_ENABLED": "false",
        "HIRING_PDF_CACHE_DIR": str(folder / "pdf"),
        "HIRING_PDF_CACHE_FILES": "0",  # every export lays its document out again
        "HIRING_PDF_CONCURRENCY": str(concurrency or 1),
    }
    with gunicorn(env) as base_url:
        prober = Prober(base_url, "i1@bench.example")
        renderers = []
        if concurrency is not None:
            for email, url in (
                ("manager@bench.example", f"/candidates/{candidate_id}/packet.pdf?guide=1"),
                ("e1@bench.example", f"/candidates/{candidate_id}/packet.pdf"),
            )[:users]:
                _, jar, _ = browser(base_url, email)
                renderers.append(Renderer(base_url + url, cookie_header(jar)))
        for worker in [prober, *renderers]:
            worker.start()
        time.sleep(seconds)
        for worker in [prober, *renderers]:
            worker.stop.set()
        samples, failures = prober.results.get(timeout=60)
        for worker in [prober, *renderers]:
            worker.join(timeout=60)

    def summary(samples):
        ordered = sorted(samples)
        return {
            "n": len(ordered),
            "p50": statistics.median(ordered),
            "p99": ordered[int(len(ordered) * 0.99) - 1],
            "max": ordered[-1],
        }

    return {
        "save": summary(samples["save"]),
        "healthz": summary(samples["healthz"]),
        "failures": failures,
        "served": sum(r.served for r in renderers),
        "refused": sum(r.refused for r in renderers),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=8)
    seconds = parser.parse_args().seconds
    results = {
        "no renders": phase(seconds, None),
        "1 user rendering": phase(seconds, 1, users=1),
        "2 users, 1 render at a time": phase(seconds, 1),
        "2 users, 2 renders at a time": phase(seconds, 2),
    }
    base = results["no renders"]
    print(
        f"gunicorn, 2 sync workers, SQLite; a prober saves and checks /healthz every 20 ms "
        f"for {seconds} s while users export uncached packets"
    )
    for name, r in results.items():
        print(
            f"{name:32} saves {r['save']['n']:4} p50 {r['save']['p50']:6.1f} ms "
            f"p99 {r['save']['p99']:7.1f} ms max {r['save']['max']:7.1f} ms | /healthz "
            f"p99 {r['healthz']['p99']:7.1f} ms max {r['healthz']['max']:7.1f} ms | "
            f"prober failures {r['failures']} | renders served {r['served']} "
            f"refused {r['refused']} | saves x{r['save']['n'] / base['save']['n']:.2f} of idle"
        )


if __name__ == "__main__":
    main()

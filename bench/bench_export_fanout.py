"""`export-packets` fanned out over RQ job workers: two workers against one, on the same
candidates, each run from an empty render cache.

Run: .venv/bin/python -m bench.bench_export_fanout [--quick]
Needs Redis: HIRING_BENCH_REDIS_URL, default redis://127.0.0.1:6379/14 (flushed).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from redis import Redis
from rq import Worker

from bench.bench_pdf import panel_of
from bench.common import ROOT, main_for, result, scratch_app
from hiring.extensions import db

REDIS_URL = os.environ.get("HIRING_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def export_with(app, workers: int, folder: Path) -> float:
    """Seconds for export-packets of every candidate with `workers` job workers."""
    cache = folder / f"cache-{workers}"
    app.config.update(REDIS_URL=REDIS_URL, PDF_CACHE_DIR=str(cache))
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    env = os.environ | {
        "HIRING_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "HIRING_REDIS_URL": REDIS_URL,
        "HIRING_PDF_CACHE_DIR": str(cache),
        "HIRING_INSTANCE_PATH": app.instance_path,
        "HIRING_SECRET_KEY": "bench",
    }
    command = [sys.executable, "-m", "flask", "--app", "hiring", "worker"]
    started = [subprocess.Popen(command, cwd=ROOT, env=env) for _ in range(workers)]
    try:
        while Worker.count(connection=connection) < workers:
            time.sleep(0.1)
        start = time.perf_counter()
        run = app.test_cli_runner().invoke(args=["export-packets", "--out", str(folder / "out")])
        elapsed = time.perf_counter() - start
        assert run.exit_code == 0, run.output
    finally:
        for worker in started:
            worker.terminate()
        for worker in started:
            worker.wait(30)
    return elapsed


def benchmarks(quick: bool) -> list[dict]:
    Redis.from_url(REDIS_URL).ping()
    app = scratch_app("fanout", PREPARE_DOCUMENTS=False)
    candidates = 12 if quick else 50
    for n in range(candidates):
        panel_of(app, 3, prepare=False, tag=f"c{n}")
    with app.app_context():
        db.engine.dispose()
    folder = Path(app.instance_path)
    one = export_with(app, 1, folder)
    two = export_with(app, 2, folder)
    return [
        result(
            f"export-packets of {candidates} candidates (3 scorecards each), 2 job workers",
            two,
            "s",
            "the same with 1 job worker",
            one,
        )
    ]


if __name__ == "__main__":
    main_for(benchmarks)

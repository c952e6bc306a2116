"""`export-packets` spread over task workers: two workers against one, on the same
candidates, each from an empty document store, the queue on Redis.

Run: .venv/bin/python -m bench.bench_export_fanout [--quick]
Needs Redis: HIRING_BENCH_REDIS_URL, default redis://127.0.0.1:6379/14 (flushed).
"""

import os
import time
from pathlib import Path

from redis import Redis

from bench.bench_pdf import panel_of, worker_env
from bench.common import main_for, result, scratch_app, task_worker
from hiring.documents.models import StoredDocument
from hiring.extensions import db

REDIS_URL = os.environ.get("HIRING_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def export_with(app, workers: int, folder: Path) -> float:
    """Seconds for export-packets of every candidate with `workers` task workers."""
    with app.app_context():
        db.session.execute(StoredDocument.__table__.delete())
        db.session.commit()
    Redis.from_url(REDIS_URL).flushdb()
    app.config["REDIS_URL"] = REDIS_URL
    with task_worker(worker_env(app) | {"HIRING_REDIS_URL": REDIS_URL}, workers):
        start = time.perf_counter()
        run = app.test_cli_runner().invoke(
            args=["export-packets", "--out", str(folder / f"out-{workers}")]
        )
        elapsed = time.perf_counter() - start
    assert run.exit_code == 0, run.output
    return elapsed


def benchmarks(quick: bool) -> list[dict]:
    Redis.from_url(REDIS_URL).ping()
    app = scratch_app("fanout", PREPARE_DOCUMENTS=False, REDIS_URL=REDIS_URL)
    candidates = 12 if quick else 50
    for n in range(candidates):
        panel_of(app, 3, tag=f"c{n}")
    folder = Path(app.instance_path)
    one = export_with(app, 1, folder)
    two = export_with(app, 2, folder)
    return [
        result(
            f"export-packets of {candidates} candidates (3 scorecards each), 2 task workers",
            two,
            "s",
            "the same with 1 task worker",
            one,
        )
    ]


if __name__ == "__main__":
    main_for(benchmarks)

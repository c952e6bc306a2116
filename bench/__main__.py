"""Every benchmark under bench/, each figure beside a baseline measured in the same run.

    .venv/bin/python -m bench [--quick] [--json FILE] [--only NAME ...]

Timings on a shared machine drift; the ratio to a baseline from the same run holds.
Run it when nothing else runs on the machine. --quick uses smaller data and shorter
phases and finishes in under 4 minutes on 2 cores; --json writes
{"benchmarks": [{"name", "value", "unit", "baseline", "baseline_value", "ratio"}]}.
Each module also runs alone: .venv/bin/python -m bench.bench_pdf [--quick].
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, show

MODULES = [
    "bench_pdf",
    "bench_export_fanout",
    "bench_autosave",
    "bench_pages",
    "bench_question_bank",
    "bench_load",
    "bench_memory",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument("--only", nargs="*", choices=MODULES, help="run only these")
    args = parser.parse_args()
    results, failed = [], []
    started = time.perf_counter()
    for name in args.only or MODULES:
        print(f"== {name}", flush=True)
        began = time.perf_counter()
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [sys.executable, "-m", f"bench.{name}", "--results", out.name]
            run = subprocess.run(command + (["--quick"] if args.quick else []), cwd=ROOT)
            print(f"== {name}: {time.perf_counter() - began:.0f} s", flush=True)
            if run.returncode != 0:
                failed.append(name)
                continue
            results += json.loads(Path(out.name).read_text())
    print(f"\n== all figures ({time.perf_counter() - started:.0f} s)")
    show(results)
    if args.json:
        args.json.write_text(json.dumps({"benchmarks": results}, indent=1))
        print(f"wrote {args.json}")
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()

"""Candidate packets: the app's export against WeasyPrint rendering the same packet from
scratch, for packets of 5 and 20 submitted scorecards (about 2 pages each).

Run: .venv/bin/python -m bench.bench_pdf
"""

import resource
import statistics
import sys
import time
from pathlib import Path

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from bench.common import make_interviewers, question_maker, scratch_app
from hiring.debrief.aggregate import aggregate, tally
from hiring.debrief.documents import packet_pdf, scorecard_pdf
from hiring.extensions import db
from hiring.interviews import operations as scoring
from hiring.interviews.models import Candidate, Scorecard
from hiring.interviews.queries import submitted_with_content as scorecards_of
from hiring.pdf import BASE_URL, StaticOnlyFetcher

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.scoring import complete, make_panel  # noqa: E402

# The whole packet as one HTML document, with the running header and page numbers.
WHOLE = """{% extends "pdf/_base.html" %}
{% from "pdf/_cover.html" import cover_body %}
{% from "pdf/_scorecard.html" import scorecard_body %}
{% block content %}
<style>@page { @top-left { content: "{{ header }}"; font-family: Inter; font-size: 8pt; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-family: Inter;
  font-size: 8pt; } }</style>
{{ cover_body(candidate, scorecards, rows, tally, interviews) }}
{% for s in scorecards %}
<div style="break-before: page">{{ scorecard_body(s, values[s.id]) }}</div>
{% endfor %}
{% endblock %}"""

NOTE = (
    "The candidate described the situation, the steps they took and the result, with "
    "numbers. They checked facts before acting and explained the trade-offs. "
) * 3


def build(app, size: int) -> int:
    """A candidate with `size` submitted scorecards of about two pages each."""
    users = make_interviewers(app, f"p{size}-", size, "bench password!")
    make_question = question_maker(app, [f"Competency {n}" for n in range(6)])
    panel = make_panel(
        app,
        make_question,
        users,
        questions=4,
        candidate=f"Candidate {size}",
        kit_title=f"Kit for {size}",
    )
    with app.app_context():
        for user in users:
            scorecard = db.session.get(Scorecard, panel.scorecards[user.id])
            changes = complete(panel, value=1 + user.id % 4) | {
                f"item:{i}:notes": NOTE for i in panel.items
            }
            scoring.save(scorecard, 0, changes, 200_000)
            scoring.submit(scorecard)
        db.session.commit()
    return panel.candidate_id


def timed(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measure(app, size: int) -> dict:
    candidate_id = build(app, size)
    with app.test_request_context():
        candidate = db.session.get(Candidate, candidate_id)
        scorecards = scorecards_of(candidate_id)
        html = app.jinja_env.from_string(WHOLE).render(
            paper=app.config["PAPER_SIZE"],
            header=f"{candidate.name} · {candidate.role}",
            candidate=candidate,
            scorecards=scorecards,
            rows=aggregate(scorecards),
            tally=tally(scorecards),
            interviews=[scorecards[0].interview],
            values={s.id: scoring.content(s) for s in scorecards},
            url_for=_url_for,
        )

        def from_scratch():
            return HTML(
                string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher(app.static_folder)
            ).write_pdf(font_config=FontConfiguration())

        scratch = timed(from_scratch, 3)
        pages = len(
            HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher(app.static_folder))
            .render()
            .pages
        )
        start = time.perf_counter()
        packet_pdf(candidate, scorecards, with_guide=False)
        cold = time.perf_counter() - start
        warm = timed(lambda: packet_pdf(candidate, scorecards_of(candidate_id), False), 10)

        # One scorecard amended: only it and the cover are laid out again.
        first = scorecards[0]
        scoring.amend(first, "bench", first.interviewer_id)
        scoring.save(first, first.version, {"summary": "Amended."}, 200_000)
        scoring.submit(first)
        db.session.commit()
        start = time.perf_counter()
        packet_pdf(candidate, scorecards_of(candidate_id), with_guide=False)
        one_changed = time.perf_counter() - start
    return {
        "size": size,
        "pages": pages,
        "scratch": scratch,
        "cold": cold,
        "warm": warm,
        "one_changed": one_changed,
    }


def _url_for(endpoint, filename):
    return f"/static/{filename}"


def main() -> None:
    app = scratch_app("pdf")
    with app.test_request_context():  # warm WeasyPrint, fonts and templates once
        pass
    results = [measure(app, size) for size in (5, 20)]
    with app.test_request_context():
        one = db.session.get(Scorecard, 1)
        app.config["PDF_CACHE_DIR"] = str(Path(app.instance_path) / "cold-scorecard")
        single = timed(lambda: scorecard_pdf(db.session.get(Scorecard, one.id)), 1)

    print("candidate packets (seconds)")
    print(
        "  {:>10} {:>6} {:>10} {:>10} {:>10} {:>12} {:>12}".format(
            "scorecards", "pages", "scratch", "app cold", "app warm", "warm/scratch", "1 amended"
        )
    )
    for r in results:
        print(
            f"  {r['size']:>10} {r['pages']:>6} {r['scratch']:>10.3f} {r['cold']:>10.3f} "
            f"{r['warm']:>10.4f} {r['warm'] / r['scratch']:>12.4f} {r['one_changed']:>12.3f}"
        )
    big = results[-1]
    print(f"one scorecard PDF, not cached: {single:.3f} s")
    print(
        f"WeasyPrint from scratch: {big['pages'] / big['scratch']:.1f} pages/s "
        f"({big['pages']} pages in {big['scratch']:.2f} s)"
    )
    print(
        f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()

"""Question bank: search latency on 10,000 questions against 100, and importer speed.

Run: .venv/bin/python -m bench.bench_question_bank
"""

import random
import time

from sqlalchemy import insert

from bench.common import main_for, percentiles, result, scratch_app, signed_in_client
from hiring.extensions import db
from hiring.questions.models import AnswerTier, PrepTip, Question, Tier
from hiring.questions.operations import import_batch
from hiring.questions.parsing import parse_file
from tests.test_questions_parsing import PAGE

WORDS = (
    "budget customer deadline escalate handover incident mentor outage priority "
    "quality release risk safety stakeholder team trust"
).split()
QUERIES = ["risk", "customer trust", "handover", "zzz-nothing", "safety incident"]
# A misspelling: no result, so the page also looks for "did you mean".
MISSPELT = ["stakeholdr", "escalte"]
TARGET_MS = 50


def fill(app, size: int) -> None:
    """Insert `size` questions with tiers and tips, in bulk."""
    rng = random.Random(size)
    with app.app_context():
        questions, tiers, tips = [], [], []
        for n in range(1, size + 1):
            text = " ".join(rng.choices(WORDS, k=40))
            prompt = f"Question {n}: how do you handle {rng.choice(WORDS)}?"
            questions.append(
                {
                    "id": n,
                    "prompt": prompt,
                    "prompt_key": prompt.lower(),
                    "level": rng.choice(["entry", "intermediate", "advanced"]),
                    "role_family": f"Family {n % 6}",
                    "search_text": f"{prompt}\n{text}".casefold(),
                }
            )
            tiers += [
                {"question_id": n, "tier": t, "answer": text, "rationale": text} for t in Tier
            ]
            tips += [{"question_id": n, "position": p, "text": text[:80]} for p in range(3)]
        db.session.execute(insert(Question), questions)
        db.session.execute(insert(AnswerTier), tiers)
        db.session.execute(insert(PrepTip), tips)
        db.session.commit()


def search_latency(size: int, rounds: int = 40, queries=QUERIES) -> tuple[float, float]:
    app = scratch_app(f"search{size}")
    fill(app, size)
    client = signed_in_client(app)
    for query in queries:  # warm up
        client.get("/questions/", query_string={"q": query})
    samples = []
    for _ in range(rounds):
        for query in queries:
            start = time.perf_counter()
            response = client.get("/questions/", query_string={"q": query})
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200
    return percentiles(samples)


def import_speed(pages: int = 300) -> tuple[float, float]:
    """Pages per second: imported (parsed, matched, written, committed), and only parsed."""
    app = scratch_app("import")
    files = [
        (
            f"{n}.txt",
            PAGE.replace(
                "How do you keep a release on schedule?",
                f"How do you keep release {n} on schedule?",
            ).encode(),
        )
        for n in range(pages)
    ]
    with app.app_context():
        start = time.perf_counter()
        report = import_batch(files)
        db.session.commit()
        elapsed = time.perf_counter() - start
    assert report.created == pages and not report.errors
    start = time.perf_counter()
    for name, raw in files:
        parse_file(raw, name)
    return pages / elapsed, pages / (time.perf_counter() - start)


def benchmarks(quick: bool) -> list[dict]:
    size = 2_000 if quick else 10_000
    rounds = 15 if quick else 40
    small = search_latency(100, rounds)
    large = search_latency(size, rounds)
    misspelt = search_latency(size, rounds // 2, queries=MISSPELT)
    verdict = "met" if large[0] < TARGET_MS else "NOT met"
    print(f"  target: median under {TARGET_MS} ms at {size:,} questions: {verdict}")
    pages = 100 if quick else 300
    speed, parsing = import_speed(pages)
    return [
        result(
            f"bank search, median, {size:,} questions", large[0], "ms", "100 questions", small[0]
        ),
        result(f"bank search, p95, {size:,} questions", large[1], "ms", "100 questions", small[1]),
        result(
            f"bank search, misspelt (did you mean), median, {size:,} questions",
            misspelt[0],
            "ms",
            "a found word, 100 questions",
            small[0],
        ),
        result(f"importer, {pages} pages", speed, "pages/s", "parsing the same pages", parsing),
    ]


if __name__ == "__main__":
    main_for(benchmarks)

"""Question bank: search latency on 10,000 questions against 100, and importer speed.

Run: .venv/bin/python -m bench.bench_question_bank
"""

import random
import time

from sqlalchemy import insert

from bench.common import percentiles, scratch_app, signed_in_client
from hiring.extensions import db
from hiring.questions.models import AnswerTier, PrepTip, Question, Tier
from hiring.questions.operations import import_batch
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


def import_speed(pages: int = 300) -> float:
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
    return pages / elapsed


def main() -> None:
    small = search_latency(100)
    large = search_latency(10_000)
    print("question bank search, end to end through the app (ms)")
    print(f"  {'bank':>8} {'median':>8} {'p95':>8}")
    print(f"  {100:>8} {small[0]:>8.1f} {small[1]:>8.1f}")
    print(f"  {10_000:>8} {large[0]:>8.1f} {large[1]:>8.1f}")
    print(
        f"  ratio 10,000 / 100: median x{large[0] / small[0]:.2f}, p95 x{large[1] / small[1]:.2f}"
    )
    verdict = "met" if large[0] < TARGET_MS else "NOT met"
    print(f"  target: median under {TARGET_MS} ms at 10,000 questions: {verdict}")
    misspelt = search_latency(10_000, rounds=20, queries=MISSPELT)
    print(
        f"  misspelt words at 10,000 (no result + did you mean): median {misspelt[0]:.1f}, "
        f"p95 {misspelt[1]:.1f}"
    )
    print(f"importer: {import_speed():.0f} pages/s (parse, match competencies, write, commit)")


if __name__ == "__main__":
    main()

"""Fill a database with realistic, varied hiring data, for measuring pages at scale.

    .venv/bin/python -m bench.generate --candidates 2000 [--scorecards 100000]
        [--database URL] [--seed 7]

Kits (from the starter bank) with two published versions each; interviewers (as many
as the interviews need at a realistic load, at least 30) and managers; candidates with
one to three interviews, panels of two or three, and their scorecards: most submitted
with ratings, tiers and notes of realistic length, some drafts, some not started, some
interviews still to come. The database is created from the models (an empty SQLite file
in a temporary folder unless --database names one); rows are written in bulk, so 20,000
candidates (about 100,000 scorecards) take a few minutes.
"""

import argparse
import random
import tempfile
import time
from datetime import timedelta
from itertools import groupby
from pathlib import Path

from sqlalchemy import func, insert, select, text

from hiring import create_app
from hiring.auth.models import Role
from hiring.auth.operations import create_user
from hiring.demo import DEMO_KITS, load_demo_kits, load_starter_bank
from hiring.extensions import db, utcnow
from hiring.interviews.models import (
    Candidate,
    Interview,
    ItemNote,
    Rating,
    Recommendation,
    Scorecard,
    TierMatch,
)
from hiring.kits import operations as kit_ops
from hiring.kits.models import Kit, KitVersion

OPENINGS = [
    "Started by asking what the customer had already tried.",
    "Restated the problem in their own words before answering.",
    "Went straight to a solution without checking the facts.",
    "Gave a concrete example from a previous role.",
    "Spoke in general terms; needed a probe to get specifics.",
    "Described a checklist they use and why each step is there.",
]
MIDDLES = [
    "When probed, they explained how they would confirm the cause before acting",
    "They named who they would involve and when they would escalate",
    "The answer covered the customer's feelings as well as the fix",
    "They missed the risk of repeating the error for other customers",
    "Timing was vague: no commitment on when the customer would hear back",
    "They quantified the impact (about 40 tickets a day on that queue)",
    "Good structure: situation, what they did, what changed afterwards",
]
CLOSINGS = [
    "Overall a clear, calm answer.",
    "Would want to see more ownership of the follow-up.",
    "Strong on diagnosis, weaker on written communication.",
    "Needed two prompts to reach the key point.",
    "Convincing and specific.",
]
FIRST = (
    "Alex Bea Cai Dana Eli Fay Gus Hana Ivo Jun Kit Lea Max Nia Omar Pia Raj Sol Tom Uma".split()
)
LAST = "Okafor Raman Alvarez Chen Nwosu Berg Whitfield Kowalski Haddad Sato Novak Mensah".split()


def note(rng: random.Random) -> str:
    """A note of realistic length: an opening, two or three observations, a closing."""
    middle = ". ".join(rng.sample(MIDDLES, rng.randint(2, 3)))
    return f"{rng.choice(OPENINGS)} {middle}. {rng.choice(CLOSINGS)}"


def kits_with_two_versions() -> list[KitVersion]:
    """The demo kits, each published, then a second version with one more probe."""
    load_starter_bank()
    load_demo_kits()
    versions = []
    for kit in db.session.scalars(
        select(Kit).where(Kit.title.in_([k["title"] for k in DEMO_KITS]))
    ):
        first = kit.versions[0]
        second = kit_ops.draft_of(kit)
        kit_ops.update_item(second.items[0], minutes=10, probes="What would you check first?")
        kit_ops.publish(second)
        versions += [first, second]
    db.session.commit()
    return versions


# The interviews span about ten months (candidates arrive over 200 days, and their rounds
# follow three days apart): at 500 scorecards each, an interviewer sits on about two
# panels a working day.
SCORECARDS_PER_INTERVIEWER = 500


def generate(
    candidates: int, seed: int = 7, scorecards: int = 0, interviewers: int = 0
) -> dict[str, int]:
    """Write the data; with `scorecards`, about that many in all (more interviews per
    candidate), else one to three interviews each. `interviewers`: how many share the
    panels (default: SCORECARDS_PER_INTERVIEWER each, at least 30)."""
    rng = random.Random(seed)
    # Panels of two or three: 2.5 scorecards per interview on average.
    rounds = max(1, round(scorecards / (2.5 * candidates))) if scorecards else 2
    expected = scorecards or round(2.5 * 2 * candidates)
    interviewers = interviewers or max(30, round(expected / SCORECARDS_PER_INTERVIEWER))
    versions = kits_with_two_versions()
    people = [
        create_user(
            f"interviewer{n}@example.com",
            f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
            Role.INTERVIEWER,
            "generated pass 123",
        )
        for n in range(interviewers)
    ] + [
        create_user(f"manager{n}@example.com", f"Manager {n}", Role.MANAGER, "generated pass 123")
        for n in range(3)
    ]
    db.session.commit()
    # Plain ids: a commit expires the records, and reading one again is a query.
    people_ids = [person.id for person in people]
    kit_versions = [(v.id, v.duration_minutes) for v in versions]
    shapes = {
        v.id: (
            [item.id for item in v.items],
            [kc.id for kc in v.competencies],
            len(v.scale),
        )
        for v in versions
    }
    now = utcnow()
    next_candidate = (db.session.scalar(select(func.max(Candidate.id))) or 0) + 1
    next_interview = (db.session.scalar(select(func.max(Interview.id))) or 0) + 1
    next_scorecard = (db.session.scalar(select(func.max(Scorecard.id))) or 0) + 1
    batch: dict[type, list[dict]] = {
        m: [] for m in (Candidate, Interview, Scorecard, ItemNote, Rating)
    }
    counts = dict.fromkeys(("candidates", "interviews", "scorecards", "submitted", "drafts"), 0)
    counts["interviewers"] = interviewers

    def columns(row: dict) -> tuple[str, ...]:
        return tuple(sorted(row))

    def flush() -> None:
        for model in (Candidate, Interview, Scorecard, ItemNote, Rating):
            if batch[model]:
                # Core inserts, one batch per set of columns: the ORM's bulk insert sends
                # one batch per run of alike rows, where submitted, draft and untouched
                # scorecards interleave, and notes with and without a tier.
                rows = sorted(batch[model], key=columns)
                for _, alike in groupby(rows, key=columns):
                    db.session.execute(insert(model.__table__), list(alike))
                batch[model].clear()
        db.session.commit()

    for _ in range(candidates):
        cid = next_candidate
        next_candidate += 1
        created = now - timedelta(days=rng.randint(1, 200))
        batch[Candidate].append(
            {
                "id": cid,
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {cid}",
                "email": f"candidate{cid}@example.org",
                "role": "Customer support specialist",
                "source": rng.choice(["Referral", "Job board", "Agency", "Careers page"]),
                "notes": "",
                "created_at": created,
            }
        )
        counts["candidates"] += 1
        for round_ in range(rng.randint(1, 2 * rounds - 1)):
            version_id, duration = rng.choice(kit_versions)
            items, competencies, scale = shapes[version_id]
            iid = next_interview
            next_interview += 1
            at = created + timedelta(days=3 * round_ + rng.randint(0, 3), hours=rng.randint(9, 16))
            batch[Interview].append(
                {
                    "id": iid,
                    "candidate_id": cid,
                    "kit_version_id": version_id,
                    "scheduled_at": at,
                    "duration_minutes": duration,
                    "location": "Room 2",
                    "link": "",
                    "cancel_reason": "",
                    "sequence": 0,
                    "created_at": created,
                }
            )
            counts["interviews"] += 1
            true_level = rng.randint(1, scale)
            for interviewer_id in rng.sample(people_ids[:interviewers], rng.randint(2, 3)):
                sid = next_scorecard
                next_scorecard += 1
                counts["scorecards"] += 1
                held = at < now
                fate = rng.random() if held else 1.0
                row = {
                    "id": sid,
                    "interview_id": iid,
                    "kit_version_id": version_id,
                    "interviewer_id": interviewer_id,
                    "scheduled_at": at,
                    "summary": "",
                    "version": 0,
                    "recommendation_changed_after_panel": False,
                    "timer_seconds": 0,
                    "created_at": at,
                }
                if fate < 0.85:  # submitted
                    leaning = rng.choice([-1, 0, 0, 1])
                    values = [
                        min(scale, max(1, true_level + leaning + rng.choice([-1, 0, 0, 1])))
                        for _ in competencies
                    ]
                    mean = sum(values) / len(values)
                    rec = (
                        Recommendation.STRONG_NO,
                        Recommendation.NO,
                        Recommendation.YES,
                        Recommendation.STRONG_YES,
                    )[min(3, int((mean - 1) / max(1, scale - 1) * 4))]
                    when = at + timedelta(hours=rng.randint(1, 72))
                    row |= {
                        "summary": rng.choice(CLOSINGS),
                        "version": 3,
                        "recommendation": rec,
                        "first_recommendation": rec,
                        "submitted_at": when,
                        "first_submitted_at": when,
                        "updated_at": when,
                    }
                    for kc, value in zip(competencies, values, strict=True):
                        batch[Rating].append(
                            {
                                "scorecard_id": sid,
                                "kit_competency_id": kc,
                                "kit_version_id": version_id,
                                "value": value,
                                "not_assessed": False,
                                "evidence": note(rng) if value in (1, scale) else "",
                                "first_value": value,
                                "first_not_assessed": False,
                                "changed_after_panel": False,
                            }
                        )
                    counts["submitted"] += 1
                elif fate < 0.95:  # a draft: notes written, not rated
                    row |= {"version": 1, "updated_at": at + timedelta(hours=1)}
                    counts["drafts"] += 1
                if fate < 0.95:
                    for item in items:
                        batch[ItemNote].append(
                            {
                                "scorecard_id": sid,
                                "kit_item_id": item,
                                "kit_version_id": version_id,
                                "notes": note(rng),
                                "tier": rng.choice(list(TierMatch)) if rng.random() < 0.8 else None,
                            }
                        )
                batch[Scorecard].append(row)
        if len(batch[ItemNote]) > 5000:
            flush()
    flush()
    if db.engine.dialect.name == "postgresql":
        # The ids were given, so PostgreSQL's sequences did not move: the app's next
        # candidate, interview or scorecard would take an id that is already used.
        for model in (Candidate, Interview, Scorecard):
            table = model.__tablename__
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
        db.session.commit()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a new SQLite file)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--scorecards", type=int, default=0, help="about this many in all (default: 1-3 rounds)"
    )
    parser.add_argument(
        "--interviewers",
        type=int,
        default=0,
        help=f"how many (default: one per {SCORECARDS_PER_INTERVIEWER} scorecards, at least 30)",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hiring-generated-"))
    uri = args.database or f"sqlite:///{folder / 'generated.db'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": uri,
            "SECRET_KEY": "generated",
            "INSTANCE_PATH": str(folder),
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 8,
        }
    )
    start = time.perf_counter()
    with app.app_context():
        db.create_all()
        counts = generate(args.candidates, args.seed, args.scorecards, args.interviewers)
        if db.engine.dialect.name == "postgresql":
            # Statistics, as autovacuum would gather in time: without them, right after
            # the load, the planner chose a partial index over a key for the autosave.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
    elapsed = time.perf_counter() - start
    print(", ".join(f"{n:,} {name}" for name, n in counts.items()) + f" in {elapsed:.1f} s")
    print(f"database: {uri}")


if __name__ == "__main__":
    main()

"""Pages at scale: the dashboards, the candidate list and its search, the candidate
picker, a candidate page and a debrief, with 2,000 candidates and 100,000 scorecards,
against the same pages with 20 candidates. The debrief and candidate page are of a
candidate with the same shape in both (two interviews, all scorecards submitted).

Then the two pages that read every rating by design, and so grow with the data: the
comparison of a kit's candidates (the kit with the most scorecards) and calibration.
Last, an autosave in-process, which should cost the same at every size.

Run: .venv/bin/python -m bench.bench_pages [--quick]
"""

import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import func, select

from bench.common import csrf_of, main_for, result
from bench.generate import generate
from hiring import create_app
from hiring.auth.models import Role, User
from hiring.debrief import figures
from hiring.extensions import db
from hiring.interviews.models import IS_OPEN, Candidate, Interview, Scorecard
from hiring.kits.models import KitVersion


def build(candidates: int, scorecards: int):
    folder = Path(tempfile.mkdtemp(prefix=f"bench-pages-{candidates}-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'pages.db'}",
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(folder),
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 8,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        counts = generate(candidates, seed=11, scorecards=scorecards)
        # What the task worker does after the last submission: the figures kept ready.
        figures.refresh()
    return app, counts


def client_of(app, user_id: int):
    with app.app_context():
        session_id = db.session.get(User, user_id).get_id()
    client = app.test_client()
    now = time.time()
    with client.session_transaction() as session:
        session.update({"_user_id": session_id, "signed_in_at": now, "seen_at": now})
    return client


def subjects(app) -> dict:
    """The users and the candidate the pages are read for: the one with the fewest rounds
    (two, where there is one) whose scorecards are all in."""
    with app.app_context():
        manager = db.session.scalar(select(User.id).where(User.role == Role.MANAGER))
        busiest = db.session.execute(
            select(Scorecard.interviewer_id, func.count())
            .group_by(Scorecard.interviewer_id)
            .order_by(func.count().desc())
            .limit(1)
        ).first()[0]
        rounds = func.count(func.distinct(Interview.id))
        shape = (
            select(Interview.candidate_id)
            .join(Scorecard, Scorecard.interview_id == Interview.id)
            .group_by(Interview.candidate_id)
            .having(rounds >= 2, func.count(Scorecard.submitted_at) == func.count(Scorecard.id))
            .order_by(rounds, Interview.candidate_id)
            .limit(1)
        )
        candidate = db.session.get(Candidate, db.session.scalar(shape))
        kit = db.session.scalar(
            select(KitVersion.kit_id)
            .join(Interview, Interview.kit_version_id == KitVersion.id)
            .join(Scorecard, Scorecard.interview_id == Interview.id)
            .group_by(KitVersion.kit_id)
            .order_by(func.count().desc(), KitVersion.kit_id)
            .limit(1)
        )
        return {
            "kit": kit,
            "manager": manager,
            "interviewer": busiest,
            "candidate": candidate.id,
            # The candidate's whole name: one match, the same page at every size.
            "query": quote(candidate.name),
        }


def pages(s: dict) -> list[tuple[str, str, str]]:
    return [
        ("dashboard, manager", "manager", "/"),
        ("dashboard, busiest interviewer", "interviewer", "/"),
        ("candidate list", "manager", "/candidates/"),
        ("candidate list, search", "manager", f"/candidates/?q={s['query']}"),
        ("candidate picker", "manager", f"/candidates/options.json?q={s['query']}"),
        ("candidate page", "manager", f"/candidates/{s['candidate']}"),
        ("debrief", "manager", f"/candidates/{s['candidate']}/debrief"),
    ]


def analytics(s: dict) -> list[tuple[str, str, str]]:
    return [
        ("kit comparison", "manager", f"/kits/{s['kit']}/compare"),
        ("calibration", "manager", "/calibration"),
    ]


def medians(apps: list, rounds: int, which=pages) -> list[dict[str, float]]:
    """Each page's median time in each app. The apps take turns, a request each, so that
    the machine's drift (this VM's speed wanders by half within minutes) falls on all
    sizes alike and the ratios hold."""
    readers = []
    for app in apps:
        s = subjects(app)
        clients = {role: client_of(app, s[role]) for role in ("manager", "interviewer")}
        readers.append([(name, clients[role], url) for name, role, url in which(s)])
    out = [{} for _ in apps]
    for row in zip(*readers, strict=True):
        samples = [[] for _ in apps]
        for _, client, url in row:
            for _ in range(2):
                assert client.get(url).status_code == 200, url
        for _ in range(rounds):
            for at, (_, client, url) in enumerate(row):
                start = time.perf_counter()
                response = client.get(url)
                samples[at].append(time.perf_counter() - start)
                assert response.status_code == 200, url
        for at, (name, _, _) in enumerate(row):
            out[at][name] = statistics.median(samples[at]) * 1000
    return out


def save_median(app, rounds: int) -> float:
    """The median autosave of one note, in-process, on the first open scorecard."""
    with app.app_context():
        scorecard = db.session.scalars(
            select(Scorecard)
            .join(Interview)
            .where(IS_OPEN, Interview.cancelled_at.is_(None))
            .order_by(Scorecard.id)
        ).first()
        sid, base = scorecard.id, scorecard.version
        field = f"item:{scorecard.interview.kit_version.items[0].id}:notes"
        client = client_of(app, scorecard.interviewer_id)
    live = client.get(f"/scorecards/{sid}").get_data(as_text=True)
    token = csrf_of(live)
    samples = []
    for n in range(rounds):
        start = time.perf_counter()
        response = client.post(
            f"/scorecards/{sid}/save",
            json={"base": base, "changes": {field: f"Note {n}"}},
            headers={"X-CSRFToken": token},
        )
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.get_data(as_text=True)
        base = response.get_json()["version"]
    return statistics.median(samples) * 1000


def benchmarks(quick: bool) -> list[dict]:
    rounds = 20 if quick else 40
    small_app, small = build(20, 0)
    # Lists are bounded: once a page's lists are full (here from about 200 candidates), more
    # data should cost nothing. The 20-candidate page shows fewer rows than a full one.
    middle_app, middle = build(200, 10_000)
    large_app, large = build(2_000, 100_000)
    print(f"  small: {small}\n  middle: {middle}\n  large: {large}")
    for label, app in (("small", small_app), ("middle", middle_app), ("large", large_app)):
        s = subjects(app)
        rows = client_of(app, s["interviewer"]).get("/").get_data(as_text=True).count("list-title")
        print(f"  {label}: the busiest interviewer's dashboard shows {rows} rows")
    base, mid, big = medians([small_app, middle_app, large_app], rounds)
    size = f"{large['candidates']:,} candidates, {large['scorecards']:,} scorecards"
    midsize = f"{middle['candidates']} candidates, {middle['scorecards']:,} scorecards"
    results = []
    for name in base:
        results.append(
            result(f"{name}, median, {size}", big[name], "ms", "20 candidates", base[name])
        )
        results.append(result(f"{name}, median, {size}", big[name], "ms", midsize, mid[name]))
    # A few rounds: these take seconds at the large size.
    base, big = medians([small_app, large_app], 3, analytics)
    for name in base:
        results.append(
            result(f"{name}, median, {size}", big[name], "ms", "20 candidates", base[name])
        )
    saves = 200 if quick else 1000
    base, mid, big = (save_median(app, saves) for app in (small_app, middle_app, large_app))
    name = f"autosave of one note, in-process, median, {size}"
    results.append(result(name, big, "ms", "20 candidates", base))
    results.append(result(name, big, "ms", midsize, mid))
    return results


if __name__ == "__main__":
    main_for(benchmarks)

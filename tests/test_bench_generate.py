"""The data generator behind the page benchmarks: varied, realistic data that the app
can go on adding to, on SQLite and PostgreSQL."""

from sqlalchemy import func, select

from bench.generate import generate
from hiring.extensions import db
from hiring.interviews.models import Candidate, ItemNote, Rating, Scorecard
from hiring.interviews.operations import save_candidate


def count(*criteria, of=Scorecard.id) -> int:
    return db.session.scalar(select(func.count(of)).where(*criteria))


def test_generated_data_is_varied_and_the_app_adds_to_it(app):
    with app.app_context():
        counts = generate(12, seed=3, scorecards=150)
        assert counts["candidates"] == count(of=Candidate.id) == 12
        assert counts["scorecards"] == count() > 100
        assert counts["submitted"] == count(Scorecard.submitted_at.is_not(None))
        assert 0 < counts["drafts"] < counts["submitted"]
        # Kits with two versions each, all in use; every rating on its scale.
        assert db.session.scalar(select(func.count(func.distinct(Scorecard.kit_version_id)))) >= 3
        assert count(Rating.value.is_(None), of=Rating.scorecard_id) == 0
        # Notes of realistic length, and not all alike.
        notes = db.session.scalars(select(ItemNote.notes)).all()
        assert sum(map(len, notes)) / len(notes) > 40 and len(set(notes)) > 20
        # The ids were given: the app's next candidate still gets a free one.
        added = save_candidate(
            None, name="Ada Example", email="ada@example.org", role="Support", source="", notes=""
        )
        db.session.commit()
        assert added.id == 13

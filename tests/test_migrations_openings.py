"""The openings migration, from a database made by the previous head with data in it:
each role with interviews becomes an open opening with a plan of the kits it used, each
candidate an application, interviews and decisions move to it; nothing is lost."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import select

from hiring import create_app
from hiring.extensions import db
from hiring.interviews.models import Application, Candidate, Interview, Rating, Scorecard
from hiring.openings.coverage import coverage
from hiring.openings.models import Opening, OpeningStatus
from tests.test_migrations import empty_database  # noqa: F401  the same two databases

PREVIOUS_HEAD = "366ebe89632b"
T0 = datetime(2026, 11, 2, 9, 0)


def _old_data(conn) -> None:
    """Two roles (one written twice with other spacing and case), a candidate with no
    role, one with no interview, two kits, a cancelled interview, ratings, decisions."""
    meta = sa.MetaData()
    meta.reflect(conn)
    t = meta.tables

    def put(table, *rows):
        conn.execute(t[table].insert(), list(rows))

    put(
        "users",
        *[
            dict(
                id=i,
                email=f"u{i}@example.com",
                name=f"User {i}",
                role=role,
                password_hash="x",
                active=True,
                created_at=T0,
                session_token=f"t{i}",
            )
            for i, role in ((1, "admin"), (2, "manager"), (3, "interviewer"), (4, "interviewer"))
        ],
    )
    put(
        "competencies",
        *[
            dict(id=i, name=name, key=name.lower(), description="", created_at=T0)
            for i, name in ((1, "Problem solving"), (2, "Communication"), (3, "Ownership"))
        ],
    )
    put(
        "kits",
        dict(id=1, title="Screen", role="", created_at=T0),
        dict(id=2, title="Systems design", role="", created_at=T0),
    )
    put(
        "kit_versions",
        *[
            dict(
                id=v,
                kit_id=k,
                number=n,
                purpose="",
                duration_minutes=45,
                briefing="",
                created_at=T0,
                lock=0,
                published_at=T0,
                recommendation_points=4,
            )
            for v, k, n in ((1, 1, 1), (2, 2, 1), (3, 1, 2))
        ],
    )
    put(
        "kit_competencies",
        *[
            dict(id=i, kit_version_id=v, competency_id=c, position=p, anchors={})
            for i, v, c, p in ((1, 1, 2, 0), (2, 2, 1, 0), (3, 2, 3, 1), (4, 3, 2, 0))
        ],
    )
    put(
        "scale_points",
        *[dict(kit_version_id=v, value=n, label=str(n)) for v in (1, 2, 3) for n in (1, 2, 3, 4)],
    )
    put(
        "candidates",
        *[
            dict(
                id=i,
                name=f"Candidate {i}",
                email="",
                role=role,
                source="",
                notes="",
                created_at=T0 + timedelta(hours=i),
            )
            for i, role in (
                (1, "Backend engineer"),
                (2, " backend ENGINEER "),
                (3, ""),
                (4, "Designer"),
                (5, "Backend engineer"),
            )
        ],
    )
    # candidate, kit version, days after T0, cancelled
    held = [(1, 1, 1, False), (1, 2, 3, False), (2, 3, 2, False), (3, 2, 4, False), (4, 1, 5, True)]
    put(
        "interviews",
        *[
            dict(
                id=n,
                candidate_id=c,
                kit_version_id=v,
                scheduled_at=T0 + timedelta(days=d),
                location="",
                created_at=T0,
                created_by_id=2,
                duration_minutes=45,
                cancelled_at=T0 if cancelled else None,
                sequence=0,
                link="",
                cancel_reason="",
            )
            for n, (c, v, d, cancelled) in enumerate(held, start=1)
        ],
    )
    put(
        "scorecards",
        *[
            dict(
                id=n,
                interview_id=n,
                kit_version_id=v,
                interviewer_id=3 + n % 2,
                summary=f"Summary {n}",
                version=2,
                created_at=T0,
                scheduled_at=T0,
                recommendation_changed_after_panel=False,
                timer_seconds=0,
                submitted_at=T0,
                recommendation="yes",
            )
            for n, (c, v, d, cancelled) in enumerate(held, start=1)
        ],
    )
    put(
        "ratings",
        dict(
            scorecard_id=2,
            kit_competency_id=2,
            kit_version_id=2,
            value=3,
            not_assessed=False,
            evidence="Split the service cleanly",
            changed_after_panel=False,
        ),
        dict(
            scorecard_id=2,
            kit_competency_id=3,
            kit_version_id=2,
            value=4,
            not_assessed=False,
            evidence="Owned the outage",
            changed_after_panel=False,
        ),
    )
    put(
        "decisions",
        dict(id=1, candidate_id=1, outcome="Advance", rationale="Strong design", decided_at=T0),
        dict(id=2, candidate_id=5, outcome="Hold", rationale="No interview yet", decided_at=T0),
    )


def test_roles_with_interviews_become_openings(empty_database, tmp_path):  # noqa: F811
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": empty_database,
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    with app.app_context():
        upgrade(revision=PREVIOUS_HEAD)
        with db.engine.begin() as conn:
            _old_data(conn)
            before = {
                table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("candidates", "interviews", "scorecards", "ratings", "decisions")
            }
        upgrade()
        with db.engine.connect() as conn:
            after = {
                table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
                for table in before
            }
        assert after == before  # nothing lost (an SQLite table copy cascades no delete)

        openings = {o.title: o for o in db.session.scalars(select(Opening))}
        # Spacing and case do not split a role; no role is named as such.
        assert set(openings) == {"Backend engineer", "Role not recorded", "Designer"}
        backend = openings["Backend engineer"]
        assert backend.status is OpeningStatus.OPEN
        # A stage per kit, in the order first used; the latest version used is planned.
        assert [s.name for s in backend.stages] == ["Screen", "Systems design"]
        screen, design = backend.planned
        assert screen.kit_version_id == 3 and design.kit_version_id == 2
        assert [a.name for a in design.focus] == ["Problem solving", "Ownership"]
        assert [m.user_id for m in backend.members if m.role.value == "hiring manager"] == [2]
        # Every kit competency is a must-have focused on once: the gaps are named.
        assert len(coverage(backend).gaps) == 3

        apps = {
            a.candidate_id: a
            for a in db.session.scalars(select(Application).where(Application.opening == backend))
        }
        # Candidate 5 has no interview, but the role: an application at the first stage.
        assert set(apps) == {1, 2, 5}
        assert apps[1].stage.name == "Systems design"
        assert apps[2].stage.name == "Screen" and apps[5].stage.name == "Screen"
        assert all(a.moves[0].action == "applied" for a in apps.values())
        interviews = db.session.scalars(select(Interview).order_by(Interview.id)).all()
        assert all(i.application_id is not None for i in interviews)
        assert interviews[1].planned.title == "Systems design"
        assert interviews[1].application.candidate_id == 1
        decisions = db.session.execute(
            sa.text("SELECT candidate_id, application_id FROM decisions ORDER BY id")
        ).all()
        assert decisions == [(1, apps[1].id), (5, apps[5].id)]
        # A sample field by field: the rated scorecard is as it was.
        card = db.session.get(Scorecard, 2)
        assert (card.summary, card.recommendation.value, card.interviewer_id) == (
            "Summary 2",
            "yes",
            3,
        )
        ratings = db.session.scalars(
            select(Rating).where(Rating.scorecard_id == 2).order_by(Rating.kit_competency_id)
        ).all()
        assert [(r.value, r.evidence) for r in ratings] == [
            (3, "Split the service cleanly"),
            (4, "Owned the outage"),
        ]
        assert db.session.get(Candidate, 2).role == " backend ENGINEER "
        db.session.remove()
        db.engine.dispose()


def test_an_empty_database_gets_no_opening(tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e.db'}",
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    with app.app_context():
        upgrade()
        assert db.session.scalar(select(sa.func.count()).select_from(Opening)) == 0
        db.session.remove()
        db.engine.dispose()

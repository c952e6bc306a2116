"""Backups taken while the app writes, restored and checked; the retention rule."""

import sqlite3
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hiring import create_app
from hiring.audit.models import AuditEvent
from hiring.extensions import db, utcnow
from hiring.interviews.models import Candidate, Interview, Scorecard
from tests.scoring import make_panel


@pytest.fixture
def sqlite_app(tmp_path):
    """An app on its own SQLite file, whatever database the suite runs on."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.db'}",
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_backup_taken_during_writes_is_consistent_and_restores(sqlite_app, tmp_path):
    stop = threading.Event()
    written = []

    def write():
        with sqlite_app.app_context():
            while not stop.is_set():
                for _ in range(20):
                    db.session.add(
                        AuditEvent(actor_label="writer", action="test.write", subject_type="t")
                    )
                db.session.commit()
                written.append(20)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while sum(written) < 200:
            threading.Event().wait(0.01)
        result = sqlite_app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.db")])
        before_stop = sum(written)
    finally:
        stop.set()
        writer.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output

    copy = sqlite3.connect(tmp_path / "b.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = copy.execute("SELECT count(*) FROM audit_events").fetchone()[0]
    copy.close()
    # Whole transactions only: a multiple of 20, taken while writes went on.
    assert rows % 20 == 0 and 200 <= rows <= sum(written)
    assert before_stop <= sum(written)

    restored = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'b.db'}",
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path / "restored"),
        }
    )
    with restored.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == rows
        db.engine.dispose()


def test_backup_refuses_to_overwrite_and_names_pg_dump_elsewhere(sqlite_app, app, tmp_path):
    target = tmp_path / "exists.db"
    target.write_bytes(b"")
    result = sqlite_app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and "exists" in result.output
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "pg.db")])
        assert result.exit_code != 0 and "pg_dump" in result.output


def test_retention_deletes_only_candidates_untouched_for_long(app, runner, users, make_question):
    old = make_panel(
        app,
        make_question,
        [users["interviewer"]],
        hours_ago=24 * 400,
        candidate="Old Olga",
        kit_title="Old kit",
    )
    recent = make_panel(
        app,
        make_question,
        [users["interviewer"]],
        hours_ago=24 * 10,
        candidate="Recent Rita",
        kit_title="New kit",
    )
    with app.app_context():
        for candidate_id in (old.candidate_id, recent.candidate_id):
            db.session.get(Candidate, candidate_id).created_at = utcnow() - timedelta(days=500)
        db.session.commit()

    dry = runner.invoke(args=["purge-candidates", "--older-than", "365", "--dry-run"])
    assert dry.exit_code == 0 and "1 candidate(s) would be deleted" in dry.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Candidate)) == 2

    done = runner.invoke(args=["purge-candidates", "--older-than", "365"])
    assert done.exit_code == 0 and "1 candidate(s) were deleted" in done.output
    with app.app_context():
        assert db.session.scalars(select(Candidate.name)).all() == ["Recent Rita"]
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Interview)
                .where(Interview.candidate_id == old.candidate_id)
            )
            == 0
        )
        assert db.session.get(Scorecard, old.scorecards[users["interviewer"].id]) is None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "candidate.delete"))
        assert event.details["reason"] == "retention: 365 days" and "Olga" not in str(event.details)

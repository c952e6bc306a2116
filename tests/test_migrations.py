"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect

from bench.common import pg_scratch
from hiring import create_app
from hiring.extensions import db, not_in_models

PG_URL = os.environ.get("HIRING_TEST_DATABASE_URL", "")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL runs when HIRING_TEST_DATABASE_URL is set (CI's second run)")
    with pg_scratch(PG_URL, f"hiring_migrations_{uuid.uuid4().hex[:8]}") as uri:
        yield uri


def test_upgrade_builds_the_schema_the_models_describe(empty_database, tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": empty_database,
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_name": not_in_models}
            )
            differences = compare_metadata(context, db.metadata)
            tables = set(inspect(conn).get_table_names())
        db.engine.dispose()
    assert differences == []
    assert {"users", "questions", "kit_versions", "scorecards", "ratings"} <= tables


def test_db_upgrade_command_on_an_empty_sqlite_file(tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'cli.db'}",
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert "scorecards" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_the_tests_refuse_a_database_the_app_uses(tmp_path):
    """Pointed at an app's own database, the suite stops before touching it."""
    if not PG_URL:
        pytest.skip("PostgreSQL runs when HIRING_TEST_DATABASE_URL is set (CI's second run)")
    import subprocess
    import sys

    with pg_scratch(PG_URL, f"hiring_app_{uuid.uuid4().hex[:8]}") as uri:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)}
        )
        with app.app_context():
            upgrade()
            db.engine.dispose()
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "tests/test_inputs.py",
            ],
            env={**os.environ, "HIRING_TEST_DATABASE_URL": uri},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert run.returncode == 4, run.stdout[-2000:]
        assert "a database of their own" in run.stdout + run.stderr
        engine = create_engine(uri)
        try:
            with engine.connect() as conn:  # untouched
                assert "scorecards" in inspect(conn).get_table_names()
        finally:
            engine.dispose()

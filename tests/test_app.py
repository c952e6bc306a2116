import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from hiring import create_app
from hiring.config import database_uri
from hiring.extensions import db
from hiring.security import public


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("HIRING_OVERDUE_HOURS", "48")
    monkeypatch.setenv("HIRING_PAPER_SIZE", "Letter")
    monkeypatch.setenv("HIRING_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["OVERDUE_HOURS"] == 48
    assert app.config["PAPER_SIZE"] == "Letter"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'x.db'}"


def test_default_database_is_sqlite_in_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("HIRING_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'hiring.db'}"


def test_postgres_urls_use_psycopg3():
    assert database_uri("postgresql://u@h/d", "/x") == "postgresql+psycopg://u@h/d"
    assert database_uri("postgres://u@h/d", "/x") == "postgresql+psycopg://u@h/d"


def test_secret_key_is_generated_once_and_kept_private(monkeypatch, tmp_path):
    monkeypatch.delenv("HIRING_SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path)})
    second = create_app({"INSTANCE_PATH": str(tmp_path)})
    key_file = tmp_path / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) >= 64
    assert key_file.stat().st_mode & 0o077 == 0


def test_paper_size_must_be_known(tmp_path):
    with pytest.raises(ValueError, match="A4 or Letter"):
        create_app({"INSTANCE_PATH": str(tmp_path), "PAPER_SIZE": "A5"})


@pytest.mark.parametrize("nice", ["low", 20, -1, 5.0])
def test_the_worker_niceness_must_be_one(tmp_path, nice):
    with pytest.raises(ValueError, match="a niceness from 0 to 19"):
        create_app({"INSTANCE_PATH": str(tmp_path), "WORKER_NICE": nice})


def test_the_worker_niceness_is_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("HIRING_WORKER_NICE", "19")
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["WORKER_NICE"] == 19


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        assert db.engine.dialect.name == "sqlite"
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10000
        db.engine.dispose()


def test_security_headers_on_every_response(client, login, users):
    for url in ("/login", "/static/css/app.css", "/nope"):
        with client.get(url) as response:
            csp = response.headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp
            assert "frame-ancestors 'none'" in csp
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Referrer-Policy"] == "same-origin"


def test_unknown_url_is_a_404_page(client, login, users):
    login(users["manager"])
    r = client.get("/no/such/page")
    assert r.status_code == 404
    assert b"There is nothing at this address." in r.data
    assert b"Sign out" in r.data  # in the app's layout


def test_forbidden_page_is_a_403_page(client, login, users):
    login(users["interviewer"])
    r = client.get("/admin/users")
    assert r.status_code == 403
    assert b"You do not have access to this page." in r.data


def test_unexpected_error_is_a_500_page_without_traceback(app, client, login, users):
    @app.get("/boom")
    @public
    def boom():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    r = client.get("/boom")
    assert r.status_code == 500
    assert b"Something went wrong on our side" in r.data
    assert b"secret internals" not in r.data and b"Traceback" not in r.data


def test_json_clients_get_json_errors(client):
    r = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert r.status_code == 404
    assert r.get_json() == {"error": "There is nothing at this address.", "status": 404}


def test_static_files_and_favicon_are_served(client):
    for url in ("/static/css/app.css", "/favicon.ico"):
        with client.get(url) as response:
            assert response.status_code == 200


def test_templates_static_and_migrations_ship_in_the_wheel(tmp_path):
    """Build the wheel as a deployment would, and look inside it."""
    root = Path(__file__).parents[1]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(root),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("hiring-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "hiring/__init__.py",
        "hiring/questions/starter_bank.json",
        "hiring/templates/base.html",
        "hiring/templates/pdf/packet.html",
        "hiring/static/js/scorecard/main.js",
        "hiring/static/css/pdf.css",
        "hiring/migrations/env.py",
    ):
        assert expected in names, expected
    assert "hiring/static/fonts/Inter-Regular.otf" in names
    versions = {n for n in names if n.startswith("hiring/migrations/versions/")}
    assert versions == {
        f"hiring/migrations/versions/{p.name}" for p in (root / "migrations/versions").glob("*.py")
    }

"""The load test's short form: app servers under gunicorn autosaving with conflicting
tabs while packets export, then every accepted save checked against the database. On
SQLite with one server and a task worker; on PostgreSQL (CI's second run) with two
servers, the queue on Redis and a task worker."""

import os

import pytest

from bench import bench_load
from tests.conftest import PG_URL
from tests.test_tasks import REDIS_URL

SHORT = bench_load.Plan(seconds=3, max_requests=1_500, interviewers=3, exported=2)


def assert_nothing_lost(report: dict) -> None:
    assert report["problems"] == []
    assert report["accepted"] > 20 and report["refused_409"] > 0  # the tabs did conflict
    assert report["exports"] >= 1


def test_one_server_on_sqlite_loses_no_update():
    assert_nothing_lost(bench_load.run("sqlite", SHORT))


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL runs when HIRING_TEST_DATABASE_URL is set")
def test_two_servers_on_postgresql_lose_no_update():
    report = bench_load.run("postgresql", SHORT, pg_url=PG_URL, redis_url=REDIS_URL)
    assert report["servers"] == 2
    assert_nothing_lost(report)


def test_the_check_finds_a_lost_update(tmp_path):
    uri = f"sqlite:///{tmp_path / 'lost.db'}"
    bench_load.prepare(uri, tmp_path, bench_load.Plan(interviewers=1, exported=1))
    outcome = bench_load.Outcome()
    # A save answered 200 that the database does not hold.
    outcome.accepted.append((1, 1, {"item:1:notes": "words that were never stored"}))
    problems = bench_load.check(uri, outcome)
    assert any("versions [1]" in p for p in problems)
    assert any("stored value is not the last accepted" in p for p in problems)
    assert os.path.exists(tmp_path / "lost.db")
